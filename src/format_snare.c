/* format_snare.c - Snare "MSWinEventLog" records.
 *
 * A Snare record is one line of delimited fields (InterSect Alliance /
 * Prophecy International, Snare for Windows user guide, "Appendix A -
 * Windows Event Output Format"):
 *   [hostname] MSWinEventLog, criticality (0-4), log name, Snare event
 *   counter, date ("Fri Jul 20 05:32:33 2012", the agent's local time), event
 *   id, source name, user name, SID type, event log type ("Success Audit",
 *   "Failure Audit", ...), computer name, category string, data string,
 *   expanded string (the rendered message, whitespace collapsed), then an
 *   event log counter and optional fields (EventSourceId, an MD5 checksum).
 * The delimiter is a tab; relays that escape control characters turn it into
 * the four characters "#011".  Real data adds quirks this file accepts:
 * "hostname<TAB>MSWinEventLog", "MSWinEventLog 0#011Security" (a space,
 * then escaped tabs), dates without colons ("Fri Jul 20 5 32 33 2012 ") or
 * without a year and with milliseconds ("Sun May 21 12:00:01.123": the time
 * is then unknown), trailing blanks and CR, and the message in either of the
 * two string fields.
 *
 * Record number: none.  The Snare event counter is, as documented, Snare's
 * own counter ("Based on the internal Snare event counter. Rotates at
 * MAXDWORD"), not the event log's record number; the trailing counter is
 * only named "event log counter" in the structure line, and real samples
 * hold negative numbers and "N/A" there.  So rec->number stays 0 and the
 * framing uses the line number (DESIGN.md, Correlation).
 *
 * The message is read with text_message_labels (format_message.c), so
 * values end where the next known label begins.
 *
 * The tag is searched for in the first SNARE_TAG_SEARCH bytes, so a syslog
 * header the caller left in place does no harm; a record whose tag a syslog
 * parser consumed is still recognised by its field layout (snare_tagless). */
#include "text_format.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "timefmt.h"

#define SNARE_TAG "MSWinEventLog"
#define SNARE_TAG_LEN (sizeof SNARE_TAG - 1)
/* How far into the text the tag may start (a relay's prefix, a hostname). */
#define SNARE_TAG_SEARCH 512
#define SNARE_MAX_FIELDS 24

/* Field indexes after the tag. */
enum snare_field {
	SF_CRITICALITY, SF_LOG, SF_COUNTER, SF_DATE, SF_EVENT_ID, SF_SOURCE, SF_USER,
	SF_SID_TYPE, SF_EVENT_TYPE, SF_COMPUTER, SF_CATEGORY, SF_DATA, SF_EXPANDED,
	SF_MIN_COUNT, /* fields up to the message; the counter may be cut off */
};

struct field {
	const char *s;
	size_t n;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct field field_trim(struct field f)
{
	while (f.n && is_blank(*f.s)) {
		f.s++;
		f.n--;
	}
	while (f.n && is_blank(f.s[f.n - 1]))
		f.n--;
	return f;
}

static int field_is(struct field f, const char *s)
{
	return f.n == strlen(s) && strncasecmp(f.s, s, f.n) == 0;
}

/* Split on tabs or on "#011"; the last field takes whatever is left. */
static size_t snare_split(const char *s, size_t n, int escaped, struct field *f, size_t max)
{
	size_t count = 0, start = 0, i = 0;
	while (i < n && count + 1 < max) {
		size_t dl = 0;
		if (escaped) {
			if (i + 4 <= n && memcmp(s + i, "#011", 4) == 0)
				dl = 4;
		} else if (s[i] == '\t') {
			dl = 1;
		}
		if (!dl) {
			i++;
			continue;
		}
		f[count].s = s + start;
		f[count].n = i - start;
		count++;
		i += dl;
		start = i;
	}
	f[count].s = s + start;
	f[count].n = n - start;
	return count + 1;
}

static int month_from_name(const char *s, size_t n)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	if (n != 3)
		return 0;
	for (int i = 0; i < 12; i++)
		if (strncasecmp(s, months[i], 3) == 0)
			return i + 1;
	return 0;
}

/* "Fri Jul 20 05:32:33 2012", "Fri Jul 20 5 32 33 2012 ", "Sun, May 21
 * 12:00:01.123" (no year: 0, unknown).  The agent's local time, taken as
 * UTC for want of a zone. */
