/* test_follow.c - following growing logs (src/follow.c): text files through
 * partial lines, rotation, copytruncate, deletion, permission changes and a
 * directory in the file's place; a live EVTX log replayed chunk by chunk the
 * way Windows writes it (tests/evtx_replay.c); an EVT file rewritten with
 * more records.  Every test asserts that each record arrives exactly once
 * and in order.  Built with tiny read blocks (FOLLOW_READ_SIZE) and a tiny
 * full-scan threshold (FOLLOW_EVTX_SCAN_ALL) so every boundary is crossed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "evt_writer.h"
#include "evtx_replay.h"
#include "follow.h"
#include "record.h"
#include "source_evtx.h"

#define DATA(name) TEST_DATA_DIR "/" name
#define PYE DATA("pye_security.evtx")
#define LSASS DATA("mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx")

/* ---- a sink that keeps copies ---------------------------------------- */

struct got {
	uint16_t source;
	uint64_t number, sequence;
	uint32_t event_id;
	uint8_t flags;
	size_t ndata;
	char *line;             /* data "Line" of an unparsed text line */
	char *first_value;      /* the first data value, to compare decodes */
};

struct collector {
	struct got *items;
	size_t n, cap;
	char diags[65536];
	size_t dlen;
	int ndiags;
};

static char *dup_or_null(const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	assert_non_null(d);
	return d;
}

static int collect_record(void *ctx, uint16_t source, const struct record *rec)
{
	struct collector *c = ctx;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->items = realloc(c->items, c->cap * sizeof *c->items);
		assert_non_null(c->items);
	}
	struct got *g = &c->items[c->n++];
	g->source = source;
	g->number = rec->number;
	g->sequence = rec->sequence;
	g->event_id = rec->event_id;
	g->flags = rec->flags;
	g->ndata = rec->ndata;
	g->line = dup_or_null(record_get(rec, "Line"));
	g->first_value = dup_or_null(rec->ndata ? rec->data[0].value : NULL);
	return 0;
}

static void collect_diag(void *ctx, uint16_t source, const char *message)
{
	struct collector *c = ctx;
	(void)source;
	c->ndiags++;
	size_t n = strlen(message);
	if (c->dlen + n + 2 < sizeof c->diags) {
		memcpy(c->diags + c->dlen, message, n);
		c->dlen += n;
		c->diags[c->dlen++] = '\n';
		c->diags[c->dlen] = '\0';
	}
}

static void collector_free(struct collector *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].line);
		free(c->items[i].first_value);
	}
	free(c->items);
	memset(c, 0, sizeof *c);
}

