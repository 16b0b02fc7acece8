/* record.h - one record as a reader hands it over, before it enters the store.
 *
 * Every reader (EVTX, EVT, the text formats) fills a struct record: the
 * system fields it knows, and the event's data as name/value pairs in the
 * order the event carries them.  Names are the Windows schema names
 * (SubjectUserName, HandleId, ...) or, for legacy 56x events, the names of the
 * documented insertion-string layout (PrimaryUserName, ImageFileName, ...).
 * Strings are borrowed: they stay valid only until the sink returns. */
#ifndef OAVIEW_RECORD_H
#define OAVIEW_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define RECORD_MAX_DATA 64

enum outcome {
	OUTCOME_UNKNOWN = 0,
	OUTCOME_SUCCESS = 1,
	OUTCOME_FAILURE = 2,
};

enum record_flag {
	RECORD_NOT_DECODABLE = 1u << 0, /* header known, body not parsed */
	RECORD_LEGACY = 1u << 1,        /* EVT / pre-Vista layout */
	RECORD_RECOVERED = 1u << 2,
	RECORD_UNPARSED = 1u << 3,      /* a text line no format matched: the
					 * line is data "Line", kept visible */
};

struct record_data {
	const char *name;
	const char *value;
};

struct record {
	uint64_t number;      /* record number from the log; 0 = none */
	uint64_t sequence;    /* the reader's own order (EVTX: record header id) */
	int64_t time;         /* FILETIME: 100 ns ticks since 1601-01-01 UTC; 0 = unknown */
	uint32_t event_id;
	uint8_t outcome;      /* enum outcome */
	uint8_t flags;        /* enum record_flag */
	const char *computer; /* may be NULL */
	const char *channel;
	const char *provider;
	uint64_t raw_offset;  /* where the record's bytes start in its file */
	uint32_t raw_size;
	size_t ndata;
	struct record_data data[RECORD_MAX_DATA];
};

/* What a reader calls for each record and for each problem it meets.
 * record() returns 0 to go on, non-zero to stop reading (e.g. the output
 * pipe closed).  diag() gets one human-readable line naming file and place. */
struct record_sink {
	int (*record)(void *ctx, const struct record *rec);
	void (*diag)(void *ctx, const char *message);
	void *ctx;
};

/* Reset a record to "nothing known". */
void record_clear(struct record *rec);

/* Append a name/value pair; silently ignored past RECORD_MAX_DATA. */
void record_add(struct record *rec, const char *name, const char *value);

/* Value of the first pair called name, or NULL. */
const char *record_get(const struct record *rec, const char *name);

#endif
