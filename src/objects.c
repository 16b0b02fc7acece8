/* objects.c - per-object activity (see objects.h; the verdict rules are
 * written out in doc/verdicts.md).
 *
 * Objects live in one growing array; an open-addressing hash table (linear
 * probing, at most half full) finds an object by (computer, type, name)
 * with the name compared without ASCII case and without one trailing
 * backslash.  Handle lifetimes map to the object their named events chose,
 * so an unnamed close or delete joins it; unnamed events of a lifetime that
 * has no object yet wait in a queue threaded through pending[]. */
#include "objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "event.h"

/* ---- names and keys ------------------------------------------------ */

static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Length of name as a key: one trailing backslash does not count, except
 * in a drive root ("C:\") or a lone "\". */
static size_t key_len(const char *name)
{
	size_t len = strlen(name);
	if (len > 1 && name[len - 1] == '\\' && name[len - 2] != ':')
		len--;
	return len;
}

static uint32_t fold_hash(uint32_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (uint32_t)fold((unsigned char)s[i]);
		h *= 16777619u;
	}
	return h;
}

static int fold_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return 0;
	for (size_t i = 0; i < alen; i++)
		if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
			return 0;
	return 1;
}

static int fold_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = fold((unsigned char)*a), y = fold((unsigned char)*b);
		if (x != y || !x)
			return x - y;
	}
}

/* The name an event is about, or "" when it names nothing: its resolved
 * name, else for a share with no local path (IPC$) the share name and the
 * relative target.  *type gets the event's object type, else its opener's. */
static const char *event_name(const struct store *st, uint32_t index, char *buf, size_t buflen,
			      strref *type)
{
	const struct event *ev = store_event(st, index);
	*type = ev->str[ES_OBJECT_TYPE];
	if (!*type && ev->open_ref != EVENT_NONE)
		*type = store_event(st, ev->open_ref)->str[ES_OBJECT_TYPE];
	const char *name = store_resolved_name(st, index, NULL, buf, buflen);
	if (!*name && ev->str[ES_SHARE_NAME]) {
		const char *rel = store_str(st, ev, ES_RELATIVE_TARGET);
		while (*rel == '\\')
			rel++;
		snprintf(buf, buflen, "%s%s%s", store_str(st, ev, ES_SHARE_NAME), *rel ? "\\" : "", rel);
		name = buf;
	}
	/* An event that says what kind of object but not which one (a 4670 on
	 * a token has ObjectName "-") gets a placeholder, so it is not lost;
	 * the parentheses keep it apart from any real name. */
	if (!*name && ev->str[ES_OBJECT_TYPE] && (ev->flags & EVENT_HAS_PROCESS)) {
		if ((ev->flags & EVENT_HAS_HANDLE) && ev->handle_id)
			snprintf(buf, buflen, "(unnamed %s, handle 0x%llx, process 0x%x)",
				 store_str(st, ev, ES_OBJECT_TYPE), (unsigned long long)ev->handle_id,
				 ev->process_id);
		else
			snprintf(buf, buflen, "(unnamed %s, process 0x%x)", store_str(st, ev, ES_OBJECT_TYPE),
				 ev->process_id);
		name = buf;
	}
	return name;
}

static uint32_t object_hash(const struct store *st, strref computer, strref type, const char *name,
			    size_t len)
{
	const char *t = strpool_get(&st->pool, type);
	uint32_t h = fold_hash(2166136261u, t, strlen(t));
	h = fold_hash(h ^ 0x5c, name, len);
	return h ^ (computer * 0x9e3779b1u);
}

static int object_matches(const struct object_index *idx, const struct store *st,
			  const struct object *o, strref computer, strref type, const char *name,
			  size_t len)
{
	if (o->computer != computer)
		return 0;
	if (o->type != type) {
		const char *a = strpool_get(&st->pool, o->type), *b = strpool_get(&st->pool, type);
		if (!fold_eq(a, strlen(a), b, strlen(b)))
			return 0;
	}
	const char *on = strpool_get(&idx->names, o->name);
	return fold_eq(on, key_len(on), name, len);
}

