/* format_message.c - rendered message text: the label reader every text
 * format shares, and the parser of multi-line message blocks.
 *
 * text_message_labels reads "Label: value" text one line at a time.  Inside
 * a line it looks for the known labels of text_labels.c at word starts, so
 * it reads a collapsed one-line message ("Object Name: C:\a b.txt Handle
 * ID: 0x1a4") the same way as a multi-line one: a value runs to the next
 * known label or to the end of its line.  Values may hold blanks and colons
 * (object names do); only a known label ends them.  A line that starts with
 * no label continues a multi-line value (legacy "Accesses:" lists one right
 * per line).  Headings set the section that text_label_name_in needs.
 *
 * text_parse_message takes one block the framing cut out: an optional
 * header, then the message.  Headers it knows:
 *   - `wevtutil qe ... /f:text`: "Event[N]:" then indented "Log Name:",
 *     "Source:", "Date:", "Event ID:", "Task:", "Level:", "Opcode:",
 *     "Keyword:", "User:", "User Name:", "Computer:", "Description:" and the
 *     message on the lines after it;
 *   - an Event Viewer copy ("Event Type:", "Event Source:", "Event
 *     Category:", "Event ID:", "Date:", "Time:", "User:", "Computer:",
 *     "Description:") as Windows 2003/XP made it, and the Vista+ one ("Log
 *     Name:", "Source:", "Date:", "Event ID:", "Task Category:", "Level:",
 *     "Keywords:", "User:", "Computer:", "Description:");
 *     (Microsoft's wevtutil page documents the /f:text option but not the
 *     text it writes, and no public sample was found: these two header
 *     layouts are the ones the tools write, tested on built fixtures only);
 *   - no header: the message alone, its event id given by its title line
 *     ("Object Open:" is 560, "An attempt was made to access an object." is
 *     4663; see text_title_event_id).
 * Header dates carry no zone (wevtutil: local ISO time; Event Viewer: local
 * US-style date and 12-hour time): they are taken as UTC, like every other
 * zone-less time oaview reads.  None of these formats carries the event log
 * record number ("Event[N]" counts the query's output), so the record number
 * is left 0 for the framing to fill with the line number. */
#include "text_format.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "timefmt.h"

#define NO_VALUE ((size_t)-1)

/* Header lines looked at before "Description:"; a real header has 12. */
#define HEADER_MAX_LINES 32

