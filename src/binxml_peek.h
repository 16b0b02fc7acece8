/* binxml_peek.h - a cheap look into one EVTX record's binary XML.
 *
 * An EVTX record is a template instance: a template (shared by every record
 * of the same event definition, named by a GUID) plus an array of typed
 * substitution values.  Windows builds the System element the same way for
 * every provider, so the event id is substitution 3 (UInt16) and the
 * keywords substitution 5 (HexInt64), TimeCreated substitution 6
 * (FileTime) and EventRecordID substitution 10 (UInt64).  Reading them here lets the reader skip
 * libevtx's full parse (~25 us) for records that are not object access, and
 * gives the keywords, which libevtx's API does not expose.  This is not a
 * BinXML parser: anything that does not have exactly the expected shape is
 * reported as unknown and the caller falls back to libevtx. */
#ifndef OAVIEW_BINXML_PEEK_H
#define OAVIEW_BINXML_PEEK_H

#include <stddef.h>
#include <stdint.h>

struct binxml_peek {
	int has_guid;
	unsigned char guid[16];   /* template GUID */
	int has_event_id;
	uint32_t event_id;
	int has_keywords;
	uint64_t keywords;
	int has_time_created;
	int64_t time_created;     /* System/TimeCreated, FILETIME */
	int has_record_id;
	uint64_t record_id;       /* System/EventRecordID, as Event Viewer shows */
	uint32_t nvalues;         /* substitution values */
};

/* Keywords bits of audit events. */
#define KEYWORD_AUDIT_FAILURE 0x0010000000000000ull
#define KEYWORD_AUDIT_SUCCESS 0x0020000000000000ull

/* Peek at the record at chunk[record_offset .. +record_size).  Returns 1 if
 * the template GUID was found (other fields as their has_ flags say), 0 if
 * the record does not have the expected shape. */
int binxml_peek_record(const unsigned char *chunk, size_t chunk_len, size_t record_offset,
		       size_t record_size, struct binxml_peek *out);

#endif
