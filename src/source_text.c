/* source_text.c - forwarded-text logs: bytes to lines, lines to records,
 * records to the format parsers (see source_text.h).
 *
 * Framing.  Bytes are cut into lines at LF (a CR before it is dropped); a
 * partial last line waits in `partial` until its newline arrives, and one
 * longer than TEXT_LINE_MAX is skipped as it streams (reported, never held
 * whole).  A record is one line, or several lines held in `record`:
 *   XML      from a line whose text (after a syslog header, blanks and
 *            Event Viewer's "- ") starts with '<' and holds "<Event", to
 *            the line where as many "</Event>" (or "< /Event>") as "<Event"
 *            starts have been seen;
 *   JSON     from a line starting '{' (or '[' then '{') whose brackets are
 *            still open at its end, until the bracket depth, counted outside
 *            strings, is back to 0; a JSON string cannot hold a raw newline,
 *            so a line that ends inside a string ends the record (broken);
 *   message  from a line `Event[N]:` (wevtutil qe /f:text), `Event Type:`
 *            (a Windows 2003/XP Event Viewer copy) or `Log Name:` (a Vista+
 *            copy) -- header lines, then the message after "Description:",
 *            blank lines and unindented headings included -- to the next
 *            such line; or from a line starting with a legacy title
 *            ("Object Open:", "Handle Closed:" ..., as text_title_event_id
 *            knows them) to the next title or the first unindented line
 *            after a blank line.
 * A pending multi-line record also ends, as it stands, when a line with a
 * syslog header or the start of another XML event arrives (and a pending
 * JSON record when a complete one-line JSON object starts at column 0):
 * forwarded records never continue across such lines, and ending there
 * keeps one broken record from swallowing the rest of the file.  A record
 * over TEXT_RECORD_MAX is reported and skipped up to its end.  Blank lines
 * between records, "<Events>", "</Events>" and "<?xml" lines are skipped.
 *
 * Detection, per record, after syslog_header_parse: '<' is XML (several
 * events on one line are parsed one by one), '{' / '[' is JSON (always
 * through text_parse_json_each: a document may hold many events),
 * "MSWinEventLog" is Snare, a message block goes to the message parser,
 * anything else is offered to the evtsys parser (with the syslog tag put
 * back in front: evtsys writes the event source in the tag position), and
 * what no parser takes is delivered line by line as RECORD_UNPARSED records
 * with the line as data "Line".  A parser that says "mine but broken" gets
 * its message reported as "FILE:LINE: ..." and the lines are delivered as
 * unparsed too, so nothing is lost.
 *
 * With keep_all off, a JSON or XML record whose one event id can be read
 * without parsing ("EventID": 4624, <EventID>4624</EventID>) and is not
 * object access is dropped unparsed: DESIGN.md's "never decode what is not
 * object access unless asked".
 *
 * Record fields the format lacks are filled in: number = the 1-based line
 * number of the record's first line, computer and time from the syslog
 * header.  Strings live in `arena`, reset once each record is handed on. */
#include "source_text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "event.h"
#include "json_string_scan.h"
#include "sanitize.h"
#include "text_format.h"

/* Tests build with tiny read blocks to hit every boundary. */
#ifndef TEXT_READ_BLOCK
#define TEXT_READ_BLOCK 65536
#endif
#ifndef TEXT_LINE_MAX
#define TEXT_LINE_MAX (1u << 20)
#endif
#ifndef TEXT_RECORD_MAX
#define TEXT_RECORD_MAX (4u << 20)
#endif

enum record_kind {
	KIND_NONE,
	KIND_LINE,
	KIND_XML,
	KIND_JSON,
	KIND_MESSAGE,
};

enum line_start {
	START_TEXT,        /* an ordinary line */
	START_BLANK,       /* whitespace only, or an XML wrapper line */
	START_XML,
	START_JSON,
	START_HEADED,      /* Event[N]:, Event Type: or Log Name: */
	START_TITLE,       /* a legacy message title */
};

