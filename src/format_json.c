/* format_json.c - JSON event records (NXLog, flattened exports, Winlogbeat/
 * ECS), parsed with jansson.
 *
 * A document is one event object, an array of them, or Winlogbeat's
 * pipeline-test wrapper {"events":[...]}.  An event is read in one of two
 * shapes:
 *   - Winlogbeat/ECS, when it has a "winlog" object: winlog.event_id
 *     (string or number; else event.code), record_id, computer_name,
 *     channel, provider_name, keywords (["Audit Success"]) or outcome,
 *     time_created (else @timestamp), and winlog.event_data.* and
 *     winlog.user_data.* as data;
 *   - flat (NXLog im_msvistalog and exports like it): EventID, RecordNumber,
 *     Hostname, Channel, SourceName/ProviderName, Keywords (a signed int64 or
 *     a "0x..." string; bit 53 = audit success, bit 52 = failure) or
 *     EventType AUDIT_SUCCESS/AUDIT_FAILURE, and every other top-level scalar
 *     as data, except the metadata NXLog and Logstash add (JREC_METADATA):
 *     those are not event data, and NXLog's "ProcessID" (the writer's
 *     process) would otherwise be taken for the event's ProcessId by the
 *     store's case-insensitive name lookup.
 * Values are kept as given (numbers as decimal text, null skipped), even
 * where a source escaped backslashes twice.
 *
 * Time.  NXLog's EventTime is local time with no zone.  When the record
 * also went through Logstash, EventReceivedTime (NXLog's local receive time)
 * and @timestamp (Logstash's UTC receive time) are one moment on two clocks
 * a second or so apart, so their difference rounded to 15 minutes is the
 * zone offset, and EventTime plus that offset is the event's UTC time (the
 * Mordor samples: offset 4 h, @timestamp itself is 1 to 65 s after the
 * event).  Without that pair, or when the difference is not within 5
 * minutes of a 15-minute step, a zoneless time is taken as is, as UTC.
 * Order of preference: winlog.time_created, EventTime, TimeCreated,
 * @timestamp.
 *
 * Bounds: documents over JREC_MAX_SIZE or nested deeper than JREC_MAX_DEPTH
 * (checked by a scan before jansson sees them) are refused.  Helpers are
 * named jrec_* to stay out of jansson's json_ namespace. */
#include "text_format.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_string_scan.h"
#include "timefmt.h"

#define JREC_MAX_DEPTH 64
#define JREC_MAX_SIZE (4u << 20)
#define KEYWORD_AUDIT_FAILURE_BIT (1ull << 52)
#define KEYWORD_AUDIT_SUCCESS_BIT (1ull << 53)
#define ZONE_STEP_SECONDS 900
#define ZONE_SLACK_SECONDS 300

/* Keys of flat records that are not event data (NXLog im_msvistalog
 * metadata, Logstash's additions, the rendered message).  Kept in strcmp
 * order: every key of every record is looked up here, by bisection. */
static const char *const JREC_METADATA[] = {
	"@timestamp", "@version", "AccountName", "AccountType", "ActivityID", "Category",
	"Channel", "Domain", "ERROR_EVT_UNRESOLVED", "EventID", "EventReceivedTime",
	"EventTime", "EventType", "ExecutionProcessID", "ExecutionThreadID", "Hostname",
	"Keywords", "Level", "LevelValue", "Message", "Opcode", "OpcodeValue", "ProcessID",
	"ProviderGuid", "ProviderName", "RecordNumber", "RelatedActivityID", "Severity",
	"SeverityValue", "SourceModuleName", "SourceModuleType", "SourceName", "Task",
	"ThreadID", "TimeCreated", "UserID", "Version", "host", "port", "tags", "type",
};

