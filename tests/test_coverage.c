/* test_coverage.c - the audit coverage diagnosis: which subcategories each
 * real sample shows on, the gaps inferred and their cost, and the report's
 * lines and JSON. */
#include "test_util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "correlate.h"
#include "coverage.h"
#include "legacy_fixtures.h"

struct loaded {
	struct store st;
	struct coverage cov;
};

static void load(struct loaded *l, const char *path)
{
	store_init(&l->st);
	load_into(&l->st, path, 0, 1, NULL);
	assert_int_equal(correlate_all(&l->st), 0);
	assert_int_equal(coverage_build(&l->cov, &l->st), 0);
}

static void unload(struct loaded *l)
{
	coverage_free(&l->cov);
	store_free(&l->st);
}

static enum coverage_state state_of(const struct loaded *l, enum coverage_subcategory s)
{
	assert_int_equal(l->cov.nhosts, 1);
	return l->cov.hosts[0].subs[s].state;
}

static int has_finding(const struct coverage_host *h, enum coverage_finding_kind kind)
{
	for (size_t i = 0; i < h->nfindings; i++)
		if (h->findings[i].kind == kind)
			return 1;
	return 0;
}

struct lines {
	char text[65536];
	size_t len;
	int on, none, off, how, findings;
};

static void collect(void *ctx, enum coverage_line kind, const char *text)
{
	struct lines *l = ctx;
	size_t n = strlen(text);
	if (l->len + n + 2 < sizeof l->text) {
		memcpy(l->text + l->len, text, n);
		l->len += n;
		l->text[l->len++] = '\n';
		l->text[l->len] = '\0';
	}
	l->on += kind == COVERAGE_LINE_ON;
	l->none += kind == COVERAGE_LINE_NONE;
	l->off += kind == COVERAGE_LINE_OFF;
	l->how += kind == COVERAGE_LINE_HOW;
	l->findings += kind == COVERAGE_LINE_FINDING;
}

/* ---- real samples ------------------------------------------------------ */

static void test_system_nightmare_has_file_system_registry_and_handles_on(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, DATA("mdc_ID4688_6416_4648-SystemNightMare.evtx"));
	assert_int_equal(state_of(&l, COV_FILE_SYSTEM), COVERAGE_ON);
	assert_int_equal(state_of(&l, COV_REGISTRY), COVERAGE_ON);
	assert_int_equal(state_of(&l, COV_HANDLE_MANIPULATION), COVERAGE_ON);
	assert_int_equal(state_of(&l, COV_KERNEL_OBJECT), COVERAGE_NO_EVIDENCE);
	assert_int_equal(state_of(&l, COV_FILE_SHARE), COVERAGE_NO_EVIDENCE);
	/* PlugPlaySecurityObject: the sample's Task is Other Object Access */
	assert_int_equal(state_of(&l, COV_OTHER_OBJECT), COVERAGE_ON);
	const struct coverage_host *h = &l.cov.hosts[0];
	assert_string_equal(strpool_get(&l.st.pool, h->computer), "fs01.offsec.lan");
	assert_int_equal(h->subs[COV_HANDLE_MANIPULATION].success, 30); /* 20 4658 + 10 4690 */
	assert_int_equal(h->dups, 10);
	assert_false(has_finding(h, FINDING_HANDLE_OFF));
	assert_true(has_finding(h, FINDING_NO_USES));      /* 4656 -> 4658, no 4663 */
	assert_true(has_finding(h, FINDING_UNLINKED));     /* 4690 before its open */
	assert_int_equal(h->unlinked, 20);
	unload(&l);
}

static void test_lsass_dump_has_kernel_object_on_and_handles_off(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, DATA("mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx"));
	assert_int_equal(state_of(&l, COV_KERNEL_OBJECT), COVERAGE_ON);
	assert_int_equal(state_of(&l, COV_HANDLE_MANIPULATION), COVERAGE_OFF);
	assert_int_equal(state_of(&l, COV_DETAILED_FILE_SHARE), COVERAGE_ON);
	assert_int_equal(state_of(&l, COV_FILE_SYSTEM), COVERAGE_NO_EVIDENCE);
	assert_int_equal(state_of(&l, COV_FILE_SHARE), COVERAGE_NO_EVIDENCE);
	const struct coverage_host *h = &l.cov.hosts[0];
	assert_true(has_finding(h, FINDING_HANDLE_OFF));
	assert_true(has_finding(h, FINDING_DETAIL_NO_SHARE));
	assert_true(has_finding(h, FINDING_NETWORK_ONLY));
	assert_false(has_finding(h, FINDING_NO_OPENS));
	struct lines out = {0};
	coverage_lines(&l.cov, &l.st, collect, &out);
	assert_non_null(strstr(out.text, "evidently off"));
	assert_non_null(strstr(out.text, "auditpol /set /subcategory:\"Handle Manipulation\" /success:enable"));
	assert_non_null(strstr(out.text, "close not seen"));
	assert_non_null(strstr(out.text, "{0CCE921D-69AE-11D9-BED3-505054503030}"));
	assert_int_equal(out.off, 1);
	unload(&l);
}

