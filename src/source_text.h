/* source_text.h - text logs that Windows events are forwarded into.
 *
 * Bytes go in as they arrive (a whole file, or appended data while
 * following); complete records come out through the sink.  A record is a
 * line, or several lines for multi-line XML, pretty-printed JSON and
 * rendered message blocks; a partial last line is held until its newline
 * arrives.  Each record is detected on its own (formats may mix in one file),
 * after an optional RFC 3164 / RFC 5424 syslog header, and parsed by one of
 * the parsers of text_format.h.  A line no format matches is delivered as a
 * record flagged RECORD_UNPARSED with its text as data "Line" and counted.
 * Formats with no record number get the 1-based line number of the record's
 * first line as record number (DESIGN.md, Correlation).
 *
 * Parsing may run on helper threads (a feed that brings many records is
 * parsed in batches, in parallel), but records and diagnostics always reach
 * the sink on the caller's thread, in input order, and every complete record
 * a feed brings is delivered before text_source_feed returns. */
#ifndef OAVIEW_SOURCE_TEXT_H
#define OAVIEW_SOURCE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct text_source;

struct text_stats {
	uint64_t lines;        /* complete lines consumed */
	uint64_t records;      /* records delivered (parsed) */
	uint64_t unparsed;     /* lines delivered as unparsed */
	uint64_t bytes;        /* bytes consumed */
	uint64_t batches;      /* batches handed to helper threads */
};

/* path names the source in diagnostics ("FILE:LINE: ..."). */
struct text_source *text_source_new(const char *path, int keep_all, const struct record_sink *sink);
void text_source_free(struct text_source *ts);

/* Threads that may parse (the caller's included): 0 = the number of CPUs
 * (at most 8), 1 = parse on the caller's thread only.  Set before the
 * first feed. */
void text_source_set_threads(struct text_source *ts, int threads);

/* Feed the next bytes.  Returns 0, or 1 when the sink asked to stop. */
int text_source_feed(struct text_source *ts, const char *data, size_t len);

/* The input ended (or following stopped): parse what is held, including
 * an unterminated last line.  Returns 0 or 1 as above. */
int text_source_finish(struct text_source *ts);

/* Forget any held partial data (the file was truncated or replaced) and
 * continue line counting from line_number. */
void text_source_reset(struct text_source *ts, uint64_t line_number);

const struct text_stats *text_source_stats(const struct text_source *ts);

/* Read a whole file.  Returns 0, -1 with err ("FILE: cannot open: ...") or
 * 1 when the sink asked to stop. */
int text_read_file(const char *path, int keep_all, const struct record_sink *sink,
		   char *err, size_t errlen);
/* The same with threads as text_source_set_threads. */
int text_read_file_threads(const char *path, int keep_all, int threads, const struct record_sink *sink,
			   char *err, size_t errlen);

#endif