struct line_info {
	enum line_start start;
	int header;        /* the line has a syslog header */
	size_t msg;        /* where the text after the header starts */
	int column0;       /* no header and no leading blank */
};

struct buffer {
	char *data;
	size_t len, cap;
};

struct json_scan {
	long depth;
	int in_string, escape;
};

struct text_source {
	char *path;
	int keep_all;
	struct record_sink sink;
	struct buffer partial;      /* the incomplete last line */
	int skipping;               /* inside a line over TEXT_LINE_MAX */
	uint64_t skipped;
	enum record_kind pending;   /* multi-line record being collected */
	int headed;                 /* pending message began with a header */
	int prev_blank;
	int overflow;               /* pending record over TEXT_RECORD_MAX */
	struct buffer record;       /* its raw lines, each ending in '\n' */
	uint64_t record_line, record_lines, record_offset;
	long xml_starts, xml_ends;
	struct json_scan json;
	uint64_t line;              /* number of the last complete line */
	uint64_t offset;            /* file offset of the current line */
	uint64_t sequence;
	int stopped;
	struct arena arena;         /* strings of the record being delivered */
	struct arena scratch;       /* line classification */
	struct record rec;
	struct text_stats stats;
};

static void text_diag(struct text_source *ts, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void text_diag(struct text_source *ts, uint64_t line, const char *fmt, ...)
{
	if (!ts->sink.diag)
		return;
	char raw[768], safe[1024];
	int n = line ? snprintf(raw, sizeof raw, "%s:%llu: ", ts->path, (unsigned long long)line)
		     : snprintf(raw, sizeof raw, "%s: ", ts->path);
	if (n < 0 || (size_t)n >= sizeof raw)
		n = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw + n, sizeof raw - (size_t)n, fmt, ap);
	va_end(ap);
	/* Paths and parser messages may carry bytes from the log. */
	sanitize_text(raw, strlen(raw), safe, sizeof safe, NULL);
	ts->sink.diag(ts->sink.ctx, safe);
}

/* "1 MiB", "64 KiB" or "N bytes", for messages about the caps. */
static const char *size_text(size_t n, char *buf, size_t len)
{
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(buf, len, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, len, "%zu KiB", n >> 10);
	else
		snprintf(buf, len, "%zu bytes", n);
	return buf;
}

static int buffer_append(struct buffer *b, const char *s, size_t n, size_t limit)
{
	if (b->len + n + 1 > limit + 1)
		return -1;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return -1;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

static int starts_with(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);
	return n >= p && memcmp(s, prefix, p) == 0;
}

static const char *find_bytes(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle));
}

/* Where "<Event" followed by a blank, '>', '/' or the end of the text
 * starts in s, or NULL. */
static const char *xml_event_start(const char *s, size_t n)
{
	for (size_t i = 0; i + 6 <= n; i++) {
		if (s[i] == '<' && memcmp(s + i, "<Event", 6) == 0
		    && (i + 6 == n || s[i + 6] == ' ' || s[i + 6] == '\t' || s[i + 6] == '>'
			|| s[i + 6] == '/' || s[i + 6] == '\r' || s[i + 6] == '\n'))
			return s + i;
	}
	return NULL;
}

/* The end tag of an event ("</Event>", or "< /Event>" as in the AWS
 * samples); *taglen gets its length. */
static const char *xml_event_end(const char *s, size_t n, size_t *taglen)
{
	for (size_t i = 0; i + 8 <= n; i++) {
		if (s[i] != '<')
			continue;
		if (memcmp(s + i, "</Event>", 8) == 0) {
			*taglen = 8;
			return s + i;
		}
		if (i + 9 <= n && memcmp(s + i, "< /Event>", 9) == 0) {
			*taglen = 9;
			return s + i;
		}
	}
	return NULL;
}