struct label_state {
	uint32_t event_id;
	enum text_section section;
	struct record *rec;
	struct arena *a;
	size_t current;       /* rec->data index a label-less line continues */
	int added;
	int oom;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A copy of s[0..n) with blank runs made one space and the ends trimmed:
 * forwarders collapse whitespace anyway, so the same value reads the same
 * whichever way it came. */
static char *collapse_dup(struct arena *a, const char *s, size_t n, size_t *outlen)
{
	while (n && is_blank(*s)) {
		s++;
		n--;
	}
	while (n && is_blank(s[n - 1]))
		n--;
	char *out = arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_blank(s[i])) {
			if (o && out[o - 1] == ' ')
				continue;
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return out;
}

/* Values that may go on over several lines in the rendered text. */
static int name_is_multiline(const char *name)
{
	static const char *const names[] = {
		"AccessList", "Accesses", "AccessReason", "PrivilegeList", "Privileges", "Properties",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

static void label_add(struct label_state *st, const char *name, const char *value)
{
	size_t before = st->rec->ndata;
	record_add(st->rec, name, value);
	if (st->rec->ndata == before) {
		st->current = NO_VALUE;
		return;
	}
	st->added++;
	st->current = name_is_multiline(name) ? before : NO_VALUE;
}

/* "{0,251509}": the two insertion strings EVT records carry separately. */
static int add_operation_id(struct label_state *st, const char *v)
{
	const char *comma = strchr(v, ',');
	size_t n = strlen(v);
	if (v[0] != '{' || !comma || n < 4 || v[n - 1] != '}')
		return 0;
	char *high = arena_strndup(st->a, v + 1, (size_t)(comma - v - 1));
	char *low = arena_strndup(st->a, comma + 1, (size_t)(v + n - 1 - comma - 1));
	if (!high || !low) {
		st->oom = 1;
		return 1;
	}
	label_add(st, "OperationId", high);
	label_add(st, "OperationIdLow", low);
	return 1;
}

static void label_value(struct label_state *st, const char *name, const char *v, size_t n)
{
	char *value = collapse_dup(st->a, v, n, NULL);
	if (!value) {
		st->oom = 1;
		return;
	}
	if (strcmp(name, "OperationId") == 0 && add_operation_id(st, value))
		return;
	label_add(st, name, value);
}

/* A line with no label of its own goes on with the value above it. */
static void label_continue(struct label_state *st, const char *s, size_t n)
{
	if (st->current == NO_VALUE)
		return;
	size_t clen;
	char *more = collapse_dup(st->a, s, n, &clen);
	if (!more) {
		st->oom = 1;
		return;
	}
	if (!clen)
		return;
	const char *old = st->rec->data[st->current].value;
	size_t olen = strlen(old);
	if (!olen || strcmp(old, "-") == 0) {
		st->rec->data[st->current].value = more;
		return;
	}
	char *joined = arena_alloc(st->a, olen + 1 + clen + 1);
	if (!joined) {
		st->oom = 1;
		return;
	}
	memcpy(joined, old, olen);
	joined[olen] = '\n';
	memcpy(joined + olen + 1, more, clen + 1);
	st->rec->data[st->current].value = joined;
}

/* Windows 2000 wrote 560's "Accesses %14" and "Privileges %15" without a
 * colon (Message Center, 5.0); accept the bare word there only. */
static int legacy_bare_label(const struct label_state *st, const char *s, size_t n,
			     struct text_label_hit *hit)
{
	static const char *const words[] = {"Accesses", "Privileges"};
	if (st->event_id != 560 && st->event_id != 563)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		size_t wl = strlen(words[i]);
		if (n > wl && strncasecmp(s, words[i], wl) == 0 && is_blank(s[wl])) {
			hit->label_len = wl;
			hit->total_len = wl;
			hit->heading = 0;
			hit->section = TEXT_SECTION_NONE;
			return 1;
		}
	}
	return 0;
}

/* Offset of the next label or heading in line[from..end) that starts a word,
 * or end. */
static size_t label_next(const struct label_state *st, const char *line, size_t from, size_t end,
			 struct text_label_hit *hit)
{
	for (size_t i = from; i < end; i++) {
		if (i > 0 && !is_blank(line[i - 1]))
			continue;
		/* Windows capitalises every label; most words of a value are
		 * skipped here without a table lookup. */
		if (!isupper((unsigned char)line[i]))
			continue;
		if (text_label_at(line + i, end - i, hit) || legacy_bare_label(st, line + i, end - i, hit))
			return i;
	}
	return end;
}

static void label_line(struct label_state *st, const char *line, size_t len)
{
	size_t pos = 0;
	while (pos < len && is_blank(line[pos]))
		pos++;
	if (pos == len) {
		/* A blank line ends every multi-line value. */
		st->current = NO_VALUE;
		return;
	}
	struct text_label_hit hit;
	size_t at = label_next(st, line, pos, len, &hit);
	if (at > pos)
		label_continue(st, line + pos, at - pos);
	while (at < len && !st->oom) {
		size_t vstart = at + hit.total_len;
		struct text_label_hit next_hit;
		size_t next = label_next(st, line, vstart, len, &next_hit);
		if (hit.heading) {
			st->section = hit.section;
			st->current = NO_VALUE;
		} else {
			const char *name = text_label_name_in(st->event_id, st->section, line + at,
							      hit.label_len);
			if (name)
				label_value(st, name, line + vstart, next - vstart);
			else
				st->current = NO_VALUE;
		}
		at = next;
		hit = next_hit;
	}
}

int text_message_labels(uint32_t event_id, const char *text, size_t len,
			struct record *rec, struct arena *a)
{
	struct label_state st = {event_id, TEXT_SECTION_NONE, rec, a, NO_VALUE, 0, 0};
	size_t i = 0;
	while (i < len && !st.oom) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		label_line(&st, text + i, end - i);
		i = end + 1;
	}
	return st.oom ? -1 : st.added;
}

/* --- message blocks ------------------------------------------------------ */

struct block_header {
	int present;
	int wevtutil;
	int have_description;
	uint32_t event_id;
	uint8_t outcome;
	const char *date, *time;    /* borrowed from the text, *_len bytes long */
	size_t date_len, time_len;
	const char *computer, *channel, *provider, *user, *sid;
	size_t computer_len, channel_len, provider_len, user_len, sid_len;
};

enum header_key {
	HK_NONE, HK_IGNORE, HK_LOG_NAME, HK_SOURCE, HK_DATE, HK_TIME, HK_DATE_TIME,
	HK_EVENT_ID, HK_OUTCOME, HK_USER, HK_USER_NAME, HK_COMPUTER, HK_DESCRIPTION,
};

static const struct {
	const char *key;
	enum header_key what;
} HEADER_KEYS[] = {
	{"Log Name", HK_LOG_NAME},
	{"Source", HK_SOURCE},
	{"Event Source", HK_SOURCE},
	{"Date", HK_DATE},
	{"Time", HK_TIME},
	{"Date Time", HK_DATE_TIME},
	{"Event ID", HK_EVENT_ID},
	{"Task", HK_IGNORE},
	{"Task Category", HK_IGNORE},
	{"Event Category", HK_IGNORE},
	{"Category", HK_IGNORE},
	{"Level", HK_IGNORE},
	{"Opcode", HK_IGNORE},
	{"Keyword", HK_OUTCOME},
	{"Keywords", HK_OUTCOME},
	{"Event Type", HK_OUTCOME},
	{"User", HK_USER},
	{"User Name", HK_USER_NAME},
	{"Computer", HK_COMPUTER},
	{"Description", HK_DESCRIPTION},
};

static enum header_key header_key_find(const char *k, size_t n)
{
	for (size_t i = 0; i < sizeof HEADER_KEYS / sizeof HEADER_KEYS[0]; i++)
		if (strlen(HEADER_KEYS[i].key) == n && strncasecmp(HEADER_KEYS[i].key, k, n) == 0)
			return HEADER_KEYS[i].what;
	return HK_NONE;
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

static int is_not_available(const char *s, size_t n)
{
	return n == 0 || (n == 3 && strncasecmp(s, "N/A", 3) == 0) || (n == 1 && s[0] == '-');
}

/* "Audit Success", "Success Audit", "audit failure", ... */
static uint8_t outcome_from_text(const char *s, size_t n)
{
	for (size_t i = 0; i + 7 <= n; i++) {
		if (strncasecmp(s + i, "success", 7) == 0)
			return OUTCOME_SUCCESS;
		if (strncasecmp(s + i, "failure", 7) == 0)
			return OUTCOME_FAILURE;
	}
	return OUTCOME_UNKNOWN;
}

static int parse_uint(const char *s, size_t n, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;
	if (!n || n > 10)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		uint64_t w = (uint64_t)v * 10 + (uint64_t)(s[i] - '0');
		if (w > max)
			return 0;
		v = (uint32_t)w;
	}
	*out = v;
	return 1;
}

static void header_apply(struct block_header *h, enum header_key what, const char *v, size_t n)
{
	switch (what) {
	case HK_LOG_NAME:
		h->channel = v, h->channel_len = n;
		break;
	case HK_SOURCE:
		h->provider = v, h->provider_len = n;
		break;
	case HK_DATE:
	case HK_DATE_TIME:
		h->date = v, h->date_len = n;
		break;
	case HK_TIME:
		h->time = v, h->time_len = n;
		break;
	case HK_EVENT_ID: {
		uint32_t id;
		if (parse_uint(v, n, 65535, &id))
			h->event_id = id;
		break;
	}
	case HK_OUTCOME:
		if (!h->outcome)
			h->outcome = outcome_from_text(v, n);
		break;
	case HK_USER:
		/* wevtutil's "User:" is the SID, Event Viewer's the account. */
		if (is_not_available(v, n))
			break;
		if (n > 4 && strncmp(v, "S-1-", 4) == 0)
			h->sid = v, h->sid_len = n;
		else if (!h->user)
			h->user = v, h->user_len = n;
		break;
	case HK_USER_NAME:
		if (!is_not_available(v, n))
			h->user = v, h->user_len = n;
		break;
	case HK_COMPUTER:
		h->computer = v, h->computer_len = n;
		break;
	default:
		break;
	}
}

static size_t line_end(const char *text, size_t len, size_t i)
{
	const char *nl = memchr(text + i, '\n', len - i);
	return nl ? (size_t)(nl - text) : len;
}

/* Read the header lines; returns the offset where the message starts.  A
 * text whose first line is no header key has no header (h->present 0). */
static size_t header_read(const char *text, size_t len, size_t start, struct block_header *h)
{
	size_t i = start;
	memset(h, 0, sizeof *h);
	size_t first_end = line_end(text, len, i);
	const char *l = text + i;
	size_t ln = first_end - i;
	trim(&l, &ln);
	if (ln >= 8 && strncmp(l, "Event[", 6) == 0 && l[ln - 1] == ':') {
		h->present = h->wevtutil = 1;
		i = first_end < len ? first_end + 1 : len;
	}
	for (int lines = 0; i < len && lines < HEADER_MAX_LINES; lines++) {
		size_t end = line_end(text, len, i);
		const char *s = text + i;
		size_t n = end - i;
		trim(&s, &n);
		const char *colon = memchr(s, ':', n);
		if (!colon) {
			if (!n) {
				i = end < len ? end + 1 : len;
				continue;
			}
			break;
		}
		const char *k = s;
		size_t kn = (size_t)(colon - s);
		trim(&k, &kn);
		enum header_key what = header_key_find(k, kn);
		if (what == HK_NONE)
			break;
		h->present = 1;
		const char *v = colon + 1;
		size_t vn = (size_t)(s + n - v);
		trim(&v, &vn);
		if (what == HK_DESCRIPTION) {
			h->have_description = 1;
			/* eventquery-style lists put the text on the same line */
			return vn ? (size_t)(v - text) : (end < len ? end + 1 : len);
		}
		header_apply(h, what, v, vn);
		i = end < len ? end + 1 : len;
	}
	return h->present ? i : start;
}

/* "10/11/2004" and "9:07:50 PM" (Event Viewer, US locale), or both in one
 * string ("9/18/2015 3:15:19 PM"). */
static int parse_us_datetime(const char *d, size_t dn, const char *t, size_t tn, int64_t *ft)
{
	unsigned mo = 0, day = 0, y = 0, hh = 0, mi = 0, ss = 0;
	char buf[64], tail[8] = "";
	if (dn >= sizeof buf)
		return 0;
	memcpy(buf, d, dn);
	buf[dn] = '\0';
	int n = sscanf(buf, "%u/%u/%u %u:%u:%u %7s", &mo, &day, &y, &hh, &mi, &ss, tail);
	if (n < 3)
		return 0;
	if (n < 6 && t) {
		if (tn >= sizeof buf)
			return 0;
		memcpy(buf, t, tn);
		buf[tn] = '\0';
		tail[0] = '\0';
		if (sscanf(buf, "%u:%u:%u %7s", &hh, &mi, &ss, tail) < 3)
			return 0;
	}
	if (strcasecmp(tail, "PM") == 0 && hh < 12)
		hh += 12;
	else if (strcasecmp(tail, "AM") == 0 && hh == 12)
		hh = 0;
	if (mo < 1 || mo > 12 || day < 1 || day > 31 || y < 1601 || y > 9999 || hh > 23 || mi > 59 || ss > 60)
		return 0;
	char iso[40];
	snprintf(iso, sizeof iso, "%04u-%02u-%02uT%02u:%02u:%02uZ", y, mo, day, hh, mi, ss);
	return timefmt_parse_iso(iso, ft);
}

static int64_t header_time(const struct block_header *h)
{
	int64_t ft = 0;
	char buf[64];
	if (!h->date || !h->date_len || h->date_len >= sizeof buf)
		return 0;
	memcpy(buf, h->date, h->date_len);
	buf[h->date_len] = '\0';
	if (timefmt_parse_iso(buf, &ft))
		return ft;
	if (parse_us_datetime(h->date, h->date_len, h->time, h->time_len, &ft))
		return ft;
	return 0;
}

static int record_has_user(const struct record *rec)
{
	return record_get(rec, "SubjectUserName") || record_get(rec, "PrimaryUserName")
	       || record_get(rec, "ClientUserName");
}

/* "DOMAIN\user" from a header into the subject's names, when the message
 * named no user itself (legacy 562/567 carry none in their text). */
static int add_header_user(struct record *rec, struct arena *a, const char *u, size_t n)
{
	const char *bs = memchr(u, '\\', n);
	if (bs) {
		char *dom = arena_strndup(a, u, (size_t)(bs - u));
		char *name = arena_strndup(a, bs + 1, (size_t)(u + n - bs - 1));
		if (!dom || !name)
			return -1;
		record_add(rec, "SubjectUserName", name);
		record_add(rec, "SubjectDomainName", dom);
		return 0;
	}
	char *name = arena_strndup(a, u, n);
	if (!name)
		return -1;
	record_add(rec, "SubjectUserName", name);
	return 0;
}

static const char *dup_or_null(struct arena *a, const char *s, size_t n, int *oom)
{
	if (!s || !n)
		return NULL;
	char *p = arena_strndup(a, s, n);
	if (!p)
		*oom = 1;
	return p;
}

int text_parse_message(const char *text, size_t len, struct record *rec, struct arena *a,
		       char *err, size_t errlen)
{
	size_t start = 0;
	while (start < len && (is_blank(text[start]) || text[start] == '\n'))
		start++;
	if (start == len)
		return 0;
	/* back to the start of the first non-empty line */
	while (start > 0 && text[start - 1] != '\n')
		start--;

	struct block_header h;
	size_t body = header_read(text, len, start, &h);
	if (h.present && !h.have_description) {
		if (!h.wevtutil)
			return 0;
		snprintf(err, errlen, "wevtutil text block has no \"Description:\" line");
		return -1;
	}

	/* the message's own first line names the event when the header did not */
	size_t b = body;
	while (b < len && (is_blank(text[b]) || text[b] == '\n'))
		b++;
	uint32_t title_id = b < len ? text_title_event_id(text + b, line_end(text, len, b) - b) : 0;
	uint32_t event_id = h.event_id ? h.event_id : title_id;
	if (!event_id) {
		if (!h.present)
			return 0;
		snprintf(err, errlen, "%s block has no \"Event ID:\" and no known message title",
			 h.wevtutil ? "wevtutil text" : "event text");
		return -1;
	}

	size_t ndata_before = rec->ndata;
	int added = text_message_labels(event_id, text + body, len - body, rec, a);
	if (added < 0) {
		snprintf(err, errlen, "out of memory reading a message block");
		return -1;
	}
	if (!h.present && added == 0) {
		/* A title alone is too little to claim the text. */
		rec->ndata = ndata_before;
		return 0;
	}

	int oom = 0;
	rec->event_id = event_id;
	rec->outcome = h.outcome;
	rec->time = header_time(&h);
	rec->computer = dup_or_null(a, h.computer, h.computer_len, &oom);
	rec->channel = dup_or_null(a, h.channel, h.channel_len, &oom);
	rec->provider = dup_or_null(a, h.provider, h.provider_len, &oom);
	if (event_id >= 512 && event_id < 4096)
		rec->flags |= RECORD_LEGACY;
	if (h.user && !record_has_user(rec) && add_header_user(rec, a, h.user, h.user_len) < 0)
		oom = 1;
	if (h.sid && !record_get(rec, "SubjectUserSid")) {
		const char *sid = dup_or_null(a, h.sid, h.sid_len, &oom);
		if (sid)
			record_add(rec, "SubjectUserSid", sid);
	}
	if (oom) {
		snprintf(err, errlen, "out of memory reading a message block");
		return -1;
	}
	return 1;
}
