/* print.c - text, JSON Lines and CSV output of events (see print.h). */
#include "print.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "sanitize.h"
#include "timefmt.h"

int print_format_parse(const char *name)
{
	if (strcmp(name, "text") == 0)
		return PRINT_TEXT;
	if (strcmp(name, "jsonl") == 0 || strcmp(name, "json") == 0)
		return PRINT_JSONL;
	if (strcmp(name, "csv") == 0)
		return PRINT_CSV;
	return -1;
}

/* ---- JSON ---------------------------------------------------------- */

void print_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	putc('"', out);
	/* Bytes that need no escape go out in runs, one fwrite each: a
	 * write per character was a tenth of a whole --print run. */
	size_t i = 0, run = 0;
	while (i < len) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n > 1 && cp > 0x9f && cp != 0x2028 && cp != 0x2029) {
			i += n;
			continue;
		}
		fwrite(p + run, 1, i - run, out);
		if (n == 0) {
			fputs("\\ufffd", out);
			n = 1;
		} else if (cp == '"' || cp == '\\') {
			putc('\\', out);
			putc((int)cp, out);
		} else {
			switch (cp) {
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			case '\t': fputs("\\t", out); break;
			default: fprintf(out, "\\u%04x", (unsigned)cp);
			}
		}
		i += n;
		run = i;
	}
	fwrite(p + run, 1, i - run, out);
	putc('"', out);
}

static void json_key(FILE *out, const char *key, int *first)
{
	if (!*first)
		putc(',', out);
	*first = 0;
	print_json_string(out, key);
	putc(':', out);
}

static void json_str_or_null(FILE *out, const char *key, const char *value, int *first)
{
	json_key(out, key, first);
	if (value && *value)
		print_json_string(out, value);
	else
		fputs("null", out);
}

static void json_hex_or_null(FILE *out, const char *key, int present, uint64_t v, int *first)
{
	json_key(out, key, first);
	if (present)
		fprintf(out, "\"0x%" PRIx64 "\"", v);
	else
		fputs("null", out);
}

static void json_ref(FILE *out, const char *key, const struct store *st, uint32_t ref, int *first)
{
	json_key(out, key, first);
	if (ref == EVENT_NONE)
		fputs("null", out);
	else
		fprintf(out, "%" PRIu64, store_event(st, ref)->record);
}

struct rights_out {
	FILE *out;
	int n;
	char *buf;      /* for text/csv: joined names */
	size_t len, cap;
	const char *sep;
	int short_names;
};

static void rights_emit(void *ctx, const struct access_right *r)
{
	struct rights_out *ro = ctx;
	const char *name = ro->short_names ? r->short_name : r->name;
	if (ro->out) {
		if (ro->n)
			putc(',', ro->out);
		print_json_string(ro->out, name);
	} else if (ro->buf) {
		int w = snprintf(ro->buf + ro->len, ro->cap - ro->len, "%s%s", ro->n ? ro->sep : "", name);
		if (w > 0)
			ro->len = ro->len + (size_t)w < ro->cap ? ro->len + (size_t)w : ro->cap - 1;
	}
	ro->n++;
}

/* The event's rights: from the mask when it has one, else the list. */
static void event_rights(const struct store *st, const struct event *ev, struct rights_out *ro)
{
	const char *type = store_str(st, ev, ES_OBJECT_TYPE);
	if (ev->flags & EVENT_HAS_MASK) {
		struct access_right rights[32];
		size_t n = access_decode_mask(type, ev->access_mask, rights, 32);
		for (size_t i = 0; i < n && i < 32; i++)
			rights_emit(ro, &rights[i]);
	} else if (ev->str[ES_ACCESS_LIST]) {
		access_list_decode(store_str(st, ev, ES_ACCESS_LIST), type, rights_emit, ro);
	}
}

