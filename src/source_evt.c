/* source_evt.c - reading legacy EVT files with libevt into struct record.
 *
 * libevt parses the whole record list when the file is opened; records it
 * finds outside the live list (in the free space of a wrapped or dirty log)
 * are "recovered" records.  Both kinds are delivered, in record-number order,
 * so the correlator sees the log as Windows wrote it.  A recovered record
 * whose number is also a live one is a stale copy and is skipped.
 *
 * Reading is two passes: the first fetches every record's number and event
 * id (all of a 2 MB log in about 20 ms) so the order can be sorted and the
 * keep_all filter applied; the second fetches the kept records again and
 * hands them to the sink.  The strings of a record live in one buffer owned
 * here, valid until the sink returns. */
#if !defined(_GNU_SOURCE) && !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700 /* pread */
#endif

#include "source_evt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libevt.h>

#include "event.h"
#include "legacy_layout.h"

/* Longest string value kept (bytes of UTF-8, without the NUL); EVT strings
 * are normally short, but a damaged record can claim anything. */
#define EVT_STRING_MAX (64 * 1024)

/* Seconds between 1601-01-01 and 1970-01-01: EVT times are POSIX seconds,
 * struct record wants FILETIME ticks. */
#define EVT_EPOCH_DIFF 11644473600LL
#define EVT_TICKS_PER_SECOND 10000000LL

/* Smallest valid event record: the 56-byte fixed part and the size copy. */
#define EVT_RECORD_MIN 0x3c

/* File header: 0x30 bytes, "LfLe" at 4; then the fields read below. */
#define EVT_HEADER_SIZE 0x30
#define EVT_EOF_RECORD_SIZE 0x28
#define EVT_FLAG_DIRTY 0x0001
/* Gaps reported one by one before a summary line. */
#define EVT_GAPS_SHOWN 8

/* EVT event types that carry the audit outcome. */
#define EVT_AUDIT_SUCCESS 0x0008
#define EVT_AUDIT_FAILURE 0x0010

/* One record to deliver, found in the first pass. */
struct evt_entry {
	uint32_t number;
	uint32_t event_id;  /* low 16 bits of the event identifier */
	int index;          /* libevt index within its list */
	int recovered;
};

/* The text of one record: values are appended, then pointed at once the
 * buffer no longer moves. */
struct evt_text {
	char *buf;
	size_t len, cap;
};

/* What the file header says, read by us: libevt does not report a record it
 * could not find, so the header is what tells a damaged file. */
struct evt_header {
	uint32_t eof_offset;    /* where the end-of-file record is */
	uint32_t next_number;   /* number the next record would get */
	uint32_t oldest_number;
	uint32_t flags;
};

struct evt_reader {
	const char *path;
	const struct record_sink *sink;
	libevt_file_t *file;
	int opened;
	int fd;
	uint64_t file_size;
	struct evt_text text;
	char names[RECORD_MAX_DATA][16]; /* "String1" ... for unnamed strings */
};

int evt_is_evt(const unsigned char *head, size_t len)
{
	return head && len >= 8 && memcmp(head + 4, "LfLe", 4) == 0;
}

