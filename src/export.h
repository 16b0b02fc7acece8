/* export.h - writing results to files safely, and the object-activity
 * printer.
 *
 * A file is never written in place: export_open creates a temporary file
 * next to the target ("PATH.XXXXXX", same directory so the final rename
 * cannot cross file systems), the caller writes to its stream, and
 * export_commit flushes, fsyncs and renames it over PATH.  On any error
 * (disk full, quota, permission, I/O) the temporary file is removed and
 * PATH is left as it was (absent, or with its old content): a reader never
 * sees a partial file.  Messages are one line naming the file and the
 * reason.
 *
 * export_view writes event rows (CSV or JSON Lines, the --print formats of
 * print.c); export_objects writes the object activity; objects_print is
 * the same printer on any stream (--summary: text, jsonl or csv). */
#ifndef OAVIEW_EXPORT_H
#define OAVIEW_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "objects.h"
#include "print.h"
#include "store.h"

struct export_file;

/* Create the temporary file for path.  Returns NULL with a message in err
 * when it cannot be created (directory missing or not writable, path is a
 * directory, ...). */
struct export_file *export_open(const char *path, char *err, size_t errlen);

/* The stream to write to. */
FILE *export_stream(struct export_file *f);

/* Note a failed write now, while errno still says why (callers that write
 * through their own code call this when ferror() turns true).  Returns -1
 * if the stream is in error, 0 otherwise. */
int export_check(struct export_file *f);

/* Flush, fsync, close and rename over the target.  Returns 0, or -1 with a
 * message in err (the temporary file is removed; the target is untouched).
 * Frees f either way. */
int export_commit(struct export_file *f, char *err, size_t errlen);

/* Give up: close and remove the temporary file, free f. */
void export_abort(struct export_file *f);

/* Write the given event rows (store indexes, e.g. a view's rows) to path in
 * format (PRINT_CSV, PRINT_JSONL or PRINT_TEXT).  Returns 0 or -1 with err. */
int export_view(const char *path, enum print_format format, const struct store *st,
		const uint32_t *rows, size_t nrows, char *err, size_t errlen);

/* Write the object activity to path (see objects_print).  Returns 0 or -1
 * with err. */
int export_objects(const char *path, enum print_format format, const struct store *st,
		   struct object_index *idx, char *err, size_t errlen);

/* Print the object activity: one block (text), object (jsonl) or row (csv)
 * per object, in idx->order when it is current (objects_sort), else sorted
 * by last time first.  Text is sanitised for the terminal.  Fields:
 * computer, object_type, object_name, first_time, last_time, events,
 * failed_events, verdicts, could_have, failed (verdict keys as
 * objects_verdict_key), users, failed_users, processes, ip_addresses,
 * renamed_to, renamed_from, sd_changes (record, old_sd, new_sd), records.
 * Returns 0, or -1 when the stream failed (errno says why). */
int objects_print(FILE *out, enum print_format format, const struct store *st,
		  struct object_index *idx);

#endif
