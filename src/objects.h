/* objects.h - per-object activity: what happened to each object, derived
 * from the correlated events of the store.
 *
 * One struct object per (computer, object type, name): the name is the
 * event's resolved name (store_resolved_name: its own, its opener's, or the
 * 5145 share path), compared without regard to ASCII case and to one
 * trailing backslash, because Windows names are case-insensitive and 5140
 * writes a share root as "C:\Windows\" where 5145 writes "C:\Windows".  An
 * IPC$ access has no share path; its object is "\\*\IPC$\<pipe>".  An event
 * with no name of its own and no opener in view still lands on an object
 * when another event of its handle lifetime (or of the lifetime its handle
 * was duplicated from) names one: a 4663 carries the name, so the 4658 that
 * closes the same handle belongs to the same object.  Such an event may
 * arrive before the event that names its lifetime; it waits in a per-
 * lifetime queue and joins the object when the name arrives.  What no event
 * names stays unattached (counted in unresolved), never guessed.
 *
 * Each object keeps its events as store indexes in store order, first and
 * last time, three sets of verdict bits (done: an operation was performed;
 * could: rights were granted or requested but no use was seen; failed:
 * denied attempts), the distinct users, processes and source addresses as
 * store strrefs, and the events that carry old/new security descriptors.
 * The rules deriving each verdict, with their limits, are in doc/verdicts.md.
 *
 * Memory: an object is about 150 bytes plus 4 bytes per event; names are
 * interned once in the index's own pool; every other string is a strref into
 * the store's pool.  Nothing here touches a terminal. */
#ifndef OAVIEW_OBJECTS_H
#define OAVIEW_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "strpool.h"

#define OBJECT_NONE UINT32_MAX

/* Verdict bits.  The same bits describe what was done, what could have been
 * done and what was attempted and denied. */
enum object_verdict {
	OBJ_READ = 1u << 0,        /* data read (ReadData, QueryValue, VmRead) */
	OBJ_WRITE = 1u << 1,       /* data written (WriteData, SetValue, 4657) */
	OBJ_APPEND = 1u << 2,      /* data appended (AppendData) */
	OBJ_DELETE = 1u << 3,      /* deleted (DELETE used, 4660/564) */
	OBJ_RENAME = 1u << 4,      /* renamed or moved (DELETE used + new name) */
	OBJ_PERMS = 1u << 5,       /* permissions (DACL) changed */
	OBJ_OWNER = 1u << 6,       /* owner changed */
	OBJ_ATTRIBUTES = 1u << 7,  /* attributes or extended attributes changed */
	OBJ_EXECUTE = 1u << 8,     /* executed (Execute, CreateThread, Start) */
	OBJ_AUDIT = 1u << 9,       /* auditing settings (SACL) changed */
	OBJ_OTHER = 1u << 10,      /* other specific rights (Terminate, ...) */
	OBJ_METADATA = 1u << 11,   /* only attributes or permissions read */
	OBJ_SHARE = 1u << 12,      /* share connected (5140) */
};
#define OBJ_VERDICT_COUNT 13

/* struct object.flags */
enum object_flag {
	OBJF_LEGACY = 1u << 0,          /* legacy 56x events seen */
	OBJF_NETWORK = 1u << 1,         /* 5140/5145 seen */
	OBJF_DELETE_CONFIRMED = 1u << 2,/* 4660/564: the object was deleted */
	OBJF_DELETE_USED = 1u << 3,     /* DELETE used (4663/567) */
	OBJF_CLOSE_SEEN = 1u << 4,      /* a close (4658/562) joined */
};

/* Outcomes a set member was seen with (object_member.outcomes). */
#define OBJECT_SEEN_SUCCESS 1u
#define OBJECT_SEEN_FAILURE 2u

/* A distinct user (a = domain, b = user), process (a = image name, b = 0)
 * or source address (a = address, b = 0); strrefs into the store's pool. */
struct object_member {
	strref a, b;
	uint8_t outcomes;
};

/* Sets keep at most OBJECT_SET_MAX members; more are counted, not kept. */
#define OBJECT_SET_MAX 64
struct object_set {
	struct object_member *items;
	uint16_t count, cap;
	uint32_t more;
};

struct object {
	strref computer;        /* store pool */
	strref type;            /* store pool: ObjectType, part of the key; 0 none */
	strref name;            /* index pool (objects_name): first spelling */
	uint32_t *events;       /* store indexes, ascending */
	uint32_t nevents, events_cap;
	uint32_t nfailed;       /* events with outcome failure */
	int64_t first_time, last_time;   /* FILETIME of its events, 0 unknown */
	uint32_t done;          /* enum object_verdict, raw (see objects_done) */
	uint32_t could;         /* granted/requested rights, raw */
	uint32_t failed;        /* rights of denied attempts */
	uint32_t flags;         /* enum object_flag */
	uint32_t renamed_to;    /* object this one may have become, or OBJECT_NONE */
	uint32_t renamed_from;
	uint32_t *sd_events;    /* 4670/4907/5143 events (old/new SDDL) */
	uint32_t nsd, sd_cap;
	struct object_set users, processes, addresses;
};