static uint32_t object_lookup(const struct object_index *idx, const struct store *st,
			      strref computer, strref type, const char *name)
{
	if (!idx->table_size)
		return OBJECT_NONE;
	size_t len = key_len(name);
	size_t mask = idx->table_size - 1;
	size_t i = object_hash(st, computer, type, name, len) & mask;
	while (idx->table[i]) {
		uint32_t o = idx->table[i] - 1;
		if (object_matches(idx, st, &idx->objects[o], computer, type, name, len))
			return o;
		i = (i + 1) & mask;
	}
	return OBJECT_NONE;
}

static int table_insert(struct object_index *idx, const struct store *st, uint32_t o)
{
	if ((idx->count + 1) * 2 > idx->table_size) {
		size_t n = idx->table_size ? idx->table_size * 2 : 256;
		uint32_t *t = calloc(n, sizeof *t);
		if (!t)
			return -1;
		for (size_t k = 0; k < idx->count; k++) {
			const struct object *x = &idx->objects[k];
			const char *nm = strpool_get(&idx->names, x->name);
			size_t j = object_hash(st, x->computer, x->type, nm, key_len(nm)) & (n - 1);
			while (t[j])
				j = (j + 1) & (n - 1);
			t[j] = (uint32_t)k + 1;
		}
		free(idx->table);
		idx->table = t;
		idx->table_size = n;
		if (o < idx->count)  /* already placed by the rebuild */
			return 0;
	}
	const struct object *x = &idx->objects[o];
	const char *nm = strpool_get(&idx->names, x->name);
	size_t mask = idx->table_size - 1;
	size_t j = object_hash(st, x->computer, x->type, nm, key_len(nm)) & mask;
	while (idx->table[j])
		j = (j + 1) & mask;
	idx->table[j] = o + 1;
	return 0;
}

/* The object for (computer, type, name), created when new. */
static uint32_t object_get(struct object_index *idx, const struct store *st, strref computer,
			   strref type, const char *name)
{
	uint32_t o = object_lookup(idx, st, computer, type, name);
	if (o != OBJECT_NONE)
		return o;
	if (idx->count >= UINT32_MAX - 1)
		return OBJECT_NONE;
	if (idx->count == idx->cap) {
		size_t cap = idx->cap ? idx->cap * 2 : 64;
		struct object *a = realloc(idx->objects, cap * sizeof *a);
		if (!a)
			return OBJECT_NONE;
		idx->objects = a;
		idx->cap = cap;
	}
	strref nref = strpool_intern(&idx->names, name, strlen(name));
	if (!nref)
		return OBJECT_NONE;
	struct object *x = &idx->objects[idx->count];
	memset(x, 0, sizeof *x);
	x->computer = computer;
	x->type = type;
	x->name = nref;
	x->renamed_to = x->renamed_from = OBJECT_NONE;
	o = (uint32_t)idx->count;
	/* count first: table_insert's rebuild walks objects[0..count) */
	idx->count++;
	if (table_insert(idx, st, o) < 0) {
		idx->count--;
		return OBJECT_NONE;
	}
	return o;
}

/* ---- rights to verdicts -------------------------------------------- */

#define V_NONE (1u << 31)  /* a bit that stands for no verdict (a flag) */

struct family_verdicts {
	const char *family;     /* as access_family_name() spells it */
	uint32_t bit[16];       /* verdict per specific bit; 0 = OBJ_OTHER */
};

/* Specific rights (bits 0-15) by object family, from the documented
 * meaning of each constant (doc/verdicts.md, "Rights to verdicts"). */