static void xml_count(const char *s, size_t n, long *starts, long *ends)
{
	const char *p = s, *e = s + n;
	while ((p = xml_event_start(p, (size_t)(e - p)))) {
		(*starts)++;
		p += 6;
	}
	size_t tl;
	p = s;
	while ((p = xml_event_end(p, (size_t)(e - p), &tl))) {
		(*ends)++;
		p += tl;
	}
}

/* Bracket depth outside strings, carried from line to line.  Framing is
 * sequential and this is most of it, so strings -- most of a JSON line --
 * are crossed with json_string_scan. */
static void json_scan_line(struct json_scan *j, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (!j->in_string) {
			char c = s[i++];
			if (c == '"')
				j->in_string = 1;
			else if (c == '{' || c == '[')
				j->depth++;
			else if (c == '}' || c == ']')
				j->depth--;
			continue;
		}
		if (j->escape) {
			j->escape = 0;
			i++;
			continue;
		}
		i = json_string_scan(s, i, n);
		if (i == n)
			return;
		if (s[i++] == '"')
			j->in_string = 0;
		else
			j->escape = 1;
	}
}

/* A one-line JSON object starting at column 0 (ends a pending JSON). */
static int json_line_complete(const char *s, size_t n)
{
	if (n < 2 || s[0] != '{')
		return 0;
	struct json_scan j = {0, 0, 0};
	json_scan_line(&j, s, n);
	return j.depth == 0 && !j.in_string;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static int is_event_n(const char *s, size_t n)
{
	if (!starts_with(s, n, "Event["))
		return 0;
	size_t i = 6;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i > 6 && i + 2 <= n && s[i] == ']' && s[i + 1] == ':';
}

static void line_classify(struct text_source *ts, const char *s, size_t n, struct line_info *li)
{
	struct syslog_header h;
	arena_reset(&ts->scratch);
	li->msg = syslog_header_parse(s, n, &h, &ts->scratch);
	li->header = h.present;
	li->column0 = !h.present && n && s[0] != ' ' && s[0] != '\t';
	li->start = START_TEXT;
	const char *m = s + li->msg;
	size_t mn = n - li->msg;
	if (is_blank(m, mn)) {
		li->start = START_BLANK;
		return;
	}
	size_t i = skip_blanks(m, mn, 0);
	if (i + 1 < mn && m[i] == '-' && m[i + 1] == ' ')
		i = skip_blanks(m, mn, i + 1);
	if (i < mn && m[i] == '<') {
		if (xml_event_start(m + i, mn - i)) {
			li->start = START_XML;
		} else {
			size_t e = mn;
			while (e > i && isspace((unsigned char)m[e - 1]))
				e--;
			if ((e - i == 8 && memcmp(m + i, "<Events>", 8) == 0)
			    || (e - i == 9 && memcmp(m + i, "</Events>", 9) == 0) || starts_with(m + i, mn - i, "<?xml"))
				li->start = START_BLANK;
		}
		return;
	}
	i = skip_blanks(m, mn, 0);
	if (m[i] == '{') {
		li->start = START_JSON;
		return;
	}
	if (m[i] == '[') {
		size_t j = skip_blanks(m, mn, i + 1);
		if (j == mn || m[j] == '{')
			li->start = START_JSON;
		return;
	}
	if (is_event_n(m, mn) || starts_with(m, mn, "Event Type:") || starts_with(m, mn, "Log Name:")) {
		li->start = START_HEADED;
		return;
	}
	/* Legacy titles as the message parser knows them (text_labels.c);
	 * modern titles are followed by blank lines and unindented headings,
	 * so only a header can frame those. */
	if (m[0] != ' ' && m[0] != '\t') {
		uint32_t id = text_title_event_id(m, mn);
		if (id >= 512 && id < 4096)
			li->start = START_TITLE;
	}
}

/* ---- the object-access filter, before parsing ------------------------- */

/* The digits after pos (blanks, an optional quote, digits, an optional
 * quote, then a delimiter), as an event id. */
static int peek_number(const char *s, size_t n, size_t pos, uint32_t *id)
{
	while (pos < n && (s[pos] == ' ' || s[pos] == '\t'))
		pos++;
	int quoted = pos < n && s[pos] == '"';
	pos += quoted;
	size_t start = pos;
	uint32_t v = 0;
	while (pos < n && pos - start < 6 && isdigit((unsigned char)s[pos]))
		v = v * 10 + (uint32_t)(s[pos++] - '0');
	if (pos == start || pos - start >= 6)
		return 0;
	if (quoted && (pos >= n || s[pos++] != '"'))
		return 0;
	if (pos < n && (!s[pos] || !strchr(" \t\r\n,}<", s[pos])))
		return 0;
	*id = v;
	return 1;
}

/* The event id of a one-event record, found without parsing it: the only
 * "EventID" key of a flat JSON record, or the only <EventID> element of an
 * XML one.  0 when it is not that simple (then the record is parsed). */
static int peek_event_id(enum record_kind kind, const char *s, size_t n, uint32_t *id)
{
	const char *key = kind == KIND_JSON ? "\"EventID\"" : "<EventID";
	size_t k = strlen(key);
	const char *hit = find_bytes(s, n, key);
	if (!hit || find_bytes(hit + k, n - (size_t)(hit + k - s), key))
		return 0;
	size_t pos = (size_t)(hit - s) + k;
	if (kind == KIND_JSON) {
		while (pos < n && (s[pos] == ' ' || s[pos] == '\t'))
			pos++;
		if (pos >= n || s[pos] != ':')
			return 0;
		pos++;
	} else {
		const char *gt = memchr(s + pos, '>', n - pos);
		if (!gt || (s[pos] != '>' && s[pos] != ' ' && s[pos] != '\t'))
			return 0;
		pos = (size_t)(gt - s) + 1;
	}
	return peek_number(s, n, pos, id);
}

/* ---- delivery ---------------------------------------------------------- */

struct dispatch {
	struct text_source *ts;
	const struct syslog_header *h;
	uint64_t line;
	uint64_t offset;
	size_t size;
};

/* Fill what the format left out, apply the object-access filter and hand
 * the record on.  Returns non-zero when the sink asked to stop. */
static int text_deliver(struct dispatch *d, struct record *rec)
{
	struct text_source *ts = d->ts;
	if (!rec->number)
		rec->number = d->line;
	if (!rec->computer && d->h)
		rec->computer = d->h->host;
	if (!rec->time && d->h)
		rec->time = d->h->time;
	rec->sequence = ++ts->sequence;
	rec->raw_offset = d->offset;
	rec->raw_size = d->size > UINT32_MAX ? UINT32_MAX : (uint32_t)d->size;
	if (rec->flags & RECORD_UNPARSED)
		ts->stats.unparsed++;
	else if (!ts->keep_all && !event_is_object_access(rec->event_id))
		return 0;
	else
		ts->stats.records++;
	if (ts->sink.record(ts->sink.ctx, rec) != 0)
		ts->stopped = 1;
	return ts->stopped;
}

static int text_deliver_each(void *ctx, struct record *rec)
{
	return text_deliver(ctx, rec);
}

/* Every non-blank line of text as an unparsed record. */
static void text_deliver_unparsed(struct text_source *ts, const char *text, size_t len,
				  uint64_t line, uint64_t offset)
{
	size_t pos = 0;
	while (pos < len && !ts->stopped) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - pos;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (!is_blank(text + pos, n)) {
			struct syslog_header h;
			arena_reset(&ts->arena);
			syslog_header_parse(text + pos, n, &h, &ts->arena);
			struct record *rec = &ts->rec;
			record_clear(rec);
			rec->flags = RECORD_UNPARSED;
			const char *copy = arena_strndup(&ts->arena, text + pos, n);
			if (copy) {
				record_add(rec, "Line", copy);
				struct dispatch d = {ts, &h, line, offset + pos, n};
				text_deliver(&d, rec);
			}
		}
		pos = end + 1;
		line++;
	}
	arena_reset(&ts->arena);
}