static const char *outcome_name(uint8_t outcome)
{
	return outcome == OUTCOME_SUCCESS ? "success" : outcome == OUTCOME_FAILURE ? "failure" : NULL;
}

static void print_jsonl(FILE *out, const struct store *st, uint32_t index)
{
	const struct event *ev = store_event(st, index);
	char tbuf[64], name[4096];
	int first = 1, from_open = 0;
	putc('{', out);
	json_str_or_null(out, "source", st->sources[ev->source], &first);
	json_key(out, "record", &first);
	fprintf(out, "%" PRIu64, ev->record);
	timefmt_iso(ev->time, tbuf, sizeof tbuf);
	json_str_or_null(out, "time", tbuf, &first);
	json_str_or_null(out, "computer", store_str(st, ev, ES_COMPUTER), &first);
	json_str_or_null(out, "provider", store_str(st, ev, ES_PROVIDER), &first);
	json_key(out, "event_id", &first);
	fprintf(out, "%u", ev->event_id);
	json_str_or_null(out, "outcome", outcome_name(ev->outcome), &first);
	json_str_or_null(out, "user", store_str(st, ev, ES_USER), &first);
	json_str_or_null(out, "domain", store_str(st, ev, ES_DOMAIN), &first);
	json_str_or_null(out, "sid", store_str(st, ev, ES_SID), &first);
	json_hex_or_null(out, "logon_id", ev->flags & EVENT_HAS_LOGON, ev->logon_id, &first);
	json_str_or_null(out, "object_server", store_str(st, ev, ES_OBJECT_SERVER), &first);
	json_str_or_null(out, "object_type", store_str(st, ev, ES_OBJECT_TYPE), &first);
	json_str_or_null(out, "object_name", store_str(st, ev, ES_OBJECT_NAME), &first);
	const char *resolved = store_resolved_name(st, index, &from_open, name, sizeof name);
	json_str_or_null(out, "resolved_name", resolved, &first);
	json_key(out, "name_from_open", &first);
	fputs(from_open ? "true" : "false", out);
	json_hex_or_null(out, "handle_id", ev->flags & EVENT_HAS_HANDLE, ev->handle_id, &first);
	json_hex_or_null(out, "process_id", ev->flags & EVENT_HAS_PROCESS, ev->process_id, &first);
	json_str_or_null(out, "process_name", store_str(st, ev, ES_PROCESS_NAME), &first);
	json_hex_or_null(out, "access_mask", ev->flags & EVENT_HAS_MASK, ev->access_mask, &first);
	json_key(out, "accesses", &first);
	putc('[', out);
	struct rights_out ro = {.out = out};
	event_rights(st, ev, &ro);
	putc(']', out);
	json_str_or_null(out, "privileges", store_str(st, ev, ES_PRIVILEGE_LIST), &first);
	json_str_or_null(out, "share_name", store_str(st, ev, ES_SHARE_NAME), &first);
	json_str_or_null(out, "ip_address", store_str(st, ev, ES_IP_ADDRESS), &first);
	if (ev->flags & EVENT_HAS_TARGET) {
		json_hex_or_null(out, "target_handle_id", 1, ev->target_handle_id, &first);
		json_hex_or_null(out, "target_process_id", 1, ev->target_process_id, &first);
	}
	json_ref(out, "open_record", st, ev->open_ref, &first);
	json_ref(out, "close_record", st, ev->close_ref, &first);
	if (ev->flags & EVENT_NOT_DECODABLE) {
		json_key(out, "raw_offset", &first);
		fprintf(out, "%" PRIu64, ev->raw_offset);
		json_key(out, "raw_size", &first);
		fprintf(out, "%u", ev->raw_size);
	}
	json_key(out, "decodable", &first);
	fputs(ev->flags & (EVENT_NOT_DECODABLE | EVENT_UNPARSED) ? "false" : "true", out);
	if (ev->flags & EVENT_UNPARSED)
		json_str_or_null(out, "unparsed_line", store_str(st, ev, ES_RAW), &first);
	fputs("}\n", out);
}

