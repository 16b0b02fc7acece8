/* test_loader.c - the viewer's background loading (loader.c): plain loads
 * and the follow mode (-F), where the present content is read in the
 * thread, newest EVTX chunks first, and events appended later must join the
 * handle lifetimes that content left open. */
#include "test_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "correlate.h"
#include "follow.h"
#include "loader.h"

#define NXLOG_4660 DATA("text/nxlog-json-logstash_mordor-empire_persistence_registry_modification_run_keys_standard_user-4660.jsonl")
#define PYE DATA("pye_security.evtx")
#define NIGHTMARE DATA("mdc_ID4688_6416_4648-SystemNightMare.evtx")

/* Lines first..last (1-based) of path, appended to out. */
static void copy_lines(const char *path, int first, int last, const char *out)
{
	FILE *in = fopen(path, "r");
	assert_non_null(in);
	FILE *o = fopen(out, "a");
	assert_non_null(o);
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	while (getline(&line, &cap, in) > 0)
		if (++n >= first && n <= last)
			assert_true(fputs(line, o) >= 0);
	free(line);
	fclose(in);
	assert_int_equal(fclose(o), 0);
}

static void wait_done(struct loader *l)
{
	for (int i = 0; i < 500; i++) {
		loader_lock(l);
		int done = l->done;
		loader_unlock(l);
		if (done)
			return;
		usleep(10000);
	}
	fail_msg("the loader did not finish in 5 s");
}

static uint64_t record_of(const struct store *st, uint32_t index)
{
	return index == EVENT_NONE ? 0 : store_event(st, index)->record;
}

/* The open and the 4663 are loaded; the 4660 and the close come after:
 * they must be linked to the loaded open, and the open to its close. */
static void test_follow_links_later_events_to_loaded_opens(void **state)
{
	(void)state;
	char path[] = "/tmp/oaview-loader-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	copy_lines(NXLOG_4660, 1, 2, path);
	struct store st;
	store_init(&st);
	struct diag_log log = {0};
	struct load_options lo = {1, diag_log_add, &log};
	char *files[] = {path};
	struct loader l;
	assert_int_equal(loader_start_follow(&l, &st, files, 1, &lo), 0);
	wait_done(&l);
	assert_false(l.failed);

	copy_lines(NXLOG_4660, 3, 4, path);
	loader_lock(&l);
	int got = 0;
	for (int i = 0; i < 100 && got < 2; i++) {
		int n = follow_poll(l.follow, 20);
		assert_true(n >= 0);
		got += n;
	}
	assert_int_equal(st.count, 4);
	uint32_t open = find_record(&st, 44315), use = find_record(&st, 44316);
	uint32_t del = find_record(&st, 44317), close_ = find_record(&st, 44318);
	assert_int_equal(record_of(&st, store_event(&st, use)->open_ref), 44315);
	assert_int_equal(record_of(&st, store_event(&st, del)->open_ref), 44315);
	assert_int_equal(record_of(&st, store_event(&st, close_)->open_ref), 44315);
	assert_int_equal(record_of(&st, store_event(&st, open)->close_ref), 44318);
	assert_int_equal(record_of(&st, store_event(&st, use)->close_ref), 44318);
	assert_string_equal(follow_status(l.follow, 0), "following");
	loader_unlock(&l);
	assert_int_equal(log.count, 0);
	loader_free(&l);
	store_free(&st);
	unlink(path);
}

/* Follow-loading path gives the same events and the same links as a plain
 * load and correlate_all; returns how many events have an opener. */
static size_t assert_follow_load_matches(const char *path, int threads)
{
	struct store want;
	store_init(&want);
	load_into(&want, path, 0, 1, NULL);
	assert_int_equal(correlate_all(&want), 0);

	struct store st;
	store_init(&st);
	struct load_options lo = {threads, NULL, NULL};
	char *files[] = {(char *)path};
	struct loader l;
	assert_int_equal(loader_start_follow(&l, &st, files, 1, &lo), 0);
	wait_done(&l);
	assert_false(l.failed);
	assert_int_equal(st.count, want.count);
	size_t linked = 0;
	for (size_t i = 0; i < want.count; i++) {
		const struct event *w = store_event(&want, (uint32_t)i);
		uint32_t j = find_record(&st, w->record);
		assert_int_not_equal(j, EVENT_NONE);
		const struct event *e = store_event(&st, j);
		assert_int_equal(e->event_id, w->event_id);
		assert_int_equal(record_of(&st, e->open_ref), record_of(&want, w->open_ref));
		assert_int_equal(record_of(&st, e->close_ref), record_of(&want, w->close_ref));
		linked += w->open_ref != EVENT_NONE && w->open_ref != (uint32_t)i;
	}
	/* newest first: with several chunks the first event appended is not
	 * the oldest */
	if (st.count > 100)
		assert_true(store_event(&st, 0)->record > store_event(&want, 0)->record);
	loader_free(&l);
	store_free(&st);
	store_free(&want);
	return linked;
}

/* Newest chunks first, yet the same events and links as reading in order. */
static void test_follow_load_matches_a_plain_load(void **state)
{
	(void)state;
	assert_follow_load_matches(PYE, 2);        /* 33 chunks: order */
	assert_true(assert_follow_load_matches(NIGHTMARE, 2) >= 10); /* links */
}

/* A file that cannot be read is said at once (the viewer shows it) and
 * kept as the loader's error; the other files are still read. */
static void test_follow_unreadable_file_is_reported_and_the_rest_read(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	struct diag_log log = {0};
	struct load_options lo = {1, diag_log_add, &log};
	char *files[] = {"/nonexistent/oaview-missing.jsonl", NXLOG_4660};
	struct loader l;
	assert_int_equal(loader_start_follow(&l, &st, files, 2, &lo), 0);
	wait_done(&l);
	assert_true(l.failed);
	assert_non_null(strstr(l.error, "/nonexistent/oaview-missing.jsonl"));
	assert_non_null(strstr(log.text, "/nonexistent/oaview-missing.jsonl"));
	assert_true(st.count > 50);
	loader_free(&l);
	store_free(&st);
}

/* Quitting while the first read runs stops it. */
static void test_cancel_stops_a_follow_load(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	st.keep_all = 1;
	struct load_options lo = {1, NULL, NULL};
	char *files[] = {PYE, PYE, PYE, PYE, PYE, PYE, PYE, PYE};
	struct loader l;
	assert_int_equal(loader_start_follow(&l, &st, files, 8, &lo), 0);
	loader_cancel(&l);
	assert_true(l.cancel);
	loader_lock(&l);
	size_t n = st.count;
	loader_unlock(&l);
	/* (the first file may be in; not all eight) */
	struct store one;
	store_init(&one);
	load_into(&one, PYE, 1, 1, NULL);
	assert_true(n < 8 * one.count);
	loader_free(&l);
	store_free(&st);
	store_free(&one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow_links_later_events_to_loaded_opens),
		cmocka_unit_test(test_follow_load_matches_a_plain_load),
		cmocka_unit_test(test_follow_unreadable_file_is_reported_and_the_rest_read),
		cmocka_unit_test(test_cancel_stops_a_follow_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