/* Parse each <Event>...</Event> of an XML record (wevtutil can put many on
 * one line) and deliver those that parse.  Returns 1 when all parsed, -1
 * (err set) when one was broken -- the caller then delivers the lines as
 * unparsed too, so the broken one is not lost -- and 0 when none was an
 * event. */
static int text_dispatch_xml(struct dispatch *d, const char *msg, size_t mlen, char *err, size_t errlen)
{
	struct text_source *ts = d->ts;
	const char *p = msg, *e = msg + mlen;
	int rc = 0, broken = 0;
	while (!ts->stopped && (p = xml_event_start(p, (size_t)(e - p)))) {
		size_t tl = 0;
		const char *end = xml_event_end(p, (size_t)(e - p), &tl);
		const char *next = end ? end + tl : e;
		/* Event Viewer's "- " before <Event stays with it: the parser
		 * undoes it, together with the other copy damage. */
		struct record *rec = &ts->rec;
		record_clear(rec);
		char one[256] = "";
		int r = text_parse_xml(p, (size_t)(next - p), rec, &ts->arena, one, sizeof one);
		if (r == 1) {
			text_deliver(d, rec);
			rc = 1;
		} else if (r < 0 && !broken) {
			snprintf(err, errlen, "%s", one);
			broken = 1;
		}
		p = next;
	}
	return broken ? -1 : rc;
}

