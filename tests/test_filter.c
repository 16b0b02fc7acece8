/* test_filter.c - filter expressions: grammar, every field, errors, limits.
 *
 * Events are built the way readers build them: a struct record of
 * name/value pairs handed to store_append, so the tests also pin which data
 * names each field reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "filter.h"
#include "record.h"
#include "store.h"

struct fixture {
	struct store st;
	uint32_t open_4656;   /* alice opens report.docx for read */
	uint32_t write_4663;  /* alice writes report.docx */
	uint32_t close_4658;  /* the close: no name of its own */
	uint32_t failed_4656; /* bob is denied Program Files\app.exe */
	uint32_t share_5145;  /* carol checks a file through a share */
	uint32_t legacy_567;  /* Windows 2003, decimal handle */
	uint32_t key_4663;    /* a registry key, mask 0x1 = QueryKeyValue */
	uint32_t delete_4663; /* DELETE on a file */
};

/* Ends the name/value list of add_event: a bare NULL may be an int. */
#define END_PAIRS ((const char *)NULL)

/* Append an event; the variadic part is name, value, ..., END_PAIRS. */
static uint32_t add_event(struct store *st, uint64_t number, uint32_t event_id,
			  uint8_t outcome, int source, ...)
{
	struct record rec;
	va_list ap;
	const char *name;
	uint32_t index;
	int oom = 0;

	record_clear(&rec);
	rec.number = number;
	rec.event_id = event_id;
	rec.outcome = outcome;
	rec.computer = "FS01.contoso.local";
	rec.channel = "Security";
	va_start(ap, source);
	while ((name = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);
		record_add(&rec, name, value);
	}
	va_end(ap);
	index = store_append(st, &rec, (uint16_t)source, &oom);
	assert_int_equal(oom, 0);
	assert_int_not_equal(index, EVENT_NONE);
	return index;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	struct store *st;
	int src_security, src_legacy;

	assert_non_null(fx);
	st = &fx->st;
	store_init(st);
	src_security = store_add_source(st, "/cases/fs01/Security.evtx");
	src_legacy = store_add_source(st, "/cases/old/SecEvent.Evt");
	assert_int_equal(src_security, 0);
	assert_int_equal(src_legacy, 1);

	fx->open_4656 = add_event(st, 100, 4656, OUTCOME_SUCCESS, 0,
		"SubjectUserSid", "S-1-5-21-1111-2222-3333-1104",
		"SubjectUserName", "alice",
		"SubjectDomainName", "CONTOSO",
		"SubjectLogonId", "0x3e7a1",
		"ObjectServer", "Security",
		"ObjectType", "File",
		"ObjectName", "C:\\Users\\alice\\Report.docx",
		"HandleId", "0x1a4",
		"AccessMask", "0x1",
		"ProcessId", "0x1f3c",
		"ProcessName", "C:\\Program Files\\Microsoft Office\\WINWORD.EXE",
		END_PAIRS);
	fx->write_4663 = add_event(st, 101, 4663, OUTCOME_SUCCESS, 0,
		"SubjectUserSid", "S-1-5-21-1111-2222-3333-1104",
		"SubjectUserName", "alice",
		"SubjectDomainName", "CONTOSO",
		"SubjectLogonId", "0x3e7a1",
		"ObjectServer", "Security",
		"ObjectType", "File",
		"ObjectName", "C:\\Users\\alice\\Report.docx",
		"HandleId", "0x1a4",
		"AccessMask", "0x2",
		"ProcessId", "0x1f3c",
		"ProcessName", "C:\\Program Files\\Microsoft Office\\WINWORD.EXE",
		END_PAIRS);
	fx->close_4658 = add_event(st, 102, 4658, OUTCOME_SUCCESS, 0,
		"SubjectUserName", "alice",
		"SubjectDomainName", "CONTOSO",
		"ObjectServer", "Security",
		"HandleId", "0x1a4",
		"ProcessId", "0x1f3c",
		"ProcessName", "C:\\Program Files\\Microsoft Office\\WINWORD.EXE",
		END_PAIRS);
	/* What the correlator would link: the close names its opener. */
	store_event(st, fx->close_4658)->open_ref = fx->open_4656;

	fx->failed_4656 = add_event(st, 103, 4656, OUTCOME_FAILURE, 0,
		"SubjectUserSid", "S-1-5-21-1111-2222-3333-1107",
		"SubjectUserName", "bob",
		"SubjectDomainName", "CONTOSO",
		"SubjectLogonId", "0x51a2b",
		"ObjectServer", "Security",
		"ObjectType", "File",
		"ObjectName", "C:\\Program Files\\App\\app.exe",
		"HandleId", "0x0",
		"AccessMask", "0x10000",
		"ProcessId", "0x4d0",
		"ProcessName", "C:\\Windows\\System32\\cmd.exe",
		END_PAIRS);
	fx->share_5145 = add_event(st, 104, 5145, OUTCOME_SUCCESS, 0,
		"SubjectUserSid", "S-1-5-21-1111-2222-3333-1109",
		"SubjectUserName", "carol",
		"SubjectDomainName", "CONTOSO",
		"ObjectType", "File",
		"IpAddress", "10.0.4.17",
		"ShareName", "\\\\*\\Finance",
		"ShareLocalPath", "\\??\\D:\\Shares\\Finance",
		"RelativeTargetName", "Q3\\budget.xlsx",
		"AccessMask", "0x1",
		END_PAIRS);
	/* Legacy 567 as built from the documented insertion-string layout
	 * (no real 567 log is public): decimal handle and process ids. */
	fx->legacy_567 = add_event(st, 20, 567, OUTCOME_SUCCESS, 1,
		"ObjectServer", "Security",
		"HandleId", "20084",
		"ObjectType", "File",
		"ProcessId", "1234",
		"ImageFileName", "C:\\WINDOWS\\explorer.exe",
		"AccessMask", "0x2",
		END_PAIRS);
	fx->key_4663 = add_event(st, 105, 4663, OUTCOME_SUCCESS, 0,
		"SubjectUserName", "dave",
		"SubjectDomainName", "CONTOSO",
		"ObjectServer", "Security",
		"ObjectType", "Key",
		"ObjectName", "\\REGISTRY\\MACHINE\\SOFTWARE\\Contoso",
		"HandleId", "0x2c0",
		"AccessMask", "0x1",
		"ProcessId", "0x1f3c",
		END_PAIRS);
	fx->delete_4663 = add_event(st, 106, 4663, OUTCOME_SUCCESS, 0,
		"SubjectUserName", "alice",
		"SubjectDomainName", "CONTOSO",
		"ObjectType", "File",
		"ObjectName", "C:\\Users\\alice\\old_docx",
		"HandleId", "0x1b0",
		"AccessMask", "0x10000",
		"ProcessId", "0x1f3c",
		END_PAIRS);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	store_free(&fx->st);
	free(fx);
	return 0;
}