static int count_diags(const struct collector *c, const char *needle)
{
	int n = 0;
	for (const char *p = c->diags; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* ---- files ------------------------------------------------------------ */

struct tmpdir {
	char dir[64];
	char path[128];         /* the followed file */
	char other[128];        /* a second name in the same directory */
};

static void tmpdir_make(struct tmpdir *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/oaview-follow-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/log", t->dir);
	snprintf(t->other, sizeof t->other, "%s/log.1", t->dir);
}

static void tmpdir_remove(struct tmpdir *t)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void append(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Poll until want records are in (or 5 s pass), then once more to show
 * nothing more comes. */
static void poll_until(struct follow *f, struct collector *c, size_t want)
{
	int64_t end = ms_now() + 5000;
	while (c->n < want && ms_now() < end)
		assert_true(follow_poll(f, 20) >= 0);
	assert_true(follow_poll(f, 0) >= 0);
	assert_int_equal(c->n, want);
}

static void assert_lines(const struct collector *c, const char *const *lines, size_t n)
{
	assert_int_equal(c->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(c->items[i].line);
		assert_string_equal(c->items[i].line, lines[i]);
	}
}

static struct follow *follow_start(struct collector *c, const char *path, int keep_all)
{
	struct follow_sink sink = {collect_record, collect_diag, c};
	struct follow *f = follow_new(&sink, keep_all, 1);
	assert_non_null(f);
	char err[512];
	if (follow_add(f, path, 0, err, sizeof err) != 0)
		fail_msg("follow_add %s: %s", path, err);
	return f;
}

/* ---- text ------------------------------------------------------------- */

static void test_partial_line_is_held_until_its_newline(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_file(t.path, "plain line one\nplain line two\nplain par");
	struct follow *f = follow_start(&c, t.path, 1);
	assert_int_equal(c.n, 2);
	assert_string_equal(follow_status(f, 0), "following");
	append(t.path, "ti");
	assert_int_equal(follow_poll(f, 0), 0);
	append(t.path, "al line three\nplain line four");
	assert_int_equal(follow_poll(f, 0), 1);
	append(t.path, "\n");
	assert_int_equal(follow_poll(f, 0), 1);
	assert_int_equal(follow_poll(f, 0), 0);
	const char *want[] = {"plain line one", "plain line two", "plain partial line three", "plain line four"};
	assert_lines(&c, want, 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(c.items[i].number, i + 1);
	follow_free(f);
	collector_free(&c);
	tmpdir_remove(&t);
}

/* logrotate's default: rename, create.  The writer may still finish its
 * line in the old file before it reopens. */
static void test_rotation_finishes_the_old_file_then_reads_the_new(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_file(t.path, "plain old one\nplain old two\n");
	struct follow *f = follow_start(&c, t.path, 1);
	assert_int_equal(c.n, 2);
	append(t.path, "plain old three\nplain old fo");
	assert_int_equal(rename(t.path, t.other), 0);
	write_file(t.path, "plain new one\nplain new two\n");
	assert_true(follow_poll(f, 0) >= 0);
	assert_int_equal(c.n, 3);
	append(t.other, "ur\nplain old five without newline");
	poll_until(f, &c, 7);
	const char *want[] = {"plain old one", "plain old two", "plain old three", "plain old four",
			      "plain old five without newline", "plain new one", "plain new two"};
	assert_lines(&c, want, 7);
	/* Line numbers restart with the new file. */
	assert_int_equal(c.items[5].number, 1);
	assert_int_equal(c.items[6].number, 2);
	assert_non_null(strstr(c.diags, "rotated"));
	assert_string_equal(follow_status(f, 0), "following");
	append(t.path, "plain new three\n");
	poll_until(f, &c, 8);
	assert_string_equal(c.items[7].line, "plain new three");
	follow_free(f);
	collector_free(&c);
	tmpdir_remove(&t);
}

/* logrotate's create: the name is missing for a moment between the rename
 * and the new file.  A poll in that moment must not call it a deletion. */
static void test_rotation_with_a_gap_is_a_rotation(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_file(t.path, "plain old one\n");
	struct follow *f = follow_start(&c, t.path, 1);
	append(t.path, "plain old two\n");
	assert_int_equal(rename(t.path, t.other), 0);
	assert_int_equal(follow_poll(f, 0), 1);      /* the name is gone */
	assert_int_equal(c.n, 2);
	assert_string_equal(follow_status(f, 0), "following");
	write_file(t.path, "plain new one\n");
	poll_until(f, &c, 3);
	const char *want[] = {"plain old one", "plain old two", "plain new one"};
	assert_lines(&c, want, 3);
	assert_non_null(strstr(c.diags, "rotated"));
	assert_null(strstr(c.diags, "deleted"));
	assert_null(strstr(c.diags, "is back"));
	assert_string_equal(follow_status(f, 0), "following");
	follow_free(f);
	collector_free(&c);
	tmpdir_remove(&t);
}

static void test_copytruncate_reads_again_from_the_start(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_file(t.path, "plain first one\nplain first two\nplain first three\n");
	struct follow *f = follow_start(&c, t.path, 1);
	assert_int_equal(c.n, 3);
	write_file(t.path, "plain second one\n");     /* O_TRUNC: same inode */
	assert_int_equal(follow_poll(f, 0), 1);
	append(t.path, "plain second two\n");
	assert_int_equal(follow_poll(f, 0), 1);
	const char *want[] = {"plain first one", "plain first two", "plain first three",
			      "plain second one", "plain second two"};
	assert_lines(&c, want, 5);
	assert_int_equal(c.items[3].number, 1);
	assert_int_equal(c.items[4].number, 2);
	assert_non_null(strstr(c.diags, "truncated"));
	follow_free(f);
	collector_free(&c);
	tmpdir_remove(&t);
}

static void test_deleted_file_is_waited_for(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_file(t.path, "plain before one\n");
	struct follow *f = follow_start(&c, t.path, 1);
	append(t.path, "plain before two\n");
	assert_int_equal(unlink(t.path), 0);
	assert_int_equal(follow_poll(f, 0), 1);
	assert_int_equal(c.n, 2);
	/* Deleted, not rotated: no new file within the grace period. */
	for (int i = 0; i < 6; i++)
		assert_true(follow_poll(f, 100) >= 0);
	assert_string_equal(follow_status(f, 0), "deleted; showing what was read, waiting for it to return");
	assert_int_equal(count_diags(&c, "deleted"), 1);
	assert_null(strstr(c.diags, "rotated"));
	write_file(t.path, "plain after one\nplain after two\n");
	poll_until(f, &c, 4);
	const char *want[] = {"plain before one", "plain before two", "plain after one", "plain after two"};
	assert_lines(&c, want, 4);
	assert_int_equal(c.items[2].number, 1);
	assert_string_equal(follow_status(f, 0), "following");
	follow_free(f);
	collector_free(&c);
	tmpdir_remove(&t);
}

/* The permission scenario with plain checks (it may run in a child):
 * 0, or the line of the first check that failed. */
#define CHECK(cond) do { if (!(cond)) return __LINE__; } while (0)
static int permission_scenario(struct tmpdir *t)
{
	struct collector c = {0};
	int fd = open(t->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "plain open one\n", 15) == 15 && close(fd) == 0);
	struct follow_sink sink = {collect_record, collect_diag, &c};
	struct follow *f = follow_new(&sink, 1, 1);
	char err[512];
	CHECK(f && follow_add(f, t->path, 0, err, sizeof err) == 0);
	/* rotated to a file we may not read */
	fd = open(t->other, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "plain locked one\n", 17) == 17 && close(fd) == 0);
	CHECK(chmod(t->other, 0) == 0 && rename(t->other, t->path) == 0);
	for (int i = 0; i < 5; i++)
		CHECK(follow_poll(f, 100) >= 0);
	CHECK(c.n == 1);     /* what was read stays */
	CHECK(strcmp(follow_status(f, 0), "permission denied") == 0);
	CHECK(count_diags(&c, "permission denied") == 1);
	/* readable again: following resumes */
	CHECK(chmod(t->path, 0644) == 0);
	for (int i = 0; i < 250 && c.n < 2; i++)
		CHECK(follow_poll(f, 20) >= 0);
	CHECK(c.n == 2 && strcmp(c.items[0].line, "plain open one") == 0
	      && strcmp(c.items[1].line, "plain locked one") == 0);
	CHECK(strcmp(follow_status(f, 0), "following") == 0);
	follow_free(f);

	/* a file that cannot be opened at all is not followed */
	f = follow_new(&sink, 1, 1);
	CHECK(f && chmod(t->path, 0) == 0);
	CHECK(follow_add(f, t->path, 0, err, sizeof err) == -1);
	CHECK(strstr(err, "Permission denied") && strstr(err, t->path));
	follow_free(f);
	collector_free(&c);
	return 0;
}
#undef CHECK

/* Root reads a mode-000 file anyway, so as root the scenario runs in a
 * child that has become nobody first. */
static void test_permission_denied_is_a_status_not_a_failure(void **state)
{
	(void)state;
	struct tmpdir t;
	tmpdir_make(&t);
	int rc;
	if (geteuid() != 0) {
		rc = permission_scenario(&t);
	} else {
		assert_int_equal(chmod(t.dir, 0777), 0);
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
				_exit(1);
			int line = permission_scenario(&t);
			if (line)
				fprintf(stderr, "permission scenario: the check at line %d failed\n", line);
			_exit(line ? 2 : 0);
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		rc = WEXITSTATUS(status);
		if (rc == 1) { /* no CAP_SETUID here: nothing can be denied to us */
			tmpdir_remove(&t);
			skip();
		}
	}
	if (rc)
		fail_msg("permission scenario: failed (check line, or child status 2: line above): %d", rc);
	tmpdir_remove(&t);
}

static void test_directory_in_place_of_the_file(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_file(t.path, "plain file one\n");
	struct follow *f = follow_start(&c, t.path, 1);
	assert_int_equal(unlink(t.path), 0);
	assert_int_equal(mkdir(t.path, 0755), 0);
	assert_true(follow_poll(f, 0) >= 0);
	assert_string_equal(follow_status(f, 0), "is a directory; waiting for the file to return");
	for (int i = 0; i < 4; i++)
		assert_true(follow_poll(f, 100) >= 0);
	assert_int_equal(count_diags(&c, "directory"), 1);
	assert_int_equal(rmdir(t.path), 0);
	write_file(t.path, "plain file two\n");
	poll_until(f, &c, 2);
	const char *want[] = {"plain file one", "plain file two"};
	assert_lines(&c, want, 2);
	assert_string_equal(follow_status(f, 0), "following");
	follow_free(f);
	collector_free(&c);
	tmpdir_remove(&t);
}

static void test_missing_file_is_not_followed(void **state)
{
	(void)state;
	struct collector c = {0};
	struct follow_sink sink = {collect_record, collect_diag, &c};
	struct follow *f = follow_new(&sink, 1, 1);
	char err[512];
	assert_int_equal(follow_add(f, "/tmp/oaview-no-such-dir/log", 3, err, sizeof err), -1);
	assert_non_null(strstr(err, "/tmp/oaview-no-such-dir/log: cannot open"));
	assert_string_equal(follow_status(f, 3), "not followed");
	assert_int_equal(follow_poll(f, 0), 0);
	follow_free(f);
}

static void test_empty_file_waits_for_its_first_bytes(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_file(t.path, "");
	struct follow *f = follow_start(&c, t.path, 1);
	assert_string_equal(follow_status(f, 0), "waiting for the file to start");
	/* A prefix of "ElfFile" could still become an EVTX file. */
	write_file(t.path, "Elf");
	assert_int_equal(follow_poll(f, 0), 0);
	assert_string_equal(follow_status(f, 0), "waiting for the file to start");
	append(t.path, "Plain first\nplain second\n");
	assert_int_equal(follow_poll(f, 0), 2);
	const char *want[] = {"ElfPlain first", "plain second"};
	assert_lines(&c, want, 2);
	assert_string_equal(follow_status(f, 0), "following");
	follow_free(f);
	collector_free(&c);
	tmpdir_remove(&t);
}

static void test_sources_keep_their_numbers(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_file(t.path, "plain a one\n");
	write_file(t.other, "plain b one\n");
	struct follow_sink sink = {collect_record, collect_diag, &c};
	struct follow *f = follow_new(&sink, 1, 1);
	char err[512];
	assert_int_equal(follow_add(f, t.path, 4, err, sizeof err), 0);
	assert_int_equal(follow_add(f, t.other, 9, err, sizeof err), 0);
	append(t.other, "plain b two\n");
	append(t.path, "plain a two\n");
	assert_int_equal(follow_poll(f, 0), 2);
	assert_int_equal(c.n, 4);
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(c.items[i].source, c.items[i].line[6] == 'a' ? 4 : 9);
	assert_string_equal(follow_status(f, 9), "following");
	follow_free(f);
	collector_free(&c);
	tmpdir_remove(&t);
}

/* inotify (or the poll fallback) ends the wait when the file grows. */
static void test_poll_returns_soon_after_an_append(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_file(t.path, "plain one\n");
	struct follow *f = follow_start(&c, t.path, 1);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		usleep(100000);
		int fd = open(t.path, O_WRONLY | O_APPEND);
		_exit(fd >= 0 && write(fd, "plain two\n", 10) == 10 ? 0 : 1);
	}
	int64_t t0 = ms_now();
	int got = 0;
	while (!got && ms_now() - t0 < 3000)
		got = follow_poll(f, 2000);
	int64_t took = ms_now() - t0;
	int status;
	waitpid(pid, &status, 0);
	assert_int_equal(got, 1);
	if (follow_fd(f) >= 0)
		assert_true(took < 1000);
	follow_free(f);
	collector_free(&c);
	tmpdir_remove(&t);
}

/* ---- EVTX ------------------------------------------------------------- */

static void assert_ids_one_to(const struct collector *c, uint64_t last)
{
	if (c->n != last)
		fail_msg("%zu records delivered, %llu written", c->n, (unsigned long long)last);
	for (size_t i = 0; i < c->n; i++)
		if (c->items[i].sequence != i + 1)
			fail_msg("record %zu has id %llu", i, (unsigned long long)c->items[i].sequence);
}

/* Drive a replayed live log until it has wrapped `wraps` times, polling
 * after a random number of steps: after every poll, every record complete
 * in the file has been delivered, once, in id order.  Then what was decoded
 * live must be what a reader of the finished file gets. */
static void replay_and_follow(const char *const *samples, size_t nsamples,
			      const struct evtx_replay_options *o, unsigned wraps, unsigned seed)
{
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	char err[512];
	struct evtx_replay *r = evtx_replay_open(t.path, samples, nsamples, o, err, sizeof err);
	if (!r)
		fail_msg("%s", err);
	for (int i = 0; i < 40; i++)
		assert_true(evtx_replay_step(r) >= 0);
	struct follow *f = follow_start(&c, t.path, 1);
	assert_true(c.n <= evtx_replay_last_id(r));
	srand(seed);
	int polls = 0;
	while (evtx_replay_wraps(r) < wraps) {
		int k = 1 + rand() % 50;
		for (int i = 0; i < k; i++)
			assert_true(evtx_replay_step(r) >= 0);
		assert_true(follow_poll(f, 0) >= 0);
		polls++;
		assert_ids_one_to(&c, evtx_replay_last_id(r));
	}
	assert_int_equal(evtx_replay_sync(r), 0);
	assert_true(follow_poll(f, 0) >= 0);
	assert_ids_one_to(&c, evtx_replay_last_id(r));
	assert_true(polls > 20);
	assert_string_equal(follow_status(f, 0), "following");

	size_t live_n = c.n, undecodable = 0;
	struct got *live = c.items;
	c.items = NULL;
	c.n = c.cap = 0;
	for (size_t i = 0; i < live_n; i++)
		undecodable += (live[i].flags & RECORD_NOT_DECODABLE) != 0;
	assert_true(undecodable * 10 < live_n);
	struct follow *again = follow_start(&c, t.path, 1);
	assert_true(c.n > 20);
	for (size_t i = 0; i < c.n; i++) {
		const struct got *a = &c.items[i], *b = &live[a->sequence - 1];
		assert_int_equal(a->sequence, b->sequence);
		assert_int_equal(a->number, b->number);
		assert_int_equal(a->event_id, b->event_id);
		assert_int_equal(a->flags, b->flags);
		assert_int_equal(a->ndata, b->ndata);
		if (a->first_value || b->first_value)
			assert_string_equal(a->first_value, b->first_value);
	}
	for (size_t i = 0; i < live_n; i++) {
		free(live[i].line);
		free(live[i].first_value);
	}
	free(live);
	follow_free(again);
	follow_free(f);
	evtx_replay_close(r);
	collector_free(&c);
	tmpdir_remove(&t);
}

/* Growth in 2-chunk steps, lazy chunk headers with wrong CRCs for a while,
 * torn records, a stale file header, and three wraps. */
static void test_live_evtx_every_record_once_in_order(void **state)
{
	(void)state;
	const char *samples[] = {PYE};
	struct evtx_replay_options o = {
		.grow_chunks = 2, .max_chunks = 5, .header_every = 7, .bad_crc_every = 3,
		.torn_every = 11, .file_header_every = 3, .keep_stale = 1,
	};
	replay_and_follow(samples, 1, &o, 3, 7);
}

/* One sample chunk replayed over and over: a reused chunk keeps the old
 * round's records exactly where the new ones go, complete and sound, with
 * lower ids.  They must be neither delivered nor taken for the writer's
 * position.  (No torn writes here: half a record written over an old one of
 * the very same size and bytes cannot be told from a whole one by its size
 * fields, which is all a reader of a live chunk has.) */
static void test_live_evtx_ignores_records_left_from_before_a_wrap(void **state)
{
	(void)state;
	const char *samples[] = {LSASS};
	struct evtx_replay_options o = {
		.grow_chunks = 1, .max_chunks = 3, .header_every = 4, .bad_crc_every = 2,
		.keep_stale = 1,
	};
	replay_and_follow(samples, 1, &o, 12, 3);
}

/* An empty file that becomes a live log: Windows' 1 MiB growth steps, the
 * header always lagging. */
static void test_empty_file_becomes_a_live_evtx_log(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_file(t.path, "");
	struct follow *f = follow_start(&c, t.path, 0);
	assert_string_equal(follow_status(f, 0), "waiting for the file to start");
	const char *samples[] = {PYE, LSASS};
	struct evtx_replay_options o = {.header_every = 25, .bad_crc_every = 2, .torn_every = 5};
	char err[512];
	struct evtx_replay *r = evtx_replay_open(t.path, samples, 2, &o, err, sizeof err);
	if (!r)
		fail_msg("%s", err);
	srand(11);
	while (evtx_replay_file_chunks(r) < 32) {
		int k = 1 + rand() % 200;
		for (int i = 0; i < k; i++)
			assert_true(evtx_replay_step(r) >= 0);
		assert_true(follow_poll(f, 0) >= 0);
		/* Only object access is kept: ids go up, none twice. */
		for (size_t i = 1; i < c.n; i++)
			assert_true(c.items[i - 1].sequence < c.items[i].sequence);
		if (c.n)
			assert_true(c.items[c.n - 1].sequence <= evtx_replay_last_id(r));
	}
	assert_string_equal(follow_status(f, 0), "following");
	assert_true(c.n > 100);
	/* The same as reading the finished file. */
	assert_int_equal(evtx_replay_sync(r), 0);
	assert_true(follow_poll(f, 0) >= 0);
	struct collector all = {0};
	struct follow *again = follow_start(&all, t.path, 0);
	assert_int_equal(all.n, c.n);
	for (size_t i = 0; i < c.n; i++) {
		assert_int_equal(all.items[i].sequence, c.items[i].sequence);
		assert_int_equal(all.items[i].event_id, c.items[i].event_id);
	}
	follow_free(again);
	follow_free(f);
	evtx_replay_close(r);
	collector_free(&all);
	collector_free(&c);
	tmpdir_remove(&t);
}

/* ---- EVT -------------------------------------------------------------- */

static void write_evt(const char *path, uint32_t first, uint32_t n)
{
	struct evt_writer *w = evt_writer_open(path);
	assert_non_null(w);
	const char *s[] = {"Security", "20084", "4", "C:\\WINDOWS\\system32\\lsass.exe"};
	for (uint32_t i = first; i < first + n; i++)
		assert_int_equal(evt_writer_add(w, i, 1100000000u + i, 562, EVT_WRITER_AUDIT_SUCCESS,
						"Security", "DC1", 4, s), 0);
	assert_int_equal(evt_writer_close(w), 0);
}

/* A copy whose file header was wiped is still followed as EVTX. */
static void test_evtx_with_a_damaged_file_header_is_followed_as_evtx(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector want = {0}, c = {0};
	tmpdir_make(&t);
	struct follow *f = follow_start(&want, LSASS, 0);
	follow_free(f);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s' && dd if=/dev/zero of='%s' bs=4096 count=1 conv=notrunc 2>/dev/null",
		 LSASS, t.path, t.path);
	assert_int_equal(system(cmd), 0);
	f = follow_start(&c, t.path, 0);
	assert_true(want.n > 10);
	assert_int_equal(c.n, want.n);
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(c.items[i].sequence, want.items[i].sequence);
	assert_non_null(strstr(c.diags, "the file header is damaged"));
	assert_string_equal(follow_status(f, 0), "following");
	follow_free(f);
	collector_free(&want);
	collector_free(&c);
	tmpdir_remove(&t);
}