static int text_dispatch_evtsys(struct dispatch *d, const char *msg, size_t mlen, char *err, size_t errlen)
{
	struct text_source *ts = d->ts;
	struct record *rec = &ts->rec;
	int r = 0;
	if (d->h->tag) {
		size_t tl = strlen(d->h->tag);
		char *joined = arena_alloc(&ts->arena, tl + 2 + mlen + 1);
		if (joined) {
			memcpy(joined, d->h->tag, tl);
			memcpy(joined + tl, ": ", 2);
			memcpy(joined + tl + 2, msg, mlen);
			joined[tl + 2 + mlen] = '\0';
			record_clear(rec);
			r = text_parse_evtsys(joined, tl + 2 + mlen, rec, &ts->arena, err, errlen);
		}
	}
	if (r == 0) {
		record_clear(rec);
		r = text_parse_evtsys(msg, mlen, rec, &ts->arena, err, errlen);
	}
	if (r == 1)
		text_deliver(d, rec);
	return r;
}

/* Parse one record of kind, deliver what it yields, report what breaks. */
static void text_dispatch(struct text_source *ts, enum record_kind kind, const char *text, size_t len,
			  uint64_t line, uint64_t offset)
{
	arena_reset(&ts->arena);
	const char *nl = memchr(text, '\n', len);
	size_t first = nl ? (size_t)(nl - text) : len;
	if (first && text[first - 1] == '\r')
		first--;
	struct syslog_header h;
	size_t off = syslog_header_parse(text, first, &h, &ts->arena);
	const char *msg = text + off;
	size_t mlen = len - off;
	while (mlen && (msg[mlen - 1] == '\n' || msg[mlen - 1] == '\r'))
		mlen--;
	uint32_t peeked;
	if (!ts->keep_all && (kind == KIND_XML || kind == KIND_JSON)
	    && peek_event_id(kind, msg, mlen, &peeked) && !event_is_object_access(peeked)) {
		/* Most of a forwarded Security log is not object access:
		 * parsing it only to drop it would cost most of the time. */
		arena_reset(&ts->arena);
		return;
	}
	struct dispatch d = {ts, &h, line, offset, len};
	char err[256] = "";
	int rc;
	struct record *rec = &ts->rec;
	if (kind == KIND_XML) {
		rc = text_dispatch_xml(&d, msg, mlen, err, sizeof err);
	} else if (kind == KIND_JSON) {
		rc = text_parse_json_each(msg, mlen, &ts->arena, text_deliver_each, &d, err, sizeof err);
	} else if (kind == KIND_MESSAGE) {
		/* The message parser sees LF line ends only. */
		char *plain = arena_alloc(&ts->arena, mlen + 1);
		size_t n = 0;
		rc = 0;
		if (plain) {
			for (size_t i = 0; i < mlen; i++)
				if (msg[i] != '\r' || (i + 1 < mlen && msg[i + 1] != '\n'))
					plain[n++] = msg[i];
			while (n && isspace((unsigned char)plain[n - 1]))
				n--;
			plain[n] = '\0';
			record_clear(rec);
			rc = text_parse_message(plain, n, rec, &ts->arena, err, sizeof err);
			if (rc == 1)
				text_deliver(&d, rec);
		}
	} else if (find_bytes(msg, first - off, "MSWinEventLog")) {
		record_clear(rec);
		rc = text_parse_snare(msg, mlen, rec, &ts->arena, err, sizeof err);
		if (rc == 1)
			text_deliver(&d, rec);
	} else {
		rc = text_dispatch_evtsys(&d, msg, mlen, err, sizeof err);
	}
	if (rc < 0)
		text_diag(ts, line, "%s", err[0] ? err : "record not readable");
	/* Nothing is lost: what did not parse is shown as its lines. */
	if (rc != 1 && !ts->stopped)
		text_deliver_unparsed(ts, text, len, line, offset);
	arena_reset(&ts->arena);
}

