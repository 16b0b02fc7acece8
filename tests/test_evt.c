/* test_evt.c - tests of the legacy EVT reader (src/source_evt.c) and of the
 * legacy insertion-string layouts (src/legacy_layout.c).
 *
 * Two kinds of input:
 *   - a real Windows XP System log (tests/data/pls_SysEvent.Evt, from the
 *     plaso test data): dirty, wrapped, with recovered records;
 *   - fixtures written with tests/evt_writer.c.  No real EVT log holding
 *     560/562/567 events has been found in any public source, so the
 *     object-access records here are built from the documented layouts
 *     (the Microsoft message templates cited in src/legacy_layout.c) and the
 *     documented rendered examples ("Handle ID: 20084", a share open run by
 *     PID 4 as DC1$ on behalf of support.engineer). */
#if !defined(_GNU_SOURCE) && !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700 /* mkstemp, strdup, truncate */
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "legacy_fixtures.h"
#include "legacy_layout.h"
#include "record.h"
#include "source_evt.h"

#define SYS_EVT TEST_DATA_DIR "/pls_SysEvent.Evt"

/* FILETIME ticks of a POSIX time, computed independently of the reader. */
#define FT(posix) (((int64_t)(posix) + 11644473600LL) * 10000000LL)

/* A time for the fixtures: 2004-11-09 11:33:20 UTC. */
#define T0 1100000000u

/* ------------------------------------------------------------------ */
/* A sink that keeps deep copies: record strings are only borrowed. */

struct kept {
	struct record rec;        /* pointers below replace the borrowed ones */
	char *computer, *provider, *channel;
	char *names[RECORD_MAX_DATA], *values[RECORD_MAX_DATA];
};

struct collect {
	struct kept *items;
	size_t n, cap;
	char **diags;
	size_t ndiags;
	size_t stop_after;        /* 0 = never ask to stop */
};

static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	assert_non_null(d);
	return d;
}

static int collect_record(void *ctx, const struct record *rec)
{
	struct collect *c = ctx;
	struct kept *k;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->items = realloc(c->items, c->cap * sizeof(*c->items));
		assert_non_null(c->items);
	}
	k = &c->items[c->n++];
	memset(k, 0, sizeof(*k));
	k->rec = *rec;
	k->computer = dup_or_null(rec->computer);
	k->provider = dup_or_null(rec->provider);
	k->channel = dup_or_null(rec->channel);
	for (size_t i = 0; i < rec->ndata; i++) {
		k->names[i] = dup_or_null(rec->data[i].name);
		k->values[i] = dup_or_null(rec->data[i].value);
		k->rec.data[i].name = k->names[i];
		k->rec.data[i].value = k->values[i];
	}
	k->rec.computer = k->computer;
	k->rec.provider = k->provider;
	k->rec.channel = k->channel;
	return c->stop_after && c->n >= c->stop_after;
}

static void collect_diag(void *ctx, const char *message)
{
	struct collect *c = ctx;

	c->diags = realloc(c->diags, (c->ndiags + 1) * sizeof(*c->diags));
	assert_non_null(c->diags);
	c->diags[c->ndiags++] = dup_or_null(message);
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct kept *k = &c->items[i];
		free(k->computer);
		free(k->provider);
		free(k->channel);
		for (size_t j = 0; j < k->rec.ndata; j++) {
			free(k->names[j]);
			free(k->values[j]);
		}
	}
	free(c->items);
	for (size_t i = 0; i < c->ndiags; i++)
		free(c->diags[i]);
	free(c->diags);
	memset(c, 0, sizeof(*c));
}

static int read_into(const char *path, int keep_all, struct collect *c, char *err,
		     size_t errlen)
{
	struct record_sink sink = { collect_record, collect_diag, c };

	return evt_read_file(path, keep_all, &sink, err, errlen);
}

static const struct record *find_number(const struct collect *c, uint64_t number)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->items[i].rec.number == number)
			return &c->items[i].rec;
	return NULL;
}

