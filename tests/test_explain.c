/* test_explain.c - the event explanations: the table covers every
 * object-access id and every field it names, the text for a selected real
 * event carries its values and the notes that depend on it, wrapping
 * holds the width, and log text is sanitised. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "correlate.h"
#include "event.h"
#include "legacy_fixtures.h"
#include "explain.h"

struct lines {
	char text[65536];
	size_t len;
	size_t widest;
	int notes;
};

static void collect(void *ctx, enum explain_line kind, const char *text)
{
	struct lines *l = ctx;
	size_t n = strlen(text);
	if (n > l->widest)
		l->widest = n;
	l->notes += kind == EXPLAIN_NOTE;
	if (l->len + n + 2 < sizeof l->text) {
		memcpy(l->text + l->len, text, n);
		l->len += n;
		l->text[l->len++] = '\n';
		l->text[l->len] = '\0';
	}
}

/* The explanation as one string with wrapped lines joined by spaces, so
 * phrases can be searched whatever the width. */
static void unwrap(struct lines *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->text[i] == '\n')
			l->text[i] = ' ';
	char *w = l->text;
	for (char *r = l->text; *r; r++)
		if (!(*r == ' ' && w > l->text && w[-1] == ' '))
			*w++ = *r;
	*w = '\0';
}

static const uint16_t OBJECT_ACCESS_IDS[] = {
	560, 561, 562, 563, 564, 565, 566, 567, 4656, 4657, 4658, 4659, 4660, 4661, 4662, 4663,
	4664, 4670, 4690, 4691, 4907, 4985, 5140, 5142, 5143, 5144, 5145,
};

static void test_every_object_access_id_and_field_is_explained(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof OBJECT_ACCESS_IDS / sizeof OBJECT_ACCESS_IDS[0]; i++) {
		uint16_t id = OBJECT_ACCESS_IDS[i];
		assert_true(event_is_object_access(id));
		const struct explain_event *e = explain_event_find(id);
		if (!e)
			fail_msg("no explanation for %u", id);
		assert_int_equal(e->id, id);
		assert_true(strlen(e->meaning) > 10 && strlen(e->limits) > 10 && strlen(e->logged_by) > 3);
		char fields[1024];
		snprintf(fields, sizeof fields, "%s", e->fields);
		for (char *f = strtok(fields, " "); f; f = strtok(NULL, " "))
			if (!explain_field(f))
				fail_msg("event %u: field %s has no description", id, f);
	}
	assert_null(explain_event_find(4624));
	assert_null(explain_field("NoSuchField"));
	/* exact case first: OldSd (object) and OldSD (share) differ */
	assert_string_not_equal(explain_field("OldSd"), explain_field("OldSD"));
}

static void test_limits_say_what_an_event_cannot_tell(void **state)
{
	(void)state;
	assert_non_null(strstr(explain_event_find(560)->limits, "rights granted, not rights used"));
	assert_non_null(strstr(explain_event_find(560)->limits, "567"));
	assert_non_null(strstr(explain_event_find(4658)->limits, "Handle Manipulation"));
	assert_non_null(strstr(explain_event_find(4656)->limits, "not rights used"));
	assert_non_null(strstr(explain_event_find(4663)->limits, "a write was attempted with a handle"));
	assert_non_null(strstr(explain_event_find(5145)->limits, "not the operation"));
	assert_non_null(strstr(explain_event_find(567)->limits, "never for access through a share"));
	assert_non_null(strstr(explain_event_find(5140)->meaning, "once per session"));
}

static void test_real_4663_shows_values_opener_and_missing_close(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	load_into(&st, DATA("mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx"), 0, 1, NULL);
	assert_int_equal(correlate_all(&st), 0);
	struct lines l = {0};
	size_t n = explain_event_lines(&st, find_record(&st, 67797), 0, collect, &l);
	assert_true(n > 10);
	assert_non_null(strstr(l.text, "4663: An attempt was made to access an object (success)"));
	assert_non_null(strstr(l.text, "  HandleId: 0xf0\n"));
	assert_non_null(strstr(l.text, "  ProcessName: C:\\Windows\\System32\\rundll32.exe\n"));
	assert_non_null(strstr(l.text, "  AccessMask: 0x10\n"));
	assert_non_null(strstr(l.text, "Read from process memory"));
	assert_non_null(strstr(l.text, "Opened by record #67796"));
	assert_non_null(strstr(l.text, "No close seen"));
	/* a field the store does not keep is said to be so, not shown empty */
	assert_non_null(strstr(l.text, "  ResourceAttributes: (not kept by oaview)\n"));

	struct lines open = {0};
	explain_event_lines(&st, find_record(&st, 67793), 0, collect, &open);
	assert_non_null(strstr(open.text, "Granted; 1 operation event"));
	store_free(&st);
}