static int jrec_is_metadata(const char *key)
{
	size_t lo = 0, hi = sizeof JREC_METADATA / sizeof JREC_METADATA[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, JREC_METADATA[mid]);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* Deepest nesting of [ and { outside strings, stopping early past max;
 * strings are crossed with json_string_scan. */
static int jrec_depth(const char *s, size_t len, int max)
{
	int depth = 0, deepest = 0;
	size_t i = 0;
	while (i < len) {
		char c = s[i++];
		if (c == '{' || c == '[') {
			if (++depth > deepest && (deepest = depth) > max)
				return deepest;
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == '"') {
			/* To the closing quote, stepping over escapes. */
			for (;;) {
				i = json_string_scan(s, i, len);
				if (i >= len)
					return deepest;
				if (s[i++] == '"')
					break;
				if (++i >= len)         /* past the escaped byte */
					return deepest;
			}
		}
	}
	return deepest;
}

/* A scalar as text in the arena; NULL for null, objects and arrays. */
static const char *jrec_scalar_text(json_t *v, struct arena *a, int *oom)
{
	char buf[64];
	const char *s;
	size_t n;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		break;
	case JSON_INTEGER:
		n = (size_t)snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = buf;
		break;
	case JSON_REAL:
		n = (size_t)snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
		s = buf;
		break;
	case JSON_TRUE:
		s = "true";
		n = 4;
		break;
	case JSON_FALSE:
		s = "false";
		n = 5;
		break;
	default:
		return NULL;
	}
	char *copy = arena_strndup(a, s, n);
	if (!copy)
		*oom = 1;
	return copy;
}

/* A number written as a JSON integer or as decimal/"0x" text. */
static int jrec_number(json_t *v, uint64_t *out)
{
	if (json_is_integer(v)) {
		*out = (uint64_t)json_integer_value(v);
		return 1;
	}
	if (!json_is_string(v))
		return 0;
	const char *s = json_string_value(v);
	char *end;
	int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
	if (!*s || (s[0] == '-' && base == 10))
		return 0;
	unsigned long long n = strtoull(s, &end, base);
	if (*end)
		return 0;
	*out = n;
	return 1;
}

static int jrec_time(json_t *v, int64_t *ft)
{
	return json_is_string(v) && timefmt_parse_iso(json_string_value(v), ft);
}

/* Does an ISO time text carry a zone (Z or +hh:mm / -hh:mm after the
 * time of day)? */
static int jrec_time_has_zone(json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	for (size_t i = 19; i < n; i++)
		if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || s[i] == '-')
			return 1;
	return 0;
}

static const char *jrec_string_copy(json_t *v, struct arena *a, int *oom)
{
	return json_is_string(v) ? jrec_scalar_text(v, a, oom) : NULL;
}

static uint8_t outcome_from_keywords(uint64_t k)
{
	if (k & KEYWORD_AUDIT_SUCCESS_BIT)
		return OUTCOME_SUCCESS;
	if (k & KEYWORD_AUDIT_FAILURE_BIT)
		return OUTCOME_FAILURE;
	return OUTCOME_UNKNOWN;
}

static uint8_t outcome_from_word(json_t *v)
{
	const char *s = json_string_value(v);
	if (!s)
		return OUTCOME_UNKNOWN;
	if (strcmp(s, "success") == 0 || strcmp(s, "Audit Success") == 0 || strcmp(s, "AUDIT_SUCCESS") == 0)
		return OUTCOME_SUCCESS;
	if (strcmp(s, "failure") == 0 || strcmp(s, "Audit Failure") == 0 || strcmp(s, "AUDIT_FAILURE") == 0)
		return OUTCOME_FAILURE;
	return OUTCOME_UNKNOWN;
}

/* The event id of an event object: 1 found, 0 none, -1 not a number. */
static int jrec_event_id(json_t *ev, uint32_t *id)
{
	json_t *winlog = json_object_get(ev, "winlog");
	json_t *v = NULL;
	if (json_is_object(winlog))
		v = json_object_get(winlog, "event_id");
	if (!v && json_is_object(winlog))
		v = json_object_get(json_object_get(ev, "event"), "code");
	if (!v)
		v = json_object_get(ev, "EventID");
	if (!v)
		return 0;
	uint64_t n;
	if (!jrec_number(v, &n) || n > UINT32_MAX)
		return -1;
	*id = (uint32_t)n;
	return 1;
}

static void jrec_add_scalars(json_t *obj, struct record *rec, struct arena *a, int skip_metadata,
			     int *oom)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		if (skip_metadata && jrec_is_metadata(key))
			continue;
		const char *text = jrec_scalar_text(v, a, oom);
		if (!text)
			continue;
		const char *name = arena_strdup(a, key);
		if (!name) {
			*oom = 1;
			return;
		}
		record_add(rec, name, text);
	}
}

static void jrec_fill_winlog(json_t *ev, json_t *winlog, struct record *rec, struct arena *a, int *oom)
{
	uint64_t n;
	if (jrec_number(json_object_get(winlog, "record_id"), &n))
		rec->number = n;
	rec->computer = jrec_string_copy(json_object_get(winlog, "computer_name"), a, oom);
	rec->channel = jrec_string_copy(json_object_get(winlog, "channel"), a, oom);
	rec->provider = jrec_string_copy(json_object_get(winlog, "provider_name"), a, oom);
	json_t *event = json_object_get(ev, "event");
	if (!rec->provider)
		rec->provider = jrec_string_copy(json_object_get(event, "provider"), a, oom);

	json_t *kw = json_object_get(winlog, "keywords");
	size_t i;
	json_t *k;
	json_array_foreach(kw, i, k) {
		uint8_t o = outcome_from_word(k);
		if (o)
			rec->outcome = o;
	}
	if (!rec->outcome)
		rec->outcome = outcome_from_word(json_object_get(winlog, "outcome"));
	if (!rec->outcome)
		rec->outcome = outcome_from_word(json_object_get(event, "outcome"));

	int64_t ft;
	if (jrec_time(json_object_get(winlog, "time_created"), &ft)
	    || jrec_time(json_object_get(ev, "@timestamp"), &ft))
		rec->time = ft;

	json_t *data = json_object_get(winlog, "event_data");
	if (json_is_object(data))
		jrec_add_scalars(data, rec, a, 0, oom);
	data = json_object_get(winlog, "user_data");
	if (json_is_object(data))
		jrec_add_scalars(data, rec, a, 0, oom);
}