static const struct family_verdicts FAMILY_VERDICTS[] = {
	{"file", {OBJ_READ, OBJ_WRITE, OBJ_APPEND, OBJ_METADATA, OBJ_ATTRIBUTES, OBJ_EXECUTE,
		  OBJ_WRITE /* DeleteChild: the folder's contents changed */, OBJ_METADATA,
		  OBJ_ATTRIBUTES}},
	{"key", {OBJ_READ, OBJ_WRITE, OBJ_WRITE, OBJ_READ, OBJ_METADATA, OBJ_WRITE, 0, 0,
		 V_NONE, V_NONE /* Wow64 view flags, not rights */}},
	{"process", {OBJ_OTHER, OBJ_EXECUTE /* CreateThread */, OBJ_OTHER, OBJ_WRITE, OBJ_READ,
		     OBJ_WRITE, OBJ_OTHER, OBJ_OTHER, OBJ_OTHER, OBJ_OTHER, OBJ_METADATA, OBJ_OTHER,
		     OBJ_METADATA}},
	{"thread", {OBJ_OTHER, OBJ_OTHER, OBJ_OTHER, OBJ_READ, OBJ_WRITE, OBJ_OTHER, OBJ_METADATA,
		    OBJ_OTHER, OBJ_OTHER, OBJ_OTHER, OBJ_OTHER, OBJ_METADATA}},
	{"token", {OBJ_OTHER, OBJ_OTHER, OBJ_OTHER, OBJ_METADATA, OBJ_METADATA, OBJ_WRITE, OBJ_WRITE,
		   OBJ_WRITE, OBJ_WRITE}},
	{"section", {OBJ_METADATA, OBJ_WRITE, OBJ_READ, OBJ_EXECUTE, OBJ_WRITE}},
	{"event", {OBJ_METADATA, OBJ_WRITE}},
	{"mutant", {OBJ_METADATA}},
	{"semaphore", {OBJ_METADATA, OBJ_WRITE}},
	{"objdir", {OBJ_READ, OBJ_METADATA, OBJ_WRITE, OBJ_WRITE}},
	{"sc_manager", {OBJ_METADATA, OBJ_WRITE /* CreateService */, OBJ_METADATA, OBJ_OTHER,
			OBJ_METADATA, OBJ_WRITE}},
	{"service", {OBJ_METADATA, OBJ_WRITE /* ChangeConfig */, OBJ_METADATA, OBJ_METADATA,
		     OBJ_EXECUTE /* Start */, OBJ_OTHER, OBJ_OTHER, OBJ_METADATA, OBJ_OTHER}},
};

static const struct family_verdicts *family_verdicts_find(const char *object_type)
{
	const char *fam = access_family_name(access_type_family(object_type));
	if (!fam)
		return NULL;
	for (size_t i = 0; i < sizeof FAMILY_VERDICTS / sizeof FAMILY_VERDICTS[0]; i++)
		if (strcmp(FAMILY_VERDICTS[i].family, fam) == 0)
			return &FAMILY_VERDICTS[i];
	return NULL;
}

uint32_t objects_mask_verdicts(const char *object_type, uint32_t mask)
{
	uint32_t v = 0;
	const struct family_verdicts *fv = family_verdicts_find(object_type);
	for (unsigned b = 0; b < 16; b++) {
		if (!(mask & (1u << b)))
			continue;
		uint32_t x = fv ? fv->bit[b] : OBJ_OTHER;
		if (x == 0)
			x = OBJ_OTHER;
		if (x != V_NONE)
			v |= x;
	}
	if (mask & 0x00010000u)
		v |= OBJ_DELETE;
	if (mask & 0x00020000u)
		v |= OBJ_METADATA;   /* READ_CONTROL: the permissions were read */
	if (mask & 0x00040000u)
		v |= OBJ_PERMS;
	if (mask & 0x00080000u)
		v |= OBJ_OWNER;
	if (mask & 0x01000000u)
		v |= OBJ_AUDIT;      /* ACCESS_SYS_SEC: the SACL */
	/* SYNCHRONIZE and MAXIMUM_ALLOWED say nothing about what was done. */
	if (mask & 0x10000000u)
		v |= OBJ_READ | OBJ_WRITE | OBJ_EXECUTE | OBJ_DELETE | OBJ_PERMS | OBJ_OWNER;
	if (mask & 0x20000000u)
		v |= OBJ_EXECUTE;
	if (mask & 0x40000000u)
		v |= OBJ_WRITE;
	if (mask & 0x80000000u)
		v |= OBJ_READ;
	return v;
}

/* One top-level component ('O', 'G', 'D' or 'S') of an SDDL string;
 * parentheses are skipped so an ACE's contents never count. */