/* Per handle lifetime: the object its events belong to, and the head of
 * the queue of its events that wait for a name. */
struct object_life {
	uint32_t object;
	uint32_t pending;       /* index+1 into pending[], 0 = none */
};

struct object_pending {
	uint32_t event;
	uint32_t next;          /* index+1, 0 = end */
};

/* A recent DELETE use, kept to recognise a rename or move (see
 * OBJECTS_RENAME_WINDOW). */
#define OBJECTS_RECENT_DELETES 64
struct object_recent_delete {
	strref computer;
	uint32_t pid;
	uint32_t object;
	int64_t time;
};

/* A DELETE use followed within this many FILETIME ticks (2 s) by a
 * write/create open of another name in the same process is read as a
 * rename or move. */
#define OBJECTS_RENAME_WINDOW (2 * 10000000LL)

enum objects_order {
	OBJECTS_BY_LAST_TIME,   /* most recent activity first (default) */
	OBJECTS_BY_NAME,        /* name, then computer, then type */
};

struct object_index {
	struct object *objects;
	size_t count, cap;
	struct strpool names;
	uint32_t *table;        /* hash of objects: index+1, 0 = empty */
	size_t table_size;      /* power of two */
	struct object_life *lives;
	size_t nlives;
	struct object_pending *pending;
	size_t npending, pending_cap;
	struct object_recent_delete recent[OBJECTS_RECENT_DELETES];
	size_t nrecent;         /* total pushed; slot = nrecent % size */
	uint32_t *order;        /* objects_sort's result */
	size_t norder;
	size_t events_added;    /* events attached to an object */
	size_t unresolved;      /* events with no object (yet) */
	uint64_t generation;    /* bumped by every change, for re-sorting */
};

void objects_init(struct object_index *idx);
void objects_free(struct object_index *idx);

/* Build (from scratch) over every event of the store, in store order.  The
 * store must be correlated first (correlate_all).  Returns 0, or -1 on
 * allocation failure (the index is then partial but consistent). */
int objects_build(struct object_index *idx, const struct store *st);

/* Add one event (already correlated: call after correlate_event), once
 * per event, in the order events arrive.  Events that are not object
 * access, not decodable or unparsed are ignored.  Returns 0, or -1 on
 * allocation failure.  If the store is re-correlated from scratch
 * (correlate_all again), rebuild with objects_build. */
int objects_add(struct object_index *idx, const struct store *st, uint32_t index);

/* The object an event landed on, or OBJECT_NONE (linear in that object's
 * events after a hash lookup). */
uint32_t objects_find_event(const struct object_index *idx, const struct store *st,
			    uint32_t index);

/* An object's name (index pool). */
const char *objects_name(const struct object_index *idx, const struct object *o);

/* Verdicts as shown: the raw done bits with DELETE turned into RENAME when a
 * rename was seen and no 4660/564 confirmed a deletion. */
uint32_t objects_done(const struct object_index *idx, const struct object *o);

/* Rights granted or requested and never seen used: could & ~done. */
uint32_t objects_could(const struct object_index *idx, const struct object *o);

/* The object o was renamed or moved to (or from), OBJECT_NONE if none or if
 * a deletion was confirmed after all. */
uint32_t objects_rename_target(const struct object_index *idx, const struct object *o);
uint32_t objects_rename_source(const struct object_index *idx, const struct object *o);

/* "read", "written", "appended", "deleted", "renamed/moved", "permissions
 * changed", "owner changed", "attributes changed", "executed", "auditing
 * changed", "other access", "metadata read", "share connected"; bit must be
 * one verdict bit, NULL otherwise. */
const char *objects_verdict_name(uint32_t bit);

/* Short one-word names for machine output: "read", "write", "append",
 * "delete", "rename", "perms", "owner", "attributes", "execute", "audit",
 * "other", "metadata", "share". */
const char *objects_verdict_key(uint32_t bit);

/* Comma-joined verdict names of bits into buf ("read, written"); returns the
 * length (truncated to buflen-1). */
size_t objects_verdicts_text(uint32_t bits, int keys, char *buf, size_t buflen);

/* The verdict bits the rights in mask stand for, for object_type
 * (doc/verdicts.md, "Rights to verdicts"). */
uint32_t objects_mask_verdicts(const char *object_type, uint32_t mask);

/* What a security-descriptor change (OldSd -> NewSd, SDDL) changed:
 * OBJ_OWNER (owner or primary group), OBJ_PERMS (DACL), OBJ_AUDIT (SACL);
 * OBJ_PERMS when the parts cannot be told apart. */
uint32_t objects_sd_verdicts(const char *old_sd, const char *new_sd);

/* Fill idx->order with every object in the given order (ties broken by
 * object index, so the order is stable).  Returns 0 or -1. */
int objects_sort(struct object_index *idx, const struct store *st, enum objects_order order);

/* "DOMAIN\user" of a user member into buf. */
const char *objects_user_text(const struct store *st, const struct object_member *m,
			      char *buf, size_t buflen);

#endif
