/* correlate.c - handle lifetimes (rules in correlate.h).
 *
 * The live-handle table maps (computer, pid, handle) to the index of the
 * lifetime now live for that key.  It is open addressing with linear
 * probing; a closed key leaves a tombstone so later probes still find keys
 * placed past it, and the table is rebuilt when tombstones pile up. */
#include "correlate.h"

#include <stdlib.h>
#include <string.h>

#define SLOT_EMPTY UINT32_MAX
#define SLOT_DEAD (UINT32_MAX - 1)

struct handle_key {
	strref computer;
	uint32_t pid;
	uint64_t handle;
};

struct live_slot {
	struct handle_key key;
	uint32_t life;
};

struct correlator {
	struct live_slot *slots;
	size_t nslots;   /* power of two */
	size_t used;     /* live + dead */
	size_t live;
};

enum correlate_role correlate_role(uint32_t id)
{
	switch (id) {
	case 4656: case 560:
		return ROLE_OPEN;
	case 4663: case 567: case 4660: case 564: case 4670: case 4657:
		return ROLE_USE;
	case 4690:
		return ROLE_DUPLICATE;
	case 4658: case 562:
		return ROLE_CLOSE;
	default:
		return ROLE_NONE;
	}
}

struct correlator *correlator_new(void)
{
	struct correlator *c = calloc(1, sizeof *c);
	return c;
}

void correlator_free(struct correlator *c)
{
	if (!c)
		return;
	free(c->slots);
	free(c);
}

static uint64_t key_hash(const struct handle_key *k)
{
	uint64_t h = k->handle * 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)k->pid << 32 | k->computer) * 0xc2b2ae3d27d4eb4full;
	return h ^ (h >> 29);
}

static int key_eq(const struct handle_key *a, const struct handle_key *b)
{
	return a->handle == b->handle && a->pid == b->pid && a->computer == b->computer;
}

static int table_rebuild(struct correlator *c, size_t nslots)
{
	struct live_slot *slots = malloc(nslots * sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < nslots; i++)
		slots[i].life = SLOT_EMPTY;
	for (size_t i = 0; i < c->nslots; i++) {
		if (c->slots[i].life >= SLOT_DEAD)
			continue;
		size_t j = key_hash(&c->slots[i].key) & (nslots - 1);
		while (slots[j].life != SLOT_EMPTY)
			j = (j + 1) & (nslots - 1);
		slots[j] = c->slots[i];
	}
	free(c->slots);
	c->slots = slots;
	c->nslots = nslots;
	c->used = c->live;
	return 0;
}

/* Slot holding key, or NULL. */
static struct live_slot *table_find(struct correlator *c, const struct handle_key *k)
{
	if (!c->nslots)
		return NULL;
	size_t i = key_hash(k) & (c->nslots - 1);
	while (c->slots[i].life != SLOT_EMPTY) {
		if (c->slots[i].life != SLOT_DEAD && key_eq(&c->slots[i].key, k))
			return &c->slots[i];
		i = (i + 1) & (c->nslots - 1);
	}
	return NULL;
}

static int table_put(struct correlator *c, const struct handle_key *k, uint32_t life)
{
	struct live_slot *s = table_find(c, k);
	if (s) {
		s->life = life;
		return 0;
	}
	if ((c->used + 1) * 4 > c->nslots * 3) {
		size_t n = c->nslots ? c->nslots : 256;
		while ((c->live + 1) * 2 > n)
			n *= 2;
		if (table_rebuild(c, n) < 0)
			return -1;
	}
	size_t i = key_hash(k) & (c->nslots - 1);
	while (c->slots[i].life < SLOT_DEAD)
		i = (i + 1) & (c->nslots - 1);
	if (c->slots[i].life == SLOT_EMPTY)
		c->used++;
	c->slots[i].key = *k;
	c->slots[i].life = life;
	c->live++;
	return 0;
}

static void table_remove(struct correlator *c, struct live_slot *s)
{
	s->life = SLOT_DEAD;
	c->live--;
}

static uint32_t life_new(struct store *st, uint32_t open_ref, uint32_t parent)
{
	if (st->nlives == st->lives_cap) {
		size_t cap = st->lives_cap ? st->lives_cap * 2 : 256;
		struct handle_life *l = realloc(st->lives, cap * sizeof *l);
		if (!l)
			return EVENT_NONE;
		st->lives = l;
		st->lives_cap = cap;
	}
	struct handle_life *l = &st->lives[st->nlives];
	l->open_ref = open_ref;
	l->close_ref = EVENT_NONE;
	l->first_ref = l->last_ref = EVENT_NONE;
	l->count = 0;
	l->parent = parent;
	return (uint32_t)st->nlives++;
}