/* NXLog's zoneless EventTime corrected by the offset that EventReceivedTime
 * and @timestamp reveal (see the top); 0 when they do not. */
static int jrec_nxlog_time(json_t *ev, int64_t *ft)
{
	json_t *event_time = json_object_get(ev, "EventTime");
	json_t *received = json_object_get(ev, "EventReceivedTime");
	json_t *stamp = json_object_get(ev, "@timestamp");
	int64_t et, rt, ts;
	if (!jrec_time(event_time, &et))
		return 0;
	*ft = et;
	if (jrec_time_has_zone(event_time) || !jrec_time(received, &rt) || jrec_time_has_zone(received)
	    || !jrec_time(stamp, &ts) || !jrec_time_has_zone(stamp))
		return 1;
	int64_t diff = (ts - rt) / FILETIME_TICKS;
	int64_t steps = (diff + (diff >= 0 ? ZONE_STEP_SECONDS / 2 : -ZONE_STEP_SECONDS / 2)) / ZONE_STEP_SECONDS;
	int64_t offset = steps * ZONE_STEP_SECONDS;
	int64_t slack = diff - offset;
	if (slack <= ZONE_SLACK_SECONDS && slack >= -ZONE_SLACK_SECONDS && offset <= 14 * 3600
	    && offset >= -14 * 3600)
		*ft = et + offset * FILETIME_TICKS;
	return 1;
}

static void jrec_fill_flat(json_t *ev, struct record *rec, struct arena *a, int *oom)
{
	uint64_t n;
	if (jrec_number(json_object_get(ev, "RecordNumber"), &n))
		rec->number = n;
	rec->computer = jrec_string_copy(json_object_get(ev, "Hostname"), a, oom);
	rec->channel = jrec_string_copy(json_object_get(ev, "Channel"), a, oom);
	rec->provider = jrec_string_copy(json_object_get(ev, "SourceName"), a, oom);
	if (!rec->provider)
		rec->provider = jrec_string_copy(json_object_get(ev, "ProviderName"), a, oom);

	json_t *kw = json_object_get(ev, "Keywords");
	if (kw && jrec_number(kw, &n))
		rec->outcome = outcome_from_keywords(n);
	if (!rec->outcome)
		rec->outcome = outcome_from_word(json_object_get(ev, "EventType"));

	int64_t ft;
	if (jrec_nxlog_time(ev, &ft) || jrec_time(json_object_get(ev, "TimeCreated"), &ft)
	    || jrec_time(json_object_get(ev, "@timestamp"), &ft))
		rec->time = ft;

	jrec_add_scalars(ev, rec, a, 1, oom);
}

/* Fill rec from one event object whose id is known to be there. */
static int jrec_fill(json_t *ev, uint32_t id, struct record *rec, struct arena *a, char *err, size_t errlen)
{
	int oom = 0;
	record_clear(rec);
	rec->event_id = id;
	json_t *winlog = json_object_get(ev, "winlog");
	if (json_is_object(winlog))
		jrec_fill_winlog(ev, winlog, rec, a, &oom);
	else
		jrec_fill_flat(ev, rec, a, &oom);
	if (oom) {
		snprintf(err, errlen, "JSON: out of memory");
		return -1;
	}
	return 1;
}

/* The events a document holds: the array itself, the "events" array of
 * the pipeline-test wrapper, or the document as the one event. */
static json_t *jrec_event_list(json_t *doc, int *single)
{
	*single = 0;
	if (json_is_array(doc))
		return doc;
	json_t *events = json_object_get(doc, "events");
	uint32_t id;
	if (json_is_array(events) && jrec_event_id(doc, &id) == 0)
		return events;
	*single = 1;
	return doc;
}