static int64_t snare_time(struct field f)
{
	struct field tok[8];
	size_t ntok = 0, i = 0;
	while (i < f.n && ntok < 8) {
		while (i < f.n && (f.s[i] == ' ' || f.s[i] == ',' || f.s[i] == ':'))
			i++;
		size_t st = i;
		while (i < f.n && f.s[i] != ' ' && f.s[i] != ',' && f.s[i] != ':')
			i++;
		if (i > st) {
			tok[ntok].s = f.s + st;
			tok[ntok].n = i - st;
			ntok++;
		}
	}
	size_t t = 0;
	if (t < ntok && !month_from_name(tok[t].s, tok[t].n))
		t++; /* the weekday */
	if (ntok - t != 6)
		return 0;
	int mon = month_from_name(tok[t].s, tok[t].n);
	unsigned v[5];
	for (int k = 0; k < 5; k++) {
		struct field x = tok[t + 1 + (size_t)k];
		v[k] = 0;
		size_t digits = 0;
		/* seconds may carry ".123": whole seconds are enough */
		while (digits < x.n && isdigit((unsigned char)x.s[digits]) && digits < 5)
			v[k] = v[k] * 10 + (unsigned)(x.s[digits++] - '0');
		if (!digits)
			return 0;
	}
	unsigned day = v[0], hh = v[1], mi = v[2], ss = v[3], year = v[4];
	if (!mon || day < 1 || day > 31 || hh > 23 || mi > 59 || ss > 60 || year < 1601 || year > 9999)
		return 0;
	char iso[40];
	snprintf(iso, sizeof iso, "%04u-%02d-%02uT%02u:%02u:%02uZ", year, mon, day, hh, mi, ss);
	int64_t ft;
	return timefmt_parse_iso(iso, &ft) ? ft : 0;
}

/* "Success Audit", "Audit Failure", "AUDIT_SUCCESS", ... */
static uint8_t snare_outcome(struct field f)
{
	int audit = 0, success = 0, failure = 0;
	for (size_t i = 0; i < f.n; i++) {
		if (i + 5 <= f.n && strncasecmp(f.s + i, "audit", 5) == 0)
			audit = 1;
		if (i + 7 <= f.n && strncasecmp(f.s + i, "success", 7) == 0)
			success = 1;
		if (i + 7 <= f.n && strncasecmp(f.s + i, "failure", 7) == 0)
			failure = 1;
	}
	if (!audit)
		return OUTCOME_UNKNOWN;
	return failure ? OUTCOME_FAILURE : success ? OUTCOME_SUCCESS : OUTCOME_UNKNOWN;
}

static int parse_event_id(struct field f, uint32_t *id)
{
	uint32_t v = 0;
	if (!f.n || f.n > 5)
		return 0;
	for (size_t i = 0; i < f.n; i++) {
		if (!isdigit((unsigned char)f.s[i]))
			return 0;
		v = v * 10 + (uint32_t)(f.s[i] - '0');
	}
	if (v > 65535)
		return 0;
	*id = v;
	return 1;
}

static const char *dup_field(struct arena *a, struct field f, int *oom)
{
	if (!f.n || field_is(f, "N/A"))
		return NULL;
	char *p = arena_strndup(a, f.s, f.n);
	if (!p)
		*oom = 1;
	return p;
}

static int record_has_user(const struct record *rec)
{
	return record_get(rec, "SubjectUserName") || record_get(rec, "PrimaryUserName")
	       || record_get(rec, "ClientUserName");
}

/* Snare's user field ("E8SEC\jyria") stands in when the message names no
 * user (legacy 562/567 texts carry none). */
static void add_snare_user(struct record *rec, struct arena *a, struct field u, int *oom)
{
	if (!u.n || field_is(u, "N/A") || record_has_user(rec))
		return;
	const char *bs = memchr(u.s, '\\', u.n);
	struct field name = u, dom = {NULL, 0};
	if (bs) {
		dom.s = u.s;
		dom.n = (size_t)(bs - u.s);
		name.s = bs + 1;
		name.n = (size_t)(u.s + u.n - name.s);
	}
	const char *n = dup_field(a, name, oom);
	if (n)
		record_add(rec, "SubjectUserName", n);
	const char *d = dup_field(a, dom, oom);
	if (d)
		record_add(rec, "SubjectDomainName", d);
}

/* Parse the fields after one occurrence of the tag.  1, or -1 with err. */
static int snare_fields(const char *s, size_t n, int escaped, struct record *rec,
			struct arena *a, char *err, size_t errlen)
{
	struct field f[SNARE_MAX_FIELDS];
	size_t count = snare_split(s, n, escaped, f, SNARE_MAX_FIELDS);
	for (size_t i = 0; i < count; i++)
		f[i] = field_trim(f[i]);
	if (count < SF_MIN_COUNT) {
		snprintf(err, errlen, "Snare record cut short: %zu of at least %d fields", count,
			 (int)SF_MIN_COUNT);
		return -1;
	}
	struct field crit = f[SF_CRITICALITY];
	if (!crit.n || crit.n > 2 || !isdigit((unsigned char)crit.s[0])
	    || (crit.n == 2 && !isdigit((unsigned char)crit.s[1]))) {
		snprintf(err, errlen, "Snare record has no criticality number after %s", SNARE_TAG);
		return -1;
	}
	uint32_t event_id;
	if (field_is(f[SF_EVENT_ID], "N/A")) {
		snprintf(err, errlen, "Snare record carries no event id (N/A): not a Windows event");
		return -1;
	}
	if (!parse_event_id(f[SF_EVENT_ID], &event_id)) {
		snprintf(err, errlen, "Snare record has a bad event id field \"%.*s\"",
			 (int)(f[SF_EVENT_ID].n > 20 ? 20 : f[SF_EVENT_ID].n), f[SF_EVENT_ID].s);
		return -1;
	}

