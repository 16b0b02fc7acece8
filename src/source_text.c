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
 * header.
 *
 * Parsing in batches.  Framing is sequential (where a record ends depends on
 * the lines before it) and cheap; parsing (jansson, expat) is most of the
 * time.  So framing copies each complete record into a batch (struct
 * text_batch: the records' texts, their kind, line and offset); a batch that
 * reaches TEXT_BATCH_BYTES or TEXT_BATCH_RECORDS is queued, and helper
 * threads parse queued batches, oldest first.  Parsing a batch writes what
 * delivery needs, in order, into the batch's `outs` (a record, a record the
 * object-access filter dropped -- it still takes a sequence number -- or a
 * diagnostic), with every string in the batch's own arena; so a batch is
 * touched by one thread at a time and the parsers need no locks (they keep
 * no mutable static state).  The caller's thread delivers batches in the
 * order they were framed, from the oldest, as they finish; when the queue is
 * full it parses queued batches itself, so it works too.  Diagnostics found
 * while framing ride in the batch as items of their own, so they stay in
 * order with the records around them.
 *
 * Every feed ends by delivering all it framed (text_read_file alone lets
 * batches run on across its reads and delivers at the end).  A feed that
 * never fills a batch -- a few appended lines while following -- is parsed
 * on the caller's thread with no hand-over at all, and helper threads are
 * started only when a first batch fills.
 *
 * Stopping.  When the sink asks to stop, nothing more is delivered, as if
 * parsing had stopped at that record: of the rest of that record's outs
 * only a diagnostic the parse met before the stopping record is still
 * given (as the one-record-at-a-time order would have given it), and later
 * batches are dropped. */
#include "source_text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
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
/* A batch is handed to a helper thread once it holds this much text or this
 * many records: big enough that the hand-over is noise next to parsing it,
 * small enough that both cores get work early and memory stays low. */
#ifndef TEXT_BATCH_BYTES
#define TEXT_BATCH_BYTES (256u << 10)
#endif
#ifndef TEXT_BATCH_RECORDS
#define TEXT_BATCH_RECORDS 2048
#endif
#define TEXT_MAX_THREADS 8
/* Batches queued or being parsed at once, per thread. */
#define TEXT_BATCHES_PER_THREAD 2

enum record_kind {
	KIND_NONE,
	KIND_LINE,
	KIND_XML,
	KIND_JSON,
	KIND_MESSAGE,
	KIND_DIAG,         /* in a batch: a diagnostic framing met */
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

/* One framed record, or a framing diagnostic, waiting in a batch. */
struct text_item {
	enum record_kind kind;
	size_t text, len;           /* where its text is in the batch's text */
	uint64_t line, offset;
};

enum out_type {
	OUT_RECORD,                 /* a record for the sink */
	OUT_DROPPED,                /* one the object-access filter dropped */
	OUT_DIAG,                   /* a diagnostic line */
};

/* What parsing a batch yielded, in delivery order. */
struct text_out {
	uint8_t type;               /* enum out_type */
	uint32_t item;              /* the batch item it came from */
	uint32_t before;            /* OUT_DIAG: records (delivered or dropped)
				     * the item had yielded when the problem
				     * was met -- see Stopping at the top */
	union {
		const struct record *rec;   /* only data[0..ndata) is there */
		const char *msg;
	} u;
};

enum batch_state {
	BATCH_FILLING,              /* framing adds to it */
	BATCH_QUEUED,               /* waits for a thread */
	BATCH_WORKING,              /* a thread parses it */
	BATCH_DONE,                 /* parsed, waits for delivery */
};

/* Records framed together and parsed together, by one thread at a time. */
struct text_batch {
	enum batch_state state;     /* under the pool lock once in the ring */
	const char *path;
	int keep_all;
	struct text_item *items;
	size_t nitems, items_cap;
	struct buffer text;         /* the items' texts, each NUL-terminated */
	struct text_out *outs;
	size_t nouts, outs_cap;
	struct arena arena;         /* strings and records the outs point to */
	int oom;                    /* an out was lost for want of memory */
	uint32_t item;              /* while parsing: the item at hand */
	uint32_t yielded;           /* ... and its OUT_RECORD/OUT_DROPPED outs */
	struct record rec;          /* the parsers' work record */
	struct text_batch *next_free;
};

/* Helper threads and the batches in flight: `ring` holds them in the order
 * they were framed, ring[head] the oldest. */
struct text_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;        /* helpers: a batch was queued, or quit */
	pthread_cond_t done;        /* the caller: a batch is done */
	pthread_t threads[TEXT_MAX_THREADS];
	int helpers;                /* helper threads running */
	int quit;
	struct text_batch *ring[TEXT_MAX_THREADS * TEXT_BATCHES_PER_THREAD];
	size_t ring_cap, head, count;
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
	struct arena scratch;       /* line classification */
	struct record rec;          /* the record being delivered */
	struct text_stats stats;
	int threads;                /* wanted, the caller's included; 0 = CPUs */
	int pool_tried;             /* helpers were started (or could not be) */
	int pool_ready;             /* pool's lock and conditions exist */
	struct text_pool pool;
	struct text_batch *filling; /* the batch framing adds to */
	struct text_batch *spare;   /* delivered batches, for reuse */
};