static struct filter *compile_ok(const char *expr)
{
	char err[512];
	struct filter *f = filter_compile(expr, err, sizeof err);

	if (!f)
		fail_msg("filter_compile(\"%s\") failed: %s", expr, err);
	return f;
}

/* The indexes of the fixture events that expr matches, as a bit set. */
static unsigned matching(struct fixture *fx, const char *expr)
{
	struct filter *f = compile_ok(expr);
	unsigned bits = 0;

	for (uint32_t i = 0; i < fx->st.count; i++)
		if (filter_match(f, &fx->st, i))
			bits |= 1u << i;
	filter_free(f);
	return bits;
}

static int matches(struct fixture *fx, const char *expr, uint32_t index)
{
	return (matching(fx, expr) >> index) & 1u;
}

#define BIT(i) (1u << (i))

static void compile_fails(const char *expr, char *err, size_t errlen)
{
	struct filter *f = filter_compile(expr, err, errlen);

	if (f) {
		filter_free(f);
		fail_msg("filter_compile(\"%s\") should have failed", expr);
	}
	assert_null(strchr(err, '\n'));
}

/* --- grammar and errors ------------------------------------------------------ */

static void test_empty_expression_is_an_error(void **state)
{
	char err[128];

	(void)state;
	compile_fails("", err, sizeof err);
	assert_string_equal(err, "empty filter");
	compile_fails(" \t ", err, sizeof err);
	assert_string_equal(err, "empty filter");
	compile_fails(NULL, err, sizeof err);
	assert_string_equal(err, "empty filter");
}

