/* text_format.h - the parsers of single forwarded-text records.
 *
 * Each parser gets one complete record (syslog header already removed),
 * fills rec with the same names EVTX uses (SubjectUserName, HandleId, ...;
 * legacy 56x events with the names of legacy_layout.h) and allocates every
 * string it hands over in the arena.  Returns 1 when parsed, 0 when the text
 * is not this format (rec untouched in meaning: the caller clears it), -1
 * when it is this format but broken (err says where and why: the caller
 * names the file and line). */
#ifndef OAVIEW_TEXT_FORMAT_H
#define OAVIEW_TEXT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "record.h"

struct syslog_header {
	int present;
	int64_t time;             /* FILETIME, 0 if absent or year-less */
	const char *host;         /* in the arena, may be NULL */
	const char *tag;          /* program/tag, may be NULL */
};

/* Strip an RFC 3164 ("<14>Mmm dd hh:mm:ss HOST tag: ") or RFC 5424
 * ("<13>1 2024-01-01T00:00:00Z HOST APP PROCID MSGID SD ") header.  Returns
 * the offset of the message in line (0 when there is no header). */
size_t syslog_header_parse(const char *line, size_t len, struct syslog_header *h, struct arena *a);

/* Rendered Event XML (<Event ...>...</Event>, one line or many, single or
 * double quotes, Event Viewer's "- " prefixes); parsed with expat. */
int text_parse_xml(const char *text, size_t len, struct record *rec, struct arena *a,
		   char *err, size_t errlen);

/* NXLog JSON (EventData flattened to the top level) or Winlogbeat/ECS JSON
 * (winlog.event_data.*, winlog.event_id), parsed with jansson.  A document
 * {"events":[...]} holding several events is handled by
 * text_parse_json_each. */
int text_parse_json(const char *text, size_t len, struct record *rec, struct arena *a,
		    char *err, size_t errlen);
int text_parse_json_each(const char *text, size_t len, struct arena *a,
			 int (*each)(void *ctx, struct record *rec), void *ctx,
			 char *err, size_t errlen);

/* Snare MSWinEventLog, tab-separated (tabs may arrive as #011). */
int text_parse_snare(const char *text, size_t len, struct record *rec, struct arena *a,
		     char *err, size_t errlen);

/* evtsys: "Security-Auditing: 4663: AUDIT_SUCCESS ..." with whitespace
 * collapsed. */
int text_parse_evtsys(const char *text, size_t len, struct record *rec, struct arena *a,
		      char *err, size_t errlen);

/* Rendered message text: legacy "Object Open:" / "Object Access Attempt:"
 * / "Handle Closed:" blocks of 560-567 and `wevtutil qe /f:text` blocks. */
int text_parse_message(const char *text, size_t len, struct record *rec, struct arena *a,
		       char *err, size_t errlen);

/* Message text labels ("Handle ID", "Object Name", "Accesses", ...) to the
 * data names records use; NULL if the label is not known.  Shared by the
 * Snare, evtsys and message parsers, whose payload is rendered text. */
const char *text_label_name(uint32_t event_id, const char *label, size_t len);

/* --- Rendered message text, shared by the Snare, evtsys and message parsers
 * (added with text_labels.c and format_message.c).
 *
 * Windows renders an event as "Label: value" lines grouped under section
 * headings ("Subject:", "Object:", ...); forwarders often collapse all its
 * whitespace into single spaces.  What a label means can depend on its
 * section: in 4690 "Handle ID"/"Process ID" under "Source Handle
 * Information:" are the source's, under "New Handle Information:" the
 * target's, and in 4624 the "Account Name" under "New Logon:" is not the
 * subject.  So labels are looked up together with their section, and the
 * parser keeps track of the section it is in. */

enum text_section {
	TEXT_SECTION_NONE = 0,        /* before any heading; legacy texts have none */
	TEXT_SECTION_SUBJECT,         /* "Subject:" */
	TEXT_SECTION_OBJECT,          /* "Object:" */
	TEXT_SECTION_PROCESS,         /* "Process Information:", 4670 "Process:" */
	TEXT_SECTION_ACCESS_REQUEST,  /* "Access Request Information:" */
	TEXT_SECTION_NETWORK,         /* 5140/5145 "Network Information:" */
	TEXT_SECTION_SHARE,           /* 5140/5145 "Share Information:" */
	TEXT_SECTION_SOURCE_HANDLE,   /* 4690 "Source Handle Information:" */
	TEXT_SECTION_NEW_HANDLE,      /* 4690 "New Handle Information:" */
	TEXT_SECTION_PERMISSIONS,     /* 4670 "Permissions Change:" */
	TEXT_SECTION_OTHER,           /* a heading of another event ("New Logon:") */
};

/* The data name of label under section, or NULL when the label is not known
 * there.  text_label_name(id, label, len) is this with TEXT_SECTION_NONE. */
const char *text_label_name_in(uint32_t event_id, enum text_section section,
			       const char *label, size_t len);

/* A label or heading found at the start of some text. */
struct text_label_hit {
	size_t label_len;             /* the label itself, e.g. 9 for "Handle ID" */
	size_t total_len;             /* through the colon ("Subject :" has a blank) */
	int heading;                  /* 1: a section heading or a message title */
	enum text_section section;    /* for a heading: the section it opens */
};

/* Does text start with a label or heading the message texts use (longest
 * match, case ignored), followed by optional blanks and a colon?  Also true
 * for labels that map to no data name ("Source Port"): they still end the
 * value before them.  Returns 1 and fills hit, or 0. */
int text_label_at(const char *text, size_t len, struct text_label_hit *hit);

/* The event id a message's first line names: a legacy title ("Object Open:"
 * 560, "Object Access Attempt:" 567, ...) or a modern one ("An attempt was
 * made to access an object." 4663, ...); 0 if none.  line need not be a
 * whole line: the title is matched at its start. */
uint32_t text_title_event_id(const char *line, size_t len);

/* Read the labels of rendered message text, one line or many, whitespace
 * collapsed or not, into rec as data pairs (strings in the arena), tracking
 * sections.  A value ends where the next known label begins or at the end of
 * its line; lines with no label continue a multi-line value (Accesses,
 * Access Reasons, Privileges), joined with '\n'.  Legacy "{0,251509}"
 * operation ids become OperationId and OperationIdLow as in EVT records.
 * Returns the number of pairs added, or -1 when the arena ran out. */
int text_message_labels(uint32_t event_id, const char *text, size_t len,
			struct record *rec, struct arena *a);

#endif