static const char *sddl_part(const char *sd, char which, size_t *len)
{
	const char *start = NULL;
	int depth = 0;
	for (const char *p = sd; *p; p++) {
		if (*p == '(') {
			depth++;
			continue;
		}
		if (*p == ')') {
			if (depth)
				depth--;
			continue;
		}
		if (depth || p[1] != ':' || !strchr("OGDS", *p))
			continue;
		if (start) {
			*len = (size_t)(p - start);
			return start;
		}
		if (*p == which)
			start = p + 2;
	}
	if (start) {
		*len = strlen(start);
		return start;
	}
	*len = 0;
	return NULL;
}

static int sddl_part_differs(const char *a, const char *b, char which)
{
	size_t la, lb;
	const char *pa = sddl_part(a, which, &la), *pb = sddl_part(b, which, &lb);
	if (!pa && !pb)
		return 0;
	if (!pa || !pb || la != lb)
		return 1;
	return memcmp(pa, pb, la) != 0;
}

/* What a security-descriptor change changed: owner (or group), DACL, SACL.
 * A change whose parts cannot be told apart counts as permissions. */
uint32_t objects_sd_verdicts(const char *old_sd, const char *new_sd)
{
	uint32_t v = 0;
	if (sddl_part_differs(old_sd, new_sd, 'O') || sddl_part_differs(old_sd, new_sd, 'G'))
		v |= OBJ_OWNER;
	if (sddl_part_differs(old_sd, new_sd, 'D'))
		v |= OBJ_PERMS;
	if (sddl_part_differs(old_sd, new_sd, 'S'))
		v |= OBJ_AUDIT;
	return v ? v : OBJ_PERMS;
}

enum effect_kind {
	EFFECT_NONE,
	EFFECT_DONE,     /* an operation (4663, 567, 4662) */
	EFFECT_COULD,    /* rights requested/granted (4656, 560, 5145, ...) */
};

static enum effect_kind event_effect(uint32_t id)
{
	switch (id) {
	case 4663: case 567: case 4662:
		return EFFECT_DONE;
	case 4656: case 4659: case 4661: case 4691: case 560: case 563: case 5145:
		return EFFECT_COULD;
	default:
		return EFFECT_NONE;
	}
}

static int is_legacy_id(uint32_t id)
{
	return id >= 560 && id <= 567;
}

/* ---- sets ------------------------------------------------------------ */

static int set_add(struct object_set *s, strref a, strref b, uint8_t outcome)
{
	if (!a && !b)
		return 0;
	for (uint16_t i = 0; i < s->count; i++) {
		if (s->items[i].a == a && s->items[i].b == b) {
			s->items[i].outcomes |= outcome;
			return 0;
		}
	}
	if (s->count >= OBJECT_SET_MAX) {
		s->more++;
		return 0;
	}
	if (s->count == s->cap) {
		uint16_t cap = s->cap ? (uint16_t)(s->cap * 2) : 2;
		struct object_member *m = realloc(s->items, cap * sizeof *m);
		if (!m)
			return -1;
		s->items = m;
		s->cap = cap;
	}
	s->items[s->count++] = (struct object_member){a, b, outcome};
	return 0;
}

static int u32_push(uint32_t **a, uint32_t *n, uint32_t *cap, uint32_t v)
{
	if (*n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 4;
		if (c < *cap)
			return -1;
		uint32_t *x = realloc(*a, c * sizeof *x);
		if (!x)
			return -1;
		*a = x;
		*cap = c;
	}
	(*a)[(*n)++] = v;
	return 0;
}

/* Keep events ascending: late events (from the pending queue) go in
 * their place. */
static int events_insert(struct object *o, uint32_t index)
{
	if (u32_push(&o->events, &o->nevents, &o->events_cap, index) < 0)
		return -1;
	uint32_t i = o->nevents - 1;
	while (i > 0 && o->events[i - 1] > index) {
		o->events[i] = o->events[i - 1];
		i--;
	}
	o->events[i] = index;
	return 0;
}

/* ---- rename / move ------------------------------------------------- */

static int is_file_type(const struct store *st, strref type)
{
	const char *fam = access_family_name(access_type_family(strpool_get(&st->pool, type)));
	return fam && strcmp(fam, "file") == 0;
}