static void life_attach(struct store *st, uint32_t life, uint32_t index)
{
	struct handle_life *l = &st->lives[life];
	struct event *ev = store_event(st, index);
	ev->life = life;
	ev->open_ref = l->open_ref;
	ev->close_ref = l->close_ref;
	ev->life_next = EVENT_NONE;
	if (l->last_ref == EVENT_NONE)
		l->first_ref = index;
	else
		store_event(st, l->last_ref)->life_next = index;
	l->last_ref = index;
	l->count++;
}

static void life_close(struct store *st, uint32_t life, uint32_t close_index)
{
	struct handle_life *l = &st->lives[life];
	l->close_ref = close_index;
	for (uint32_t i = l->first_ref; i != EVENT_NONE; i = store_event(st, i)->life_next)
		store_event(st, i)->close_ref = close_index;
}

int correlate_event(struct correlator *c, struct store *st, uint32_t index)
{
	struct event *ev = store_event(st, index);
	enum correlate_role role = correlate_role(ev->event_id);
	if (role == ROLE_NONE || (ev->flags & EVENT_NOT_DECODABLE)
	    || (ev->flags & (EVENT_HAS_HANDLE | EVENT_HAS_PROCESS)) != (EVENT_HAS_HANDLE | EVENT_HAS_PROCESS)
	    || ev->handle_id == 0)
		return 0;
	struct handle_key key = {ev->str[ES_COMPUTER], ev->process_id, ev->handle_id};
	struct live_slot *s = table_find(c, &key);

	if (role == ROLE_OPEN) {
		if (ev->outcome == OUTCOME_FAILURE)
			return 0;
		uint32_t life = life_new(st, index, EVENT_NONE);
		if (life == EVENT_NONE)
			return -1;
		life_attach(st, life, index);
		/* a re-open of a live key replaces it: its close was not audited */
		if (s) {
			s->life = life;
			return 0;
		}
		return table_put(c, &key, life);
	}

	uint32_t life;
	if (s) {
		life = s->life;
	} else {
		/* No open in view: the events of this key still share a handle
		 * lifetime, shown as "opener not in view". */
		life = life_new(st, EVENT_NONE, EVENT_NONE);
		if (life == EVENT_NONE)
			return -1;
		if (role != ROLE_CLOSE && table_put(c, &key, life) < 0)
			return -1;
		s = NULL;
	}
	life_attach(st, life, index);

	if (role == ROLE_CLOSE) {
		life_close(st, life, index);
		if (s)
			table_remove(c, s);
	} else if (role == ROLE_DUPLICATE && (ev->flags & EVENT_HAS_TARGET) && ev->target_handle_id) {
		uint32_t child = life_new(st, st->lives[life].open_ref, life);
		if (child == EVENT_NONE)
			return -1;
		struct handle_key tkey = {ev->str[ES_COMPUTER], ev->target_process_id, ev->target_handle_id};
		if (table_put(c, &tkey, child) < 0)
			return -1;
		/* Real logs: the close of a handle duplicated into the System
		 * process (PID 4) can carry the source process id. */
		if (ev->target_process_id == 4 && ev->process_id != 4) {
			struct handle_key alias = {ev->str[ES_COMPUTER], ev->process_id, ev->target_handle_id};
			if (!table_find(c, &alias) && table_put(c, &alias, child) < 0)
				return -1;
		}
	}
	return 0;
}

static int order_cmp(const void *a, const void *b, void *ctx)
{
	const struct store *st = ctx;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct event *x = store_event(st, i), *y = store_event(st, j);
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	if (x->record != y->record)
		return x->record < y->record ? -1 : 1;
	return i < j ? -1 : i > j;
}

int correlate_store(struct correlator *c, struct store *st)
{
	uint32_t *order = malloc((st->count ? st->count : 1) * sizeof *order);
	if (!order)
		return -1;
	/* Keys never match across computers, so each source in its record
	 * order is enough.  Readers usually append in that order already (the
	 * check is cheap); a newest-first load does not. */
	int sorted = 1;
	for (size_t i = 0; i < st->count; i++) {
		order[i] = (uint32_t)i;
		if (i && sorted && order_cmp(&order[i - 1], &order[i], st) > 0)
			sorted = 0;
	}
	if (!sorted)
		qsort_r(order, st->count, sizeof *order, order_cmp, st);
	int rc = 0;
	for (size_t i = 0; i < st->count && rc == 0; i++)
		rc = correlate_event(c, st, order[i]);
	free(order);
	return rc;
}

int correlate_all(struct store *st)
{
	struct correlator *c = correlator_new();
	if (!c)
		return -1;
	int rc = correlate_store(c, st);
	correlator_free(c);
	return rc;
}