/* ---- framing ------------------------------------------------------------ */

static void pending_begin(struct text_source *ts, enum record_kind kind, const char *s, size_t n)
{
	ts->pending = kind;
	ts->record.len = 0;
	ts->record_line = ts->line;
	ts->record_lines = 1;
	ts->record_offset = ts->offset;
	ts->overflow = 0;
	ts->prev_blank = 0;
	if (buffer_append(&ts->record, s, n, TEXT_RECORD_MAX) < 0
	    || buffer_append(&ts->record, "\n", 1, TEXT_RECORD_MAX) < 0)
		ts->overflow = 1;
}

static void pending_append(struct text_source *ts, const char *s, size_t n)
{
	ts->record_lines++;
	if (ts->overflow)
		return;
	if (buffer_append(&ts->record, s, n, TEXT_RECORD_MAX) < 0
	    || buffer_append(&ts->record, "\n", 1, TEXT_RECORD_MAX) < 0) {
		ts->overflow = 1;
		ts->record.len = 0;
	}
}

static void pending_flush(struct text_source *ts)
{
	enum record_kind kind = ts->pending;
	if (kind == KIND_NONE)
		return;
	ts->pending = KIND_NONE;
	if (ts->overflow) {
		char sz[32];
		text_diag(ts, ts->record_line, "record of %llu lines longer than %s; skipped",
			  (unsigned long long)ts->record_lines, size_text(TEXT_RECORD_MAX, sz, sizeof sz));
		ts->overflow = 0;
	} else {
		text_dispatch(ts, kind, ts->record.data, ts->record.len, ts->record_line, ts->record_offset);
	}
	ts->record.len = 0;
	if (ts->record.cap > TEXT_LINE_MAX) {
		/* Do not keep a big buffer for the rest of a long follow. */
		free(ts->record.data);
		memset(&ts->record, 0, sizeof ts->record);
	}
}

/* Does the pending record take this line?  0: it ended before the line. */
static int pending_takes(struct text_source *ts, const char *s, size_t n, const struct line_info *li)
{
	if (li->header || li->start == START_XML)
		return 0;
	if (ts->pending == KIND_JSON)
		return !(li->column0 && json_line_complete(s, n));
	if (ts->pending == KIND_MESSAGE) {
		if (li->start == START_JSON && li->column0)
			return 0;
		if (li->start == START_HEADED)
			return 0;
		if (find_bytes(s, n, "MSWinEventLog"))
			return 0;
		if (!ts->headed) {
			if (li->start == START_TITLE)
				return 0;
			if (ts->prev_blank && li->start != START_BLANK && li->column0)
				return 0;
		}
	}
	return 1;
}

