/* print.h - headless output of events: text, JSON Lines or CSV.
 *
 * The JSON fields are the contract of DESIGN.md ("Headless contract"):
 * source, record, time, computer, event_id, outcome, user, domain, logon_id,
 * object_type, object_name, resolved_name, handle_id, process_id,
 * process_name, access_mask, accesses, open_record, close_record, plus a few
 * more (sid, object_server, share_name, ip_address, privileges, target
 * handle/process of 4690, decodable).  Text output is sanitised for the
 * terminal; JSON is valid UTF-8 (invalid bytes become U+FFFD). */
#ifndef OAVIEW_PRINT_H
#define OAVIEW_PRINT_H

#include <stdint.h>
#include <stdio.h>

#include "store.h"

enum print_format {
	PRINT_TEXT,
	PRINT_JSONL,
	PRINT_CSV,
};

struct printer {
	FILE *out;
	enum print_format format;
	int header_done;
};

/* "text", "jsonl" (or "json"), "csv"; returns -1 if unknown. */
int print_format_parse(const char *name);

/* Print one event.  Returns 0, or -1 when the output failed (e.g. the
 * reader of a pipe went away: errno says). */
int print_event(struct printer *p, const struct store *st, uint32_t index);

/* The pieces, for other writers (export, coverage): a JSON string (valid
 * UTF-8, controls escaped), a CSV cell (quoted, formula-guarded, followed by
 * ',' or a newline when last), and terminal-safe text (sanitize.h). */
void print_json_string(FILE *out, const char *s);
void print_csv_field(FILE *out, const char *s, int last);
void print_safe_text(FILE *out, const char *s);

#endif
