/* event.h - the compact event the store holds.
 *
 * One struct event per record.  Text fields are references into the store's
 * string pool (strref, 0 = absent), so a repeated user or object name costs
 * four bytes per event.  Numbers that Windows writes as hex or decimal strings
 * (handle and process ids, masks, logon ids) are normalised to integers here,
 * with a flag saying whether the event carried them at all.  Links to other
 * events are store indexes (EVENT_NONE when there is none). */
#ifndef OAVIEW_EVENT_H
#define OAVIEW_EVENT_H

#include <stdint.h>

#include "record.h"

typedef uint32_t strref;

#define EVENT_NONE UINT32_MAX

enum event_str {
	ES_COMPUTER,
	ES_CHANNEL,
	ES_USER,           /* the user who acted (legacy: client user if any) */
	ES_DOMAIN,
	ES_SID,
	ES_PRIMARY_USER,   /* legacy 560: primary user when a client user acted */
	ES_OBJECT_SERVER,
	ES_OBJECT_TYPE,
	ES_OBJECT_NAME,    /* as in the event, device path mapped */
	ES_PROCESS_NAME,
	ES_ACCESS_LIST,    /* raw text: %%codes or names */
	ES_ACCESS_REASON,
	ES_PRIVILEGE_LIST,
	ES_SHARE_NAME,
	ES_SHARE_PATH,     /* ShareLocalPath */
	ES_RELATIVE_TARGET,
	ES_IP_ADDRESS,
	ES_OLD_SD,
	ES_NEW_SD,
	ES_RAW,            /* unparsed text line */
	ES_PROVIDER,       /* the event's provider (source name) */
	ES_COUNT
};

enum event_flag {
	EVENT_HAS_HANDLE = 1u << 0,
	EVENT_HAS_PROCESS = 1u << 1,
	EVENT_HAS_MASK = 1u << 2,
	EVENT_HAS_LOGON = 1u << 3,
	EVENT_HAS_TARGET = 1u << 4,     /* 4690: target handle and process */
	EVENT_NOT_DECODABLE = 1u << 5,
	EVENT_LEGACY = 1u << 6,
	EVENT_RECOVERED = 1u << 7,
	EVENT_UNPARSED = 1u << 8,
};

struct event {
	uint64_t record;           /* record number (see DESIGN: Correlation) */
	int64_t time;              /* FILETIME ticks, UTC */
	uint64_t handle_id;
	uint64_t logon_id;
	uint64_t target_handle_id; /* 4690 */
	uint64_t raw_offset;
	uint32_t process_id;
	uint32_t target_process_id;
	uint32_t access_mask;
	uint32_t raw_size;
	uint32_t open_ref;         /* index of the event that opened the handle */
	uint32_t close_ref;        /* index of the event that closed it */
	uint32_t life;             /* index of the handle lifetime, or EVENT_NONE */
	uint32_t life_next;        /* next event of the same lifetime */
	strref str[ES_COUNT];
	uint16_t event_id;
	uint16_t source;           /* index of the source file in the store */
	uint16_t flags;            /* enum event_flag */
	uint8_t outcome;           /* enum outcome */
};

/* Event ids the viewer treats as object access (modern and legacy). */
int event_is_object_access(uint32_t event_id);

/* Is the event documented as logged on success only (e.g. "4663(S)")? */
int event_success_only(uint32_t event_id);

/* Short lower-case verb for the event id: "open", "access", "close",
 * "delete", "perms", "dup", "share", "check", ... or "event". */
const char *event_id_verb(uint32_t event_id);

/* One-line title ("An attempt was made to access an object"). */
const char *event_id_title(uint32_t event_id);

/* Parse "0x1a4", "1a4"? no: hex needs 0x; "20084" is decimal.  Returns 1 and
 * stores the value on success, 0 when text is not a number ("-", empty). */
int event_parse_number(const char *text, uint64_t *value);

#endif