static void recent_delete_push(struct object_index *idx, const struct event *ev, uint32_t o)
{
	struct object_recent_delete *r = &idx->recent[idx->nrecent % OBJECTS_RECENT_DELETES];
	r->computer = ev->str[ES_COMPUTER];
	r->pid = ev->process_id;
	r->object = o;
	r->time = ev->time;
	idx->nrecent++;
}

/* A write/create open of object b: the newest recent DELETE use of another
 * object by the same process within the window is read as a rename of that
 * object to b. */
static void rename_match(struct object_index *idx, const struct event *ev, uint32_t b)
{
	size_t n = idx->nrecent < OBJECTS_RECENT_DELETES ? idx->nrecent : OBJECTS_RECENT_DELETES;
	for (size_t k = 0; k < n; k++) {
		const struct object_recent_delete *r =
			&idx->recent[(idx->nrecent - 1 - k) % OBJECTS_RECENT_DELETES];
		if (r->computer != ev->str[ES_COMPUTER] || r->pid != ev->process_id || r->object == b)
			continue;
		if (ev->time < r->time || ev->time - r->time > OBJECTS_RENAME_WINDOW)
			continue;
		struct object *a = &idx->objects[r->object];
		if (a->renamed_to != OBJECT_NONE || (a->flags & OBJF_DELETE_CONFIRMED))
			continue;
		a->renamed_to = b;
		if (idx->objects[b].renamed_from == OBJECT_NONE)
			idx->objects[b].renamed_from = r->object;
		return;
	}
}

/* ---- attaching an event -------------------------------------------- */

static int object_attach(struct object_index *idx, const struct store *st, uint32_t o,
			 uint32_t index)
{
	struct object *x = &idx->objects[o];
	const struct event *ev = store_event(st, index);
	if (events_insert(x, index) < 0)
		return -1;
	idx->events_added++;
	idx->generation++;
	if (ev->time) {
		if (!x->first_time || ev->time < x->first_time)
			x->first_time = ev->time;
		if (ev->time > x->last_time)
			x->last_time = ev->time;
	}
	int failed = ev->outcome == OUTCOME_FAILURE;
	uint8_t seen = failed ? OBJECT_SEEN_FAILURE : OBJECT_SEEN_SUCCESS;
	if (failed)
		x->nfailed++;
	if (set_add(&x->users, ev->str[ES_DOMAIN], ev->str[ES_USER], seen) < 0
	    || set_add(&x->processes, ev->str[ES_PROCESS_NAME], 0, seen) < 0
	    || set_add(&x->addresses, ev->str[ES_IP_ADDRESS], 0, seen) < 0)
		return -1;
	if ((ev->flags & EVENT_LEGACY) || is_legacy_id(ev->event_id))
		x->flags |= OBJF_LEGACY;

	const char *type = strpool_get(&st->pool, x->type);
	uint32_t bits = 0;
	int done = 0;
	switch (ev->event_id) {
	case 4660: case 564:
		bits = OBJ_DELETE;
		done = 1;
		if (!failed)
			x->flags |= OBJF_DELETE_CONFIRMED;
		break;
	case 4657:
		bits = OBJ_WRITE;
		done = 1;
		break;
	case 4670: case 4907: case 5143: {
		const char *old_sd = store_str(st, ev, ES_OLD_SD), *new_sd = store_str(st, ev, ES_NEW_SD);
		if (ev->event_id == 4907)
			bits = OBJ_AUDIT;
		else if (ev->event_id == 5143 && !*old_sd && !*new_sd)
			bits = OBJ_OTHER;
		else
			bits = objects_sd_verdicts(old_sd, new_sd);
		done = 1;
		if (u32_push(&x->sd_events, &x->nsd, &x->sd_cap, index) < 0)
			return -1;
		break;
	}
	case 5140:
		bits = OBJ_SHARE;
		done = 1;
		break;
	case 5142: case 5144: case 4664:
		bits = OBJ_OTHER;
		done = 1;
		break;
	case 4658: case 562:
		x->flags |= OBJF_CLOSE_SEEN;
		break;
	default:
		switch (event_effect(ev->event_id)) {
		case EFFECT_DONE:
			done = 1;
			/* fall through */
		case EFFECT_COULD:
			if (ev->flags & EVENT_HAS_MASK)
				bits = objects_mask_verdicts(type, ev->access_mask);
			break;
		case EFFECT_NONE:
			break;
		}
	}
	if (ev->event_id == 5140 || ev->event_id == 5145)
		x->flags |= OBJF_NETWORK;
	if (failed)
		x->failed |= bits;
	else if (done)
		x->done |= bits;
	else
		x->could |= bits;

	/* Rename or move (doc/verdicts.md): a DELETE use, then a write/create
	 * open of another name by the same process within the window. */
	if (!failed && (ev->flags & EVENT_HAS_PROCESS) && is_file_type(st, x->type)) {
		int use = ev->event_id == 4663 || ev->event_id == 567;
		int open = (ev->event_id == 4656 || ev->event_id == 560) && ev->handle_id != 0;
		if (use && (ev->flags & EVENT_HAS_MASK) && (ev->access_mask & 0x00010000u)) {
			x->flags |= OBJF_DELETE_USED;
			recent_delete_push(idx, ev, o);
		} else if ((use || open) && (ev->flags & EVENT_HAS_MASK) && (ev->access_mask & 0x6u)) {
			rename_match(idx, ev, o);
		}
	}
	return 0;
}

