/* correlate.h - handle lifetimes: which open and which close each event
 * belongs to.
 *
 * Rules (DESIGN.md, "Correlation"): key = (computer, process id, handle id);
 * events are fed in record order per computer.  A successful open (4656/560,
 * handle != 0) starts a lifetime; an operation, delete, permission change or
 * close with that key joins the most recent live lifetime of the key; a close
 * ends it (handle ids are reused).  A second open of a live key starts a new
 * lifetime (the old close was not audited).  4690 joins the source handle's
 * lifetime and gives the target handle a lifetime of its own whose opener is
 * the source's opener.  Events of a key with no open in view form a lifetime
 * with no opener ("opener not in view"); nothing is guessed. */
#ifndef OAVIEW_CORRELATE_H
#define OAVIEW_CORRELATE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct correlator;

struct correlator *correlator_new(void);
void correlator_free(struct correlator *c);

/* Link the event at index (already in the store) to its lifetime; sets
 * open_ref/close_ref/life on it and, for a close, close_ref on every event
 * of the lifetime.  Returns 0, or -1 on allocation failure. */
int correlate_event(struct correlator *c, struct store *st, uint32_t index);

/* Correlate the whole store, each source in its record order, whatever
 * order the events were appended in.  Returns 0 or -1. */
int correlate_all(struct store *st);

/* The same into c, which keeps the open lifetimes: later events given to
 * correlate_event join them (a follow that starts with a loaded store).
 * c must not have seen any of the store's events yet. */
int correlate_store(struct correlator *c, struct store *st);

/* Role of an event id in correlation. */
enum correlate_role {
	ROLE_NONE,
	ROLE_OPEN,       /* 4656, 560 */
	ROLE_USE,        /* 4663, 567, 4660, 564, 4670, 4657 */
	ROLE_DUPLICATE,  /* 4690 */
	ROLE_CLOSE,      /* 4658, 562 */
};
enum correlate_role correlate_role(uint32_t event_id);

#endif