static int text_add(struct text_source *ts, enum record_kind kind, const char *text, size_t len,
		    uint64_t line, uint64_t offset);
static void text_drain(struct text_source *ts);

/* "FILE:LINE: message" (or "FILE: message" for line 0) into safe. */
static void diag_format(char *safe, size_t safelen, const char *path, uint64_t line, const char *fmt,
			va_list ap) __attribute__((format(printf, 5, 0)));

static void diag_format(char *safe, size_t safelen, const char *path, uint64_t line, const char *fmt,
			va_list ap)
{
	char raw[768];
	int n = line ? snprintf(raw, sizeof raw, "%s:%llu: ", path, (unsigned long long)line)
		     : snprintf(raw, sizeof raw, "%s: ", path);
	if (n < 0 || (size_t)n >= sizeof raw)
		n = 0;
	vsnprintf(raw + n, sizeof raw - (size_t)n, fmt, ap);
	/* Paths and parser messages may carry bytes from the log. */
	sanitize_text(raw, strlen(raw), safe, safelen, NULL);
}

/* A diagnostic framing met: it goes into the batch, so that it reaches the
 * sink between the records framed before and after it. */
static void text_diag(struct text_source *ts, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void text_diag(struct text_source *ts, uint64_t line, const char *fmt, ...)
{
	if (!ts->sink.diag)
		return;
	char safe[1024];
	va_list ap;
	va_start(ap, fmt);
	diag_format(safe, sizeof safe, ts->path, line, fmt, ap);
	va_end(ap);
	if (text_add(ts, KIND_DIAG, safe, strlen(safe), line, 0) < 0) {
		/* No memory for it in a batch: give it now, after the rest. */
		text_drain(ts);
		ts->sink.diag(ts->sink.ctx, safe);
	}
}

/* A diagnostic for the sink at once: only where that is its place in the
 * order (while delivering, or with nothing framed and not delivered). */
static void text_diag_now(struct text_source *ts, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void text_diag_now(struct text_source *ts, uint64_t line, const char *fmt, ...)
{
	if (!ts->sink.diag)
		return;
	char safe[1024];
	va_list ap;
	va_start(ap, fmt);
	diag_format(safe, sizeof safe, ts->path, line, fmt, ap);
	va_end(ap);
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

/* ---- parsing a batch ---------------------------------------------------- */

/* Runs on any thread: touches nothing but its batch. */

struct dispatch {
	struct text_batch *b;
	const struct syslog_header *h;
	uint64_t line;
	uint64_t offset;
	size_t size;
};

static struct text_out *out_new(struct text_batch *b, enum out_type type)
{
	if (b->nouts == b->outs_cap) {
		size_t cap = b->outs_cap ? b->outs_cap * 2 : 256;
		struct text_out *o = realloc(b->outs, cap * sizeof *o);
		if (!o) {
			b->oom = 1;
			return NULL;
		}
		b->outs = o;
		b->outs_cap = cap;
	}
	struct text_out *o = &b->outs[b->nouts++];
	o->type = (uint8_t)type;
	o->item = b->item;
	o->before = 0;
	o->u.rec = NULL;
	return o;
}

/* A parse problem, as "FILE:LINE: ...", after the records the item has
 * yielded so far (before of them were yielded when it was met). */
static void batch_diag(struct text_batch *b, uint64_t line, uint32_t before, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void batch_diag(struct text_batch *b, uint64_t line, uint32_t before, const char *fmt, ...)
{
	char safe[1024];
	va_list ap;
	va_start(ap, fmt);
	diag_format(safe, sizeof safe, b->path, line, fmt, ap);
	va_end(ap);
	const char *msg = arena_strdup(&b->arena, safe);
	struct text_out *o = msg ? out_new(b, OUT_DIAG) : NULL;
	if (!o) {
		b->oom = 1;
		return;
	}
	o->before = before;
	o->u.msg = msg;
}

/* Fill what the format left out, apply the object-access filter and keep
 * the record for delivery (its strings are in the batch's arena already). */
static int text_deliver(struct dispatch *d, struct record *rec)
{
	struct text_batch *b = d->b;
	if (!rec->number)
		rec->number = d->line;
	if (!rec->computer && d->h)
		rec->computer = d->h->host;
	if (!rec->time && d->h)
		rec->time = d->h->time;
	rec->raw_offset = d->offset;
	rec->raw_size = d->size > UINT32_MAX ? UINT32_MAX : (uint32_t)d->size;
	int dropped = !(rec->flags & RECORD_UNPARSED) && !b->keep_all && !event_is_object_access(rec->event_id);
	struct text_out *o = out_new(b, dropped ? OUT_DROPPED : OUT_RECORD);
	if (!o)
		return 0;
	b->yielded++;
	if (dropped)
		return 0;
	/* Only the pairs in use: most records carry far fewer than
	 * RECORD_MAX_DATA. */
	size_t size = offsetof(struct record, data) + rec->ndata * sizeof rec->data[0];
	struct record *copy = (struct record *)arena_alloc(&b->arena, size);
	if (!copy) {
		b->oom = 1;
		o->type = OUT_DROPPED;
		return 0;
	}
	memcpy(copy, rec, size);
	o->u.rec = copy;
	return 0;
}

static int text_deliver_each(void *ctx, struct record *rec)
{
	return text_deliver(ctx, rec);
}

/* Every non-blank line of text as an unparsed record. */
static void text_deliver_unparsed(struct text_batch *b, const char *text, size_t len,
				  uint64_t line, uint64_t offset)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - pos;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (!is_blank(text + pos, n)) {
			struct syslog_header h;
			syslog_header_parse(text + pos, n, &h, &b->arena);
			struct record *rec = &b->rec;
			record_clear(rec);
			rec->flags = RECORD_UNPARSED;
			const char *copy = arena_strndup(&b->arena, text + pos, n);
			if (copy) {
				record_add(rec, "Line", copy);
				struct dispatch d = {b, &h, line, offset + pos, n};
				text_deliver(&d, rec);
			} else {
				b->oom = 1;
			}
		}
		pos = end + 1;
		line++;
	}
}

/* Parse each <Event>...</Event> of an XML record (wevtutil can put many on
 * one line) and deliver those that parse.  Returns 1 when all parsed, -1
 * (err set, *broken_at = records yielded before the first broken one) when
 * one was broken -- the caller then delivers the lines as unparsed too, so
 * the broken one is not lost -- and 0 when none was an event. */
static int text_dispatch_xml(struct dispatch *d, const char *msg, size_t mlen, char *err, size_t errlen,
			     uint32_t *broken_at)
{
	struct text_batch *b = d->b;
	const char *p = msg, *e = msg + mlen;
	int rc = 0, broken = 0;
	while ((p = xml_event_start(p, (size_t)(e - p)))) {
		size_t tl = 0;
		const char *end = xml_event_end(p, (size_t)(e - p), &tl);
		const char *next = end ? end + tl : e;
		/* Event Viewer's "- " before <Event stays with it: the parser
		 * undoes it, together with the other copy damage. */
		struct record *rec = &b->rec;
		record_clear(rec);
		char one[256] = "";
		int r = text_parse_xml(p, (size_t)(next - p), rec, &b->arena, one, sizeof one);
		if (r == 1) {
			text_deliver(d, rec);
			rc = 1;
		} else if (r < 0 && !broken) {
			snprintf(err, errlen, "%s", one);
			*broken_at = b->yielded;
			broken = 1;
		}
		p = next;
	}
	return broken ? -1 : rc;
}

static int text_dispatch_evtsys(struct dispatch *d, const char *msg, size_t mlen, char *err, size_t errlen)
{
	struct text_batch *b = d->b;
	struct record *rec = &b->rec;
	int r = 0;
	if (d->h->tag) {
		size_t tl = strlen(d->h->tag);
		char *joined = arena_alloc(&b->arena, tl + 2 + mlen + 1);
		if (joined) {
			memcpy(joined, d->h->tag, tl);
			memcpy(joined + tl, ": ", 2);
			memcpy(joined + tl + 2, msg, mlen);
			joined[tl + 2 + mlen] = '\0';
			record_clear(rec);
			r = text_parse_evtsys(joined, tl + 2 + mlen, rec, &b->arena, err, errlen);
		}
	}
	if (r == 0) {
		record_clear(rec);
		r = text_parse_evtsys(msg, mlen, rec, &b->arena, err, errlen);
	}
	if (r == 1)
		text_deliver(d, rec);
	return r;
}

/* Parse one record of kind, keep what it yields, report what breaks. */
static void text_dispatch(struct text_batch *b, enum record_kind kind, const char *text, size_t len,
			  uint64_t line, uint64_t offset)
{
	const char *nl = memchr(text, '\n', len);
	size_t first = nl ? (size_t)(nl - text) : len;
	if (first && text[first - 1] == '\r')
		first--;
	struct syslog_header h;
	size_t off = syslog_header_parse(text, first, &h, &b->arena);
	const char *msg = text + off;
	size_t mlen = len - off;
	while (mlen && (msg[mlen - 1] == '\n' || msg[mlen - 1] == '\r'))
		mlen--;
	uint32_t peeked;
	if (!b->keep_all && (kind == KIND_XML || kind == KIND_JSON)
	    && peek_event_id(kind, msg, mlen, &peeked) && !event_is_object_access(peeked)) {
		/* Most of a forwarded Security log is not object access:
		 * parsing it only to drop it would cost most of the time. */
		return;
	}
	struct dispatch d = {b, &h, line, offset, len};
	char err[256] = "";
	int rc;
	uint32_t broken_at = 0;
	struct record *rec = &b->rec;
	if (kind == KIND_XML) {
		rc = text_dispatch_xml(&d, msg, mlen, err, sizeof err, &broken_at);
	} else if (kind == KIND_JSON) {
		rc = text_parse_json_each(msg, mlen, &b->arena, text_deliver_each, &d, err, sizeof err);
		broken_at = b->yielded;
	} else if (kind == KIND_MESSAGE) {
		/* The message parser sees LF line ends only. */
		char *plain = arena_alloc(&b->arena, mlen + 1);
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
			rc = text_parse_message(plain, n, rec, &b->arena, err, sizeof err);
			if (rc == 1)
				text_deliver(&d, rec);
		}
	} else if (find_bytes(msg, first - off, "MSWinEventLog")) {
		record_clear(rec);
		rc = text_parse_snare(msg, mlen, rec, &b->arena, err, sizeof err);
		if (rc == 1)
			text_deliver(&d, rec);
	} else {
		rc = text_dispatch_evtsys(&d, msg, mlen, err, sizeof err);
	}
	if (rc < 0)
		batch_diag(b, line, broken_at, "%s", err[0] ? err : "record not readable");
	/* Nothing is lost: what did not parse is shown as its lines. */
	if (rc != 1)
		text_deliver_unparsed(b, text, len, line, offset);
}

/* Parse every item of the batch into its outs. */
static void batch_parse(struct text_batch *b)
{
	b->nouts = 0;
	for (size_t i = 0; i < b->nitems; i++) {
		const struct text_item *it = &b->items[i];
		const char *text = b->text.data + it->text;
		b->item = (uint32_t)i;
		b->yielded = 0;
		if (it->kind == KIND_DIAG) {
			struct text_out *o = out_new(b, OUT_DIAG);
			if (o)
				o->u.msg = text;
		} else {
			text_dispatch(b, it->kind, text, it->len, it->line, it->offset);
		}
	}
}

/* ---- batches: framing fills them, the caller's thread delivers them ----- */

/* Hand the batch's outs to the sink, in order (the caller's thread). */
static void batch_deliver(struct text_source *ts, struct text_batch *b)
{
	if (ts->stopped)
		return;
	uint32_t item = UINT32_MAX, yielded = 0;
	int stopped_here = 0;
	for (size_t i = 0; i < b->nouts; i++) {
		const struct text_out *o = &b->outs[i];
		if (o->item != item) {
			if (stopped_here)
				break;
			item = o->item;
			yielded = 0;
		}
		if (o->type == OUT_DIAG) {
			/* After a stop, a problem met before the stopping
			 * record is still told, as it was before batches. */
			if ((!stopped_here || o->before < yielded) && ts->sink.diag)
				ts->sink.diag(ts->sink.ctx, o->u.msg);
			continue;
		}
		if (stopped_here)
			continue;
		yielded++;
		ts->sequence++;
		if (o->type == OUT_DROPPED)
			continue;
		const struct record *r = o->u.rec;
		memcpy(&ts->rec, r, offsetof(struct record, data) + r->ndata * sizeof r->data[0]);
		ts->rec.sequence = ts->sequence;
		if (ts->rec.flags & RECORD_UNPARSED)
			ts->stats.unparsed++;
		else
			ts->stats.records++;
		if (ts->sink.record(ts->sink.ctx, &ts->rec) != 0) {
			ts->stopped = 1;
			stopped_here = 1;
		}
	}
	if (b->oom && !ts->stopped) {
		text_diag_now(ts, 0, "out of memory while parsing; stopped");
		ts->stopped = 1;
	}
}

static struct text_batch *batch_filling(struct text_source *ts)
{
	if (ts->filling)
		return ts->filling;
	struct text_batch *b = ts->spare;
	if (b)
		ts->spare = b->next_free;
	else if (!(b = calloc(1, sizeof *b)))
		return NULL;
	b->state = BATCH_FILLING;
	b->path = ts->path;
	b->keep_all = ts->keep_all;
	b->next_free = NULL;
	ts->filling = b;
	return b;
}

static void batch_free(struct text_batch *b)
{
	free(b->items);
	free(b->text.data);
	free(b->outs);
	arena_free(&b->arena);
	free(b);
}

/* Keep a delivered batch for reuse, buffers and all -- but not the big
 * buffers a huge record needed. */
static void batch_recycle(struct text_source *ts, struct text_batch *b)
{
	b->nitems = 0;
	b->text.len = 0;
	b->nouts = 0;
	b->oom = 0;
	if (b->arena.bytes > 8 * TEXT_BATCH_BYTES)
		arena_free(&b->arena);
	else
		arena_reset(&b->arena);
	if (b->text.cap > 2 * TEXT_BATCH_BYTES) {
		free(b->text.data);
		memset(&b->text, 0, sizeof b->text);
	}
	b->next_free = ts->spare;
	ts->spare = b;
}

static int cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (n > TEXT_MAX_THREADS ? TEXT_MAX_THREADS : (int)n);
}