/* ---- lifetimes ------------------------------------------------------- */

#define LIFE_DEPTH_MAX 16

static int lives_grow(struct object_index *idx, const struct store *st, uint32_t life)
{
	if (life < idx->nlives)
		return 0;
	size_t n = st->nlives > (size_t)life + 1 ? st->nlives : (size_t)life + 1;
	if (n < idx->nlives * 2)
		n = idx->nlives * 2;
	struct object_life *l = realloc(idx->lives, n * sizeof *l);
	if (!l)
		return -1;
	for (size_t i = idx->nlives; i < n; i++)
		l[i] = (struct object_life){OBJECT_NONE, 0};
	idx->lives = l;
	idx->nlives = n;
	return 0;
}

static uint32_t life_parent(const struct store *st, uint32_t life)
{
	return life < st->nlives ? st->lives[life].parent : EVENT_NONE;
}

/* The object of a lifetime or of the first ancestor that has one. */
static uint32_t life_object(const struct object_index *idx, const struct store *st, uint32_t life)
{
	for (int d = 0; life != EVENT_NONE && d < LIFE_DEPTH_MAX; d++) {
		if (life < idx->nlives && idx->lives[life].object != OBJECT_NONE)
			return idx->lives[life].object;
		life = life_parent(st, life);
	}
	return OBJECT_NONE;
}

static uint32_t life_root(const struct store *st, uint32_t life)
{
	for (int d = 0; d < LIFE_DEPTH_MAX; d++) {
		uint32_t p = life_parent(st, life);
		if (p == EVENT_NONE)
			break;
		life = p;
	}
	return life;
}

static int pending_push(struct object_index *idx, const struct store *st, uint32_t life,
			uint32_t index)
{
	uint32_t root = life_root(st, life);
	if (lives_grow(idx, st, root) < 0)
		return -1;
	if (idx->npending == idx->pending_cap) {
		size_t cap = idx->pending_cap ? idx->pending_cap * 2 : 64;
		struct object_pending *p = realloc(idx->pending, cap * sizeof *p);
		if (!p)
			return -1;
		idx->pending = p;
		idx->pending_cap = cap;
	}
	if (idx->npending >= UINT32_MAX - 1)
		return -1;
	idx->pending[idx->npending] = (struct object_pending){index, idx->lives[root].pending};
	idx->lives[root].pending = (uint32_t)++idx->npending;
	idx->unresolved++;
	return 0;
}

/* Give the lifetime and its ancestors without an object the object o, and
 * attach the events that waited for it. */
static int life_settle(struct object_index *idx, const struct store *st, uint32_t life, uint32_t o)
{
	uint32_t root = EVENT_NONE;
	for (int d = 0; life != EVENT_NONE && d < LIFE_DEPTH_MAX; d++) {
		if (lives_grow(idx, st, life) < 0)
			return -1;
		if (idx->lives[life].object == OBJECT_NONE)
			idx->lives[life].object = o;
		root = life;
		life = life_parent(st, life);
	}
	if (root == EVENT_NONE || !idx->lives[root].pending)
		return 0;
	uint32_t p = idx->lives[root].pending;
	idx->lives[root].pending = 0;
	while (p) {
		struct object_pending e = idx->pending[p - 1];
		idx->unresolved--;
		if (object_attach(idx, st, idx->lives[root].object, e.event) < 0)
			return -1;
		p = e.next;
	}
	return 0;
}