/* ---- CSV ----------------------------------------------------------- */

void print_csv_field(FILE *out, const char *s, int last)
{
	/* A leading = + @ would make a spreadsheet run the cell as a formula. */
	int guard = s[0] == '=' || s[0] == '+' || s[0] == '@';
	putc('"', out);
	if (guard)
		putc('\'', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			putc('"', out);
		putc(*p, out);
	}
	putc('"', out);
	putc(last ? '\n' : ',', out);
}

static const char *CSV_HEADER = "source,record,time,computer,event_id,outcome,user,domain,logon_id,"
				"object_type,object_name,resolved_name,handle_id,process_id,"
				"process_name,access_mask,accesses,open_record,close_record\n";

static void print_csv(FILE *out, const struct store *st, uint32_t index)
{
	const struct event *ev = store_event(st, index);
	char tbuf[64], name[4096], num[32], rights[2048];
	print_csv_field(out, st->sources[ev->source], 0);
	snprintf(num, sizeof num, "%" PRIu64, ev->record);
	print_csv_field(out, num, 0);
	timefmt_iso(ev->time, tbuf, sizeof tbuf);
	print_csv_field(out, tbuf, 0);
	print_csv_field(out, store_str(st, ev, ES_COMPUTER), 0);
	snprintf(num, sizeof num, "%u", ev->event_id);
	print_csv_field(out, num, 0);
	const char *oc = outcome_name(ev->outcome);
	print_csv_field(out, oc ? oc : "", 0);
	print_csv_field(out, store_str(st, ev, ES_USER), 0);
	print_csv_field(out, store_str(st, ev, ES_DOMAIN), 0);
	snprintf(num, sizeof num, "0x%" PRIx64, ev->logon_id);
	print_csv_field(out, ev->flags & EVENT_HAS_LOGON ? num : "", 0);
	print_csv_field(out, store_str(st, ev, ES_OBJECT_TYPE), 0);
	print_csv_field(out, store_str(st, ev, ES_OBJECT_NAME), 0);
	print_csv_field(out, store_resolved_name(st, index, NULL, name, sizeof name), 0);
	snprintf(num, sizeof num, "0x%" PRIx64, ev->handle_id);
	print_csv_field(out, ev->flags & EVENT_HAS_HANDLE ? num : "", 0);
	snprintf(num, sizeof num, "0x%x", ev->process_id);
	print_csv_field(out, ev->flags & EVENT_HAS_PROCESS ? num : "", 0);
	print_csv_field(out, store_str(st, ev, ES_PROCESS_NAME), 0);
	snprintf(num, sizeof num, "0x%x", ev->access_mask);
	print_csv_field(out, ev->flags & EVENT_HAS_MASK ? num : "", 0);
	rights[0] = '\0';
	struct rights_out ro = {.buf = rights, .cap = sizeof rights, .sep = ";"};
	event_rights(st, ev, &ro);
	print_csv_field(out, rights, 0);
	num[0] = '\0';
	if (ev->open_ref != EVENT_NONE)
		snprintf(num, sizeof num, "%" PRIu64, store_event(st, ev->open_ref)->record);
	print_csv_field(out, num, 0);
	num[0] = '\0';
	if (ev->close_ref != EVENT_NONE)
		snprintf(num, sizeof num, "%" PRIu64, store_event(st, ev->close_ref)->record);
	print_csv_field(out, num, 1);
}

/* ---- text ---------------------------------------------------------- */

void print_safe_text(FILE *out, const char *s)
{
	char buf[8192];
	sanitize_text(s, strlen(s), buf, sizeof buf, NULL);
	fputs(buf, out);
}