static void test_unknown_field_error_lists_valid_fields(void **state)
{
	char err[512];

	(void)state;
	compile_fails("color:red", err, sizeof err);
	assert_non_null(strstr(err, "filter 'color:red': unknown field 'color'"));
	assert_non_null(strstr(err, "user, domain, sid, computer, name, object, type, process, "
				    "server, share, ip, id, outcome, access, handle, pid, logon, "
				    "source, record, text"));
}

static void test_bad_regex_error_names_filter_and_offset(void **state)
{
	char err[512];

	(void)state;
	compile_fails("user:(", err, sizeof err);
	assert_string_equal(err, "filter 'user:(': missing closing parenthesis at offset 1");
	/* In a longer filter the bad term is named as well. */
	compile_fails("id:4663 name:a[", err, sizeof err);
	assert_string_equal(err, "filter 'id:4663 name:a[': term 'name:a[': "
				 "missing terminating ] for character class at offset 2");
}

static void test_error_message_stays_on_one_line(void **state)
{
	char err[512];

	(void)state;
	compile_fails("name:a\x01(", err, sizeof err);
	for (const char *p = err; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	assert_non_null(strstr(err, "missing closing parenthesis"));
}

static void test_small_error_buffer_is_truncated_safely(void **state)
{
	char err[16];

	(void)state;
	memset(err, 'x', sizeof err);
	compile_fails("color:red", err, sizeof err);
	assert_int_equal(strlen(err), sizeof err - 1);
	assert_null(filter_compile("color:red", NULL, 0));
}

static void test_field_needs_a_value(void **state)
{
	char err[256];

	(void)state;
	compile_fails("name:", err, sizeof err);
	assert_non_null(strstr(err, "'name:' needs a value"));
	compile_fails("id:4663 !", err, sizeof err);
	assert_non_null(strstr(err, "'!' must be followed by a term"));
	compile_fails("\"\"", err, sizeof err);
	assert_non_null(strstr(err, "empty regex"));
}

static void test_unterminated_quote_is_an_error(void **state)
{
	char err[256];

	(void)state;
	compile_fails("name:\"Program Files", err, sizeof err);
	assert_string_equal(err, "filter 'name:\"Program Files': unterminated quote");
}

static void test_filter_text_returns_the_expression(void **state)
{
	struct filter *f;

	(void)state;
	f = compile_ok("  user:alice   id:4663 ");
	assert_string_equal(filter_text(f), "  user:alice   id:4663 ");
	filter_free(f);
	filter_free(NULL);
}

static void test_field_names_are_case_insensitive(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(matching(fx, "USER:bob"), BIT(fx->failed_4656));
	assert_int_equal(matching(fx, "Id:4658"), BIT(fx->close_4658));
}

/* --- text fields ---------------------------------------------------------------- */

static void test_user_matches_bare_name_and_domain_qualified(void **state)
{
	struct fixture *fx = *state;
	unsigned alice = BIT(fx->open_4656) | BIT(fx->write_4663) | BIT(fx->close_4658) |
			 BIT(fx->delete_4663);

	assert_int_equal(matching(fx, "user:alice"), alice);
	assert_int_equal(matching(fx, "user:^alice$"), alice);
	/* The regex ^contoso\\alice$ : one literal backslash. */
	assert_int_equal(matching(fx, "user:^contoso\\\\alice$"), alice);
	assert_int_equal(matching(fx, "user:^contoso\\\\bob$"), BIT(fx->failed_4656));
	/* The domain alone is not the user field. */
	assert_int_equal(matching(fx, "user:^contoso$"), 0);
}

static void test_text_fields_match_their_own_field_only(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(matching(fx, "domain:^contoso$"),
			 matching(fx, "user:.") & ~BIT(fx->legacy_567));
	assert_int_equal(matching(fx, "sid:-1107$"), BIT(fx->failed_4656));
	assert_true(matches(fx, "computer:^fs01\\.", fx->legacy_567));
	assert_int_equal(matching(fx, "name:app\\.exe$"), BIT(fx->failed_4656));
	assert_int_equal(matching(fx, "type:^key$"), BIT(fx->key_4663));
	assert_int_equal(matching(fx, "process:cmd\\.exe$"), BIT(fx->failed_4656));
	assert_int_equal(matching(fx, "process:explorer"), BIT(fx->legacy_567));
	assert_int_equal(matching(fx, "server:^security$"),
			 BIT(fx->open_4656) | BIT(fx->write_4663) | BIT(fx->close_4658) |
			 BIT(fx->failed_4656) | BIT(fx->legacy_567) | BIT(fx->key_4663));
	assert_int_equal(matching(fx, "share:finance"), BIT(fx->share_5145));
	assert_int_equal(matching(fx, "ip:^10\\.0\\.4\\.17$"), BIT(fx->share_5145));
	assert_int_equal(matching(fx, "source:\\.evt$"), BIT(fx->legacy_567));
	/* "alice" is in names and users, but no process matches it. */
	assert_int_equal(matching(fx, "process:alice"), 0);
	/* An absent field is the empty string. */
	assert_int_equal(matching(fx, "ip:^$"), ~BIT(fx->share_5145) & (BIT(fx->st.count) - 1));
}

static void test_name_backslash_is_a_regex_escape(void **state)
{
	struct fixture *fx = *state;

	/* name:\.docx$ is the regex \.docx$ : a literal dot. */
	assert_int_equal(matching(fx, "name:\\.docx$"),
			 BIT(fx->open_4656) | BIT(fx->write_4663));
	/* Without the escape the dot matches the '_' of old_docx. */
	assert_true(matches(fx, "name:.docx$", fx->delete_4663));
	assert_int_equal(matching(fx, "name:^c:\\\\users\\\\alice\\\\"),
			 BIT(fx->open_4656) | BIT(fx->write_4663) | BIT(fx->delete_4663));
}

static void test_object_uses_own_name_then_opener_then_share_path(void **state)
{
	struct fixture *fx = *state;

	/* The 4658 has no name: name: misses it, object: borrows the opener's. */
	assert_false(matches(fx, "name:report", fx->close_4658));
	assert_true(matches(fx, "object:report\\.docx$", fx->close_4658));
	assert_true(matches(fx, "object:report\\.docx$", fx->open_4656));
	/* 5145: ShareLocalPath without \??\ joined with RelativeTargetName. */
	assert_int_equal(matching(fx, "object:^d:\\\\shares\\\\finance\\\\q3\\\\budget\\.xlsx$"),
			 BIT(fx->share_5145));
	assert_false(matches(fx, "name:budget", fx->share_5145));
}

static void test_bare_regex_matches_any_text_field(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(matching(fx, "budget"), BIT(fx->share_5145));
	assert_int_equal(matching(fx, "10\\.0\\.4"), BIT(fx->share_5145));
	assert_int_equal(matching(fx, "^cmd|system32"), BIT(fx->failed_4656));
	assert_int_equal(matching(fx, "zzz-nowhere"), 0);
	/* Joined user and borrowed names are text the event shows. */
	assert_int_equal(matching(fx, "contoso\\\\bob"), BIT(fx->failed_4656));
	assert_true(matches(fx, "report\\.docx", fx->close_4658));
	assert_int_equal(matching(fx, "budget"), matching(fx, "text:budget"));
	assert_int_equal(matching(fx, "contoso\\\\bob"), matching(fx, "text:contoso\\\\bob"));
}

static void test_bare_regex_with_colon_must_be_quoted(void **state)
{
	struct fixture *fx = *state;
	char err[512];

	compile_fails("C:\\\\App", err, sizeof err);
	assert_non_null(strstr(err, "unknown field 'C'"));
	assert_non_null(strstr(err, "quote a regex that contains ':'"));
	assert_int_equal(matching(fx, "\"C:\\\\Program Files\\\\App\""), BIT(fx->failed_4656));
}

static void test_smart_case_is_caseless_unless_pattern_has_upper_case(void **state)
{
	struct fixture *fx = *state;
	unsigned report = BIT(fx->open_4656) | BIT(fx->write_4663);

	assert_int_equal(matching(fx, "name:report"), report);
	assert_int_equal(matching(fx, "name:Report"), report);
	assert_int_equal(matching(fx, "name:REPORT"), 0);
	assert_int_equal(matching(fx, "process:winword"), matching(fx, "process:WINWORD"));
	assert_int_equal(matching(fx, "process:Winword"), 0);
	/* Upper-case regex syntax is not text: \S, \W, \p{Lu} stay caseless. */
	assert_int_equal(matching(fx, "name:\\\\\\S+report\\W"), report);
	assert_int_equal(matching(fx, "name:\\\\\\p{Lu}eport"), report);
	/* ... and an inline option can always override. */
	assert_int_equal(matching(fx, "name:(?-i)report"), 0);
}

static void test_quoted_value_may_hold_spaces(void **state)
{
	struct fixture *fx = *state;
	unsigned app = BIT(fx->failed_4656);

	assert_int_equal(matching(fx, "name:\"program files\""), app);
	assert_int_equal(matching(fx, "name:\"Program Files\\\\App\""), app);
	/* A backslashed space does not end the term either. */
	assert_int_equal(matching(fx, "name:program\\ files"), app);
	/* A quoted whole term is a bare regex. */
	assert_int_equal(matching(fx, "\"program files\\\\app\""), app);
	/* Several quoted terms, ANDed. */
	assert_int_equal(matching(fx, "process:\"program files\" name:\"alice\\\\report\""),
			 BIT(fx->open_4656) | BIT(fx->write_4663));
	/* \" inside quotes is a quote, not the end of the value. */
	assert_int_equal(matching(fx, "!name:\"say \\\"hi\\\"\" id:4663"),
			 BIT(fx->write_4663) | BIT(fx->key_4663) | BIT(fx->delete_4663));
}

/* --- numbers ------------------------------------------------------------------------------ */

static void test_id_takes_lists_and_ranges(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(matching(fx, "id:4663"),
			 BIT(fx->write_4663) | BIT(fx->key_4663) | BIT(fx->delete_4663));
	assert_int_equal(matching(fx, "id:4656,4658"),
			 BIT(fx->open_4656) | BIT(fx->close_4658) | BIT(fx->failed_4656));
	assert_int_equal(matching(fx, "id:560-567"), BIT(fx->legacy_567));
	assert_int_equal(matching(fx, "id:560-567,5140-5145"),
			 BIT(fx->legacy_567) | BIT(fx->share_5145));
	assert_int_equal(matching(fx, "id:4660"), 0);
}

static void test_id_rejects_what_is_not_an_id_list(void **state)
{
	char err[256];

	(void)state;
	compile_fails("id:46x3", err, sizeof err);
	assert_string_equal(err, "filter 'id:46x3': '46x3' is not an event id or range "
				 "(id:4656,4663 or id:560-567)");
	compile_fails("id:567-560", err, sizeof err);
	assert_non_null(strstr(err, "'567-560' is not an event id or range"));
	compile_fails("id:4656,,4663", err, sizeof err);
	assert_non_null(strstr(err, "'' is not an event id"));
	compile_fails("id:70000", err, sizeof err);
	assert_non_null(strstr(err, "event id 70000 is out of range"));
}

static void test_outcome_is_success_or_failure(void **state)
{
	struct fixture *fx = *state;
	char err[256];

	assert_int_equal(matching(fx, "outcome:failure"), BIT(fx->failed_4656));
	assert_int_equal(matching(fx, "outcome:SUCCESS"),
			 ~BIT(fx->failed_4656) & (BIT(fx->st.count) - 1));
	compile_fails("outcome:denied", err, sizeof err);
	assert_string_equal(err, "filter 'outcome:denied': outcome is success or failure, "
				 "not 'denied'");
}

static void test_handle_hex_and_decimal_compare_as_numbers(void **state)
{
	struct fixture *fx = *state;
	unsigned h1a4 = BIT(fx->open_4656) | BIT(fx->write_4663) | BIT(fx->close_4658);
	char err[256];

	assert_int_equal(matching(fx, "handle:0x1a4"), h1a4);
	assert_int_equal(matching(fx, "handle:0x01A4"), h1a4);
	assert_int_equal(matching(fx, "handle:420"), h1a4);
	assert_int_equal(matching(fx, "handle:421"), 0);
	/* Legacy ids are decimal in the event; the filter may say either. */
	assert_int_equal(matching(fx, "handle:20084"), BIT(fx->legacy_567));
	assert_int_equal(matching(fx, "handle:0x4e74"), BIT(fx->legacy_567));
	assert_int_equal(matching(fx, "handle:0x1a0-0x1b0"), h1a4 | BIT(fx->delete_4663));
	/* The failed open's handle 0x0 is a handle like any other. */
	assert_int_equal(matching(fx, "handle:0"), BIT(fx->failed_4656));
	compile_fails("handle:1a4", err, sizeof err);
	assert_non_null(strstr(err, "'1a4' is not a number or range"));
}

static void test_pid_logon_and_record_are_numbers(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(matching(fx, "pid:0x4d0"), BIT(fx->failed_4656));
	assert_int_equal(matching(fx, "pid:1232"), BIT(fx->failed_4656));
	assert_int_equal(matching(fx, "pid:1234"), BIT(fx->legacy_567));
	assert_int_equal(matching(fx, "logon:0x51a2b"), BIT(fx->failed_4656));
	/* No logon id in the event: a logon filter never matches it. */
	assert_false(matches(fx, "logon:0-0xffffffffffffffff", fx->share_5145));
	assert_int_equal(matching(fx, "record:104"), BIT(fx->share_5145));
	assert_int_equal(matching(fx, "record:20,100-101"),
			 BIT(fx->legacy_567) | BIT(fx->open_4656) | BIT(fx->write_4663));
}

/* --- access --------------------------------------------------------------------------- */

static void test_access_matches_classes(void **state)
{
	struct fixture *fx = *state;

	/* 0x2 on a File is WriteData. */
	assert_true(matches(fx, "access:write", fx->write_4663));
	assert_false(matches(fx, "access:read", fx->write_4663));
	assert_true(matches(fx, "access:read", fx->open_4656));
	assert_true(matches(fx, "access:delete", fx->failed_4656));
	assert_true(matches(fx, "access:delete", fx->delete_4663));
	/* A comma list is any of them. */
	assert_true(matches(fx, "access:read,write", fx->write_4663));
	assert_true(matches(fx, "access:read,write", fx->open_4656));
	assert_false(matches(fx, "access:execute,perms", fx->write_4663));
	/* No mask at all: a 4658 never matches an access filter. */
	assert_false(matches(fx, "access:read,write,delete", fx->close_4658));
	assert_true(matches(fx, "access:WRITE", fx->legacy_567));
}

static void test_access_matches_right_names_by_object_type(void **state)
{
	struct fixture *fx = *state;

	assert_true(matches(fx, "access:WriteData", fx->write_4663));
	assert_true(matches(fx, "access:writedata", fx->write_4663));
	/* The directory meaning of the same bit counts: "WriteData (or AddFile)". */
	assert_true(matches(fx, "access:AddFile", fx->write_4663));
	assert_false(matches(fx, "access:AddSubdirectory", fx->write_4663));
	assert_false(matches(fx, "access:ReadData", fx->write_4663));
	assert_true(matches(fx, "access:ReadData", fx->open_4656));
	/* Bit 0x1 of a Key is QueryKeyValue, not ReadData: the type decides. */
	assert_false(matches(fx, "access:ReadData", fx->key_4663));
	assert_true(matches(fx, "access:QueryValue", fx->key_4663));
	assert_true(matches(fx, "access:DELETE", fx->delete_4663));
	assert_true(matches(fx, "access:perms,WriteData", fx->write_4663));
}

static void test_access_rejects_what_is_not_a_name(void **state)
{
	char err[256];

	(void)state;
	compile_fails("access:write-data", err, sizeof err);
	assert_non_null(strstr(err, "'write-data' is neither an access class"));
	compile_fails("access:read,", err, sizeof err);
	assert_non_null(strstr(err, "'' is neither an access class"));
}

/* --- combining -------------------------------------------------------------------------- */

static void test_negation_inverts_a_term(void **state)
{
	struct fixture *fx = *state;
	unsigned all = BIT(fx->st.count) - 1;

	assert_int_equal(matching(fx, "!user:alice"), all & ~matching(fx, "user:alice"));
	assert_int_equal(matching(fx, "!id:4663"), all & ~matching(fx, "id:4663"));
	assert_int_equal(matching(fx, "!outcome:success"), BIT(fx->failed_4656));
	assert_int_equal(matching(fx, "!access:read"), all & ~matching(fx, "access:read"));
}

static void test_terms_are_anded(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(matching(fx, "user:alice id:4663"),
			 BIT(fx->write_4663) | BIT(fx->delete_4663));
	assert_int_equal(matching(fx, "user:alice id:4663 access:write"), BIT(fx->write_4663));
	assert_int_equal(matching(fx, "user:alice\tid:4663   !name:\\.docx$ handle:0x1b0"),
			 BIT(fx->delete_4663));
	assert_int_equal(matching(fx, "user:alice outcome:failure"), 0);
	/* Evaluation order is the filter's business, not the user's. */
	assert_int_equal(matching(fx, "name:report id:4656"), matching(fx, "id:4656 name:report"));
}

static void test_match_out_of_range_index_is_no_match(void **state)
{
	struct fixture *fx = *state;
	struct filter *f = compile_ok("!zzz");

	assert_true(filter_match(f, &fx->st, 0));
	assert_false(filter_match(f, &fx->st, (uint32_t)fx->st.count));
	assert_false(filter_match(f, &fx->st, EVENT_NONE));
	filter_free(f);
}

/* --- limits ----------------------------------------------------------------------- */

static void test_pathological_regex_hits_limit_quickly(void **state)
{
	struct fixture *fx = *state;
	char name[4001];
	struct filter *f;
	struct timespec t0, t1;
	uint32_t index;
	double seconds;

	memset(name, 'a', sizeof name - 2);
	name[sizeof name - 2] = 'b';
	name[sizeof name - 1] = '\0';
	index = add_event(&fx->st, 200, 4663, OUTCOME_SUCCESS, 0,
			  "ObjectType", "File", "ObjectName", name, END_PAIRS);

	f = compile_ok("name:(a+)+$");
	assert_false(filter_limit_hit(f));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_false(filter_match(f, &fx->st, index));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(seconds < 0.5);
	assert_true(filter_limit_hit(f));
	/* The flag stays set; other events still match normally. */
	assert_false(filter_match(f, &fx->st, fx->open_4656));
	assert_true(filter_limit_hit(f));
	filter_free(f);

	/* A sane pattern over the same name does not set the flag. */
	f = compile_ok("name:a+b$");
	assert_true(filter_match(f, &fx->st, index));
	assert_false(filter_limit_hit(f));
	filter_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_expression_is_an_error),
		cmocka_unit_test(test_unknown_field_error_lists_valid_fields),
		cmocka_unit_test(test_bad_regex_error_names_filter_and_offset),
		cmocka_unit_test(test_error_message_stays_on_one_line),
		cmocka_unit_test(test_small_error_buffer_is_truncated_safely),
		cmocka_unit_test(test_field_needs_a_value),
		cmocka_unit_test(test_unterminated_quote_is_an_error),
		cmocka_unit_test(test_filter_text_returns_the_expression),
		cmocka_unit_test(test_id_rejects_what_is_not_an_id_list),
		cmocka_unit_test(test_access_rejects_what_is_not_a_name),
		cmocka_unit_test_setup_teardown(test_field_names_are_case_insensitive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_matches_bare_name_and_domain_qualified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_fields_match_their_own_field_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_backslash_is_a_regex_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_object_uses_own_name_then_opener_then_share_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_regex_matches_any_text_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_regex_with_colon_must_be_quoted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smart_case_is_caseless_unless_pattern_has_upper_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_value_may_hold_spaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_takes_lists_and_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outcome_is_success_or_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_hex_and_decimal_compare_as_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pid_logon_and_record_are_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_matches_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_matches_right_names_by_object_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negation_inverts_a_term, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terms_are_anded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_out_of_range_index_is_no_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pathological_regex_hits_limit_quickly, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