/* Does some diag line start with the file name and contain needle? */
static int diag_has(const struct collect *c, const char *path, const char *needle)
{
	size_t plen = strlen(path);

	for (size_t i = 0; i < c->ndiags; i++)
		if (strncmp(c->diags[i], path, plen) == 0 && c->diags[i][plen] == ':' &&
		    strstr(c->diags[i] + plen, needle))
			return 1;
	return 0;
}

/* The i-th pair must be name = value. */
static void assert_pair(const struct record *rec, size_t i, const char *name,
			const char *value)
{
	assert_true(i < rec->ndata);
	assert_string_equal(rec->data[i].name, name);
	assert_string_equal(rec->data[i].value, value);
}

/* ------------------------------------------------------------------ */
/* Fixture files. */

struct fixture {
	char path[256];
	struct evt_writer *w;
};

static void fixture_open(struct fixture *f)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(f->path, sizeof(f->path), "%s/oaview-test-evt-XXXXXX", dir);
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	f->w = evt_writer_open(f->path);
	assert_non_null(f->w);
}

static void fixture_close(struct fixture *f)
{
	assert_int_equal(evt_writer_close(f->w), 0);
	f->w = NULL;
}

static void fixture_remove(struct fixture *f)
{
	unlink(f->path);
}

/* Overwrite len bytes at offset of a written fixture. */
static void fixture_poke(const struct fixture *f, long offset, const void *bytes, size_t len)
{
	FILE *fp = fopen(f->path, "r+b");

	assert_non_null(fp);
	assert_int_equal(fseek(fp, offset, SEEK_SET), 0);
	assert_int_equal(fwrite(bytes, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void fixture_truncate(const struct fixture *f, off_t size)
{
	assert_int_equal(truncate(f->path, size), 0);
}

/* (The Windows 2003 560/567/562 are in tests/legacy_fixtures.c: a local
 * open by explorer.exe (18 strings), an access through its handle (7), its
 * close (4), and a share open for a client (18).) */

/* 528 (a logon, not object access) with made-up but plausible strings. */
static const char *const s528[] = {
	"Fred", "ELM", "(0x0,0x13388)", "2", "User32", "Negotiate", "W3DC", "-",
};

/* Windows 2000 560 (15 strings: no image name, SID count or mask), from the
 * rendered example in Microsoft's 5.0 message (Security Account Manager). */
static const char *const s560_w2k[] = {
	"Security Account Manager", "SAM_SERVER", "SAM", "856224",
	"0", "532713543", "280",
	"DCCC1$", "LOGISTICS", "(0x0,0x3E7)",
	"DCCC1$", "LOGISTICS", "(0x0,0x3E7)",
	"ConnectToServer", "-",
};

/* Windows 2000 562 (3 strings). */
static const char *const s562_w2k[] = { "Security", "856224", "280" };

#define NSTR(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* The real System log. */

/* Expected numbers, counted with libevt-utils 20200926 (the same libevt):
 *   evtinfo pls_SysEvent.Evt  -> 6063 records, 438 recovered, dirty+wrapped;
 *   evtexport -m items    | grep '^Event number' -> 1392 .. 7454, contiguous;
 *   evtexport -m recovered | grep '^Event number' -> 1135 .. 1572, of which
 *     1392 .. 1572 (181) are stale copies of live records;
 * so the reader delivers 6063 + (438 - 181) = 6320 records, 257 recovered. */
#define SYS_LIVE 6063
#define SYS_RECOVERED_NEW 257
#define SYS_FIRST 1135
#define SYS_FIRST_LIVE 1392
#define SYS_LAST 7454

static void test_real_count_and_order(void **state)
{
	struct collect c = { 0 };
	char err[512];
	size_t recovered = 0;

	(void)state;
	assert_int_equal(read_into(SYS_EVT, 1, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, SYS_LIVE + SYS_RECOVERED_NEW);
	assert_int_equal(c.items[0].rec.number, SYS_FIRST);
	assert_int_equal(c.items[c.n - 1].rec.number, SYS_LAST);
	for (size_t i = 0; i < c.n; i++) {
		const struct record *r = &c.items[i].rec;

		if (i > 0)
			assert_true(r->number > c.items[i - 1].rec.number);
		assert_true(r->flags & RECORD_LEGACY);
		if (r->flags & RECORD_RECOVERED) {
			recovered++;
			assert_true(r->number < SYS_FIRST_LIVE);
		}
	}
	assert_int_equal(recovered, SYS_RECOVERED_NEW);
	/* The log was copied from a running system: libevt says corrupted. */
	assert_true(diag_has(&c, SYS_EVT, "corrupted"));
	collect_free(&c);
}

/* Fields checked by hand against `evtexport -m all pls_SysEvent.Evt`. */
static void test_real_fields(void **state)
{
	struct collect c = { 0 };
	const struct record *r;
	char err[512];

	(void)state;
	assert_int_equal(read_into(SYS_EVT, 1, &c, err, sizeof(err)), 0);

	/* Event number 1392: first live record.  Creation/written time
	 * Jul 27, 2011 06:41:47 UTC (1311748907), Warning (2), LSASRV,
	 * identifier 0x8000a001, 2 strings. */
	r = find_number(&c, 1392);
	assert_non_null(r);
	assert_false(r->flags & RECORD_RECOVERED);
	assert_int_equal(r->time, FT(1311748907));
	assert_int_equal(r->event_id, 0xa001);
	assert_int_equal(r->outcome, OUTCOME_UNKNOWN);
	assert_string_equal(r->computer, "WKS-WINXP32BIT");
	assert_string_equal(r->provider, "LSASRV");
	assert_string_equal(r->channel, "LSASRV");
	assert_int_equal(r->ndata, 2);
	assert_pair(r, 0, "String1", "cifs/CONTROLLER");
	assert_string_equal(r->data[1].name, "String2");
	assert_string_equal(r->data[1].value,
			    "\"The system detected a possible attempt to compromise security. "
			    "Please ensure that you can contact the server that authenticated "
			    "you.\r\n (0xc0000388)\"");

	/* Event number 2342: created Aug 22, 2011 17:03:29 (1314032609),
	 * written 17:04:13: the reader uses the creation time.  vmdebug,
	 * 0x80070003, an empty first string. */
	r = find_number(&c, 2342);
	assert_non_null(r);
	assert_int_equal(r->time, FT(1314032609));
	assert_int_equal(r->event_id, 3);
	assert_string_equal(r->provider, "vmdebug");
	assert_int_equal(r->ndata, 2);
	assert_pair(r, 0, "String1", "");
	assert_pair(r, 1, "String2", "7.3.3.3");

	/* Event number 4000: Sep 21, 2011 11:43:02 (1316605382), Information,
	 * Service Control Manager, 0x40001b7b, "Google Update Service
	 * (gupdate)", "start". */
	r = find_number(&c, 4000);
	assert_non_null(r);
	assert_int_equal(r->time, FT(1316605382));
	assert_int_equal(r->event_id, 7035);
	assert_string_equal(r->provider, "Service Control Manager");
	assert_pair(r, 0, "String1", "Google Update Service (gupdate)");
	assert_pair(r, 1, "String2", "start");

	/* Event number 1135: recovered only (evtexport -m recovered): Jul 22,
	 * 2011 10:01:46 (1311328906), LSASRV 0x8000a001. */
	r = find_number(&c, 1135);
	assert_non_null(r);
	assert_true(r->flags & RECORD_RECOVERED);
	assert_int_equal(r->time, FT(1311328906));
	assert_int_equal(r->event_id, 0xa001);
	assert_pair(r, 0, "String1", "cifs/CONTROLLER");

	/* Event number 7454: last, Apr 07, 2012 04:58:01 (1333774681),
	 * 0x40001b7c "stopped". */
	r = find_number(&c, 7454);
	assert_non_null(r);
	assert_int_equal(r->time, FT(1333774681));
	assert_int_equal(r->event_id, 7036);
	assert_pair(r, 1, "String2", "stopped");
	collect_free(&c);
}

/* raw_offset/raw_size must point at the record's own bytes: its size, the
 * "LfLe" signature and its number, and the size copy at its end. */
static void test_real_raw_bytes(void **state)
{
	struct collect c = { 0 };
	char err[512];
	FILE *fp;
	size_t with_raw = 0;

	(void)state;
	assert_int_equal(read_into(SYS_EVT, 1, &c, err, sizeof(err)), 0);
	fp = fopen(SYS_EVT, "rb");
	assert_non_null(fp);
	for (size_t i = 0; i < c.n; i++) {
		const struct record *r = &c.items[i].rec;
		unsigned char head[12], tail[4];
		uint32_t size, number, copy;

		assert_true(r->raw_offset > 0);
		if (r->raw_size == 0)
			continue; /* wraps around the end of the log */
		with_raw++;
		assert_int_equal(fseek(fp, (long)r->raw_offset, SEEK_SET), 0);
		assert_int_equal(fread(head, 1, sizeof(head), fp), sizeof(head));
		assert_memory_equal(head + 4, "LfLe", 4);
		size = head[0] | head[1] << 8 | head[2] << 16 | (uint32_t)head[3] << 24;
		number = head[8] | head[9] << 8 | head[10] << 16 | (uint32_t)head[11] << 24;
		assert_int_equal(size, r->raw_size);
		assert_int_equal(number, r->number);
		assert_int_equal(fseek(fp, (long)(r->raw_offset + size - 4), SEEK_SET), 0);
		assert_int_equal(fread(tail, 1, sizeof(tail), fp), sizeof(tail));
		copy = tail[0] | tail[1] << 8 | tail[2] << 16 | (uint32_t)tail[3] << 24;
		assert_int_equal(copy, size);
	}
	/* All but the record split by the wrap (1572) are contiguous. */
	assert_true(with_raw >= c.n - 1);
	fclose(fp);
	collect_free(&c);
}

/* A System log has no object-access events: keep_all=0 delivers none. */
static void test_real_filtered(void **state)
{
	struct collect c = { 0 };
	char err[512];

	(void)state;
	assert_int_equal(read_into(SYS_EVT, 0, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 0);
	collect_free(&c);
}

/* ------------------------------------------------------------------ */
/* Fixtures: the object-access layouts. */

static void test_fixture_open_access_close(void **state)
{
	struct fixture f;
	struct collect c = { 0 };
	const struct record *r;
	char err[512];

	(void)state;
	fixture_open(&f);
	assert_int_equal(evt_writer_add(f.w, 1, T0, 528, EVT_WRITER_AUDIT_SUCCESS, "Security",
					"W3DC", NSTR(s528), s528), 0);
	assert_int_equal(evt_writer_add(f.w, 2, T0 + 1, 560, EVT_WRITER_AUDIT_SUCCESS,
					"Security", "W3DC", NSTR(legacy_560_local), legacy_560_local), 0);
	assert_int_equal(evt_writer_add(f.w, 3, T0 + 2, 567, EVT_WRITER_AUDIT_SUCCESS,
					"Security", "W3DC", NSTR(legacy_567_read), legacy_567_read), 0);
	assert_int_equal(evt_writer_add(f.w, 4, T0 + 3, 562, EVT_WRITER_AUDIT_SUCCESS,
					"Security", "W3DC", NSTR(legacy_562_local), legacy_562_local), 0);
	assert_int_equal(evt_writer_add(f.w, 5, T0 + 4, 560, EVT_WRITER_AUDIT_SUCCESS,
					"Security", "DC1", NSTR(legacy_560_share), legacy_560_share), 0);
	assert_int_equal(evt_writer_add(f.w, 6, T0 + 5, 560, EVT_WRITER_AUDIT_FAILURE,
					"Security", "W3DC", NSTR(legacy_560_local), legacy_560_local), 0);
	fixture_close(&f);

	assert_int_equal(read_into(f.path, 1, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 6);
	assert_int_equal(c.ndiags, 0);
	for (size_t i = 0; i < c.n; i++) {
		r = &c.items[i].rec;
		assert_int_equal(r->number, i + 1);
		assert_int_equal(r->time, FT(T0 + i));
		assert_int_equal(r->flags, RECORD_LEGACY);
		assert_string_equal(r->provider, "Security");
		assert_string_equal(r->channel, "Security");
	}

	/* 560, local open: all 18 names in the documented order. */
	r = &c.items[1].rec;
	assert_int_equal(r->event_id, 560);
	assert_int_equal(r->outcome, OUTCOME_SUCCESS);
	assert_string_equal(r->computer, "W3DC");
	assert_int_equal(r->ndata, 18);
	assert_pair(r, 0, "ObjectServer", "Security");
	assert_pair(r, 1, "ObjectType", "File");
	assert_pair(r, 2, "ObjectName", "C:\\DeptFiles\\budget.xls");
	assert_pair(r, 3, "HandleId", "20084");
	assert_pair(r, 4, "OperationId", "0");
	assert_pair(r, 5, "OperationIdLow", "251509");
	assert_pair(r, 6, "ProcessId", "2936");
	assert_pair(r, 7, "ImageFileName", "C:\\WINDOWS\\explorer.exe");
	assert_pair(r, 8, "PrimaryUserName", "Fred");
	assert_pair(r, 9, "PrimaryDomain", "ELM");
	assert_pair(r, 10, "PrimaryLogonId", "(0x0,0x13388)");
	assert_pair(r, 11, "ClientUserName", "-");
	assert_pair(r, 12, "ClientDomain", "-");
	assert_pair(r, 13, "ClientLogonId", "-");
	assert_pair(r, 14, "Accesses", "READ_CONTROL\r\n\t\t\tReadData (or ListDirectory)");
	assert_pair(r, 15, "Privileges", "-");
	assert_pair(r, 16, "RestrictedSidCount", "0");
	assert_pair(r, 17, "AccessMask", "0x20001");

	/* 567: 7 names. */
	r = &c.items[2].rec;
	assert_int_equal(r->event_id, 567);
	assert_int_equal(r->ndata, 7);
	assert_pair(r, 0, "ObjectServer", "Security");
	assert_pair(r, 1, "HandleId", "20084");
	assert_pair(r, 2, "ObjectType", "File");
	assert_pair(r, 3, "ProcessId", "2936");
	assert_pair(r, 4, "ImageFileName", "C:\\WINDOWS\\explorer.exe");
	assert_pair(r, 5, "Accesses", "ReadData (or ListDirectory)");
	assert_pair(r, 6, "AccessMask", "0x1");

	/* 562: 4 names. */
	r = &c.items[3].rec;
	assert_int_equal(r->event_id, 562);
	assert_int_equal(r->ndata, 4);
	assert_pair(r, 0, "ObjectServer", "Security");
	assert_pair(r, 1, "HandleId", "20084");
	assert_pair(r, 2, "ProcessId", "2936");
	assert_pair(r, 3, "ImageFileName", "C:\\WINDOWS\\explorer.exe");

	/* 560 through a share: PID 4, primary DC1$, client support.engineer. */
	r = &c.items[4].rec;
	assert_string_equal(r->computer, "DC1");
	assert_string_equal(record_get(r, "ProcessId"), "4");
	assert_string_equal(record_get(r, "ImageFileName"), "");
	assert_string_equal(record_get(r, "PrimaryUserName"), "DC1$");
	assert_string_equal(record_get(r, "ClientUserName"), "support.engineer");
	assert_string_equal(record_get(r, "ClientDomain"), "CORP");
	assert_string_equal(record_get(r, "Accesses"), "%%1537\r\n\t\t\t%%4416");

	/* Audit failure (type 16). */
	assert_int_equal(c.items[5].rec.outcome, OUTCOME_FAILURE);

	/* 528 is no object-access event: its strings stay unnamed. */
	r = &c.items[0].rec;
	assert_int_equal(r->event_id, 528);
	assert_pair(r, 0, "String1", "Fred");
	assert_pair(r, 7, "String8", "-");
	collect_free(&c);

	/* keep_all=0 drops the 528 and keeps the rest, in order. */
	assert_int_equal(read_into(f.path, 0, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 5);
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(c.items[i].rec.number, i + 2);
	collect_free(&c);
	fixture_remove(&f);
}

/* Windows 2000 writes 15 strings for 560 and 3 for 562. */
static void test_fixture_windows_2000(void **state)
{
	struct fixture f;
	struct collect c = { 0 };
	const struct record *r;
	char err[512];

	(void)state;
	fixture_open(&f);
	assert_int_equal(evt_writer_add(f.w, 40, T0, 560, EVT_WRITER_AUDIT_SUCCESS, "Security",
					"DCCC1", NSTR(s560_w2k), s560_w2k), 0);
	assert_int_equal(evt_writer_add(f.w, 41, T0, 562, EVT_WRITER_AUDIT_SUCCESS, "Security",
					"DCCC1", NSTR(s562_w2k), s562_w2k), 0);
	fixture_close(&f);

	assert_int_equal(read_into(f.path, 0, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 2);
	r = &c.items[0].rec;
	assert_int_equal(r->ndata, 15);
	assert_pair(r, 0, "ObjectServer", "Security Account Manager");
	assert_pair(r, 3, "HandleId", "856224");
	assert_pair(r, 4, "OperationId", "0");
	assert_pair(r, 5, "OperationIdLow", "532713543");
	assert_pair(r, 6, "ProcessId", "280");
	assert_pair(r, 7, "PrimaryUserName", "DCCC1$");
	assert_pair(r, 10, "ClientUserName", "DCCC1$");
	assert_pair(r, 13, "Accesses", "ConnectToServer");
	assert_pair(r, 14, "Privileges", "-");
	assert_null(record_get(r, "ImageFileName"));
	assert_null(record_get(r, "AccessMask"));

	r = &c.items[1].rec;
	assert_int_equal(r->ndata, 3);
	assert_pair(r, 0, "ObjectServer", "Security");
	assert_pair(r, 1, "HandleId", "856224");
	assert_pair(r, 2, "ProcessId", "280");
	collect_free(&c);
	fixture_remove(&f);
}

/* Strings past the layout get positional names; a 560 from another source
 * is another event and gets no layout names; non-ASCII text survives. */
static void test_fixture_extra_and_foreign(void **state)
{
	static const char *const s567_more[] = {
		"Security", "20084", "File", "2936", "C:\\WINDOWS\\explorer.exe",
		"WriteData (or AddFile)", "0x2", "surplus",
	};
	static const char *const other[] = { "M\xc3\xbcller", "x" };
	struct fixture f;
	struct collect c = { 0 };
	const struct record *r;
	char err[512];

	(void)state;
	fixture_open(&f);
	assert_int_equal(evt_writer_add(f.w, 7, T0, 567, EVT_WRITER_AUDIT_SUCCESS, "Security",
					"W3DC", NSTR(s567_more), s567_more), 0);
	assert_int_equal(evt_writer_add(f.w, 8, T0, 560, EVT_WRITER_INFORMATION, "MyApp",
					"W3DC", NSTR(other), other), 0);
	fixture_close(&f);

	assert_int_equal(read_into(f.path, 1, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 2);
	r = &c.items[0].rec;
	assert_int_equal(r->ndata, 8);
	assert_pair(r, 6, "AccessMask", "0x2");
	assert_pair(r, 7, "String8", "surplus");
	r = &c.items[1].rec;
	assert_string_equal(r->channel, "MyApp");
	assert_int_equal(r->outcome, OUTCOME_UNKNOWN);
	assert_pair(r, 0, "String1", "M\xc3\xbcller");
	assert_pair(r, 1, "String2", "x");
	collect_free(&c);
	fixture_remove(&f);
}

/* Over-long strings are cut at 64 KiB, on a character boundary, and said. */
static void test_fixture_long_string(void **state)
{
	enum { LONG = 70000 };
	char *big = malloc(LONG + 1);
	const char *strings[1];
	struct fixture f;
	struct collect c = { 0 };
	char err[512];

	(void)state;
	assert_non_null(big);
	/* "é" is two UTF-8 bytes: 65536 falls on a boundary only by luck. */
	memset(big, 'a', LONG);
	for (size_t i = 1; i + 1 < LONG; i += 2) {
		big[i] = (char)0xc3;
		big[i + 1] = (char)0xa9;
	}
	big[LONG] = '\0';
	strings[0] = big;
	fixture_open(&f);
	assert_int_equal(evt_writer_add(f.w, 1, T0, 1000, EVT_WRITER_INFORMATION, "App", "PC",
					1, strings), 0);
	fixture_close(&f);

	assert_int_equal(read_into(f.path, 1, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 1);
	size_t len = strlen(c.items[0].rec.data[0].value);
	assert_true(len <= 64 * 1024 && len >= 64 * 1024 - 3);
	assert_memory_equal(c.items[0].rec.data[0].value, big, len);
	assert_true(diag_has(&c, f.path, "truncated"));
	collect_free(&c);
	fixture_remove(&f);
	free(big);
}

/* A sink that asks to stop ends the read with 1. */
static void test_fixture_sink_stop(void **state)
{
	struct fixture f;
	struct collect c = { 0 };
	char err[512];

	(void)state;
	fixture_open(&f);
	for (uint32_t i = 1; i <= 3; i++)
		assert_int_equal(evt_writer_add(f.w, i, T0, 562, EVT_WRITER_AUDIT_SUCCESS,
						"Security", "W3DC", NSTR(legacy_562_local), legacy_562_local), 0);
	fixture_close(&f);
	c.stop_after = 1;
	assert_int_equal(read_into(f.path, 1, &c, err, sizeof(err)), 1);
	assert_int_equal(c.n, 1);
	collect_free(&c);
	fixture_remove(&f);
}

/* ------------------------------------------------------------------ */
/* Damaged and unreadable files. */

static void write_three(struct fixture *f, uint32_t *second_offset)
{
	fixture_open(f);
	assert_int_equal(evt_writer_add(f->w, 10, T0, 560, EVT_WRITER_AUDIT_SUCCESS, "Security",
					"W3DC", NSTR(legacy_560_local), legacy_560_local), 0);
	*second_offset = evt_writer_offset(f->w);
	assert_int_equal(evt_writer_add(f->w, 11, T0, 567, EVT_WRITER_AUDIT_SUCCESS, "Security",
					"W3DC", NSTR(legacy_567_read), legacy_567_read), 0);
	assert_int_equal(evt_writer_add(f->w, 12, T0, 562, EVT_WRITER_AUDIT_SUCCESS, "Security",
					"W3DC", NSTR(legacy_562_local), legacy_562_local), 0);
	fixture_close(f);
}

/* A file cut in the middle of its second record: the first is read, the
 * loss is reported naming the file. */
static void test_damaged_truncated(void **state)
{
	struct fixture f;
	struct collect c = { 0 };
	uint32_t second;
	char err[512];

	(void)state;
	write_three(&f, &second);
	fixture_truncate(&f, second + 40);
	assert_int_equal(read_into(f.path, 1, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.items[0].rec.number, 10);
	assert_true(diag_has(&c, f.path, "truncated"));
	assert_true(diag_has(&c, f.path, "records 11-12"));
	collect_free(&c);
	fixture_remove(&f);
}

/* A clobbered signature in the middle record: the others are still read
 * (the third as a recovered record) and the lost one is named. */
static void test_damaged_record(void **state)
{
	struct fixture f;
	struct collect c = { 0 };
	uint32_t second;
	char err[512];

	(void)state;
	write_three(&f, &second);
	fixture_poke(&f, (long)second + 4, "XXXX", 4);
	assert_int_equal(read_into(f.path, 1, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.items[0].rec.number, 10);
	assert_int_equal(c.items[1].rec.number, 12);
	assert_string_equal(record_get(&c.items[1].rec, "HandleId"), "20084");
	assert_true(diag_has(&c, f.path, "record 11 "));
	collect_free(&c);
	fixture_remove(&f);
}

/* Not an EVT file, too short, missing: -1 and "FILE: cannot open: why". */
static void test_unreadable(void **state)
{
	struct fixture f;
	struct collect c = { 0 };
	char err[512], want[300];
	FILE *fp;

	(void)state;
	fixture_open(&f);
	fixture_close(&f);
	fp = fopen(f.path, "wb");
	assert_non_null(fp);
	fputs("Nov 23 10:56:01 dc1 Security-Auditing: 4663: AUDIT_SUCCESS An attempt was made\n", fp);
	fclose(fp);
	assert_int_equal(read_into(f.path, 1, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: cannot open: ", f.path);
	assert_memory_equal(err, want, strlen(want));
	assert_non_null(strstr(err, "LfLe"));

	fixture_truncate(&f, 20);
	assert_int_equal(read_into(f.path, 1, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too short"));
	fixture_remove(&f);

	assert_int_equal(read_into("/nonexistent/oaview.evt", 1, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/oaview.evt: cannot open: No such file or directory");
	assert_int_equal(c.n, 0);
	collect_free(&c);
}

/* An empty log (header and end-of-file record only) is valid and empty. */
static void test_empty_log(void **state)
{
	struct fixture f;
	struct collect c = { 0 };
	char err[512];

	(void)state;
	fixture_open(&f);
	fixture_close(&f);
	assert_int_equal(read_into(f.path, 1, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.ndiags, 0);
	collect_free(&c);
	fixture_remove(&f);
}

static void test_is_evt(void **state)
{
	static const unsigned char evt[8] = { 0x30, 0, 0, 0, 'L', 'f', 'L', 'e' };
	static const unsigned char evtx[8] = { 'E', 'l', 'f', 'F', 'i', 'l', 'e', 0 };

	(void)state;
	assert_true(evt_is_evt(evt, sizeof(evt)));
	assert_false(evt_is_evt(evtx, sizeof(evtx)));
	assert_false(evt_is_evt(evt, 7));
}

/* ------------------------------------------------------------------ */
/* legacy_layout_names itself. */

static void test_layout_names(void **state)
{
	const char *const *n;
	size_t count;

	(void)state;
	n = legacy_layout_names(560, 18, &count);
	assert_int_equal(count, 18);
	assert_string_equal(n[7], "ImageFileName");
	assert_string_equal(n[17], "AccessMask");
	n = legacy_layout_names(560, 15, &count);
	assert_int_equal(count, 15);
	assert_string_equal(n[7], "PrimaryUserName");
	n = legacy_layout_names(563, 17, &count);
	assert_int_equal(count, 17);
	assert_string_equal(n[6], "ProcessId");
	assert_string_equal(n[7], "PrimaryUserName");
	assert_string_equal(n[16], "AccessMask");
	n = legacy_layout_names(564, 4, &count);
	assert_int_equal(count, 4);
	assert_string_equal(n[3], "ImageFileName");
	n = legacy_layout_names(562, 3, &count);
	assert_int_equal(count, 3);
	n = legacy_layout_names(567, 10, &count);
	assert_int_equal(count, 7); /* never more names than the layout has */
	n = legacy_layout_names(567, 2, &count);
	assert_int_equal(count, 2); /* nor than the record has strings */
	n = legacy_layout_names(561, 4, &count);
	assert_int_equal(count, 4);
	assert_string_equal(n[0], "HandleId");
	assert_null(legacy_layout_names(4663, 10, &count));
	assert_int_equal(count, 0);
	assert_null(legacy_layout_names(528, 10, &count));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_count_and_order),
		cmocka_unit_test(test_real_fields),
		cmocka_unit_test(test_real_raw_bytes),
		cmocka_unit_test(test_real_filtered),
		cmocka_unit_test(test_fixture_open_access_close),
		cmocka_unit_test(test_fixture_windows_2000),
		cmocka_unit_test(test_fixture_extra_and_foreign),
		cmocka_unit_test(test_fixture_long_string),
		cmocka_unit_test(test_fixture_sink_stop),
		cmocka_unit_test(test_damaged_truncated),
		cmocka_unit_test(test_damaged_record),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_empty_log),
		cmocka_unit_test(test_is_evt),
		cmocka_unit_test(test_layout_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
