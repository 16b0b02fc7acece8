/* test_correlate.c - handle lifetimes: the rules one by one on built
 * records, then every link of real samples against links derived
 * independently from evtxexport XML (tests/data/links/README.md). */
#include "test_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "correlate.h"
#include "legacy_fixtures.h"

#include <unistd.h>

struct ev_spec {
	uint64_t record;
	uint32_t id;
	int failure;
	const char *computer;
	const char *pid;
	const char *handle;
	const char *name;
	const char *target_pid;
	const char *target_handle;
};

static uint32_t add(struct store *st, struct ev_spec s)
{
	struct record rec;
	record_clear(&rec);
	rec.number = s.record;
	rec.event_id = s.id;
	rec.outcome = s.failure ? OUTCOME_FAILURE : OUTCOME_SUCCESS;
	rec.computer = s.computer ? s.computer : "HOST1";
	if (s.id == 4690) {
		record_add(&rec, "SourceProcessId", s.pid);
		record_add(&rec, "SourceHandleId", s.handle);
		record_add(&rec, "TargetProcessId", s.target_pid);
		record_add(&rec, "TargetHandleId", s.target_handle);
	} else {
		record_add(&rec, "ProcessId", s.pid);
		record_add(&rec, "HandleId", s.handle);
	}
	if (s.name) {
		record_add(&rec, "ObjectType", "File");
		record_add(&rec, "ObjectName", s.name);
	}
	int oom = 0;
	uint32_t i = store_append(st, &rec, 0, &oom);
	assert_int_equal(oom, 0);
	assert_int_not_equal(i, EVENT_NONE);
	return i;
}

#define EV(...) add(&st, (struct ev_spec){__VA_ARGS__})

static struct store st;