static void test_failed_open_is_explained_as_denied(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	load_into(&st, DATA("mdc_ID4656-Failed_sethc_replacement_by_CMD.evtx"), 0, 1, NULL);
	assert_int_equal(correlate_all(&st), 0);
	struct lines l = {0};
	explain_event_lines(&st, 0, 0, collect, &l);
	assert_non_null(strstr(l.text, "(failure)"));
	assert_non_null(strstr(l.text, "Denied"));
	assert_null(strstr(l.text, "No close seen"));
	store_free(&st);
}

static void test_permissions_change_names_the_changed_part(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	load_into(&st, DATA("mdc_ID4688-5447-4950-Firewall_disabled_command.evtx"), 0, 1, NULL);
	assert_int_equal(correlate_all(&st), 0);
	struct lines l = {0};
	explain_event_lines(&st, find_record(&st, 1966592), 0, collect, &l);
	assert_non_null(strstr(l.text, "  OldSd: D:(A;;GA;;;SY)(A;;GA;;;NS)\n"));
	assert_non_null(strstr(l.text, "Changed: the DACL (permissions)."));
	store_free(&st);
}


static void test_legacy_share_open_names_client_and_missing_567(void **state)
{
	(void)state;
	/* a fixture from the documented layout: no real 56x log is public */
	char path[] = "/tmp/oaview-explain-legacy-XXXXXX";
	const struct legacy_event ev[] = {
		LEGACY_EVENT(560, "DC1", legacy_560_share),
		LEGACY_EVENT(562, "DC1", legacy_562_share),
	};
	legacy_write_evt(path, ev, LEGACY_N(ev));
	struct store st;
	store_init(&st);
	load_into(&st, path, 0, 1, NULL);
	unlink(path);
	assert_int_equal(correlate_all(&st), 0);
	struct lines l = {0};
	explain_event_lines(&st, find_record(&st, 1), 0, collect, &l);
	assert_non_null(strstr(l.text, "  HandleId: 1744\n"));          /* decimal, as logged */
	assert_non_null(strstr(l.text, "  PrimaryUserName: CORP\\DC1$\n"));
	assert_non_null(strstr(l.text, "  ClientUserName: support.engineer\n"));
	assert_non_null(strstr(l.text, "on behalf of the network client CORP\\support.engineer"));
	assert_non_null(strstr(l.text, "No 567 between this open and its close"));
	store_free(&st);
}

static void test_lines_are_wrapped_to_the_width(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	load_into(&st, DATA("mdc_ID4688-5145-WMIexec_execution_via_SMB.evtx"), 0, 1, NULL);
	assert_int_equal(correlate_all(&st), 0);
	struct lines l = {0};
	explain_event_lines(&st, find_record(&st, 436761), 40, collect, &l);
	assert_true(l.widest <= 40);
	unwrap(&l);
	assert_non_null(strstr(l.text, "not proven done"));
	assert_non_null(strstr(l.text, "RelativeTargetName: __1619090610.0007844"));
	struct lines id = {0};
	assert_true(explain_id_lines(4690, 30, collect, &id) > 5);
	assert_true(id.widest <= 30);
	assert_int_equal(id.notes, 0);
	store_free(&st);
}

static void test_log_text_is_sanitised(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	assert_int_equal(store_add_source(&st, "built"), 0);
	struct record rec;
	record_clear(&rec);
	rec.number = 1;
	rec.event_id = 4663;
	rec.outcome = OUTCOME_SUCCESS;
	rec.computer = "H";
	record_add(&rec, "ObjectType", "File");
	record_add(&rec, "ObjectName", "C:\\evil\x1b[2J\x1b]0;pwned\x07.txt");
	record_add(&rec, "HandleId", "0x10");
	record_add(&rec, "ProcessId", "0x20");
	assert_int_not_equal(store_append(&st, &rec, 0, NULL), EVENT_NONE);
	assert_int_equal(correlate_all(&st), 0);
	struct lines l = {0};
	explain_event_lines(&st, 0, 0, collect, &l);
	assert_null(strchr(l.text, '\x1b'));
	assert_null(strchr(l.text, '\x07'));
	assert_non_null(strstr(l.text, "C:\\evil"));
	store_free(&st);
}

static void test_unknown_id_says_there_is_no_explanation(void **state)
{
	(void)state;
	struct lines l = {0};
	explain_id_lines(4624, 0, collect, &l);
	assert_non_null(strstr(l.text, "no explanation"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_object_access_id_and_field_is_explained),
		cmocka_unit_test(test_limits_say_what_an_event_cannot_tell),
		cmocka_unit_test(test_real_4663_shows_values_opener_and_missing_close),
		cmocka_unit_test(test_failed_open_is_explained_as_denied),
		cmocka_unit_test(test_permissions_change_names_the_changed_part),
		cmocka_unit_test(test_legacy_share_open_names_client_and_missing_567),
		cmocka_unit_test(test_lines_are_wrapped_to_the_width),
		cmocka_unit_test(test_log_text_is_sanitised),
		cmocka_unit_test(test_unknown_id_says_there_is_no_explanation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