static void test_evt_delivers_only_new_record_numbers(void **state)
{
	(void)state;
	struct tmpdir t;
	struct collector c = {0};
	tmpdir_make(&t);
	write_evt(t.path, 1, 3);
	struct follow *f = follow_start(&c, t.path, 0);
	assert_int_equal(c.n, 3);
	write_evt(t.path, 1, 7);                 /* rewritten in place, longer */
	assert_int_equal(follow_poll(f, 0), 4);
	assert_int_equal(follow_poll(f, 0), 0);
	write_evt(t.other, 3, 8);                /* a newer copy moved in */
	assert_int_equal(rename(t.other, t.path), 0);
	assert_int_equal(follow_poll(f, 0), 3);
	assert_int_equal(c.n, 10);
	for (size_t i = 0; i < c.n; i++) {
		assert_int_equal(c.items[i].number, i + 1);
		assert_int_equal(c.items[i].event_id, 562);
	}
	assert_string_equal(follow_status(f, 0), "following");
	follow_free(f);
	collector_free(&c);
	tmpdir_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partial_line_is_held_until_its_newline),
		cmocka_unit_test(test_rotation_finishes_the_old_file_then_reads_the_new),
		cmocka_unit_test(test_copytruncate_reads_again_from_the_start),
		cmocka_unit_test(test_rotation_with_a_gap_is_a_rotation),
		cmocka_unit_test(test_deleted_file_is_waited_for),
		cmocka_unit_test(test_permission_denied_is_a_status_not_a_failure),
		cmocka_unit_test(test_directory_in_place_of_the_file),
		cmocka_unit_test(test_missing_file_is_not_followed),
		cmocka_unit_test(test_empty_file_waits_for_its_first_bytes),
		cmocka_unit_test(test_sources_keep_their_numbers),
		cmocka_unit_test(test_poll_returns_soon_after_an_append),
		cmocka_unit_test(test_live_evtx_every_record_once_in_order),
		cmocka_unit_test(test_live_evtx_ignores_records_left_from_before_a_wrap),
		cmocka_unit_test(test_empty_file_becomes_a_live_evtx_log),
		cmocka_unit_test(test_evtx_with_a_damaged_file_header_is_followed_as_evtx),
		cmocka_unit_test(test_evt_delivers_only_new_record_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