static void print_text(FILE *out, const struct store *st, uint32_t index)
{
	const struct event *ev = store_event(st, index);
	char tbuf[64], name[4096], rights[1024];
	int from_open = 0;
	timefmt_iso(ev->time, tbuf, sizeof tbuf);
	fprintf(out, "%s #%" PRIu64 " %u %-6s ", tbuf[0] ? tbuf : "-", ev->record, ev->event_id,
		event_id_verb(ev->event_id));
	const char *oc = outcome_name(ev->outcome);
	fprintf(out, "%-7s ", oc ? oc : "-");
	if (ev->flags & EVENT_UNPARSED) {
		fputs("(unparsed) ", out);
		print_safe_text(out, store_str(st, ev, ES_RAW));
		putc('\n', out);
		return;
	}
	if (ev->flags & EVENT_NOT_DECODABLE) {
		fputs("(not decodable", out);
		if (ev->raw_size)
			fprintf(out, ": %u raw bytes at offset %" PRIu64, ev->raw_size, ev->raw_offset);
		fputs(")\n", out);
		return;
	}
	if (!event_is_object_access(ev->event_id) && ev->str[ES_PROVIDER]) {
		print_safe_text(out, store_str(st, ev, ES_PROVIDER));
		putc(' ', out);
	}
	if (ev->str[ES_DOMAIN]) {
		print_safe_text(out, store_str(st, ev, ES_DOMAIN));
		putc('\\', out);
	}
	print_safe_text(out, ev->str[ES_USER] ? store_str(st, ev, ES_USER) : "-");
	putc(' ', out);
	if (ev->str[ES_OBJECT_TYPE]) {
		print_safe_text(out, store_str(st, ev, ES_OBJECT_TYPE));
		putc(' ', out);
	}
	const char *resolved = store_resolved_name(st, index, &from_open, name, sizeof name);
	if (*resolved) {
		if (from_open)
			putc('^', out);
		print_safe_text(out, resolved);
		putc(' ', out);
	}
	rights[0] = '\0';
	struct rights_out ro = {.buf = rights, .cap = sizeof rights, .sep = ",", .short_names = 1};
	event_rights(st, ev, &ro);
	if (rights[0]) {
		print_safe_text(out, rights);
		putc(' ', out);
	}
	if (ev->flags & EVENT_HAS_HANDLE)
		fprintf(out, "handle 0x%" PRIx64 " ", ev->handle_id);
	if (ev->flags & EVENT_HAS_PROCESS)
		fprintf(out, "pid 0x%x ", ev->process_id);
	if (ev->str[ES_PROCESS_NAME]) {
		print_safe_text(out, store_str(st, ev, ES_PROCESS_NAME));
		putc(' ', out);
	}
	if (ev->life != EVENT_NONE) {
		if (ev->open_ref == EVENT_NONE)
			fputs("[opener not in view", out);
		else if (ev->open_ref == index)
			fputs("[opens", out);
		else
			fprintf(out, "[opened by #%" PRIu64, store_event(st, ev->open_ref)->record);
		if (ev->close_ref == index)
			fputs(", closes]", out);
		else if (ev->close_ref != EVENT_NONE)
			fprintf(out, ", closed by #%" PRIu64 "]", store_event(st, ev->close_ref)->record);
		else
			fputs(", close not audited]", out);
	}
	putc('\n', out);
}

int print_event(struct printer *p, const struct store *st, uint32_t index)
{
	if (!p->header_done) {
		if (p->format == PRINT_CSV)
			fputs(CSV_HEADER, p->out);
		p->header_done = 1;
	}
	/* Once a process has had a second thread (parsing does), stdio
	 * takes the stream's lock in every putc; held here, each of those is
	 * a counter bump instead, and an event is written whole. */
	flockfile(p->out);
	switch (p->format) {
	case PRINT_JSONL: print_jsonl(p->out, st, index); break;
	case PRINT_CSV: print_csv(p->out, st, index); break;
	default: print_text(p->out, st, index); break;
	}
	funlockfile(p->out);
	return ferror(p->out) ? -1 : 0;
}
