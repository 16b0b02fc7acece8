/* test_print.c - the headless output contract: JSON fields and types, CSV
 * quoting, text sanitising, invalid UTF-8. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>

#include "correlate.h"
#include "print.h"

static struct store st;

static uint32_t add(uint64_t number, uint32_t id, const char *name, const char *handle, const char *user)
{
	struct record rec;
	record_clear(&rec);
	rec.number = number;
	rec.event_id = id;
	rec.outcome = OUTCOME_SUCCESS;
	rec.computer = "FS01";
	rec.time = 132792137505425177LL; /* 2021-10-20T14:29:10.5425177Z */
	record_add(&rec, "SubjectUserName", user);
	record_add(&rec, "SubjectDomainName", "CORP");
	record_add(&rec, "SubjectLogonId", "0x38d34");
	record_add(&rec, "ObjectType", "File");
	if (name)
		record_add(&rec, "ObjectName", name);
	record_add(&rec, "HandleId", handle);
	record_add(&rec, "ProcessId", "0x1f4");
	record_add(&rec, "ProcessName", "C:\\Program Files\\EXCEL.EXE");
	if (id != 4658)
		record_add(&rec, "AccessMask", "0x6");
	uint32_t i = store_append(&st, &rec, 0, NULL);
	assert_int_not_equal(i, EVENT_NONE);
	return i;
}

static char *render(int format, uint32_t index)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct printer p = {f, format, 0};
	assert_int_equal(print_event(&p, &st, index), 0);
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	(void)state;
	store_init(&st);
	store_add_source(&st, "Security.evtx");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_free(&st);
	return 0;
}

static void test_jsonl_has_contract_fields(void **state)
{
	(void)state;
	uint32_t o = add(1234, 4656, "C:\\Finance\\Q3.xlsx", "0x1a4", "alice");
	uint32_t c = add(1240, 4658, NULL, "0x1a4", "alice");
	assert_int_equal(correlate_all(&st), 0);
	char *line = render(PRINT_JSONL, c);
	const char *expect =
		"{\"source\":\"Security.evtx\",\"record\":1240,\"time\":\"2021-10-20T14:29:10.5425177Z\","
		"\"computer\":\"FS01\",\"provider\":null,\"event_id\":4658,\"outcome\":\"success\",\"user\":\"alice\","
		"\"domain\":\"CORP\",\"sid\":null,\"logon_id\":\"0x38d34\",\"object_server\":null,"
		"\"object_type\":\"File\",\"object_name\":null,"
		"\"resolved_name\":\"C:\\\\Finance\\\\Q3.xlsx\",\"name_from_open\":true,"
		"\"handle_id\":\"0x1a4\",\"process_id\":\"0x1f4\","
		"\"process_name\":\"C:\\\\Program Files\\\\EXCEL.EXE\",\"access_mask\":null,"
		"\"accesses\":[],\"privileges\":null,\"share_name\":null,\"ip_address\":null,"
		"\"open_record\":1234,\"close_record\":1240,\"decodable\":true}\n";
	assert_string_equal(line, expect);
	free(line);
	line = render(PRINT_JSONL, o);
	assert_non_null(strstr(line, "\"access_mask\":\"0x6\",\"accesses\":[\"WriteData (or AddFile)\","
				     "\"AppendData (or AddSubdirectory or CreatePipeInstance)\"]"));
	assert_non_null(strstr(line, "\"object_name\":\"C:\\\\Finance\\\\Q3.xlsx\""));
	free(line);
}

static void test_json_escapes_controls_and_invalid_utf8(void **state)
{
	(void)state;
	uint32_t i = add(1, 4663, "a\"b\x1b[2J\xff\xc3\xbc\n", "0x1", "bob");
	char *line = render(PRINT_JSONL, i);
	assert_non_null(strstr(line, "\"object_name\":\"a\\\"b\\u001b[2J\\ufffd\xc3\xbc\\n\""));
	assert_null(strchr(line, 0x1b));
	free(line);
}

static void test_csv_quotes_and_guards_formulas(void **state)
{
	(void)state;
	uint32_t i = add(7, 4663, "=HYPERLINK(\"x\")", "0x1", "bob");
	char *out = render(PRINT_CSV, i);
	assert_true(strncmp(out, "source,record,time,", 19) == 0);
	assert_non_null(strstr(out, "\"'=HYPERLINK(\"\"x\"\")\""));
	assert_non_null(strstr(out, "\"WriteData (or AddFile);AppendData (or AddSubdirectory or CreatePipeInstance)\""));
	free(out);
}

static void test_text_is_sanitised_and_shows_links(void **state)
{
	(void)state;
	add(10, 4656, "C:\\evil\x1b]0;title\x07.txt", "0x8", "eve");
	uint32_t u = add(11, 4663, "C:\\evil\x1b]0;title\x07.txt", "0x8", "eve");
	assert_int_equal(correlate_all(&st), 0);
	char *out = render(PRINT_TEXT, u);
	assert_null(strchr(out, 0x1b));
	assert_null(strchr(out, 0x07));
	assert_non_null(strstr(out, "C:\\evil\\e]0;title\\x07.txt"));
	assert_non_null(strstr(out, "WriteData,AppendData"));
	assert_non_null(strstr(out, "[opened by #10, close not audited]"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jsonl_has_contract_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_escapes_controls_and_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_quotes_and_guards_formulas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_is_sanitised_and_shows_links, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