static json_t *jrec_load_record(const char *text, size_t len, char *err, size_t errlen)
{
	if (len > JREC_MAX_SIZE) {
		snprintf(err, errlen, "JSON: record larger than %u MiB", JREC_MAX_SIZE >> 20);
		return NULL;
	}
	if (jrec_depth(text, len, JREC_MAX_DEPTH) > JREC_MAX_DEPTH) {
		snprintf(err, errlen, "JSON: nested deeper than %d levels", JREC_MAX_DEPTH);
		return NULL;
	}
	json_error_t e;
	json_t *doc = json_loadb(text, len, 0, &e);
	if (!doc) {
		/* jansson quotes the offending token: keep the message printable. */
		for (char *p = e.text; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		snprintf(err, errlen, "JSON: %s at line %d, column %d", e.text, e.line, e.column);
	}
	return doc;
}

/* ---- jansson's memory ------------------------------------------------
 *
 * jansson allocates each value, key and hashtable of a document on its own
 * and frees each again at json_decref: a tenth of a whole text read went to
 * malloc and free.  So while a thread parses and releases one document, its
 * jansson allocations come from a bump arena (freeing is a no-op) that goes
 * at once when the document is done.  Outside that window, and in every
 * other thread, they are malloc and free as ever.  jansson's allocator hooks
 * are process-wide and are to be set once, before other use (its
 * "Portability" notes): only this file calls jansson, and it installs them
 * before its first call. */

static _Thread_local struct arena *jrec_heap;
static pthread_once_t jrec_heap_once = PTHREAD_ONCE_INIT;

static void *jrec_malloc(size_t n)
{
	struct arena *h = jrec_heap;
	return h ? arena_alloc(h, n) : malloc(n);
}

static void jrec_free(void *p)
{
	if (!jrec_heap)
		free(p);
}

static void jrec_heap_install(void)
{
	json_set_alloc_funcs(jrec_malloc, jrec_free);
}

/* text_parse_json_each with the document's jansson memory in the arena;
 * each() must keep no jansson value. */
static int jrec_each(const char *text, size_t len, struct arena *a,
		     int (*each)(void *ctx, struct record *rec), void *ctx,
		     char *err, size_t errlen)
{
	json_t *doc = jrec_load_record(text, len, err, errlen);
	if (!doc)
		return -1;
	int single;
	json_t *list = jrec_event_list(doc, &single);
	size_t count = single ? 1 : json_array_size(list);
	int rc = 1;
	/* Check every event first, so a document is either delivered whole or
	 * refused whole (and then shown as unparsed lines by the caller). */
	for (size_t i = 0; i < count && rc == 1; i++) {
		json_t *ev = single ? list : json_array_get(list, i);
		uint32_t id;
		int found = json_is_object(ev) ? jrec_event_id(ev, &id) : 0;
		if (found < 0) {
			snprintf(err, errlen, "JSON: event %zu of %zu: the event id is not a number", i + 1, count);
			rc = -1;
		} else if (found == 0 && single) {
			rc = 0;
		} else if (found == 0) {
			snprintf(err, errlen, "JSON: event %zu of %zu has no event id", i + 1, count);
			rc = -1;
		}
	}
	if (count == 0)
		rc = 0;
	struct record *rec = NULL;
	if (rc == 1 && !(rec = malloc(sizeof *rec))) {
		snprintf(err, errlen, "JSON: out of memory");
		rc = -1;
	}
	for (size_t i = 0; i < count && rc == 1; i++) {
		json_t *ev = single ? list : json_array_get(list, i);
		uint32_t id = 0;
		jrec_event_id(ev, &id);
		rc = jrec_fill(ev, id, rec, a, err, errlen);
		if (rc == 1 && each(ctx, rec) != 0)
			break;
	}
	free(rec);
	json_decref(doc);
	return rc;
}

int text_parse_json_each(const char *text, size_t len, struct arena *a,
			 int (*each)(void *ctx, struct record *rec), void *ctx,
			 char *err, size_t errlen)
{
	pthread_once(&jrec_heap_once, jrec_heap_install);
	struct arena heap = {0};
	jrec_heap = &heap;
	int rc = jrec_each(text, len, a, each, ctx, err, errlen);
	jrec_heap = NULL;
	arena_free(&heap);
	return rc;
}

struct jrec_first {
	struct record *rec;
	int seen;
};

static int jrec_take_first(void *ctx, struct record *rec)
{
	struct jrec_first *f = ctx;
	*f->rec = *rec;
	f->seen = 1;
	return 1; /* one is enough */
}

int text_parse_json(const char *text, size_t len, struct record *rec, struct arena *a,
		    char *err, size_t errlen)
{
	struct jrec_first f = {rec, 0};
	int rc = text_parse_json_each(text, len, a, jrec_take_first, &f, err, errlen);
	return rc == 1 && !f.seen ? 0 : rc;
}