static void test_wmiexec_has_both_share_subcategories_on(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, DATA("mdc_ID4688-5145-WMIexec_execution_via_SMB.evtx"));
	assert_int_equal(state_of(&l, COV_FILE_SHARE), COVERAGE_ON);
	assert_int_equal(state_of(&l, COV_DETAILED_FILE_SHARE), COVERAGE_ON);
	assert_int_equal(state_of(&l, COV_FILE_SYSTEM), COVERAGE_NO_EVIDENCE);
	const struct coverage_host *h = &l.cov.hosts[0];
	assert_int_equal(h->shares, 11);
	assert_int_equal(h->share_checks, 960);
	assert_true(has_finding(h, FINDING_NETWORK_ONLY));
	assert_false(has_finding(h, FINDING_SHARE_NO_DETAIL));
	assert_false(has_finding(h, FINDING_DETAIL_NO_SHARE));
	unload(&l);
}

static void test_sethc_shows_only_failure_auditing(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, DATA("mdc_ID4656-Failed_sethc_replacement_by_CMD.evtx"));
	assert_int_equal(state_of(&l, COV_FILE_SYSTEM), COVERAGE_FAILURE_ONLY);
	const struct coverage_host *h = &l.cov.hosts[0];
	assert_int_equal(h->subs[COV_FILE_SYSTEM].failure, 19);
	assert_true(has_finding(h, FINDING_FAILURE_ONLY));
	assert_false(has_finding(h, FINDING_NO_FAILURES));
	/* failed opens have handle 0: no handle to close, no Handle verdict */
	assert_false(has_finding(h, FINDING_HANDLE_OFF));
	unload(&l);
}

static void test_hidden_user_has_sam_on(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, DATA("mdc_ID472_4728_Hidden_user_creation.evtx"));
	assert_int_equal(state_of(&l, COV_SAM), COVERAGE_ON);
	const struct coverage_host *h = &l.cov.hosts[0];
	/* five 4656 and the 4660 typed through its opener */
	assert_int_equal(h->subs[COV_SAM].success, 6);
	assert_int_equal(h->unattributed, 0);
	assert_true(has_finding(h, FINDING_HANDLE_OFF));
	unload(&l);
}

static void test_firewall_token_4670_is_authorization_policy_change(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, DATA("mdc_ID4688-5447-4950-Firewall_disabled_command.evtx"));
	assert_int_equal(state_of(&l, COV_AUTHZ_POLICY), COVERAGE_ON);
	assert_int_equal(state_of(&l, COV_FILE_SYSTEM), COVERAGE_FAILURE_ONLY);
	struct lines out = {0};
	coverage_lines(&l.cov, &l.st, collect, &out);
	assert_non_null(strstr(out.text, "Authorization Policy Change"));
	/* subcategories without evidence beyond the first seven stay hidden */
	assert_null(strstr(out.text, "Object Access (Windows 2000/XP/2003)"));
	unload(&l);
}

static void test_log_without_object_access_says_so(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, DATA("mdc_ID4-OpenSSH_server_listening.evtx"));
	assert_int_equal(l.cov.nhosts, 0);
	struct lines out = {0};
	coverage_lines(&l.cov, &l.st, collect, &out);
	assert_non_null(strstr(out.text, "No object-access events"));
	unload(&l);
}

static void test_undecodable_records_are_reported(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, DATA("mdc_ID5140-5145-Bloodhound-SharpHound_enumeration_via_SMB.evtx"));
	assert_true(l.cov.not_decodable > 0);
	struct lines out = {0};
	coverage_lines(&l.cov, &l.st, collect, &out);
	assert_non_null(strstr(out.text, "could not be decoded"));
	unload(&l);
}

/* ---- built sequences ------------------------------------------------- */

static struct store st;

