/* follow.h - following logs while they grow (tail -F for text, the
 * chunk-level tail of DESIGN.md for EVTX, re-open for EVT).
 *
 * follow_add reads what a file holds now, then remembers where it stopped;
 * each follow_poll delivers what was appended since.  Files are followed by
 * name: rotation (rename and create), truncation (copytruncate), deletion
 * and permission changes are noticed, reported in the source's status, and
 * reading resumes when the file comes back.  No record is delivered twice
 * and none is skipped.  inotify is used where available, with a poll
 * fallback. */
#ifndef OAVIEW_FOLLOW_H
#define OAVIEW_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct follow;

/* What a source delivers: records and one-line diagnostics, with the
 * source number given to follow_add.  record() returns non-zero to stop. */
struct follow_sink {
	int (*record)(void *ctx, uint16_t source, const struct record *rec);
	void (*diag)(void *ctx, uint16_t source, const char *message);
	void *ctx;
};

struct follow *follow_new(const struct follow_sink *sink, int keep_all, int threads);
void follow_free(struct follow *f);

/* Make follow_add's first read of an EVTX file deliver its newest chunks
 * first (each batch still in record order), as a viewer loading in the
 * background wants; later records still come in order. */
void follow_set_newest_first(struct follow *f, int on);

/* Read path's present content and start following it.  Returns 0, or -1
 * with a one-line message naming the file in err (the file cannot be read
 * at all and is not followed). */
int follow_add(struct follow *f, const char *path, uint16_t source, char *err, size_t errlen);

/* Wait up to timeout_ms for a change (0: do not wait), then deliver every
 * record appended since the last call.  Returns the number of records
 * delivered, or -1 when the sink asked to stop. */
int follow_poll(struct follow *f, int timeout_ms);

/* A descriptor that becomes readable when some source may have changed
 * (inotify), or -1 when only polling works; a UI adds it to its wait and
 * calls follow_poll(f, 0) when it fires, and at least every
 * FOLLOW_POLL_MS anyway. */
int follow_fd(const struct follow *f);
#define FOLLOW_POLL_MS 250

/* One short line for a status bar: "following", "waiting for the file to
 * come back (deleted)", "permission denied", ... */
const char *follow_status(const struct follow *f, uint16_t source);

#endif
