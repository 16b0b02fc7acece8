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

#endif
