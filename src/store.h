/* store.h - the append-only event store.
 *
 * Events are appended as readers produce them and never move: everything
 * else (links, views, lifetimes) refers to them by index.  The store owns the
 * string pool, the list of source files and the handle lifetimes the
 * correlator builds.  It knows nothing of terminals or output formats. */
#ifndef OAVIEW_STORE_H
#define OAVIEW_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "names.h"
#include "record.h"
#include "strpool.h"

/* One handle lifetime: from an open to its close (or the end of the view).
 * Its events are chained through event.life_next in record order. */
struct handle_life {
	uint32_t open_ref;   /* the opening event (4656/560), or EVENT_NONE */
	uint32_t close_ref;  /* the closing event, or EVENT_NONE */
	uint32_t first_ref;  /* first event of the chain */
	uint32_t last_ref;
	uint32_t count;
	uint32_t parent;     /* for a duplicated handle: the source lifetime */
};

/* Events live in fixed blocks so that growing the store never copies it
 * (a doubling array would briefly need three times the memory). */
#define STORE_BLOCK_SHIFT 12
#define STORE_BLOCK_EVENTS (1u << STORE_BLOCK_SHIFT)

struct store {
	struct event **blocks;
	size_t nblocks;
	size_t blocks_cap;
	size_t count;
	struct strpool pool;
	char **sources;
	size_t nsources;
	struct handle_life *lives;
	size_t nlives;
	size_t lives_cap;
	const struct volume_map *volumes; /* borrowed, may be NULL */
	int keep_all;              /* keep events that are not object access */
	uint64_t records_seen;     /* every record handed to store_append */
	uint64_t not_decodable;
};

void store_init(struct store *st);
void store_free(struct store *st);

/* Register a source file; returns its index, or -1 on allocation failure. */
int store_add_source(struct store *st, const char *path);

/* Turn a record into an event and append it.  Returns the new index,
 * EVENT_NONE when the record was filtered out (not object access and
 * !keep_all), or sets *oom and returns EVENT_NONE on allocation failure. */
uint32_t store_append(struct store *st, const struct record *rec, uint16_t source,
		      int *oom);

/* A text field of an event; "" when absent. */
const char *store_str(const struct store *st, const struct event *ev,
		      enum event_str field);

/* The name to show: the event's own object name, else its opener's, else
 * the 5145 share path.  *from_open (may be NULL) tells which.  Returns ""
 * when nothing is known.  buf holds a joined share path when needed. */
const char *store_resolved_name(const struct store *st, uint32_t index,
				int *from_open, char *buf, size_t buflen);

static inline struct event *store_event(const struct store *st, uint32_t index)
{
	return &st->blocks[index >> STORE_BLOCK_SHIFT][index & (STORE_BLOCK_EVENTS - 1)];
}

/* Bytes of memory held, for the bench's accounting. */
size_t store_bytes(const struct store *st);

#endif