static void add(uint64_t number, uint32_t id, const char *computer, const char *type,
		const char *name, const char *handle)
{
	struct record rec;
	record_clear(&rec);
	rec.number = number;
	rec.event_id = id;
	rec.outcome = OUTCOME_SUCCESS;
	rec.computer = computer;
	record_add(&rec, "ProcessId", "0x200");
	record_add(&rec, "HandleId", handle);
	if (type)
		record_add(&rec, "ObjectType", type);
	if (name)
		record_add(&rec, "ObjectName", name);
	record_add(&rec, "AccessMask", "0x2");
	assert_int_not_equal(store_append(&st, &rec, 0, NULL), EVENT_NONE);
}

static void test_4663_without_4656_means_opens_are_not_logged(void **state)
{
	(void)state;
	store_init(&st);
	add(1, 4663, "A", "File", "C:\\x", "0x10");
	add(2, 4663, "A", "Key", "\\REGISTRY\\MACHINE\\SOFTWARE\\x", "0x14");
	add(3, 4663, "B", "File", "C:\\y", "0x10");
	add(4, 4656, "B", "File", "C:\\y", "0x18");
	assert_int_equal(correlate_all(&st), 0);
	struct coverage cov;
	assert_int_equal(coverage_build(&cov, &st), 0);
	assert_int_equal(cov.nhosts, 2);
	const struct coverage_host *a = &cov.hosts[0], *b = &cov.hosts[1];
	assert_string_equal(strpool_get(&st.pool, a->computer), "A");
	assert_true(has_finding(a, FINDING_NO_OPENS));
	assert_int_equal(a->subs[COV_FILE_SYSTEM].state, COVERAGE_ON);
	assert_int_equal(a->subs[COV_REGISTRY].state, COVERAGE_ON);
	/* coverage is per computer */
	assert_false(has_finding(b, FINDING_NO_OPENS));
	assert_true(has_finding(b, FINDING_HANDLE_OFF));
	coverage_free(&cov);
	store_free(&st);
}


static void test_legacy_560_562_without_567_point_to_share_access(void **state)
{
	(void)state;
	/* a fixture from the documented layouts: no real 56x log is public */
	char path[] = "/tmp/oaview-coverage-legacy-XXXXXX";
	const struct legacy_event ev[] = {
		LEGACY_EVENT(560, "DC1", legacy_560_share),
		LEGACY_EVENT(562, "DC1", legacy_562_share),
	};
	legacy_write_evt(path, ev, LEGACY_N(ev));
	struct loaded l;
	load(&l, path);
	unlink(path);
	assert_int_equal(state_of(&l, COV_LEGACY), COVERAGE_ON);
	const struct coverage_host *h = &l.cov.hosts[0];
	assert_true(has_finding(h, FINDING_LEGACY_NO_567));
	assert_int_equal(h->legacy_client_opens, 1);
	struct lines out = {0};
	coverage_lines(&l.cov, &l.st, collect, &out);
	assert_non_null(strstr(out.text, "Object Access (Windows 2000/XP/2003)"));
	assert_non_null(strstr(out.text, "567 is logged only for local access"));
	unload(&l);
}

static void test_jsonl_report_is_one_valid_object_per_line(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, DATA("mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx"));
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(coverage_print(out, PRINT_JSONL, &l.cov, &l.st), 0);
	fclose(out);
	int subs = 0, findings = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		json_error_t err;
		json_t *j = json_loads(line, 0, &err);
		if (!j)
			fail_msg("invalid JSON: %s: %s", err.text, line);
		if (json_object_get(j, "subcategory") && json_object_get(j, "state")) {
			subs++;
			assert_non_null(json_string_value(json_object_get(j, "enable")));
		}
		if (json_object_get(j, "finding"))
			findings++;
		json_decref(j);
	}
	assert_int_equal(subs, COV_ALWAYS_SHOWN);
	assert_int_equal((size_t)findings, l.cov.hosts[0].nfindings);
	free(buf);
	unload(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_nightmare_has_file_system_registry_and_handles_on),
		cmocka_unit_test(test_lsass_dump_has_kernel_object_on_and_handles_off),
		cmocka_unit_test(test_wmiexec_has_both_share_subcategories_on),
		cmocka_unit_test(test_sethc_shows_only_failure_auditing),
		cmocka_unit_test(test_hidden_user_has_sam_on),
		cmocka_unit_test(test_firewall_token_4670_is_authorization_policy_change),
		cmocka_unit_test(test_log_without_object_access_says_so),
		cmocka_unit_test(test_undecodable_records_are_reported),
		cmocka_unit_test(test_4663_without_4656_means_opens_are_not_logged),
		cmocka_unit_test(test_legacy_560_562_without_567_point_to_share_access),
		cmocka_unit_test(test_jsonl_report_is_one_valid_object_per_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