/* libevt's message, flattened to one line (it may hold line breaks). */
static void evt_error_text(libevt_error_t *error, char *buf, size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (!error || libevt_error_sprint(error, buf, len) < 0 || buf[0] == '\0')
		snprintf(buf, len, "unknown libevt error");
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

static void evt_diag(struct evt_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void evt_diag(struct evt_reader *r, const char *fmt, ...)
{
	char msg[1024];
	int n;
	va_list ap;

	if (!r->sink->diag)
		return;
	n = snprintf(msg, sizeof(msg), "%s: ", r->path);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	r->sink->diag(r->sink->ctx, msg);
}

/* Report a libevt failure on one record and free the error. */
static void evt_diag_record(struct evt_reader *r, const struct evt_entry *e,
			    int have_number, const char *what, libevt_error_t **error)
{
	char why[512];
	char num[16];

	evt_error_text(*error, why, sizeof(why));
	libevt_error_free(error);
	if (have_number)
		snprintf(num, sizeof(num), "%u", (unsigned)e->number);
	else
		snprintf(num, sizeof(num), "?");
	evt_diag(r, "record %s (%sindex %d): %s%s", num, e->recovered ? "recovered " : "",
		 e->index, what, why);
}

static int evt_get_record(struct evt_reader *r, const struct evt_entry *e,
			  libevt_record_t **rec, libevt_error_t **error)
{
	*rec = NULL;
	if (e->recovered)
		return libevt_file_get_recovered_record_by_index(r->file, e->index, rec, error);
	return libevt_file_get_record_by_index(r->file, e->index, rec, error);
}

/* Make room for more bytes; returns the offset of the room or (size_t)-1. */
static size_t text_reserve(struct evt_text *t, size_t more)
{
	if (more > SIZE_MAX / 2 - t->len)
		return (size_t)-1;
	if (t->len + more > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + more)
			cap *= 2;
		char *p = realloc(t->buf, cap);
		if (!p)
			return (size_t)-1;
		t->buf = p;
		t->cap = cap;
	}
	return t->len;
}

static size_t text_add(struct evt_text *t, const char *s)
{
	size_t n = strlen(s) + 1;
	size_t off = text_reserve(t, n);

	if (off == (size_t)-1)
		return off;
	memcpy(t->buf + off, s, n);
	t->len += n;
	return off;
}

/* Cut s (len bytes) to at most max bytes without splitting a UTF-8
 * sequence; returns the new length. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

/* The getters libevt offers for the record's fixed strings. */
typedef int (*evt_size_fn)(libevt_record_t *, size_t *, libevt_error_t **);
typedef int (*evt_get_fn)(libevt_record_t *, uint8_t *, size_t, libevt_error_t **);

/* Append one of the record's own strings (source, computer); returns its
 * offset, or (size_t)-1 when absent or unreadable. */
static size_t text_add_field(struct evt_reader *r, const struct evt_entry *e,
			     libevt_record_t *rec, evt_size_fn size_fn, evt_get_fn get_fn,
			     const char *what)
{
	libevt_error_t *error = NULL;
	size_t size = 0, off;
	int rc = size_fn(rec, &size, &error);

	if (rc == 0 || (rc == 1 && size == 0))
		return (size_t)-1;
	if (rc != 1) {
		evt_diag_record(r, e, 1, what, &error);
		return (size_t)-1;
	}
	off = text_reserve(&r->text, size);
	if (off == (size_t)-1) {
		evt_diag(r, "record %u: %sout of memory", (unsigned)e->number, what);
		return off;
	}
	if (get_fn(rec, (uint8_t *)r->text.buf + off, size, &error) != 1) {
		evt_diag_record(r, e, 1, what, &error);
		return (size_t)-1;
	}
	r->text.buf[off + size - 1] = '\0';
	size = utf8_cut(r->text.buf + off, strlen(r->text.buf + off), EVT_STRING_MAX);
	r->text.buf[off + size] = '\0';
	r->text.len = off + size + 1;
	return off;
}

/* Append insertion string i; returns its offset or (size_t)-1. */
static size_t text_add_string(struct evt_reader *r, const struct evt_entry *e,
			      libevt_record_t *rec, int i)
{
	libevt_error_t *error = NULL;
	size_t size = 0, off, len;
	char what[32];

	snprintf(what, sizeof(what), "string %d: ", i + 1);
	if (libevt_record_get_utf8_string_size(rec, i, &size, &error) != 1) {
		evt_diag_record(r, e, 1, what, &error);
		return (size_t)-1;
	}
	if (size == 0)
		return text_add(&r->text, "");
	/* The whole string is fetched (libevt wants room for all of it; its
	 * size is bounded by the record libevt already holds), then cut. */
	off = text_reserve(&r->text, size);
	if (off == (size_t)-1) {
		evt_diag(r, "record %u: %sout of memory", (unsigned)e->number, what);
		return off;
	}
	if (libevt_record_get_utf8_string(rec, i, (uint8_t *)r->text.buf + off, size,
					  &error) != 1) {
		evt_diag_record(r, e, 1, what, &error);
		return (size_t)-1;
	}
	r->text.buf[off + size - 1] = '\0';
	len = strlen(r->text.buf + off);
	if (len > EVT_STRING_MAX) {
		evt_diag(r, "record %u: string %d truncated to %d of %zu bytes",
			 (unsigned)e->number, i + 1, EVT_STRING_MAX, len);
		len = utf8_cut(r->text.buf + off, len, EVT_STRING_MAX);
	}
	r->text.buf[off + len] = '\0';
	r->text.len = off + len + 1;
	return off;
}

static uint32_t get_u32le(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Size of the record at offset, read from its own header, or 0 when the
 * bytes there are not one contiguous record (wrapped around the end of the
 * log, truncated): raw bytes are only offered when they can be shown as
 * they are. */
static uint32_t evt_raw_size(struct evt_reader *r, uint64_t offset, uint32_t number)
{
	unsigned char head[12];
	uint32_t size;

	if (r->fd < 0 || offset > r->file_size || r->file_size - offset < sizeof(head))
		return 0;
	if (pread(r->fd, head, sizeof(head), (off_t)offset) != (ssize_t)sizeof(head))
		return 0;
	size = get_u32le(head);
	if (memcmp(head + 4, "LfLe", 4) != 0 || get_u32le(head + 8) != number ||
	    size < EVT_RECORD_MIN || size > r->file_size - offset)
		return 0;
	return size;
}

/* Fill rec from the libevt record; returns 0, or -1 when the record could
 * not be read at all (already reported). */
static int evt_fill(struct evt_reader *r, const struct evt_entry *e, libevt_record_t *lrec,
		    struct record *rec)
{
	libevt_error_t *error = NULL;
	uint32_t t = 0, event_identifier = 0;
	uint16_t type = 0;
	off64_t offset = 0;
	size_t off_source, off_computer;
	size_t offs[RECORD_MAX_DATA];
	const char *const *names = NULL;
	size_t nnames = 0, nkept;
	int nstrings = 0, is_security;

	record_clear(rec);
	r->text.len = 0;
	rec->number = e->number;
	rec->flags = RECORD_LEGACY | (e->recovered ? RECORD_RECOVERED : 0);

	if (libevt_record_get_event_identifier(lrec, &event_identifier, &error) != 1) {
		evt_diag_record(r, e, 1, "", &error);
		return -1;
	}
	rec->event_id = event_identifier & 0xffff;

	/* The generated time is when the event happened (EVTX TimeCreated);
	 * the written time can lag behind it, so it is only the fallback. */
	if (libevt_record_get_creation_time(lrec, &t, &error) != 1) {
		libevt_error_free(&error);
		t = 0;
	}
	if (t == 0 && libevt_record_get_written_time(lrec, &t, &error) != 1) {
		libevt_error_free(&error);
		t = 0;
	}
	if (t != 0)
		rec->time = ((int64_t)t + EVT_EPOCH_DIFF) * EVT_TICKS_PER_SECOND;

	if (libevt_record_get_event_type(lrec, &type, &error) != 1)
		libevt_error_free(&error);
	else if (type == EVT_AUDIT_SUCCESS)
		rec->outcome = OUTCOME_SUCCESS;
	else if (type == EVT_AUDIT_FAILURE)
		rec->outcome = OUTCOME_FAILURE;

	if (libevt_record_get_offset(lrec, &offset, &error) != 1) {
		libevt_error_free(&error);
	} else if (offset >= 0) {
		rec->raw_offset = (uint64_t)offset;
		rec->raw_size = evt_raw_size(r, (uint64_t)offset, e->number);
	}

	off_source = text_add_field(r, e, lrec, libevt_record_get_utf8_source_name_size,
				    libevt_record_get_utf8_source_name, "source name: ");
	off_computer = text_add_field(r, e, lrec, libevt_record_get_utf8_computer_name_size,
				      libevt_record_get_utf8_computer_name,
				      "computer name: ");

	if (libevt_record_get_number_of_strings(lrec, &nstrings, &error) != 1) {
		evt_diag_record(r, e, 1, "strings: ", &error);
		nstrings = 0;
	}
	if (nstrings < 0)
		nstrings = 0;
	nkept = (size_t)nstrings;
	if (nkept > RECORD_MAX_DATA) {
		evt_diag(r, "record %u: %d strings, only the first %d kept", (unsigned)e->number,
			 nstrings, RECORD_MAX_DATA);
		nkept = RECORD_MAX_DATA;
	}
	for (size_t i = 0; i < nkept; i++) {
		offs[i] = text_add_string(r, e, lrec, (int)i);
		if (offs[i] == (size_t)-1)
			offs[i] = text_add(&r->text, "");
	}

	/* The buffer no longer moves: point into it. */
	if (off_source != (size_t)-1)
		rec->provider = r->text.buf + off_source;
	if (off_computer != (size_t)-1)
		rec->computer = r->text.buf + off_computer;
	/* Every legacy Security event has the source "Security"; the layout
	 * names only apply to it (another source's 560 is another event). */
	is_security = rec->provider && strcmp(rec->provider, "Security") == 0;
	rec->channel = is_security ? "Security" : rec->provider;
	if (is_security)
		names = legacy_layout_names(rec->event_id, (size_t)nstrings, &nnames);
	if (!names)
		nnames = 0;
	for (size_t i = 0; i < nkept; i++) {
		const char *value = offs[i] == (size_t)-1 ? "" : r->text.buf + offs[i];
		record_add(rec, i < nnames ? names[i] : r->names[i], value);
	}
	return 0;
}

static int evt_entry_cmp(const void *a, const void *b)
{
	const struct evt_entry *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	if (x->recovered != y->recovered)
		return x->recovered - y->recovered; /* live first */
	return (x->index > y->index) - (x->index < y->index);
}

/* First pass over one list (live or recovered): number and event id of
 * every record libevt can fetch. */
static void evt_collect(struct evt_reader *r, int recovered, int count,
			struct evt_entry *entries, size_t *n)
{
	for (int i = 0; i < count; i++) {
		libevt_error_t *error = NULL;
		libevt_record_t *lrec = NULL;
		struct evt_entry e = { 0, 0, i, recovered };
		uint32_t id = 0;

		if (evt_get_record(r, &e, &lrec, &error) != 1) {
			evt_diag_record(r, &e, 0, "", &error);
			continue;
		}
		if (libevt_record_get_identifier(lrec, &e.number, &error) != 1) {
			evt_diag_record(r, &e, 0, "", &error);
		} else if (libevt_record_get_event_identifier(lrec, &id, &error) != 1) {
			evt_diag_record(r, &e, 1, "", &error);
		} else {
			e.event_id = id & 0xffff;
			entries[(*n)++] = e;
		}
		libevt_record_free(&lrec, NULL);
	}
}

/* Deliver the sorted entries; returns 0, or 1 when the sink said stop. */
static int evt_deliver(struct evt_reader *r, const struct evt_entry *entries, size_t n,
		       int keep_all, struct record *rec)
{
	uint32_t last = 0;
	int have_last = 0;

	for (size_t k = 0; k < n; k++) {
		const struct evt_entry *e = &entries[k];
		libevt_error_t *error = NULL;
		libevt_record_t *lrec = NULL;
		int rc;

		/* Sorted live-first: a recovered copy of a number already seen
		 * is stale. */
		if (e->recovered && have_last && e->number == last)
			continue;
		last = e->number;
		have_last = 1;
		if (!keep_all && !event_is_object_access(e->event_id))
			continue;
		if (evt_get_record(r, e, &lrec, &error) != 1) {
			evt_diag_record(r, e, 1, "", &error);
			continue;
		}
		rc = evt_fill(r, e, lrec, rec);
		libevt_record_free(&lrec, NULL);
		if (rc != 0)
			continue;
		/* Ids 560-567 mean object access only from the Security source;
		 * other sources (System, applications) reuse those numbers. */
		if (!keep_all && (!rec->provider || strcasecmp(rec->provider, "Security") != 0))
			continue;
		if (r->sink->record && r->sink->record(r->sink->ctx, rec) != 0)
			return 1;
	}
	return 0;
}

/* Read and check the file header; returns 0, or -1 with why filled. */
static int evt_read_header(struct evt_reader *r, struct evt_header *h, char *why,
			   size_t whylen)
{
	unsigned char head[EVT_HEADER_SIZE];
	ssize_t got = 0;

	if (r->file_size >= sizeof(head))
		got = pread(r->fd, head, sizeof(head), 0);
	if (got < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (r->file_size < sizeof(head) || got != (ssize_t)sizeof(head)) {
		snprintf(why, whylen, "too short for an EVT file header (%llu bytes)",
			 (unsigned long long)r->file_size);
		return -1;
	}
	if (!evt_is_evt(head, sizeof(head))) {
		snprintf(why, whylen, "not an EVT file (no \"LfLe\" signature at offset 4)");
		return -1;
	}
	h->eof_offset = get_u32le(head + 20);
	h->next_number = get_u32le(head + 24);
	h->oldest_number = get_u32le(head + 28);
	h->flags = get_u32le(head + 36);
	return 0;
}

/* Say what a damaged file lost.  A truncated file misses its end-of-file
 * record; a clean (not dirty) header lists the live records as the numbers
 * oldest .. next-1, so any of them not found (live or recovered) was lost
 * to damage.  A dirty header is stale and not compared. */
static void evt_check_damage(struct evt_reader *r, const struct evt_header *h,
			     const struct evt_entry *entries, size_t n)
{
	uint32_t expect, first_missing;
	size_t k = 0, gaps = 0, lost = 0;

	if ((uint64_t)h->eof_offset + EVT_EOF_RECORD_SIZE > r->file_size)
		evt_diag(r, "file is truncated: the header puts the end-of-file record at "
			    "offset %u, the file has %llu bytes",
			 (unsigned)h->eof_offset, (unsigned long long)r->file_size);
	if ((h->flags & EVT_FLAG_DIRTY) || h->oldest_number == 0 ||
	    h->next_number <= h->oldest_number)
		return;
	expect = h->oldest_number;
	while (expect < h->next_number) {
		while (k < n && entries[k].number < expect)
			k++;
		if (k < n && entries[k].number == expect) {
			expect++;
			continue;
		}
		first_missing = expect;
		expect = k < n && entries[k].number < h->next_number ? entries[k].number
								      : h->next_number;
		lost += expect - first_missing;
		if (++gaps > EVT_GAPS_SHOWN)
			continue;
		if (expect - first_missing == 1)
			evt_diag(r, "record %u is listed by the file header but could not "
				    "be read (damaged)", (unsigned)first_missing);
		else
			evt_diag(r, "records %u-%u are listed by the file header but could "
				    "not be read (damaged)",
				 (unsigned)first_missing, (unsigned)(expect - 1));
	}
	if (gaps > EVT_GAPS_SHOWN)
		evt_diag(r, "%zu records in %zu damaged ranges could not be read", lost, gaps);
}

int evt_read_file(const char *path, int keep_all, const struct record_sink *sink,
		  char *err, size_t errlen)
{
	struct evt_header header;
	struct evt_reader r;
	libevt_error_t *error = NULL;
	struct evt_entry *entries = NULL;
	struct record *rec = NULL;
	struct stat st;
	int nlive = 0, nrecovered = 0, rc = -1;
	size_t n = 0, total;
	char why[512];

	if (err && errlen)
		err[0] = '\0';
	memset(&r, 0, sizeof(r));
	r.path = path;
	r.sink = sink;
	r.fd = -1;
	for (int i = 0; i < RECORD_MAX_DATA; i++)
		snprintf(r.names[i], sizeof(r.names[i]), "String%d", i + 1);

	/* Our own descriptor gives a plain reason for a missing or unreadable
	 * file, and lets raw record sizes be read. */
	r.fd = open(path, O_RDONLY);
	if (r.fd < 0 || fstat(r.fd, &st) != 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	r.file_size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	if (evt_read_header(&r, &header, why, sizeof(why)) != 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, why);
		goto out;
	}

	if (libevt_file_initialize(&r.file, &error) != 1 ||
	    libevt_file_open(r.file, path, LIBEVT_OPEN_READ, &error) != 1) {
		evt_error_text(error, why, sizeof(why));
		libevt_error_free(&error);
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, why);
		goto out;
	}
	r.opened = 1;
	if (libevt_file_is_corrupted(r.file, NULL) == 1)
		evt_diag(&r, "file is marked corrupted (not closed cleanly or damaged); "
			     "reading every record that can be found");
	if (libevt_file_get_number_of_records(r.file, &nlive, &error) != 1 ||
	    libevt_file_get_number_of_recovered_records(r.file, &nrecovered, &error) != 1) {
		evt_error_text(error, why, sizeof(why));
		libevt_error_free(&error);
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, why);
		goto out;
	}
	if (nlive < 0)
		nlive = 0;
	if (nrecovered < 0)
		nrecovered = 0;

	total = (size_t)nlive + (size_t)nrecovered;
	entries = calloc(total ? total : 1, sizeof(*entries));
	rec = malloc(sizeof(*rec));
	if (!entries || !rec) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot read: out of memory", path);
		goto out;
	}
	evt_collect(&r, 0, nlive, entries, &n);
	evt_collect(&r, 1, nrecovered, entries, &n);
	qsort(entries, n, sizeof(*entries), evt_entry_cmp);
	evt_check_damage(&r, &header, entries, n);
	rc = evt_deliver(&r, entries, n, keep_all, rec);
out:
	free(rec);
	free(entries);
	free(r.text.buf);
	if (r.opened)
		libevt_file_close(r.file, NULL);
	if (r.file)
		libevt_file_free(&r.file, NULL);
	if (r.fd >= 0)
		close(r.fd);
	return rc;
}
