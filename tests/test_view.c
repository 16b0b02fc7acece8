/* test_view.c - the filtered, ordered index the viewer shows: order kept
 * whatever order events arrive in, filters pushed and popped, rows found
 * by binary search, searches that wrap. */
#include "test_util.h"

#include <stdio.h>
#include <time.h>

#include "view.h"

static struct store st;

static void add(uint64_t record, uint32_t id, const char *user, int64_t time, uint16_t source)
{
	struct record rec;
	record_clear(&rec);
	rec.number = record;
	rec.event_id = id;
	rec.time = time;
	rec.outcome = OUTCOME_SUCCESS;
	rec.computer = "H";
	record_add(&rec, "SubjectUserName", user);
	record_add(&rec, "ObjectType", "File");
	record_add(&rec, "ObjectName", "C:\\x");
	assert_int_not_equal(store_append(&st, &rec, source, NULL), EVENT_NONE);
}

static int setup(void **state)
{
	(void)state;
	store_init(&st);
	store_add_source(&st, "a.evtx");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_free(&st);
	return 0;
}

static void assert_records(const struct view *v, const uint64_t *want, size_t n)
{
	assert_int_equal(v->nrows, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(store_event(&st, v->rows[i])->record, want[i]);
}

static struct filter *compile(const char *expr)
{
	char err[256];
	struct filter *f = filter_compile(expr, err, sizeof err);
	if (!f)
		fail_msg("%s", err);
	return f;
}

/* Loading newest-first hands over older batches after newer ones. */
static void test_older_batches_are_merged_in_front(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, &st);
	add(7, 4663, "a", 7, 0);
	add(8, 4663, "b", 8, 0);
	add(9, 4663, "a", 9, 0);
	assert_int_equal(view_sync(&v), 3);
	add(4, 4656, "a", 4, 0);
	add(5, 4663, "b", 5, 0);
	add(6, 4658, "a", 6, 0);
	assert_int_equal(view_sync(&v), 3);
	add(1, 4656, "b", 1, 0);
	add(3, 4663, "a", 3, 0);
	add(2, 4663, "a", 2, 0);
	assert_int_equal(view_sync(&v), 3);
	const uint64_t want[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	assert_records(&v, want, 9);
	for (uint32_t i = 0; i < 9; i++)
		assert_int_equal(v.rows[view_row_of(&v, i)], i);
	view_free(&v);
}

static void test_filters_push_pop_and_merge_with_new_events(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, &st);
	add(2, 4663, "alice", 2, 0);
	add(3, 4656, "bob", 3, 0);
	add(4, 4663, "alice", 4, 0);
	view_sync(&v);
	assert_int_equal(view_push_filter(&v, compile("user:^alice$"), 0), 0);
	const uint64_t two[] = {2, 4};
	assert_records(&v, two, 2);
	assert_int_equal(view_push_filter(&v, compile("id:4663"), 1), 0); /* filter out */
	assert_int_equal(v.nrows, 0);
	view_pop_filter(&v);
	assert_records(&v, two, 2);
	/* an older alice event arrives: it goes in front, filtered like the rest */
	add(1, 4663, "alice", 1, 0);
	add(5, 4656, "bob", 5, 0);
	assert_int_equal(view_sync(&v), 1);
	const uint64_t three[] = {1, 2, 4};
	assert_records(&v, three, 3);
	assert_int_equal(view_row_of(&v, 1), -1); /* bob is filtered out */
	char text[128];
	view_filters_text(&v, text, sizeof text);
	assert_string_equal(text, "user:^alice$");
	view_clear_filters(&v);
	assert_int_equal(v.nrows, 5);
	view_free(&v);
}

static void test_two_sources_merge_by_time(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, &st);
	add(100, 4663, "a", 10, 0);
	add(101, 4663, "a", 30, 0);
	view_sync(&v);
	store_add_source(&st, "b.evtx");
	add(1, 4656, "b", 20, 1);
	add(2, 4656, "b", 40, 1);
	view_sync(&v);
	const uint64_t want[] = {100, 1, 101, 2};
	assert_records(&v, want, 4);
	view_free(&v);
}

static void test_search_wraps_both_ways_and_counts(void **state)
{
	(void)state;
	struct view v;
	view_init(&v, &st);
	add(1, 4663, "alice", 1, 0);
	add(2, 4656, "bob", 2, 0);
	add(3, 4663, "alice", 3, 0);
	view_sync(&v);
	struct filter *f = compile("user:bob");
	assert_int_equal(view_search(&v, f, 2, 0), 1);  /* wraps forward */
	assert_int_equal(view_search(&v, f, 0, 1), 1);  /* wraps backward */
	assert_int_equal(view_count_with(&v, f, 0, 0), 1);
	assert_int_equal(view_count_with(&v, f, 1, 0), 2);
	filter_free(f);
	f = compile("user:nobody");
	assert_int_equal(view_search(&v, f, 0, 0), -1);
	filter_free(f);
	view_free(&v);
}

/* Every event has its own long name of a's, the classic catastrophic case
 * for (a+)+$: each match is cut by pcre2's limit, and after a few dozen
 * hits the regex gives up, so the filter returns at once and says so. */
static void test_pathological_regex_over_many_events_returns_promptly(void **state)
{
	(void)state;
	enum { N = 100000 };
	char name[128];
	memset(name, 'a', 100);
	for (uint32_t i = 0; i < N; i++) {
		struct record rec;
		record_clear(&rec);
		rec.number = i + 1;
		rec.event_id = 4663;
		snprintf(name + 100, sizeof name - 100, "!%u", i);
		record_add(&rec, "ObjectName", name);
		assert_int_not_equal(store_append(&st, &rec, 0, NULL), EVENT_NONE);
	}
	struct view v;
	view_init(&v, &st);
	view_sync(&v);
	struct filter *f = compile("name:(a+)+$");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(view_push_filter(&v, f, 0), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 2.0);
	assert_true(filter_limit_hit(f));
	assert_int_equal(v.nrows, 0);
	view_free(&v);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_older_batches_are_merged_in_front),
		T(test_filters_push_pop_and_merge_with_new_events),
		T(test_two_sources_merge_by_time),
		T(test_search_wraps_both_ways_and_counts),
		T(test_pathological_regex_over_many_events_returns_promptly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