/* ---- public ---------------------------------------------------------- */

void objects_init(struct object_index *idx)
{
	memset(idx, 0, sizeof *idx);
	strpool_init(&idx->names);
}

void objects_free(struct object_index *idx)
{
	for (size_t i = 0; i < idx->count; i++) {
		struct object *o = &idx->objects[i];
		free(o->events);
		free(o->sd_events);
		free(o->users.items);
		free(o->processes.items);
		free(o->addresses.items);
	}
	free(idx->objects);
	free(idx->table);
	free(idx->lives);
	free(idx->pending);
	free(idx->order);
	strpool_free(&idx->names);
	memset(idx, 0, sizeof *idx);
}

static int event_counts(const struct event *ev)
{
	return event_is_object_access(ev->event_id)
	       && !(ev->flags & (EVENT_NOT_DECODABLE | EVENT_UNPARSED));
}

int objects_add(struct object_index *idx, const struct store *st, uint32_t index)
{
	const struct event *ev = store_event(st, index);
	if (!event_counts(ev))
		return 0;
	char buf[4096];
	strref type;
	const char *name = event_name(st, index, buf, sizeof buf, &type);
	uint32_t o = OBJECT_NONE;
	if (*name) {
		o = object_get(idx, st, ev->str[ES_COMPUTER], type, name);
		if (o == OBJECT_NONE)
			return -1;
	} else if (ev->life != EVENT_NONE) {
		o = life_object(idx, st, ev->life);
		if (o == OBJECT_NONE)
			return pending_push(idx, st, ev->life, index);
	} else {
		idx->unresolved++;
		return 0;
	}
	if (object_attach(idx, st, o, index) < 0)
		return -1;
	if (ev->life != EVENT_NONE)
		return life_settle(idx, st, ev->life, o);
	return 0;
}

int objects_build(struct object_index *idx, const struct store *st)
{
	objects_free(idx);
	objects_init(idx);
	for (size_t i = 0; i < st->count; i++)
		if (objects_add(idx, st, (uint32_t)i) < 0)
			return -1;
	return 0;
}

