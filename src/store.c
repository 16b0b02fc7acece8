/* store.c - the append-only event store (see store.h).
 *
 * store_append maps a record's name/value pairs onto struct event.  The
 * mapping is one table from data names (modern schema names and the legacy
 * insertion-string names of legacy_layout.c) to event fields, so every
 * reader feeds the same code. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"

enum slot {
	SLOT_NONE,
	SLOT_USER, SLOT_DOMAIN, SLOT_SID, SLOT_LOGON,
	SLOT_CLIENT_USER, SLOT_CLIENT_DOMAIN, SLOT_CLIENT_LOGON,
	SLOT_OBJECT_SERVER, SLOT_OBJECT_TYPE, SLOT_OBJECT_NAME,
	SLOT_HANDLE, SLOT_PROCESS, SLOT_PROCESS_NAME,
	SLOT_MASK, SLOT_ACCESS_LIST, SLOT_ACCESS_REASON, SLOT_PRIVILEGES,
	SLOT_SHARE_NAME, SLOT_SHARE_PATH, SLOT_RELATIVE_TARGET, SLOT_IP,
	SLOT_OLD_SD, SLOT_NEW_SD,
	SLOT_SOURCE_HANDLE, SLOT_SOURCE_PROCESS, SLOT_TARGET_HANDLE, SLOT_TARGET_PROCESS,
	SLOT_COUNT
};

struct slot_name {
	const char *name;
	enum slot slot;
};

/* Sorted by name (strcasecmp) for bsearch. */
static const struct slot_name SLOT_NAMES[] = {
	{"AccessList", SLOT_ACCESS_LIST},
	{"AccessMask", SLOT_MASK},
	{"AccessReason", SLOT_ACCESS_REASON},
	{"Accesses", SLOT_ACCESS_LIST},
	{"ClientDomain", SLOT_CLIENT_DOMAIN},
	{"ClientLogonId", SLOT_CLIENT_LOGON},
	{"ClientUserName", SLOT_CLIENT_USER},
	{"HandleId", SLOT_HANDLE},
	{"ImageFileName", SLOT_PROCESS_NAME},
	{"IpAddress", SLOT_IP},
	{"NewSd", SLOT_NEW_SD},
	{"ObjectName", SLOT_OBJECT_NAME},
	{"ObjectServer", SLOT_OBJECT_SERVER},
	{"ObjectType", SLOT_OBJECT_TYPE},
	{"OldSd", SLOT_OLD_SD},
	{"PrimaryDomain", SLOT_DOMAIN},
	{"PrimaryLogonId", SLOT_LOGON},
	{"PrimaryUserName", SLOT_USER},
	{"PrivilegeList", SLOT_PRIVILEGES},
	{"Privileges", SLOT_PRIVILEGES},
	{"ProcessId", SLOT_PROCESS},
	{"ProcessName", SLOT_PROCESS_NAME},
	{"RelativeTargetName", SLOT_RELATIVE_TARGET},
	{"ShareLocalPath", SLOT_SHARE_PATH},
	{"ShareName", SLOT_SHARE_NAME},
	{"SourceHandleId", SLOT_SOURCE_HANDLE},
	{"SourceProcessId", SLOT_SOURCE_PROCESS},
	{"SubjectDomainName", SLOT_DOMAIN},
	{"SubjectLogonId", SLOT_LOGON},
	{"SubjectUserName", SLOT_USER},
	{"SubjectUserSid", SLOT_SID},
	{"TargetHandleId", SLOT_TARGET_HANDLE},
	{"TargetProcessId", SLOT_TARGET_PROCESS},
};

static int slot_name_cmp(const void *key, const void *elem)
{
	return strcasecmp(key, ((const struct slot_name *)elem)->name);
}

static enum slot slot_find(const char *name)
{
	if (!name)
		return SLOT_NONE;
	const struct slot_name *s = bsearch(name, SLOT_NAMES, sizeof SLOT_NAMES / sizeof SLOT_NAMES[0],
					    sizeof SLOT_NAMES[0], slot_name_cmp);
	return s ? s->slot : SLOT_NONE;
}

/* Windows writes "-" for "no value". */
static int value_present(const char *v)
{
	return v && *v && !(v[0] == '-' && v[1] == '\0');
}

void store_init(struct store *st)
{
	memset(st, 0, sizeof *st);
	strpool_init(&st->pool);
}

void store_free(struct store *st)
{
	for (size_t i = 0; i < st->nblocks; i++)
		free(st->blocks[i]);
	free(st->blocks);
	for (size_t i = 0; i < st->nsources; i++)
		free(st->sources[i]);
	free(st->sources);
	free(st->lives);
	strpool_free(&st->pool);
	memset(st, 0, sizeof *st);
}

int store_add_source(struct store *st, const char *path)
{
	if (st->nsources >= UINT16_MAX)
		return -1;
	char **s = realloc(st->sources, (st->nsources + 1) * sizeof *s);
	if (!s)
		return -1;
	st->sources = s;
	s[st->nsources] = strdup(path);
	if (!s[st->nsources])
		return -1;
	return (int)st->nsources++;
}

