/* evtx_replay.h - a TEST-ONLY writer that replays real EVTX chunks the way
 * Windows writes a live log, to drive the EVTX tail (src/follow.c).
 *
 * It takes the sound chunks of sample files and writes their records into a
 * new file one at a time, as the event log service does:
 *   - the file header is written lazily and is stale: dirty flag set, chunk
 *     count and next record id behind the truth (until evtx_replay_sync);
 *   - the file grows in steps of zeroed chunks (16 = 1 MiB, as Windows);
 *   - a chunk is started by writing its header (first record id, free space
 *     at 512) and then its records, each at the offset it had in its sample
 *     chunk (templates and names are chunk-relative, so they stay valid);
 *   - a record's bytes go first; the chunk header's last-record fields,
 *     free-space offset and CRCs follow lazily (every header_every records),
 *     and some of those updates leave the header CRC wrong until the next;
 *   - some records are written in two steps (a torn write: the record
 *     header first, its body and trailing size copy at the next step);
 *   - when the file holds max_chunks chunks it wraps: chunk 0 is started
 *     again over the oldest records, optionally leaving those records in
 *     place behind the new ones.
 * Records are renumbered so ids run 1, 2, 3... across the whole replay: the
 * record header id (+8) and, where the record has the standard shape, the
 * EventRecordID substitution (index 10, UInt64) of its BinXML -- the same
 * layout src/binxml_peek.c reads.  Record times are left as they are. */
#ifndef OAVIEW_TEST_EVTX_REPLAY_H
#define OAVIEW_TEST_EVTX_REPLAY_H

#include <stddef.h>
#include <stdint.h>

struct evtx_replay_options {
	unsigned grow_chunks;       /* chunks added when the file is full; 0 = 16 (1 MiB) */
	unsigned max_chunks;        /* the log's size in chunks, then it wraps; 0 = never */
	unsigned header_every;      /* chunk header updated every N records; 0 = 1 */
	unsigned bad_crc_every;     /* every Nth header update has a wrong CRC; 0 = never */
	unsigned torn_every;        /* every Nth record is written in two steps; 0 = never */
	unsigned file_header_every; /* file header rewritten every N chunks started; 0 = 1 */
	int keep_stale;             /* a reused chunk keeps its old records behind the new */
};

struct evtx_replay;

/* Create (truncate) path and load the sound chunks of the samples.  Returns
 * NULL with a message in err when no sample has one or on I/O error. */
struct evtx_replay *evtx_replay_open(const char *path, const char *const *samples, size_t nsamples,
				     const struct evtx_replay_options *opt, char *err, size_t errlen);

/* Write the next piece: a record, or the first or second half of a torn
 * one (starting a chunk, growing the file or wrapping when due).  Returns 1
 * when a record became complete, 0 when half of one was written, -1 on a
 * write error. */
int evtx_replay_step(struct evtx_replay *r);

/* Id of the last complete record (0 before the first). */
uint64_t evtx_replay_last_id(const struct evtx_replay *r);

/* How many times the log wrapped to chunk 0. */
unsigned evtx_replay_wraps(const struct evtx_replay *r);

/* Chunks the file has room for now. */
unsigned evtx_replay_file_chunks(const struct evtx_replay *r);

/* Finish a torn record and bring the chunk and file headers up to date
 * (what the service does when the log is closed).  Returns 0 or -1. */
int evtx_replay_sync(struct evtx_replay *r);

/* Close the file and free r. */
void evtx_replay_close(struct evtx_replay *r);

#endif