uint32_t objects_find_event(const struct object_index *idx, const struct store *st, uint32_t index)
{
	const struct event *ev = store_event(st, index);
	char buf[4096];
	strref type;
	const char *name = event_name(st, index, buf, sizeof buf, &type);
	uint32_t o = OBJECT_NONE;
	if (*name)
		o = object_lookup(idx, st, ev->str[ES_COMPUTER], type, name);
	else if (ev->life != EVENT_NONE)
		o = life_object(idx, st, ev->life);
	if (o == OBJECT_NONE)
		return OBJECT_NONE;
	const struct object *x = &idx->objects[o];
	size_t lo = 0, hi = x->nevents;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (x->events[mid] == index)
			return o;
		if (x->events[mid] < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return OBJECT_NONE;
}

const char *objects_name(const struct object_index *idx, const struct object *o)
{
	return strpool_get(&idx->names, o->name);
}

uint32_t objects_rename_target(const struct object_index *idx, const struct object *o)
{
	(void)idx;  /* in the signature for symmetry with objects_rename_source */
	if (o->renamed_to == OBJECT_NONE || (o->flags & OBJF_DELETE_CONFIRMED))
		return OBJECT_NONE;
	return o->renamed_to;
}

uint32_t objects_rename_source(const struct object_index *idx, const struct object *o)
{
	if (o->renamed_from == OBJECT_NONE)
		return OBJECT_NONE;
	const struct object *a = &idx->objects[o->renamed_from];
	if (a->flags & OBJF_DELETE_CONFIRMED)
		return OBJECT_NONE;
	return o->renamed_from;
}

uint32_t objects_done(const struct object_index *idx, const struct object *o)
{
	uint32_t v = o->done;
	if (objects_rename_target(idx, o) != OBJECT_NONE)
		v = (v & ~(uint32_t)OBJ_DELETE) | OBJ_RENAME;
	return v;
}

uint32_t objects_could(const struct object_index *idx, const struct object *o)
{
	uint32_t done = objects_done(idx, o);
	/* a rename used the DELETE right: it is not also a "could delete" */
	if (done & OBJ_RENAME)
		done |= OBJ_DELETE;
	return o->could & ~done;
}

static const char *const VERDICT_NAMES[OBJ_VERDICT_COUNT] = {
	"read", "written", "appended", "deleted", "renamed/moved", "permissions changed",
	"owner changed", "attributes changed", "executed", "auditing changed", "other access",
	"metadata read", "share connected",
};

static const char *const VERDICT_KEYS[OBJ_VERDICT_COUNT] = {
	"read", "write", "append", "delete", "rename", "perms", "owner", "attributes", "execute",
	"audit", "other", "metadata", "share",
};

static int verdict_index(uint32_t bit)
{
	for (int i = 0; i < OBJ_VERDICT_COUNT; i++)
		if (bit == 1u << i)
			return i;
	return -1;
}

const char *objects_verdict_name(uint32_t bit)
{
	int i = verdict_index(bit);
	return i < 0 ? NULL : VERDICT_NAMES[i];
}

const char *objects_verdict_key(uint32_t bit)
{
	int i = verdict_index(bit);
	return i < 0 ? NULL : VERDICT_KEYS[i];
}

size_t objects_verdicts_text(uint32_t bits, int keys, char *buf, size_t buflen)
{
	size_t len = 0;
	if (!buflen)
		return 0;
	buf[0] = '\0';
	for (int i = 0; i < OBJ_VERDICT_COUNT; i++) {
		if (!(bits & (1u << i)))
			continue;
		int n = snprintf(buf + len, buflen - len, "%s%s", len ? (keys ? "," : ", ") : "",
				 keys ? VERDICT_KEYS[i] : VERDICT_NAMES[i]);
		if (n < 0)
			break;
		len += (size_t)n;
		if (len >= buflen) {
			len = buflen - 1;
			break;
		}
	}
	return len;
}

const char *objects_user_text(const struct store *st, const struct object_member *m, char *buf,
			      size_t buflen)
{
	const char *dom = strpool_get(&st->pool, m->a), *user = strpool_get(&st->pool, m->b);
	if (*dom && *user)
		snprintf(buf, buflen, "%s\\%s", dom, user);
	else
		snprintf(buf, buflen, "%s", *user ? user : dom);
	return buf;
}

struct sort_ctx {
	const struct object_index *idx;
	const struct store *st;
	enum objects_order order;
};

static int object_cmp(const void *pa, const void *pb, void *pctx)
{
	const struct sort_ctx *c = pctx;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const struct object *a = &c->idx->objects[ia], *b = &c->idx->objects[ib];
	if (c->order == OBJECTS_BY_LAST_TIME && a->last_time != b->last_time)
		return a->last_time > b->last_time ? -1 : 1;
	int r = fold_cmp(objects_name(c->idx, a), objects_name(c->idx, b));
	if (r)
		return r;
	if (a->computer != b->computer) {
		r = fold_cmp(strpool_get(&c->st->pool, a->computer), strpool_get(&c->st->pool, b->computer));
		if (r)
			return r;
	}
	if (a->type != b->type) {
		r = fold_cmp(strpool_get(&c->st->pool, a->type), strpool_get(&c->st->pool, b->type));
		if (r)
			return r;
	}
	return ia < ib ? -1 : ia > ib;
}

int objects_sort(struct object_index *idx, const struct store *st, enum objects_order order)
{
	uint32_t *o = realloc(idx->order, (idx->count ? idx->count : 1) * sizeof *o);
	if (!o)
		return -1;
	idx->order = o;
	for (size_t i = 0; i < idx->count; i++)
		o[i] = (uint32_t)i;
	idx->norder = idx->count;
	struct sort_ctx c = {idx, st, order};
	qsort_r(o, idx->count, sizeof *o, object_cmp, &c);
	return 0;
}