static struct event *store_slot_new(struct store *st)
{
	if (st->count >= UINT32_MAX - 1)
		return NULL;
	size_t block = st->count >> STORE_BLOCK_SHIFT;
	if (block >= st->nblocks) {
		if (st->nblocks == st->blocks_cap) {
			size_t cap = st->blocks_cap ? st->blocks_cap * 2 : 64;
			struct event **b = realloc(st->blocks, cap * sizeof *b);
			if (!b)
				return NULL;
			st->blocks = b;
			st->blocks_cap = cap;
		}
		st->blocks[st->nblocks] = malloc(STORE_BLOCK_EVENTS * sizeof(struct event));
		if (!st->blocks[st->nblocks])
			return NULL;
		st->nblocks++;
	}
	return store_event(st, (uint32_t)st->count);
}

static strref intern(struct store *st, const char *v, int *oom)
{
	if (!value_present(v))
		return 0;
	strref r = strpool_intern(&st->pool, v, strlen(v));
	if (!r)
		*oom = 1;
	return r;
}

static uint64_t number_or(const char *v, int *present)
{
	uint64_t n = 0;
	*present = event_parse_number(v, &n);
	return n;
}

struct mask_from_list {
	uint32_t mask;
};

static void mask_collect(void *ctx, const struct access_right *r)
{
	((struct mask_from_list *)ctx)->mask |= r->bit;
}

uint32_t store_append(struct store *st, const struct record *rec, uint16_t source, int *oom)
{
	int local_oom = 0;
	if (!oom)
		oom = &local_oom;
	st->records_seen++;
	if (rec->flags & RECORD_NOT_DECODABLE)
		st->not_decodable++;
	if (!st->keep_all && !(rec->flags & (RECORD_NOT_DECODABLE | RECORD_UNPARSED))
	    && !event_is_object_access(rec->event_id))
		return EVENT_NONE;

	const char *v[SLOT_COUNT] = {0};
	for (size_t i = 0; i < rec->ndata; i++) {
		enum slot s = slot_find(rec->data[i].name);
		if (s != SLOT_NONE && !v[s])
			v[s] = rec->data[i].value;
	}

	struct event *ev = store_slot_new(st);
	if (!ev) {
		*oom = 1;
		return EVENT_NONE;
	}
	memset(ev, 0, sizeof *ev);
	ev->record = rec->number;
	ev->time = rec->time;
	ev->event_id = (uint16_t)rec->event_id;
	ev->source = source;
	ev->outcome = rec->outcome;
	/* Forwarded text often drops the keywords; these events are documented
	 * as success-only ("4663(S)"), so their outcome is known anyway. */
	if (ev->outcome == OUTCOME_UNKNOWN && event_success_only(rec->event_id))
		ev->outcome = OUTCOME_SUCCESS;
	ev->raw_offset = rec->raw_offset;
	ev->raw_size = rec->raw_size;
	ev->open_ref = ev->close_ref = ev->life = ev->life_next = EVENT_NONE;
	if (rec->flags & RECORD_NOT_DECODABLE)
		ev->flags |= EVENT_NOT_DECODABLE;
	if (rec->flags & RECORD_LEGACY)
		ev->flags |= EVENT_LEGACY;
	if (rec->flags & RECORD_RECOVERED)
		ev->flags |= EVENT_RECOVERED;
	if (rec->flags & RECORD_UNPARSED) {
		ev->flags |= EVENT_UNPARSED;
		ev->str[ES_RAW] = intern(st, record_get(rec, "Line"), oom);
	}

	ev->str[ES_COMPUTER] = intern(st, rec->computer, oom);
	ev->str[ES_CHANNEL] = intern(st, rec->channel, oom);
	ev->str[ES_PROVIDER] = intern(st, rec->provider, oom);

	/* Legacy 560: a share open runs as the machine account on behalf of
	 * the client, so the client is the user who acted. */
	int present;
	if (value_present(v[SLOT_CLIENT_USER])) {
		ev->str[ES_USER] = intern(st, v[SLOT_CLIENT_USER], oom);
		ev->str[ES_DOMAIN] = intern(st, v[SLOT_CLIENT_DOMAIN], oom);
		ev->logon_id = number_or(v[SLOT_CLIENT_LOGON], &present);
		if (value_present(v[SLOT_USER])) {
			char buf[512];
			if (value_present(v[SLOT_DOMAIN]))
				snprintf(buf, sizeof buf, "%s\\%s", v[SLOT_DOMAIN], v[SLOT_USER]);
			else
				snprintf(buf, sizeof buf, "%s", v[SLOT_USER]);
			ev->str[ES_PRIMARY_USER] = intern(st, buf, oom);
		}
	} else {
		ev->str[ES_USER] = intern(st, v[SLOT_USER], oom);
		ev->str[ES_DOMAIN] = intern(st, v[SLOT_DOMAIN], oom);
		ev->logon_id = number_or(v[SLOT_LOGON], &present);
	}
	if (present)
		ev->flags |= EVENT_HAS_LOGON;
	ev->str[ES_SID] = intern(st, v[SLOT_SID], oom);
	ev->str[ES_OBJECT_SERVER] = intern(st, v[SLOT_OBJECT_SERVER], oom);
	ev->str[ES_OBJECT_TYPE] = intern(st, v[SLOT_OBJECT_TYPE], oom);
	if (value_present(v[SLOT_OBJECT_NAME])) {
		char mapped[4096];
		volume_map_apply(st->volumes, v[SLOT_OBJECT_NAME], mapped, sizeof mapped);
		ev->str[ES_OBJECT_NAME] = intern(st, mapped, oom);
	}
	ev->str[ES_PROCESS_NAME] = intern(st, v[SLOT_PROCESS_NAME], oom);
	ev->str[ES_ACCESS_LIST] = intern(st, v[SLOT_ACCESS_LIST], oom);
	ev->str[ES_ACCESS_REASON] = intern(st, v[SLOT_ACCESS_REASON], oom);
	ev->str[ES_PRIVILEGE_LIST] = intern(st, v[SLOT_PRIVILEGES], oom);
	ev->str[ES_SHARE_NAME] = intern(st, v[SLOT_SHARE_NAME], oom);
	ev->str[ES_SHARE_PATH] = intern(st, v[SLOT_SHARE_PATH], oom);
	ev->str[ES_RELATIVE_TARGET] = intern(st, v[SLOT_RELATIVE_TARGET], oom);
	ev->str[ES_IP_ADDRESS] = intern(st, v[SLOT_IP], oom);
	ev->str[ES_OLD_SD] = intern(st, v[SLOT_OLD_SD], oom);
	ev->str[ES_NEW_SD] = intern(st, v[SLOT_NEW_SD], oom);

	/* 4690 names its handles Source/Target; the source is the event's own. */
	const char *handle = v[SLOT_HANDLE] ? v[SLOT_HANDLE] : v[SLOT_SOURCE_HANDLE];
	const char *pid = v[SLOT_PROCESS] ? v[SLOT_PROCESS] : v[SLOT_SOURCE_PROCESS];
	ev->handle_id = number_or(handle, &present);
	if (present)
		ev->flags |= EVENT_HAS_HANDLE;
	ev->process_id = (uint32_t)number_or(pid, &present);
	if (present)
		ev->flags |= EVENT_HAS_PROCESS;
	int th, tp;
	ev->target_handle_id = number_or(v[SLOT_TARGET_HANDLE], &th);
	ev->target_process_id = (uint32_t)number_or(v[SLOT_TARGET_PROCESS], &tp);
	if (th && tp)
		ev->flags |= EVENT_HAS_TARGET;
	ev->access_mask = (uint32_t)number_or(v[SLOT_MASK], &present);
	if (present) {
		ev->flags |= EVENT_HAS_MASK;
	} else if (value_present(v[SLOT_ACCESS_LIST])) {
		/* Forwarded text may carry only the list: rebuild the mask. */
		struct mask_from_list m = {0};
		if (access_list_decode(v[SLOT_ACCESS_LIST], v[SLOT_OBJECT_TYPE], mask_collect, &m) && m.mask) {
			ev->access_mask = m.mask;
			ev->flags |= EVENT_HAS_MASK;
		}
	}
	return (uint32_t)st->count++;
}

