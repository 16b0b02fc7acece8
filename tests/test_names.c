/* test_names.c - device paths to drives, share paths, number parsing,
 * time formatting and terminal sanitising. */
#include "test_util.h"

#include "names.h"
#include "sanitize.h"
#include "timefmt.h"

static void test_volume_map_maps_matching_device_only(void **state)
{
	(void)state;
	struct volume_map m = {0};
	char err[256], out[256];
	assert_int_equal(volume_map_add(&m, "HarddiskVolume3=C:", err, sizeof err), 0);
	assert_int_equal(volume_map_add(&m, "\\Device\\HarddiskVolume4\\=D:\\", err, sizeof err), 0);
	assert_int_equal(volume_map_apply(&m, "\\Device\\HarddiskVolume3\\Finance\\Q3.xlsx", out, sizeof out), 1);
	assert_string_equal(out, "C:\\Finance\\Q3.xlsx");
	assert_int_equal(volume_map_apply(&m, "\\device\\harddiskvolume4\\x", out, sizeof out), 1);
	assert_string_equal(out, "D:\\x");
	/* Volume30 must not match the Volume3 prefix. */
	assert_int_equal(volume_map_apply(&m, "\\Device\\HarddiskVolume30\\x", out, sizeof out), 0);
	assert_string_equal(out, "\\Device\\HarddiskVolume30\\x");
	assert_int_equal(volume_map_apply(&m, "\\Device\\HarddiskVolume3", out, sizeof out), 1);
	assert_string_equal(out, "C:\\");
}

static void test_volume_map_rejects_bad_specs(void **state)
{
	(void)state;
	struct volume_map m = {0};
	char err[256];
	assert_int_equal(volume_map_add(&m, "HarddiskVolume3", err, sizeof err), -1);
	assert_non_null(strstr(err, "HarddiskVolume3"));
	assert_int_equal(volume_map_add(&m, "=C:", err, sizeof err), -1);
	assert_int_equal(volume_map_add(&m, "Harddisk\\Volume3=C:", err, sizeof err), -1);
	assert_int_equal(m.count, 0);
}

/* DESIGN: 5145 path = ShareLocalPath without \??\ + \ + RelativeTargetName. */
static void test_share_path_join(void **state)
{
	(void)state;
	char out[256];
	names_join_share_path("\\??\\C:\\Finance", "Q3.xlsx", out, sizeof out);
	assert_string_equal(out, "C:\\Finance\\Q3.xlsx");
	names_join_share_path("\\??\\C:\\Finance\\", "\\", out, sizeof out);
	assert_string_equal(out, "C:\\Finance\\");
	names_join_share_path("C:\\Windows", "Temp\\x.dmp", out, sizeof out);
	assert_string_equal(out, "C:\\Windows\\Temp\\x.dmp");
}

static void test_numbers_hex_and_decimal(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(event_parse_number("0x1a4", &v), 1);
	assert_int_equal(v, 0x1a4);
	assert_int_equal(event_parse_number("0x00000000000000dc", &v), 1);
	assert_int_equal(v, 0xdc);
	assert_int_equal(event_parse_number("20084", &v), 1);
	assert_int_equal(v, 20084);
	assert_int_equal(event_parse_number("-", &v), 0);
	assert_int_equal(event_parse_number("", &v), 0);
	assert_int_equal(event_parse_number("0x", &v), 0);
	assert_int_equal(event_parse_number("12ab", &v), 0);
	assert_int_equal(event_parse_number(NULL, &v), 0);
	/* legacy logon ids: (high,low) */
	assert_int_equal(event_parse_number("(0x0,0x13388)", &v), 1);
	assert_int_equal(v, 0x13388);
	assert_int_equal(event_parse_number("(0x1,0x2)", &v), 1);
	assert_int_equal(v, 0x100000002ull);
	assert_int_equal(event_parse_number("(0x1;0x2)", &v), 0);
}

static void test_time_round_trip(void **state)
{
	(void)state;
	int64_t ft;
	char buf[64];
	assert_int_equal(timefmt_parse_iso("2021-10-20T14:29:10.5425177Z", &ft), 1);
	timefmt_iso(ft, buf, sizeof buf);
	assert_string_equal(buf, "2021-10-20T14:29:10.5425177Z");
	assert_int_equal(timefmt_parse_iso("2020-10-21 00:19:11", &ft), 1);
	timefmt_iso(ft, buf, sizeof buf);
	assert_string_equal(buf, "2020-10-21T00:19:11.0000000Z");
	assert_int_equal(timefmt_parse_iso("2020-10-21T04:19:11+04:00", &ft), 1);
	timefmt_iso(ft, buf, sizeof buf);
	assert_string_equal(buf, "2020-10-21T00:19:11.0000000Z");
	assert_int_equal(timefmt_parse_iso("2021-0603T19:18:09", &ft), 0);
	timefmt_clock(ft, buf, sizeof buf);
	assert_string_equal(buf, "00:19:11");
}

static void test_sanitize_escapes_terminal_controls(void **state)
{
	(void)state;
	char out[256];
	int esc = 0;
	sanitize_text("plain C:\\x", 10, out, sizeof out, &esc);
	assert_string_equal(out, "plain C:\\x");
	assert_int_equal(esc, 0);
	/* CSI clear screen, OSC title, C1 CSI, bidi override, invalid UTF-8 */
	const char *evil = "a\x1b[2Jb\x1b]0;pwned\x07" "c\xc2\x9b" "d\xe2\x80\xae" "e\xff";
	sanitize_text(evil, strlen(evil), out, sizeof out, &esc);
	assert_string_equal(out, "a\\e[2Jb\\e]0;pwned\\x07c\\x9Bd\\u202Ee\\xFF");
	assert_int_equal(esc, 1);
	assert_null(strchr(out, 0x1b));
	/* wide and combining characters pass */
	sanitize_text("f\xc3\xbcr \xe6\x97\xa5", 8, out, sizeof out, &esc);
	assert_string_equal(out, "f\xc3\xbcr \xe6\x97\xa5");
	assert_int_equal(esc, 0);
}

static void test_sanitize_cuts_at_character_boundary(void **state)
{
	(void)state;
	char out[6];
	sanitize_text("ab\xe6\x97\xa5\xe6\x97\xa5", 8, out, sizeof out, NULL);
	assert_string_equal(out, "ab\xe6\x97\xa5");
	sanitize_text("\x1b\x1b\x1b", 3, out, sizeof out, NULL);
	assert_string_equal(out, "\\e\\e");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_volume_map_maps_matching_device_only),
		cmocka_unit_test(test_volume_map_rejects_bad_specs),
		cmocka_unit_test(test_share_path_join),
		cmocka_unit_test(test_numbers_hex_and_decimal),
		cmocka_unit_test(test_time_round_trip),
		cmocka_unit_test(test_sanitize_escapes_terminal_controls),
		cmocka_unit_test(test_sanitize_cuts_at_character_boundary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