/* Add the line to the pending record; flush the record once complete. */
static void pending_line(struct text_source *ts, const char *s, size_t n, const struct line_info *li)
{
	pending_append(ts, s, n);
	switch (ts->pending) {
	case KIND_XML:
		xml_count(s, n, &ts->xml_starts, &ts->xml_ends);
		if (ts->xml_ends >= ts->xml_starts)
			pending_flush(ts);
		break;
	case KIND_JSON:
		json_scan_line(&ts->json, s, n);
		if (ts->json.in_string || ts->json.depth <= 0)
			pending_flush(ts);
		break;
	case KIND_MESSAGE:
		ts->prev_blank = li->start == START_BLANK;
		break;
	default:
		break;
	}
}

static void text_record_start(struct text_source *ts, const char *s, size_t n, const struct line_info *li)
{
	const char *m = s + li->msg;
	size_t mn = n - li->msg;
	switch (li->start) {
	case START_BLANK:
		return;
	case START_XML:
		ts->xml_starts = ts->xml_ends = 0;
		xml_count(m, mn, &ts->xml_starts, &ts->xml_ends);
		if (ts->xml_ends >= ts->xml_starts)
			text_dispatch(ts, KIND_XML, s, n, ts->line, ts->offset);
		else
			pending_begin(ts, KIND_XML, s, n);
		return;
	case START_JSON:
		memset(&ts->json, 0, sizeof ts->json);
		json_scan_line(&ts->json, m, mn);
		if (ts->json.in_string || ts->json.depth <= 0)
			text_dispatch(ts, KIND_JSON, s, n, ts->line, ts->offset);
		else
			pending_begin(ts, KIND_JSON, s, n);
		return;
	case START_HEADED:
	case START_TITLE:
		pending_begin(ts, KIND_MESSAGE, s, n);
		ts->headed = li->start == START_HEADED;
		return;
	case START_TEXT:
		text_dispatch(ts, KIND_LINE, s, n, ts->line, ts->offset);
		return;
	}
}

/* One complete line (without its LF); ts->line is its number and
 * ts->offset where it starts. */
static void text_line(struct text_source *ts, const char *s, size_t n)
{
	ts->stats.lines++;
	if (n && s[n - 1] == '\r')
		n--;
	/* A UTF-8 byte order mark, as Windows tools write them. */
	if (ts->offset == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		n -= 3;
		ts->offset += 3;
	}
	struct line_info li;
	line_classify(ts, s, n, &li);
	if (ts->pending != KIND_NONE) {
		if (pending_takes(ts, s, n, &li)) {
			pending_line(ts, s, n, &li);
			return;
		}
		pending_flush(ts);
		if (ts->stopped)
			return;
	}
	text_record_start(ts, s, n, &li);
}

/* The line ts->line was longer than TEXT_LINE_MAX: report what was
 * skipped of it. */
static void text_long_line(struct text_source *ts)
{
	char sz[32];
	ts->stats.lines++;
	text_diag(ts, ts->line, "line longer than %s; skipped %llu bytes",
		  size_text(TEXT_LINE_MAX, sz, sizeof sz), (unsigned long long)ts->skipped);
	ts->offset += ts->skipped + 1;
	ts->skipping = 0;
	ts->skipped = 0;
}