/* The oldest batch in the ring that no thread has taken; lock held. */
static struct text_batch *pool_oldest_queued(struct text_pool *p)
{
	for (size_t i = 0; i < p->count; i++) {
		struct text_batch *b = p->ring[(p->head + i) % p->ring_cap];
		if (b->state == BATCH_QUEUED)
			return b;
	}
	return NULL;
}

static void *text_helper_main(void *arg)
{
	struct text_pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct text_batch *b = NULL;
		while (!p->quit && !(b = pool_oldest_queued(p)))
			pthread_cond_wait(&p->wake, &p->lock);
		if (!b)
			break;
		b->state = BATCH_WORKING;
		pthread_mutex_unlock(&p->lock);
		batch_parse(b);
		pthread_mutex_lock(&p->lock);
		b->state = BATCH_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Start the helper threads, once, when a first batch fills.  Without any
 * (one CPU, or pthread_create failing) batches are parsed in place. */
static void pool_start(struct text_source *ts)
{
	if (ts->pool_tried)
		return;
	ts->pool_tried = 1;
	int want = ts->threads > 0 ? ts->threads : cpu_count();
	if (want > TEXT_MAX_THREADS)
		want = TEXT_MAX_THREADS;
	if (want < 2)
		return;
	struct text_pool *p = &ts->pool;
	if (pthread_mutex_init(&p->lock, NULL) != 0)
		return;
	if (pthread_cond_init(&p->wake, NULL) != 0) {
		pthread_mutex_destroy(&p->lock);
		return;
	}
	if (pthread_cond_init(&p->done, NULL) != 0) {
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->lock);
		return;
	}
	ts->pool_ready = 1;
	p->ring_cap = (size_t)want * TEXT_BATCHES_PER_THREAD;
	/* Helpers only parse: signals (SIGINT, SIGTERM, SIGWINCH) are for
	 * the threads that wait on them.  Faults stay deliverable. */
	sigset_t all, old;
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	int masked = pthread_sigmask(SIG_BLOCK, &all, &old) == 0;
	for (int t = 0; t < want - 1; t++) {
		if (pthread_create(&p->threads[t], NULL, text_helper_main, p) != 0)
			break;
		p->helpers++;
	}
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Parse b on the caller's thread; lock held on entry and on return. */
static void pool_parse_here(struct text_source *ts, struct text_batch *b)
{
	b->state = BATCH_WORKING;
	pthread_mutex_unlock(&ts->pool.lock);
	/* After a stop nothing more is delivered: do not parse for nothing. */
	if (!ts->stopped)
		batch_parse(b);
	else
		b->nouts = 0;
	pthread_mutex_lock(&ts->pool.lock);
	b->state = BATCH_DONE;
}

/* Deliver the oldest batch if it is done; 1 if it was.  Lock held on entry
 * and on return, not while the sink runs. */
static int pool_deliver_oldest(struct text_source *ts)
{
	struct text_pool *p = &ts->pool;
	if (!p->count || p->ring[p->head]->state != BATCH_DONE)
		return 0;
	struct text_batch *b = p->ring[p->head];
	p->head = (p->head + 1) % p->ring_cap;
	p->count--;
	pthread_mutex_unlock(&p->lock);
	batch_deliver(ts, b);
	batch_recycle(ts, b);
	pthread_mutex_lock(&p->lock);
	return 1;
}

/* One step towards an empty ring: deliver the oldest batch, else parse a
 * queued one here, else wait for a helper to finish one.  Lock held. */
static void pool_step(struct text_source *ts)
{
	if (pool_deliver_oldest(ts))
		return;
	struct text_batch *b = pool_oldest_queued(&ts->pool);
	if (b)
		pool_parse_here(ts, b);
	else
		pthread_cond_wait(&ts->pool.done, &ts->pool.lock);
}

/* Hand the filling batch on: to the helpers when it is full, parsed here
 * when here is set (the last, partial batch of a feed: no hand-over
 * latency). */
static void batch_submit(struct text_source *ts, int here)
{
	struct text_batch *b = ts->filling;
	if (!b)
		return;
	ts->filling = NULL;
	if (!b->nitems) {
		batch_recycle(ts, b);
		return;
	}
	if (!here)
		pool_start(ts);
	struct text_pool *p = &ts->pool;
	if (!p->helpers) {
		/* No helpers, so nothing is in flight: in place, in order. */
		if (!ts->stopped) {
			batch_parse(b);
			batch_deliver(ts, b);
		}
		batch_recycle(ts, b);
		return;
	}
	pthread_mutex_lock(&p->lock);
	while (p->count == p->ring_cap)
		pool_step(ts);
	p->ring[(p->head + p->count) % p->ring_cap] = b;
	p->count++;
	if (here) {
		pool_parse_here(ts, b);
	} else {
		b->state = BATCH_QUEUED;
		ts->stats.batches++;
		pthread_cond_signal(&p->wake);
	}
	while (pool_deliver_oldest(ts))
		;
	pthread_mutex_unlock(&p->lock);
}

/* Deliver everything framed so far. */
static void text_drain(struct text_source *ts)
{
	batch_submit(ts, 1);
	struct text_pool *p = &ts->pool;
	if (!p->helpers)
		return;
	pthread_mutex_lock(&p->lock);
	while (p->count)
		pool_step(ts);
	pthread_mutex_unlock(&p->lock);
}

/* Copy a framed record (or a KIND_DIAG message) into the filling batch,
 * and queue the batch once it is full.  -1 when out of memory. */
static int text_add(struct text_source *ts, enum record_kind kind, const char *text, size_t len,
		    uint64_t line, uint64_t offset)
{
	struct text_batch *b = batch_filling(ts);
	if (!b)
		return -1;
	if (b->nitems == b->items_cap) {
		size_t cap = b->items_cap ? b->items_cap * 2 : 256;
		struct text_item *it = realloc(b->items, cap * sizeof *it);
		if (!it)
			return -1;
		b->items = it;
		b->items_cap = cap;
	}
	size_t at = b->text.len;
	if (buffer_append(&b->text, text, len, SIZE_MAX / 2) < 0)
		return -1;
	/* Keep buffer_append's NUL: each text is a C string, as the parsers
	 * got it before batches. */
	b->text.len++;
	b->items[b->nitems++] = (struct text_item){kind, at, len, line, offset};
	if (b->text.len >= TEXT_BATCH_BYTES || b->nitems >= TEXT_BATCH_RECORDS)
		batch_submit(ts, 0);
	return 0;
}

/* A record framing could not keep: say so after what came before, stop. */
static void text_out_of_memory(struct text_source *ts, uint64_t line)
{
	text_drain(ts);
	if (!ts->stopped)
		text_diag_now(ts, line, "out of memory");
	ts->stopped = 1;
}

/* Framing found a complete record: on to a batch. */
static void text_record(struct text_source *ts, enum record_kind kind, const char *text, size_t len,
			uint64_t line, uint64_t offset)
{
	if (text_add(ts, kind, text, len, line, offset) < 0)
		text_out_of_memory(ts, line);
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
		text_record(ts, kind, ts->record.data, ts->record.len, ts->record_line, ts->record_offset);
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
			text_record(ts, KIND_XML, s, n, ts->line, ts->offset);
		else
			pending_begin(ts, KIND_XML, s, n);
		return;
	case START_JSON:
		memset(&ts->json, 0, sizeof ts->json);
		json_scan_line(&ts->json, m, mn);
		if (ts->json.in_string || ts->json.depth <= 0)
			text_record(ts, KIND_JSON, s, n, ts->line, ts->offset);
		else
			pending_begin(ts, KIND_JSON, s, n);
		return;
	case START_HEADED:
	case START_TITLE:
		pending_begin(ts, KIND_MESSAGE, s, n);
		ts->headed = li->start == START_HEADED;
		return;
	case START_TEXT:
		text_record(ts, KIND_LINE, s, n, ts->line, ts->offset);
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

/* Frame the bytes; records go to batches, delivered by text_drain (or as
 * batches finish).  Returns when all bytes are framed or the sink stopped. */
static void text_frame(struct text_source *ts, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
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
			if (buffer_append(&ts->partial, p, n, TEXT_LINE_MAX) < 0)
				text_out_of_memory(ts, ts->line + 1);
			break;
		}
		ts->line++;
		uint64_t start = ts->offset;
		if (ts->partial.len) {
			if (buffer_append(&ts->partial, p, n, TEXT_LINE_MAX) < 0) {
				text_out_of_memory(ts, ts->line);
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
}

int text_source_feed(struct text_source *ts, const char *data, size_t len)
{
	if (ts->stopped)
		return 1;
	text_frame(ts, data, len);
	/* Following needs each complete record before the feed returns. */
	text_drain(ts);
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
	text_drain(ts);
	return ts->stopped;
}

void text_source_reset(struct text_source *ts, uint64_t line_number)
{
	text_drain(ts);
	if (ts->pending != KIND_NONE || ts->partial.len || ts->skipping)
		text_diag_now(ts, ts->line + 1, "the file was truncated or replaced; an incomplete record "
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

void text_source_set_threads(struct text_source *ts, int threads)
{
	ts->threads = threads < 0 ? 0 : threads;
}

void text_source_free(struct text_source *ts)
{
	if (!ts)
		return;
	struct text_pool *p = &ts->pool;
	if (ts->pool_ready) {
		pthread_mutex_lock(&p->lock);
		p->quit = 1;
		pthread_cond_broadcast(&p->wake);
		pthread_mutex_unlock(&p->lock);
		for (int t = 0; t < p->helpers; t++)
			pthread_join(p->threads[t], NULL);
		/* Batches left when the sink stopped a whole-file read. */
		for (size_t i = 0; i < p->count; i++)
			batch_free(p->ring[(p->head + i) % p->ring_cap]);
		pthread_cond_destroy(&p->done);
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->lock);
	}
	if (ts->filling)
		batch_free(ts->filling);
	while (ts->spare) {
		struct text_batch *b = ts->spare;
		ts->spare = b->next_free;
		batch_free(b);
	}
	free(ts->partial.data);
	free(ts->record.data);
	arena_free(&ts->scratch);
	free(ts->path);
	free(ts);
}

int text_read_file(const char *path, int keep_all, const struct record_sink *sink,
		   char *err, size_t errlen)
{
	return text_read_file_threads(path, keep_all, 0, sink, err, errlen);
}

int text_read_file_threads(const char *path, int keep_all, int threads, const struct record_sink *sink,
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
	text_source_set_threads(ts, threads);
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
			/* What was read before is delivered, as ever. */
			text_drain(ts);
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		/* Batches run on across reads: no wait at each block. */
		text_frame(ts, buf, (size_t)n);
		if (ts->stopped) {
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