const char *store_str(const struct store *st, const struct event *ev, enum event_str field)
{
	return strpool_get(&st->pool, ev->str[field]);
}

const char *store_resolved_name(const struct store *st, uint32_t index, int *from_open,
				char *buf, size_t buflen)
{
	const struct event *ev = store_event(st, index);
	if (from_open)
		*from_open = 0;
	if (ev->str[ES_OBJECT_NAME])
		return strpool_get(&st->pool, ev->str[ES_OBJECT_NAME]);
	if (ev->open_ref != EVENT_NONE) {
		const struct event *op = store_event(st, ev->open_ref);
		if (op->str[ES_OBJECT_NAME]) {
			if (from_open)
				*from_open = 1;
			return strpool_get(&st->pool, op->str[ES_OBJECT_NAME]);
		}
	}
	if (ev->str[ES_SHARE_PATH] && buf && buflen) {
		char share[4096];
		names_join_share_path(strpool_get(&st->pool, ev->str[ES_SHARE_PATH]),
				      strpool_get(&st->pool, ev->str[ES_RELATIVE_TARGET]),
				      share, sizeof share);
		volume_map_apply(st->volumes, share, buf, buflen);
		return buf;
	}
	return "";
}

size_t store_bytes(const struct store *st)
{
	return st->nblocks * STORE_BLOCK_EVENTS * sizeof(struct event)
	       + st->blocks_cap * sizeof(struct event *)
	       + st->lives_cap * sizeof(struct handle_life)
	       + strpool_bytes(&st->pool);
}