int text_source_feed(struct text_source *ts, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	if (ts->stopped)
		return 1;
	if (ts->stats.bytes == 0 && len >= 2
	    && (((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE)
		|| ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF)))
		text_diag(ts, 0, "UTF-16 text is not supported; convert it first (iconv -f UTF-16 -t UTF-8)");
	ts->stats.bytes += len;
	while (p < end && !ts->stopped) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!ts->skipping && ts->partial.len + n > TEXT_LINE_MAX) {
			/* Too long to hold: what was pending ends before it,
			 * and the line is skipped as it streams. */
			pending_flush(ts);
			ts->skipping = 1;
			ts->skipped = ts->partial.len;
			ts->partial.len = 0;
			if (ts->partial.cap > 65536) {
				free(ts->partial.data);
				memset(&ts->partial, 0, sizeof ts->partial);
			}
		}
		if (ts->skipping) {
			ts->skipped += n;
			if (!nl)
				break;
			ts->line++;
			text_long_line(ts);
			p = nl + 1;
			continue;
		}
		if (!nl) {
			if (buffer_append(&ts->partial, p, n, TEXT_LINE_MAX) < 0) {
				text_diag(ts, ts->line + 1, "out of memory");
				ts->stopped = 1;
			}
			break;
		}
		ts->line++;
		uint64_t start = ts->offset;
		if (ts->partial.len) {
			if (buffer_append(&ts->partial, p, n, TEXT_LINE_MAX) < 0) {
				text_diag(ts, ts->line, "out of memory");
				ts->stopped = 1;
				break;
			}
			size_t whole = ts->partial.len;
			ts->partial.len = 0;
			text_line(ts, ts->partial.data, whole);
			ts->offset = start + whole + 1;
		} else {
			text_line(ts, p, n);
			ts->offset = start + n + 1;
		}
		p = nl + 1;
	}
	return ts->stopped;
}

int text_source_finish(struct text_source *ts)
{
	if (ts->stopped)
		return 1;
	if (ts->skipping) {
		ts->line++;
		text_long_line(ts);
	} else if (ts->partial.len) {
		ts->line++;
		uint64_t start = ts->offset;
		size_t n = ts->partial.len;
		ts->partial.len = 0;
		text_line(ts, ts->partial.data, n);
		ts->offset = start + n;
	}
	if (!ts->stopped)
		pending_flush(ts);
	return ts->stopped;
}

void text_source_reset(struct text_source *ts, uint64_t line_number)
{
	if (ts->pending != KIND_NONE || ts->partial.len || ts->skipping)
		text_diag(ts, ts->line + 1, "the file was truncated or replaced; an incomplete record "
			  "was dropped");
	ts->pending = KIND_NONE;
	ts->overflow = 0;
	ts->record.len = 0;
	ts->partial.len = 0;
	ts->skipping = 0;
	ts->skipped = 0;
	ts->line = line_number ? line_number - 1 : 0;
	ts->offset = 0;
}

const struct text_stats *text_source_stats(const struct text_source *ts)
{
	return &ts->stats;
}

struct text_source *text_source_new(const char *path, int keep_all, const struct record_sink *sink)
{
	struct text_source *ts = calloc(1, sizeof *ts);
	if (!ts)
		return NULL;
	ts->path = strdup(path ? path : "-");
	if (!ts->path) {
		free(ts);
		return NULL;
	}
	ts->keep_all = keep_all;
	ts->sink = *sink;
	return ts;
}

void text_source_free(struct text_source *ts)
{
	if (!ts)
		return;
	free(ts->partial.data);
	free(ts->record.data);
	arena_free(&ts->arena);
	arena_free(&ts->scratch);
	free(ts->path);
	free(ts);
}

int text_read_file(const char *path, int keep_all, const struct record_sink *sink,
		   char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	struct text_source *ts = text_source_new(path, keep_all, sink);
	char *buf = malloc(TEXT_READ_BLOCK);
	if (!ts || !buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		text_source_free(ts);
		free(buf);
		close(fd);
		return -1;
	}
	int rc = 0;
	unsigned char head[2];
	if (pread(fd, head, 2, 0) == 2
	    && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF))) {
		/* PowerShell's default encoding: every line would be unparsed
		 * noise. */
		snprintf(err, errlen, "%s: UTF-16 text is not supported; convert it first "
			 "(iconv -f UTF-16 -t UTF-8)", path);
		rc = -1;
	}
	while (rc == 0) {
		ssize_t n = read(fd, buf, TEXT_READ_BLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		if (text_source_feed(ts, buf, (size_t)n) != 0) {
			rc = 1;
			break;
		}
	}
	if (rc == 0 && text_source_finish(ts) != 0)
		rc = 1;
	text_source_free(ts);
	free(buf);
	close(fd);
	return rc;
}