static int setup(void **state)
{
	(void)state;
	store_init(&st);
	assert_int_equal(store_add_source(&st, "built"), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_free(&st);
	return 0;
}

static void assert_links(uint32_t i, uint32_t open, uint32_t close)
{
	assert_int_equal(store_event(&st, i)->open_ref, open);
	assert_int_equal(store_event(&st, i)->close_ref, close);
}

static void test_operation_links_to_its_open_and_close(void **state)
{
	(void)state;
	uint32_t o = EV(1, 4656, .pid = "0x10", .handle = "0x1a4", .name = "C:\\a.txt");
	uint32_t u = EV(2, 4663, .pid = "0x10", .handle = "0x1a4", .name = "C:\\a.txt");
	uint32_t c = EV(3, 4658, .pid = "0x10", .handle = "0x1a4");
	assert_int_equal(correlate_all(&st), 0);
	assert_links(o, o, c);
	assert_links(u, o, c);
	assert_links(c, o, c);
	int from_open = 0;
	char buf[64];
	assert_string_equal(store_resolved_name(&st, c, &from_open, buf, sizeof buf), "C:\\a.txt");
	assert_int_equal(from_open, 1);
	const struct handle_life *l = &st.lives[store_event(&st, u)->life];
	assert_int_equal(l->count, 3);
	assert_int_equal(l->first_ref, o);
	assert_int_equal(store_event(&st, o)->life_next, u);
	assert_int_equal(store_event(&st, u)->life_next, c);
	assert_int_equal(l->last_ref, c);
}

static void test_close_without_open_is_not_in_view(void **state)
{
	(void)state;
	uint32_t u = EV(1, 4663, .pid = "0x10", .handle = "0x8", .name = "C:\\x");
	uint32_t c = EV(2, 4658, .pid = "0x10", .handle = "0x8");
	assert_int_equal(correlate_all(&st), 0);
	assert_links(u, EVENT_NONE, c);
	assert_links(c, EVENT_NONE, c);
	assert_int_not_equal(store_event(&st, u)->life, EVENT_NONE);
	int from_open = 1;
	char buf[64];
	assert_string_equal(store_resolved_name(&st, c, &from_open, buf, sizeof buf), "");
	assert_int_equal(from_open, 0);
}

static void test_reused_handle_starts_a_new_lifetime(void **state)
{
	(void)state;
	uint32_t o1 = EV(1, 4656, .pid = "0x10", .handle = "0x8", .name = "C:\\first");
	uint32_t c1 = EV(2, 4658, .pid = "0x10", .handle = "0x8");
	uint32_t o2 = EV(3, 4656, .pid = "0x10", .handle = "0x8", .name = "C:\\second");
	uint32_t u2 = EV(4, 4663, .pid = "0x10", .handle = "0x8", .name = "C:\\second");
	assert_int_equal(correlate_all(&st), 0);
	assert_links(c1, o1, c1);
	assert_links(u2, o2, EVENT_NONE);
	assert_links(o2, o2, EVENT_NONE);
}

static void test_second_open_of_live_key_means_close_not_audited(void **state)
{
	(void)state;
	uint32_t o1 = EV(1, 4656, .pid = "0x10", .handle = "0x8", .name = "C:\\first");
	uint32_t o2 = EV(2, 4656, .pid = "0x10", .handle = "0x8", .name = "C:\\second");
	uint32_t c = EV(3, 4658, .pid = "0x10", .handle = "0x8");
	assert_int_equal(correlate_all(&st), 0);
	assert_links(o1, o1, EVENT_NONE);
	assert_links(c, o2, c);
}

static void test_failed_open_with_handle_zero_is_not_linked(void **state)
{
	(void)state;
	uint32_t o = EV(1, 4656, .failure = 1, .pid = "0x10", .handle = "0x0", .name = "C:\\denied");
	assert_int_equal(correlate_all(&st), 0);
	assert_links(o, EVENT_NONE, EVENT_NONE);
	assert_int_equal(store_event(&st, o)->life, EVENT_NONE);
}

static void test_keys_are_per_computer(void **state)
{
	(void)state;
	uint32_t o1 = EV(1, 4656, .computer = "A", .pid = "0x10", .handle = "0x8", .name = "C:\\on-a");
	uint32_t o2 = EV(2, 4656, .computer = "B", .pid = "0x10", .handle = "0x8", .name = "C:\\on-b");
	uint32_t c1 = EV(3, 4658, .computer = "A", .pid = "0x10", .handle = "0x8");
	assert_int_equal(correlate_all(&st), 0);
	assert_links(c1, o1, c1);
	assert_links(o2, o2, EVENT_NONE);
}

static void test_duplicated_handle_keeps_the_source_opener(void **state)
{
	(void)state;
	uint32_t o = EV(1, 4656, .pid = "0x10", .handle = "0x8", .name = "C:\\dup.txt");
	uint32_t d = EV(2, 4690, .pid = "0x10", .handle = "0x8", .target_pid = "0x20", .target_handle = "0x44");
	uint32_t u = EV(3, 4663, .pid = "0x20", .handle = "0x44", .name = "C:\\dup.txt");
	uint32_t ct = EV(4, 4658, .pid = "0x20", .handle = "0x44");
	uint32_t cs = EV(5, 4658, .pid = "0x10", .handle = "0x8");
	assert_int_equal(correlate_all(&st), 0);
	assert_links(d, o, cs);             /* 4690 belongs to the source */
	assert_links(u, o, ct);             /* the duplicate has its own close */
	assert_links(ct, o, ct);
	assert_links(cs, o, cs);
	const struct handle_life *child = &st.lives[store_event(&st, u)->life];
	assert_int_equal(child->parent, store_event(&st, d)->life);
	char buf[64];
	assert_string_equal(store_resolved_name(&st, ct, NULL, buf, sizeof buf), "C:\\dup.txt");
}

/* Seen in real logs: the close of a handle duplicated into the System
 * process carries the source process id. */
static void test_close_of_handle_duplicated_into_system_carries_source_pid(void **state)
{
	(void)state;
	uint32_t o = EV(1, 4656, .pid = "0x678", .handle = "0xaf8", .name = "C:\\spool");
	uint32_t d = EV(2, 4690, .pid = "0x678", .handle = "0xaf8", .target_pid = "0x4", .target_handle = "0x1748");
	uint32_t c = EV(3, 4658, .pid = "0x678", .handle = "0x1748");
	assert_int_equal(correlate_all(&st), 0);
	assert_links(c, o, c);
	assert_int_equal(st.lives[store_event(&st, c)->life].parent, store_event(&st, d)->life);
}

static void test_legacy_decimal_ids_match_like_hex(void **state)
{
	(void)state;
	uint32_t o = EV(1, 560, .pid = "2044", .handle = "20084", .name = "C:\\legacy.doc");
	uint32_t u = EV(2, 567, .pid = "2044", .handle = "20084");
	uint32_t c = EV(3, 562, .pid = "2044", .handle = "20084");
	assert_int_equal(correlate_all(&st), 0);
	assert_int_equal(store_event(&st, o)->handle_id, 20084);
	assert_links(u, o, c);
	assert_links(c, o, c);
}


/* ---- legacy EVT: 560 -> 567 -> 562 -----------------------------------
 * No real 560/562/567 log exists publicly, so this is a fixture written
 * with tests/evt_writer.c from the documented insertion-string layouts
 * (DESIGN.md "Legacy insertion strings"), read back through the real EVT
 * reader (libevt). */

static void test_legacy_evt_560_567_562_are_linked(void **state)
{
	(void)state;
	char path[] = "/tmp/oaview-legacy-XXXXXX";
	const struct legacy_event ev[] = {
		LEGACY_EVENT(560, "W3DC", legacy_560_local),
		LEGACY_EVENT(560, "DC1", legacy_560_share),
		LEGACY_EVENT(567, "W3DC", legacy_567_read),
		LEGACY_EVENT(562, "W3DC", legacy_562_local),
		LEGACY_EVENT(562, "DC1", legacy_562_share),
	};
	legacy_write_evt(path, ev, LEGACY_N(ev));

	struct store legacy;
	store_init(&legacy);
	load_into(&legacy, path, 0, 0, NULL);
	unlink(path);
	assert_int_equal(legacy.count, 5);
	assert_int_equal(correlate_all(&legacy), 0);
	uint32_t open = find_record(&legacy, 1), share = find_record(&legacy, 2);
	uint32_t use = find_record(&legacy, 3), close = find_record(&legacy, 4), share_close = find_record(&legacy, 5);
	const struct event *u = store_event(&legacy, use);
	assert_int_equal(u->open_ref, open);
	assert_int_equal(u->close_ref, close);
	assert_int_equal(store_event(&legacy, open)->close_ref, close);
	assert_int_equal(store_event(&legacy, close)->open_ref, open);
	assert_int_equal(u->handle_id, 20084);
	assert_int_equal(u->process_id, 2936);
	char buf[256];
	int from_open = 0;
	assert_string_equal(store_resolved_name(&legacy, use, &from_open, buf, sizeof buf),
			    "C:\\DeptFiles\\budget.xls");
	assert_int_equal(from_open, 1);
	assert_string_equal(store_resolved_name(&legacy, close, NULL, buf, sizeof buf),
			    "C:\\DeptFiles\\budget.xls");
	/* the local open: the primary user acted; logon id from "(0x0,0x13388)" */
	assert_string_equal(store_str(&legacy, store_event(&legacy, open), ES_USER), "Fred");
	assert_int_equal(store_event(&legacy, open)->logon_id, 0x13388);
	/* the share open: the client acted, through System as DC1$; its close
	 * follows with no 567 between (normal for share access) */
	const struct event *s = store_event(&legacy, share);
	assert_string_equal(store_str(&legacy, s, ES_USER), "support.engineer");
	assert_string_equal(store_str(&legacy, s, ES_PRIMARY_USER), "CORP\\DC1$");
	assert_int_equal(s->logon_id, 0x1a2b3);
	assert_int_equal(s->close_ref, share_close);
	assert_int_equal(store_event(&legacy, share_close)->open_ref, share);
	assert_int_equal(legacy.lives[s->life].count, 2);
	store_free(&legacy);
}

/* ---- real samples --------------------------------------------------- */

static void check_links_file(const char *evtx, const char *links)
{
	struct store real;
	store_init(&real);
	load_into(&real, evtx, 0, 0, NULL);
	assert_int_equal(correlate_all(&real), 0);
	FILE *f = fopen(links, "r");
	assert_non_null(f);
	char line[256];
	size_t lines = 0;
	while (fgets(line, sizeof line, f)) {
		char open[32], close[32];
		uint64_t rec;
		unsigned id;
		assert_int_equal(sscanf(line, "%" SCNu64 " %u %31s %31s", &rec, &id, open, close), 4);
		uint32_t i = find_record(&real, rec);
		if (i == EVENT_NONE)
			fail_msg("%s: record %" PRIu64 " not loaded", evtx, rec);
		const struct event *ev = store_event(&real, i);
		assert_int_equal(ev->event_id, id);
		char got_open[32] = "-", got_close[32] = "-";
		if (ev->open_ref != EVENT_NONE)
			snprintf(got_open, sizeof got_open, "%" PRIu64, store_event(&real, ev->open_ref)->record);
		if (ev->close_ref != EVENT_NONE)
			snprintf(got_close, sizeof got_close, "%" PRIu64, store_event(&real, ev->close_ref)->record);
		if (strcmp(open, got_open) || strcmp(close, got_close))
			fail_msg("%s record %" PRIu64 ": expected open %s close %s, got %s %s", evtx, rec,
				 open, close, got_open, got_close);
		lines++;
	}
	fclose(f);
	assert_int_equal(lines, real.count);
	store_free(&real);
}

#define REAL(name) check_links_file(DATA(name ".evtx"), DATA("links/" name ".links"))

static void test_real_links_system_nightmare(void **state)
{
	(void)state;
	REAL("mdc_ID4688_6416_4648-SystemNightMare");
}

static void test_real_links_lsass_dump(void **state)
{
	(void)state;
	REAL("mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process");
}

static void test_real_links_hidden_user_4660(void **state)
{
	(void)state;
	REAL("mdc_ID472_4728_Hidden_user_creation");
}

static void test_real_links_firewall_4670(void **state)
{
	(void)state;
	REAL("mdc_ID4688-5447-4950-Firewall_disabled_command");
}

static void test_real_links_failed_sethc(void **state)
{
	(void)state;
	REAL("mdc_ID4656-Failed_sethc_replacement_by_CMD");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_operation_links_to_its_open_and_close),
		T(test_close_without_open_is_not_in_view),
		T(test_reused_handle_starts_a_new_lifetime),
		T(test_second_open_of_live_key_means_close_not_audited),
		T(test_failed_open_with_handle_zero_is_not_linked),
		T(test_keys_are_per_computer),
		T(test_duplicated_handle_keeps_the_source_opener),
		T(test_close_of_handle_duplicated_into_system_carries_source_pid),
		T(test_legacy_decimal_ids_match_like_hex),
		cmocka_unit_test(test_legacy_evt_560_567_562_are_linked),
		cmocka_unit_test(test_real_links_system_nightmare),
		cmocka_unit_test(test_real_links_lsass_dump),
		cmocka_unit_test(test_real_links_hidden_user_4660),
		cmocka_unit_test(test_real_links_firewall_4670),
		cmocka_unit_test(test_real_links_failed_sethc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
