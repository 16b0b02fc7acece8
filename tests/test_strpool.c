/* test_strpool.c - interning: one copy per distinct string, stable refs. */
#include "test_util.h"

#include <stdio.h>

#include "strpool.h"

static void test_same_text_gives_same_ref(void **state)
{
	(void)state;
	struct strpool p;
	strpool_init(&p);
	strref a = strpool_intern(&p, "alice", 5);
	strref b = strpool_intern(&p, "alice-and-more", 5);
	assert_int_not_equal(a, 0);
	assert_int_equal(a, b);
	assert_string_equal(strpool_get(&p, a), "alice");
	assert_int_equal(p.count, 1);
	strpool_free(&p);
}

static void test_null_and_empty(void **state)
{
	(void)state;
	struct strpool p;
	strpool_init(&p);
	assert_int_equal(strpool_intern(&p, NULL, 0), 0);
	strref e = strpool_intern(&p, "", 0);
	assert_int_not_equal(e, 0);
	assert_string_equal(strpool_get(&p, e), "");
	assert_string_equal(strpool_get(&p, 0), "");
	strpool_free(&p);
}

static void test_embedded_nul_is_cut(void **state)
{
	(void)state;
	struct strpool p;
	strpool_init(&p);
	strref a = strpool_intern(&p, "ab\0cd", 5);
	strref b = strpool_intern(&p, "ab", 2);
	assert_int_equal(a, b);
	strpool_free(&p);
}

/* Growth rehashes the table and moves the arena: every ref must survive. */
static void test_many_strings_survive_growth(void **state)
{
	(void)state;
	struct strpool p;
	strpool_init(&p);
	enum { N = 50000 };
	static strref refs[N];
	char buf[64];
	for (int i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof buf, "C:\\dir\\file-%d.txt", i);
		refs[i] = strpool_intern(&p, buf, (size_t)n);
		assert_int_not_equal(refs[i], 0);
	}
	assert_int_equal(p.count, N);
	for (int i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof buf, "C:\\dir\\file-%d.txt", i);
		assert_string_equal(strpool_get(&p, refs[i]), buf);
		assert_int_equal(strpool_intern(&p, buf, (size_t)n), refs[i]);
	}
	assert_int_equal(p.count, N);
	strpool_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_text_gives_same_ref),
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_embedded_nul_is_cut),
		cmocka_unit_test(test_many_strings_survive_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