	int oom = 0;
	rec->event_id = event_id;
	rec->time = snare_time(f[SF_DATE]);
	rec->outcome = snare_outcome(f[SF_EVENT_TYPE]);
	rec->channel = dup_field(a, f[SF_LOG], &oom);
	rec->provider = dup_field(a, f[SF_SOURCE], &oom);
	rec->computer = dup_field(a, f[SF_COMPUTER], &oom);
	if (event_id < 4096 && rec->provider && strcmp(rec->provider, "Security") == 0)
		rec->flags |= RECORD_LEGACY;

	struct field msg = f[SF_EXPANDED].n ? f[SF_EXPANDED] : f[SF_DATA];
	if (text_message_labels(event_id, msg.s, msg.n, rec, a) < 0)
		oom = 1;
	add_snare_user(rec, a, f[SF_USER], &oom);
	if (oom) {
		snprintf(err, errlen, "out of memory reading a Snare record");
		return -1;
	}
	return 1;
}

static int has_escaped_tab(const char *s, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (s[i] == '#' && memcmp(s + i, "#011", 4) == 0)
			return 1;
	return 0;
}

/* A syslog parser may take "MSWinEventLog" for the RFC 3164 tag and hand
 * over the text from the criticality on.  Such a text is claimed only when
 * it has the whole field layout and a known event log type, since nothing
 * else marks it as Snare; otherwise it is not this format (0). */
static int snare_tagless(const char *text, size_t len, int escaped, struct record *rec,
			 struct arena *a)
{
	static const char *const types[] = {
		"Success Audit", "Failure Audit", "Audit Success", "Audit Failure", "AUDIT_SUCCESS",
		"AUDIT_FAILURE", "Information", "Warning", "Error", "Success",
	};
	struct field f[SNARE_MAX_FIELDS];
	if (len < 2 || !isdigit((unsigned char)text[0]))
		return 0;
	size_t count = snare_split(text, len, escaped, f, SNARE_MAX_FIELDS);
	if (count < SF_MIN_COUNT)
		return 0;
	struct field type = field_trim(f[SF_EVENT_TYPE]);
	int known = 0;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		known |= field_is(type, types[i]);
	uint32_t id;
	if (!known || !parse_event_id(field_trim(f[SF_EVENT_ID]), &id))
		return 0;
	size_t ndata = rec->ndata;
	uint8_t flags = rec->flags;
	char e[128];
	if (snare_fields(text, len, escaped, rec, a, e, sizeof e) == 1)
		return 1;
	rec->ndata = ndata;
	rec->flags = flags;
	return 0;
}

int text_parse_snare(const char *text, size_t len, struct record *rec, struct arena *a,
		     char *err, size_t errlen)
{
	size_t limit = len < SNARE_TAG_SEARCH ? len : SNARE_TAG_SEARCH;
	int found = 0;
	char last_err[256] = "";
	/* Tabs win over "#011": an escaped record has no real tabs left. */
	int escaped = memchr(text, '\t', len) == NULL;

	for (size_t k = 0; k + SNARE_TAG_LEN <= len && k <= limit; k++) {
		if (memcmp(text + k, SNARE_TAG, SNARE_TAG_LEN) != 0)
			continue;
		/* the tag starts the text or follows a hostname, a relay's
		 * comma-separated prefix, or an escaped tab */
		if (k > 0 && text[k - 1] != '\t' && text[k - 1] != ' ' && text[k - 1] != ','
		    && !(k >= 4 && memcmp(text + k - 4, "#011", 4) == 0))
			continue;
		size_t p = k + SNARE_TAG_LEN;
		if (escaped && p + 4 <= len && memcmp(text + p, "#011", 4) == 0)
			p += 4;
		else if (!escaped && p < len && text[p] == '\t')
			p++;
		else if (p < len && (text[p] == ' ' || text[p] == ','))
			while (p < len && (text[p] == ' ' || text[p] == ','))
				p++;
		else
			continue;
		if (escaped && !has_escaped_tab(text + p, len - p))
			continue;
		found = 1;
		size_t ndata = rec->ndata;
		uint8_t flags = rec->flags;
		/* A relay's prefix can name the tag before the record does
		 * ("14,user,info,MSWinEventLog,MSWinEventLog, 1#011..."): try
		 * each, and report what the last one said. */
		if (snare_fields(text + p, len - p, escaped, rec, a, last_err, sizeof last_err) == 1)
			return 1;
		rec->ndata = ndata;
		rec->flags = flags;
	}
	if (!found)
		return snare_tagless(text, len, escaped, rec, a);
	snprintf(err, errlen, "%s", last_err);
	return -1;
}
