/* test_format_rendered.c - the parsers of forwarded rendered text: Snare
 * (src/format_snare.c), evtsys (src/format_evtsys.c), message blocks and the
 * shared label reader (src/format_message.c), and the label table
 * (src/text_labels.c).
 *
 * Inputs:
 *   - every real Snare line of tests/data/text/snare-*.log (see
 *     tests/data/text/SOURCES.md); the object-access lines of the vimore
 *     file are checked field by field against values read by hand;
 *   - evtsys lines and legacy / wevtutil message blocks.  No real evtsys or
 *     legacy 560/562/567 text has been found in any public source, so these
 *     are built from the documented layouts: evtsys's own formatting code
 *     (winevent.c ProcessEvent, eventlog.c EventlogNext: "SOURCE: ID:
 *     [USER: ][AUDIT_SUCCESS ]message", whitespace collapsed), Microsoft's
 *     message templates of 560/562/567 (Events and Errors Message Center,
 *     Windows 5.0/5.2; see src/legacy_layout.c), the Event Viewer copy layout
 *     of the documented 560 example ("Handle ID: 1156 ... Process ID: 2936
 *     Image File Name: C:\WINDOWS\explorer.exe ... Access Mask: 0x60080")
 *     and the field lists of Microsoft's 4663/4690 pages, with the values of
 *     their example events.  The wevtutil /f:text header is the layout the
 *     tool writes; Microsoft documents the option, not that text, and no
 *     public sample was found.  Each fixture says where it comes from. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "correlate.h"
#include "record.h"
#include "store.h"
#include "text_format.h"
#include "timefmt.h"

#define TEXT_DATA(name) TEST_DATA_DIR "/text/" name

static struct arena arena;

typedef int (*parse_fn)(const char *, size_t, struct record *, struct arena *, char *, size_t);

static int parse(parse_fn fn, const char *text, struct record *rec, char *err, size_t errlen)
{
	record_clear(rec);
	err[0] = '\0';
	return fn(text, strlen(text), rec, &arena, err, errlen);
}

static void assert_data(const struct record *rec, const char *name, const char *want)
{
	const char *got = record_get(rec, name);
	if (!want) {
		if (got)
			fail_msg("%s: expected none, got \"%s\"", name, got);
		return;
	}
	if (!got)
		fail_msg("%s: missing (expected \"%s\")", name, want);
	assert_string_equal(got, want);
}

static void assert_time(int64_t ft, const char *iso)
{
	char buf[64];
	timefmt_iso(ft, buf, sizeof buf);
	assert_string_equal(buf, iso);
}

/* The lines of a data file, CR and LF removed: Snare records are single
 * lines, as the framing hands them over. */
struct lines {
	char *buf;
	char *line[512];
	size_t n;
};

static void lines_read(struct lines *l, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	l->buf = malloc((size_t)size + 1);
	assert_non_null(l->buf);
	assert_int_equal(fread(l->buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	l->buf[size] = '\0';
	l->n = 0;
	char *p = l->buf;
	while (*p && l->n < sizeof l->line / sizeof l->line[0]) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		size_t n = strlen(p);
		while (n && p[n - 1] == '\r')
			p[--n] = '\0';
		if (n)
			l->line[l->n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
}

static int setup(void **state)
{
	(void)state;
	memset(&arena, 0, sizeof arena);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(&arena);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The label table */

static void test_label_in_4690_handle_sections_name_source_and_target(void **state)
{
	(void)state;
	/* Microsoft's 4690 page: "Source Handle Information:" then "New Handle
	 * Information:"; a bare "Handle ID" under them is still the section's. */
	assert_string_equal(text_label_name_in(4690, TEXT_SECTION_SOURCE_HANDLE, "Handle ID", 9),
			    "SourceHandleId");
	assert_string_equal(text_label_name_in(4690, TEXT_SECTION_SOURCE_HANDLE, "Process ID", 10),
			    "SourceProcessId");
	assert_string_equal(text_label_name_in(4690, TEXT_SECTION_NEW_HANDLE, "Handle ID", 9),
			    "TargetHandleId");
	assert_string_equal(text_label_name_in(4690, TEXT_SECTION_NEW_HANDLE, "Process ID", 10),
			    "TargetProcessId");
	assert_string_equal(text_label_name_in(4690, TEXT_SECTION_NEW_HANDLE, "Target Handle ID", 16),
			    "TargetHandleId");
	assert_string_equal(text_label_name_in(4656, TEXT_SECTION_OBJECT, "Handle ID", 9), "HandleId");
	assert_string_equal(text_label_name_in(4656, TEXT_SECTION_PROCESS, "Process ID", 10), "ProcessId");
}

static void test_label_subject_names_only_under_subject(void **state)
{
	(void)state;
	assert_string_equal(text_label_name_in(4663, TEXT_SECTION_SUBJECT, "Account Name", 12),
			    "SubjectUserName");
	assert_string_equal(text_label_name(4663, "Account Name", 12), "SubjectUserName");
	/* 4624 "New Logon: Account Name" is the account logged on */
	assert_null(text_label_name_in(4624, TEXT_SECTION_OTHER, "Account Name", 12));
	assert_null(text_label_name_in(4624, TEXT_SECTION_OTHER, "Security ID", 11));
}

static void test_label_accesses_takes_the_legacy_name_in_56x(void **state)
{
	(void)state;
	assert_string_equal(text_label_name(567, "Accesses", 8), "Accesses");
	assert_string_equal(text_label_name(4663, "Accesses", 8), "AccessList");
	assert_string_equal(text_label_name(560, "Primary User Name", 17), "PrimaryUserName");
	assert_string_equal(text_label_name(560, "Image File Name", 15), "ImageFileName");
	assert_string_equal(text_label_name(5145, "Share Path", 10), "ShareLocalPath");
	assert_string_equal(text_label_name(4670, "Original Security Descriptor", 28), "OldSd");
	assert_string_equal(text_label_name(560, "restricted sid count", 20), "RestrictedSidCount");
	assert_null(text_label_name(4663, "Source Network Address", 22));
	assert_null(text_label_name(4663, "No Such Label", 13));
}

static void test_label_at_takes_longest_label_and_blank_before_colon(void **state)
{
	(void)state;
	struct text_label_hit hit;
	const char *t = "Privileges Used for Access Check: -";
	assert_int_equal(text_label_at(t, strlen(t), &hit), 1);
	assert_int_equal(hit.label_len, 32);
	assert_int_equal(hit.total_len, 33);
	assert_int_equal(hit.heading, 0);
	t = "Subject :   Security ID:";  /* real Snare data has the blank */
	assert_int_equal(text_label_at(t, strlen(t), &hit), 1);
	assert_int_equal(hit.heading, 1);
	assert_int_equal(hit.section, TEXT_SECTION_SUBJECT);
	assert_int_equal(hit.total_len, 9);
	t = "Object Types: x";          /* a longer word is not the label */
	assert_int_equal(text_label_at(t, strlen(t), &hit), 0);
	t = "Object Open for Delete:";
	assert_int_equal(text_label_at(t, strlen(t), &hit), 1);
	assert_int_equal(hit.label_len, 22);
}

static void test_title_names_legacy_and_modern_event_ids(void **state)
{
	(void)state;
	const char *t[] = {"Object Open:", "Object Open for Delete:", "Object Access Attempt:",
			   "Handle Closed:", "Object Deleted:",
			   "An attempt was made to access an object.  Subject: ...",
			   "A network share object was checked to see whether client can be granted desired access."};
	const uint32_t id[] = {560, 563, 567, 562, 564, 4663, 5145};
	for (size_t i = 0; i < sizeof id / sizeof id[0]; i++)
		assert_int_equal(text_title_event_id(t[i], strlen(t[i])), id[i]);
	assert_int_equal(text_title_event_id("Object", 6), 0);
}

static void test_collapsed_values_end_only_at_a_known_label(void **state)
{
	(void)state;
	struct record rec;
	record_clear(&rec);
	/* object names hold blanks and colons; Resource Attributes ends the
	 * handle id although oaview does not use it */
	const char *t = "Object: Object Server: Security Object Type: File Object Name: "
			"C:\\Program Files\\a b: c.txt Handle ID: 0x1a4 Resource Attributes: S:AI "
			"Process Information: Process ID: 0x4 Process Name: C:\\x y\\z.exe";
	assert_int_equal(text_message_labels(4663, t, strlen(t), &rec, &arena), 7);
	assert_data(&rec, "ObjectName", "C:\\Program Files\\a b: c.txt");
	assert_data(&rec, "HandleId", "0x1a4");
	assert_data(&rec, "ResourceAttributes", "S:AI");
	assert_data(&rec, "ProcessId", "0x4");
	assert_data(&rec, "ProcessName", "C:\\x y\\z.exe");
}

/* ------------------------------------------------------------------ */
/* Snare: the real object-access lines (vimore/tryout), checked by hand */

static struct lines vimore;

static int vimore_setup(void **state)
{
	setup(state);
	lines_read(&vimore, TEXT_DATA("snare-bare_vimore-tryout-WindowsSnareTest-objectaccess.log"));
	return vimore.n == 6 ? 0 : -1;
}

static int vimore_teardown(void **state)
{
	free(vimore.buf);
	return teardown(state);
}

static void test_snare_vimore_4663_read_control_by_explorer(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	assert_int_equal(parse(text_parse_snare, vimore.line[0], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4663);
	assert_int_equal(rec.outcome, OUTCOME_SUCCESS);
	assert_int_equal(rec.number, 0);  /* Snare carries no record number */
	assert_string_equal(rec.computer, "w2k8r2-AD.e8sec.lab");
	assert_string_equal(rec.channel, "Security");
	assert_string_equal(rec.provider, "Microsoft-Windows-Security-Auditing");
	assert_time(rec.time, "2016-02-17T15:21:07.0000000Z");
	assert_data(&rec, "SubjectUserName", "jyria");
	assert_data(&rec, "SubjectDomainName", "E8SEC");
	assert_data(&rec, "SubjectUserSid", "S-1-5-21-1908711140-209524994-2501478566-1104");
	assert_data(&rec, "SubjectLogonId", "0xeff5adc");
	assert_data(&rec, "ObjectType", "File");
	assert_data(&rec, "ObjectName", "C:\\Windows\\servicing");
	assert_data(&rec, "HandleId", "0xa48");
	assert_data(&rec, "ProcessId", "0x394");
	assert_data(&rec, "ProcessName", "C:\\Windows\\explorer.exe");
	assert_data(&rec, "AccessList", "READ_CONTROL");
	assert_data(&rec, "AccessMask", "0x20000");

	/* and the store reads the same numbers out of them */
	struct store st;
	store_init(&st);
	int oom = 0;
	uint32_t i = store_append(&st, &rec, 0, &oom);
	assert_int_not_equal(i, EVENT_NONE);
	const struct event *ev = store_event(&st, i);
	assert_int_equal(ev->handle_id, 0xa48);
	assert_int_equal(ev->process_id, 0x394);
	assert_int_equal(ev->access_mask, 0x20000);
	assert_int_equal(ev->logon_id, 0xeff5adc);
	assert_string_equal(store_str(&st, ev, ES_USER), "jyria");
	store_free(&st);
}

static void test_snare_vimore_4661_anonymous_failure_with_colonless_date(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	/* "Fri Jul 20 5 32 33 2012 ", "Subject :", a stray U+0200 */
	assert_int_equal(parse(text_parse_snare, vimore.line[1], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4661);
	assert_int_equal(rec.outcome, OUTCOME_FAILURE);
	assert_time(rec.time, "2012-07-20T05:32:33.0000000Z");
	assert_data(&rec, "SubjectUserName", "ANONYMOUS LOGON");
	assert_data(&rec, "SubjectDomainName", "NT AUTHORITY");
	assert_data(&rec, "ObjectServer", "Security Account Manager");
	assert_data(&rec, "ObjectType", "SAM_SERVER");
	assert_data(&rec, "ObjectName", "CN=Server,CN=System,DC=ent,DC=example,DC=com");
	assert_data(&rec, "HandleId", "0x0");
	assert_data(&rec, "ProcessId", "0x9000a000d002d");
	assert_data(&rec, "AccessList", "MAX_ALLOWED");
	assert_data(&rec, "AccessMask", "0x2d");
	assert_data(&rec, "RestrictedSidCount", "2949165");
}

static void test_snare_vimore_4661_long_access_list_stays_one_value(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	/* this line is cut off inside "Restricted S..." and has no counter */
	assert_int_equal(parse(text_parse_snare, vimore.line[2], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4661);
	assert_int_equal(rec.outcome, OUTCOME_SUCCESS);
	assert_data(&rec, "SubjectUserName", "W2K8R2-AD$");
	assert_data(&rec, "ObjectName", "DC=e8sec,DC=lab");
	assert_data(&rec, "HandleId", "0x43ac670");
	assert_data(&rec, "ProcessId", "0x1f0");
	assert_data(&rec, "ProcessName", "C:\\Windows\\System32\\lsass.exe");
	assert_data(&rec, "AccessList",
		    "DELETE READ_CONTROL WRITE_DAC WRITE_OWNER ReadPasswordParameters "
		    "ReadOtherParameters WriteOtherParameters CreateUser CreateGlobalGroup "
		    "CreateLocalGroup GetLocalGroupMembership ListAccounts");
	assert_data(&rec, "AccessReason", "-");
	assert_data(&rec, "AccessMask", "0xf01fd");
	assert_data(&rec, "PrivilegeList", "-");
}

static void test_snare_vimore_4656_failure_and_success(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	assert_int_equal(parse(text_parse_snare, vimore.line[3], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4656);
	assert_int_equal(rec.outcome, OUTCOME_FAILURE);
	assert_data(&rec, "SubjectUserName", "jyria2");
	assert_data(&rec, "ObjectServer", "PlugPlayManager");
	assert_data(&rec, "ObjectType", "Security");
	assert_data(&rec, "ObjectName", "PlugPlaySecurityObject");
	assert_data(&rec, "HandleId", "0x0");
	assert_data(&rec, "ProcessId", "0x268");
	assert_data(&rec, "ProcessName", "C:\\Windows\\System32\\svchost.exe");
	assert_data(&rec, "AccessList", "Unknown specific access (bit 1)");
	assert_data(&rec, "AccessMask", "0x2");
	assert_data(&rec, "RestrictedSidCount", "0");

	assert_int_equal(parse(text_parse_snare, vimore.line[4], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4656);
	assert_int_equal(rec.outcome, OUTCOME_SUCCESS);
	assert_data(&rec, "SubjectUserName", "W2K8R2-SRC$");
	assert_data(&rec, "SubjectLogonId", "0x3e7");
	assert_data(&rec, "HandleId", "0x0");
	assert_data(&rec, "ProcessId", "0x268");
	assert_data(&rec, "AccessMask", "0x2");
}

static void test_snare_vimore_5140_share_fields(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	assert_int_equal(parse(text_parse_snare, vimore.line[5], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 5140);
	assert_int_equal(rec.outcome, OUTCOME_FAILURE);
	assert_time(rec.time, "2012-07-20T09:35:40.0000000Z");
	assert_data(&rec, "SubjectUserName", "TPAP1LVSMS01V$");
	assert_data(&rec, "SubjectDomainName", "ABH");
	assert_data(&rec, "ObjectType", "File");
	assert_data(&rec, "IpAddress", "138.83.24.79");
	assert_data(&rec, "IpPort", "3586");
	assert_data(&rec, "ShareName", "\\\\*\\ADMIN$");
	assert_data(&rec, "ShareLocalPath", "??C:Windows");  /* as Snare sent it */
	assert_data(&rec, "AccessMask", "0x1");
	assert_data(&rec, "AccessList", "ReadData (or ListDirectory)");
}

/* ------------------------------------------------------------------ */
/* Snare: the other real files */

static void test_snare_mixed_headers_parse_or_reject_cleanly(void **state)
{
	(void)state;
	struct lines l;
	struct record rec;
	char err[256];
	lines_read(&l, TEXT_DATA("snare-mixed-headers_rsyslog-pmsnare-test-inputs.log"));
	assert_int_equal(l.n, 6);

	/* RFC 3164 header left in place; year-less date with milliseconds */
	assert_int_equal(parse(text_parse_snare, l.line[0], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4624);
	assert_int_equal(rec.time, 0);
	assert_string_equal(rec.computer, "hostname.domain");
	assert_data(&rec, "SubjectUserName", "first.last");

	/* "hostname<TAB>MSWinEventLog" with no PRI */
	assert_int_equal(parse(text_parse_snare, l.line[1], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 5061);
	assert_int_equal(rec.outcome, OUTCOME_SUCCESS);

	/* a header-only record, cut after the computer name */
	assert_int_equal(parse(text_parse_snare, l.line[2], &rec, err, sizeof err), -1);
	assert_non_null(strstr(err, "cut short"));
	assert_null(strchr(err, '\n'));

	/* Windows 2003 540, legacy: message without sections */
	assert_int_equal(parse(text_parse_snare, l.line[3], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 540);
	assert_true(rec.flags & RECORD_LEGACY);
	assert_time(rec.time, "2010-03-19T15:33:30.0000000Z");
	assert_string_equal(rec.computer, "WINDOWSSERVER");
	assert_data(&rec, "SubjectLogonId", "(0x0,0xF88396)");
	assert_data(&rec, "SubjectUserName", "SYSTEM");  /* from Snare's user field */

	/* "MSWinEventLog 0#011Security#011..." behind host "#001" */
	assert_int_equal(parse(text_parse_snare, l.line[4], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 592);
	assert_string_equal(rec.computer, "XSXSXSN01");
	assert_time(rec.time, "2009-10-16T16:30:44.0000000Z");
	assert_data(&rec, "SubjectUserName", "rgabcde");

	/* NXLog's own message in Snare form: no Windows event id */
	assert_int_equal(parse(text_parse_snare, l.line[5], &rec, err, sizeof err), -1);
	assert_non_null(strstr(err, "N/A"));
	free(l.buf);
}

static void test_snare_escaped_011_output_lines(void **state)
{
	(void)state;
	struct lines l;
	struct record rec;
	char err[256];
	lines_read(&l, TEXT_DATA("snare-escaped-011_rsyslog-pmsnare-expected-output.log"));
	assert_int_equal(l.n, 4);
	/* each line carries rsyslog's test-template prefix "PRI,facility,...,"
	 * in which the tag may appear before the record's own */
	const uint32_t ids[] = {4624, 5061, 592};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(parse(text_parse_snare, l.line[i], &rec, err, sizeof err), 1);
		assert_int_equal(rec.event_id, ids[i]);
		assert_int_equal(rec.outcome, OUTCOME_SUCCESS);
		assert_string_equal(rec.channel, "Security");
	}
	assert_string_equal(rec.computer, "XSXSXSN01");
	assert_int_equal(parse(text_parse_snare, l.line[3], &rec, err, sizeof err), -1);
	free(l.buf);
}

static size_t count_parsed(const char *path, size_t *lines, size_t *object_access)
{
	struct lines l;
	struct record rec;
	char err[256];
	size_t ok = 0;
	*object_access = 0;
	lines_read(&l, path);
	*lines = l.n;
	for (size_t i = 0; i < l.n; i++) {
		int rc = parse(text_parse_snare, l.line[i], &rec, err, sizeof err);
		if (rc != 1)
			fail_msg("%s line %zu: rc %d: %s", path, i + 1, rc, err);
		ok++;
		assert_int_not_equal(rec.event_id, 0);
		assert_non_null(rec.computer);
		assert_int_not_equal(rec.time, 0);
		if (rec.event_id == 5140)
			(*object_access)++;
		arena_reset(&arena);
	}
	free(l.buf);
	return ok;
}

static void test_snare_rsyslog_2022_and_2025_files_parse_every_record(void **state)
{
	(void)state;
	size_t lines, shares;
	assert_int_equal(count_parsed(TEXT_DATA("snare-rfc3164_rsyslog-mmsnareparse-sample-windows2022-security.log"),
				      &lines, &shares), 278);
	assert_int_equal(lines, 278);
	assert_int_equal(count_parsed(TEXT_DATA("snare-rfc3164_rsyslog-mmsnareparse-sample-windows2025-security.log"),
				      &lines, &shares), 101);
	assert_int_equal(lines, 101);
	assert_int_equal(count_parsed(TEXT_DATA("snare-rfc5424_rsyslog-mmsnareparse-sample-events.log"),
				      &lines, &shares), 4);
	assert_int_equal(count_parsed(TEXT_DATA("snare-rfc5424_rsyslog-mmsnareparse-realworld-4624-4634-5140.log"),
				      &lines, &shares), 3);
	assert_int_equal(shares, 1);
}

static void test_snare_realworld_5140_keeps_anonymised_values(void **state)
{
	(void)state;
	struct lines l;
	struct record rec;
	char err[256];
	lines_read(&l, TEXT_DATA("snare-rfc5424_rsyslog-mmsnareparse-realworld-4624-4634-5140.log"));
	assert_int_equal(parse(text_parse_snare, l.line[2], &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 5140);
	assert_string_equal(rec.provider, "Windows");
	assert_data(&rec, "SubjectUserName", "USER1");
	assert_data(&rec, "SubjectLogonId", "0xxxxxxxxxx");
	assert_data(&rec, "ShareName", "\\\\*\\ABC$");
	assert_data(&rec, "ShareLocalPath", "");
	assert_data(&rec, "IpAddress", "10.10.10.10");
	assert_data(&rec, "AccessList", "%%4416");
	assert_data(&rec, "AccessMask", "0x1");
	free(l.buf);
}

static void test_snare_after_a_syslog_parser_took_the_tag(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	/* the 4656 vimore line from the criticality on */
	const char *full = vimore.line[4];
	const char *after = strstr(full, "MSWinEventLog\t") + strlen("MSWinEventLog\t");
	assert_int_equal(parse(text_parse_snare, after, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4656);
	assert_data(&rec, "ProcessId", "0x268");
}

static void test_snare_other_text_is_not_snare(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	assert_int_equal(parse(text_parse_snare, "<13>Jan  1 00:00:00 host sshd[1]: hello", &rec, err,
			       sizeof err), 0);
	assert_int_equal(parse(text_parse_snare, "1\ta\tb", &rec, err, sizeof err), 0);
	assert_int_equal(parse(text_parse_snare, "", &rec, err, sizeof err), 0);
}

/* ------------------------------------------------------------------ */
/* evtsys (layout from evtsys's formatting code; values of Microsoft's 4663
 * example, record 273866) */

static const char EVTSYS_4663[] =
	"Security-Auditing: 4663: AUDIT_SUCCESS An attempt was made to access an object. "
	"Subject: Security ID: S-1-5-21-3457937927-2839227994-823803824-1104 Account Name: dadmin "
	"Account Domain: CONTOSO Logon ID: 0x4367B Object: Object Server: Security Object Type: File "
	"Object Name: C:\\Documents\\HBI Data.txt Handle ID: 0x1bc Resource Attributes: "
	"S:AI(RA;ID;;;;WD;(\"Impact_MS\",TI,0x10020,3000)) Process Information: Process ID: 0x458 "
	"Process Name: C:\\Windows\\System32\\notepad.exe Access Request Information: Accesses: "
	"WriteData (or AddFile) AppendData (or AddSubdirectory or CreatePipeInstance) Access Mask: 0x6";

static void test_evtsys_4663_collapsed_message(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	assert_int_equal(parse(text_parse_evtsys, EVTSYS_4663, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4663);
	assert_int_equal(rec.outcome, OUTCOME_SUCCESS);
	assert_string_equal(rec.provider, "Microsoft-Windows-Security-Auditing");
	assert_string_equal(rec.channel, "Security");
	assert_int_equal(rec.number, 0);
	assert_data(&rec, "SubjectUserName", "dadmin");
	assert_data(&rec, "ObjectName", "C:\\Documents\\HBI Data.txt");
	assert_data(&rec, "HandleId", "0x1bc");
	assert_data(&rec, "ProcessId", "0x458");
	assert_data(&rec, "AccessList",
		    "WriteData (or AddFile) AppendData (or AddSubdirectory or CreatePipeInstance)");
	assert_data(&rec, "AccessMask", "0x6");
}

static void test_evtsys_with_stamp_tag_and_failure(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	/* as a syslog server files it: "Mmm dd hh:mm:ss HOST TAG: SOURCE: ID: " */
	const char *t = "Sep 18 22:15:19 DC01 evtsys: Security-Auditing: 4656: AUDIT_FAILURE "
			"A handle to an object was requested. Subject: Security ID: S-1-5-18 "
			"Account Name: DC01$ Account Domain: CONTOSO Logon ID: 0x3e7 Object: "
			"Object Server: Security Object Type: File Object Name: C:\\secret.txt "
			"Handle ID: 0x0 Process Information: Process ID: 0x1074 Process Name: "
			"C:\\Windows\\System32\\notepad.exe Access Request Information: Transaction ID: "
			"{00000000-0000-0000-0000-000000000000} Accesses: ReadData (or ListDirectory) "
			"Access Reasons: - Access Mask: 0x1 Privileges Used for Access Check: - "
			"Restricted SID Count: 0";
	assert_int_equal(parse(text_parse_evtsys, t, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4656);
	assert_int_equal(rec.outcome, OUTCOME_FAILURE);
	assert_string_equal(rec.computer, "DC01");
	assert_data(&rec, "HandleId", "0x0");
	assert_data(&rec, "ObjectName", "C:\\secret.txt");
	assert_data(&rec, "AccessList", "ReadData (or ListDirectory)");
	assert_data(&rec, "PrivilegeList", "-");
	assert_data(&rec, "RestrictedSidCount", "0");
}

static void test_evtsys_legacy_user_segment_and_560_text(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	/* legacy evtsys: "SOURCE: ID: USER: AUDIT_SUCCESS " then 560's text,
	 * collapsed (Message Center template, XP/2003 fields) */
	const char *t = "Security: 560: ELM\\Fred: AUDIT_SUCCESS Object Open: Object Server: Security "
			"Object Type: File Object Name: C:\\DeptFiles Handle ID: 1156 Operation ID: "
			"{0,251509} Process ID: 2936 Image File Name: C:\\WINDOWS\\explorer.exe Primary "
			"User Name: Fred Primary Domain: ELM Primary Logon ID: (0x0,0x13388) Client "
			"User Name: - Client Domain: - Client Logon ID: - Accesses: READ_CONTROL "
			"WRITE_DAC ReadAttributes Privileges: - Restricted Sid Count: 0 Access Mask: 0x60080";
	assert_int_equal(parse(text_parse_evtsys, t, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 560);
	assert_true(rec.flags & RECORD_LEGACY);
	assert_int_equal(rec.outcome, OUTCOME_SUCCESS);
	assert_data(&rec, "HandleId", "1156");
	assert_data(&rec, "OperationId", "0");
	assert_data(&rec, "OperationIdLow", "251509");
	assert_data(&rec, "ImageFileName", "C:\\WINDOWS\\explorer.exe");
	assert_data(&rec, "PrimaryUserName", "Fred");
	assert_data(&rec, "PrimaryLogonId", "(0x0,0x13388)");
	assert_data(&rec, "ClientUserName", "-");
	assert_data(&rec, "Accesses", "READ_CONTROL WRITE_DAC ReadAttributes");
	assert_data(&rec, "Privileges", "-");
	assert_data(&rec, "AccessMask", "0x60080");
	/* the message named the user: the segment adds no second one */
	assert_data(&rec, "SubjectUserName", NULL);
}

static void test_evtsys_bare_id_needs_its_audit_marker(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	/* what is left if a syslog parser took "Security-Auditing:" as tag */
	assert_int_equal(parse(text_parse_evtsys, strstr(EVTSYS_4663, "4663: "), &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4663);
	assert_data(&rec, "HandleId", "0x1bc");
	assert_int_equal(parse(text_parse_evtsys, "4663: some text", &rec, err, sizeof err), 0);
	assert_int_equal(parse(text_parse_evtsys, "kernel: 12: link up", &rec, err, sizeof err), 0);
	assert_int_equal(parse(text_parse_evtsys, "sshd: Accepted password", &rec, err, sizeof err), 0);
	assert_int_equal(parse(text_parse_evtsys, "Security-Auditing: 99999: AUDIT_SUCCESS x", &rec,
			       err, sizeof err), -1);
}

/* ------------------------------------------------------------------ */
/* Message blocks */

/* 560 as the Windows XP/2003 Event Viewer rendered it: the Message Center
 * template's labels, one per line, a multi-line Accesses list. */
static const char LEGACY_560[] =
	"Object Open:\n"
	"\tObject Server:\tSecurity\n"
	"\tObject Type:\tFile\n"
	"\tObject Name:\tC:\\Finance\\q3.xls\n"
	"\tHandle ID:\t20084\n"
	"\tOperation ID:\t{0,123456}\n"
	"\tProcess ID:\t2936\n"
	"\tImage File Name:\tC:\\WINDOWS\\explorer.exe\n"
	"\tPrimary User Name:\tFred\n"
	"\tPrimary Domain:\tELM\n"
	"\tPrimary Logon ID:\t(0x0,0x13388)\n"
	"\tClient User Name:\t-\n"
	"\tClient Domain:\t-\n"
	"\tClient Logon ID:\t-\n"
	"\tAccesses:\tReadData (or ListDirectory)\n"
	"\t\t\tWriteData (or AddFile)\n"
	"\t\t\tReadAttributes\n"
	"\t\t\t\n"
	"\tPrivileges:\t-\n"
	"\tRestricted Sid Count:\t0\n"
	"\tAccess Mask:\t0x83\n";

/* 567 (Message Center 5.2 template): no object name. */
static const char LEGACY_567[] =
	"Object Access Attempt:\n"
	"\tObject Server:\tSecurity\n"
	"\tHandle ID:\t20084\n"
	"\tObject Type:\tFile\n"
	"\tProcess ID:\t2936\n"
	"\tImage File Name:\tC:\\WINDOWS\\explorer.exe\n"
	"\tAccesses:\tWriteData (or AddFile)\n"
	"\t\t\t\n"
	"\tAccess Mask:\t0x2\n";

/* 562 (Windows 2003: Image File Name as %4). */
static const char LEGACY_562[] =
	"Handle Closed:\n"
	"\tObject Server:\tSecurity\n"
	"\tHandle ID:\t20084\n"
	"\tProcess ID:\t2936\n"
	"\tImage File Name:\tC:\\WINDOWS\\explorer.exe\n";

static void test_message_legacy_560_block_with_multiline_accesses(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	assert_int_equal(parse(text_parse_message, LEGACY_560, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 560);  /* from the title */
	assert_true(rec.flags & RECORD_LEGACY);
	assert_int_equal(rec.outcome, OUTCOME_UNKNOWN);
	assert_data(&rec, "ObjectName", "C:\\Finance\\q3.xls");
	assert_data(&rec, "HandleId", "20084");
	assert_data(&rec, "ProcessId", "2936");
	assert_data(&rec, "OperationIdLow", "123456");
	assert_data(&rec, "PrimaryUserName", "Fred");
	assert_data(&rec, "Accesses", "ReadData (or ListDirectory)\nWriteData (or AddFile)\nReadAttributes");
	assert_data(&rec, "Privileges", "-");
	assert_data(&rec, "RestrictedSidCount", "0");
	assert_data(&rec, "AccessMask", "0x83");

	assert_int_equal(parse(text_parse_message, LEGACY_567, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 567);
	assert_data(&rec, "ObjectName", NULL);
	assert_data(&rec, "Accesses", "WriteData (or AddFile)");
	assert_data(&rec, "AccessMask", "0x2");

	assert_int_equal(parse(text_parse_message, LEGACY_562, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 562);
	assert_data(&rec, "HandleId", "20084");
	assert_data(&rec, "ImageFileName", "C:\\WINDOWS\\explorer.exe");
}

static void test_message_windows2000_560_accesses_without_colon(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	/* Message Center 5.0: "New Handle ID: %4", "Accesses %14", "Privileges %15" */
	const char *t = "Object Open:\n"
			"\tObject Server:\tSecurity Account Manager\n"
			"\tObject Type:\tSAM_SERVER\n"
			"\tObject Name:\tSAM\n"
			"\tNew Handle ID:\t856224\n"
			"\tOperation ID:\t{0,532713543}\n"
			"\tProcess ID:\t280\n"
			"\tPrimary User Name:\tDCCC1$\n"
			"\tPrimary Domain:\tLOGISTICS\n"
			"\tPrimary Logon ID:\t(0x0,0x3E7)\n"
			"\tClient User Name:\tDCCC1$\n"
			"\tClient Domain:\tLOGISTICS\n"
			"\tClient Logon ID:\t(0x0,0x3E7)\n"
			"\tAccesses\tConnectToServer\n"
			"\t\t\tLookupDomain\n"
			"\tPrivileges\t-\n";
	assert_int_equal(parse(text_parse_message, t, &rec, err, sizeof err), 1);
	assert_data(&rec, "HandleId", "856224");
	assert_data(&rec, "ClientUserName", "DCCC1$");
	assert_data(&rec, "Accesses", "ConnectToServer\nLookupDomain");
	assert_data(&rec, "Privileges", "-");
}

/* The documented 560 example as an Event Viewer (2003) copy, header and all. */
static const char EVENTVIEWER_560[] =
	"Event Type:\tSuccess Audit\r\n"
	"Event Source:\tSecurity\r\n"
	"Event Category:\tObject Access \r\n"
	"Event ID:\t560\r\n"
	"Date:\t\t10/11/2004\r\n"
	"Time:\t\t9:07:50 PM\r\n"
	"User:\t\tELM\\Fred\r\n"
	"Computer:\tW3DC\r\n"
	"Description:\r\n"
	"Object Open:\r\n"
	" \tObject Server:\tSecurity\r\n"
	" \tObject Type:\tFile\r\n"
	" \tObject Name:\tC:\\DeptFiles\r\n"
	" \tHandle ID:\t1156\r\n"
	" \tOperation ID:\t{0,251509}\r\n"
	" \tProcess ID:\t2936\r\n"
	" \tImage File Name:\tC:\\WINDOWS\\explorer.exe\r\n"
	" \tPrimary User Name:\tFred\r\n"
	" \tPrimary Domain:\tELM\r\n"
	" \tPrimary Logon ID:\t(0x0,0x13388)\r\n"
	" \tClient User Name:\t-\r\n"
	" \tClient Domain:\t-\r\n"
	" \tClient Logon ID:\t-\r\n"
	" \tAccesses:\tREAD_CONTROL\r\n"
	" \t\t\tWRITE_DAC\r\n"
	" \t\t\tReadAttributes\r\n"
	" \t\t\t\r\n"
	" \tPrivileges:\t-\r\n"
	" \tRestricted Sid Count:\t0\r\n"
	" \tAccess Mask:\t0x60080\r\n";

static void test_message_event_viewer_copy_with_header(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	assert_int_equal(parse(text_parse_message, EVENTVIEWER_560, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 560);
	assert_int_equal(rec.outcome, OUTCOME_SUCCESS);
	assert_string_equal(rec.computer, "W3DC");
	assert_string_equal(rec.provider, "Security");
	assert_time(rec.time, "2004-10-11T21:07:50.0000000Z");
	assert_data(&rec, "HandleId", "1156");
	assert_data(&rec, "Accesses", "READ_CONTROL\nWRITE_DAC\nReadAttributes");
	assert_data(&rec, "AccessMask", "0x60080");
	/* the message names the primary user; the header adds none */
	assert_data(&rec, "SubjectUserName", NULL);
}

/* `wevtutil qe Security /f:text` of Microsoft's 4663 example (record
 * 273866): the header lines wevtutil writes, then the rendered message with
 * the labels of the 4663 page. */
static const char WEVTUTIL_4663[] =
	"Event[0]:\r\n"
	"  Log Name: Security\r\n"
	"  Source: Microsoft-Windows-Security-Auditing\r\n"
	"  Date: 2015-09-18T22:13:54.770\r\n"
	"  Event ID: 4663\r\n"
	"  Task: File System\r\n"
	"  Level: Information\r\n"
	"  Opcode: Info\r\n"
	"  Keyword: Audit Success\r\n"
	"  User: N/A\r\n"
	"  User Name: N/A\r\n"
	"  Computer: DC01.contoso.local\r\n"
	"  Description: \r\n"
	"An attempt was made to access an object.\r\n"
	"\r\n"
	"Subject:\r\n"
	"\tSecurity ID:\t\tS-1-5-21-3457937927-2839227994-823803824-1104\r\n"
	"\tAccount Name:\t\tdadmin\r\n"
	"\tAccount Domain:\t\tCONTOSO\r\n"
	"\tLogon ID:\t\t0x4367B\r\n"
	"\r\n"
	"Object:\r\n"
	"\tObject Server:\t\tSecurity\r\n"
	"\tObject Type:\t\tFile\r\n"
	"\tObject Name:\t\tC:\\Documents\\HBI Data.txt\r\n"
	"\tHandle ID:\t\t0x1bc\r\n"
	"\tResource Attributes:\tS:AI(RA;ID;;;;WD;(\"Impact_MS\",TI,0x10020,3000))\r\n"
	"\r\n"
	"Process Information:\r\n"
	"\tProcess ID:\t\t0x458\r\n"
	"\tProcess Name:\t\tC:\\Windows\\System32\\notepad.exe\r\n"
	"\r\n"
	"Access Request Information:\r\n"
	"\tAccesses:\t\tWriteData (or AddFile)\r\n"
	"\t\t\t\tAppendData (or AddSubdirectory or CreatePipeInstance)\r\n"
	"\t\t\t\t\r\n"
	"\tAccess Mask:\t\t0x6\r\n";

static void test_message_wevtutil_4663_block(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	assert_int_equal(parse(text_parse_message, WEVTUTIL_4663, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4663);
	assert_int_equal(rec.outcome, OUTCOME_SUCCESS);
	assert_int_equal(rec.number, 0);
	assert_false(rec.flags & RECORD_LEGACY);
	assert_string_equal(rec.channel, "Security");
	assert_string_equal(rec.provider, "Microsoft-Windows-Security-Auditing");
	assert_string_equal(rec.computer, "DC01.contoso.local");
	assert_time(rec.time, "2015-09-18T22:13:54.7700000Z");
	assert_data(&rec, "SubjectUserSid", "S-1-5-21-3457937927-2839227994-823803824-1104");
	assert_data(&rec, "SubjectUserName", "dadmin");
	assert_data(&rec, "SubjectLogonId", "0x4367B");
	assert_data(&rec, "ObjectName", "C:\\Documents\\HBI Data.txt");
	assert_data(&rec, "HandleId", "0x1bc");
	assert_data(&rec, "ProcessId", "0x458");
	assert_data(&rec, "AccessList",
		    "WriteData (or AddFile)\nAppendData (or AddSubdirectory or CreatePipeInstance)");
	assert_data(&rec, "AccessMask", "0x6");
}

static void test_message_wevtutil_4690_sections_pick_source_and_target(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	/* Microsoft's 4690 example (record 338632) */
	const char *t = "Event[3]:\n"
			"  Log Name: Security\n"
			"  Source: Microsoft-Windows-Security-Auditing\n"
			"  Date: 2015-09-23T00:17:41.755\n"
			"  Event ID: 4690\n"
			"  Task: Handle Manipulation\n"
			"  Level: Information\n"
			"  Opcode: Info\n"
			"  Keyword: Audit Success\n"
			"  User: N/A\n"
			"  User Name: N/A\n"
			"  Computer: DC01.contoso.local\n"
			"  Description: \n"
			"An attempt was made to duplicate a handle to an object.\n\n"
			"Subject:\n"
			"\tSecurity ID:\t\tS-1-5-18\n"
			"\tAccount Name:\t\tDC01$\n"
			"\tAccount Domain:\t\tCONTOSO\n"
			"\tLogon ID:\t\t0x3E7\n\n"
			"Source Handle Information:\n"
			"\tSource Handle ID:\t0x438\n"
			"\tSource Process ID:\t0x674\n\n"
			"New Handle Information:\n"
			"\tTarget Handle ID:\t0xd9c\n"
			"\tTarget Process ID:\t0x4\n";
	assert_int_equal(parse(text_parse_message, t, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4690);
	assert_data(&rec, "SourceHandleId", "0x438");
	assert_data(&rec, "SourceProcessId", "0x674");
	assert_data(&rec, "TargetHandleId", "0xd9c");
	assert_data(&rec, "TargetProcessId", "0x4");
	assert_data(&rec, "HandleId", NULL);

	/* the same with the short labels some renderings use */
	const char *s = "An attempt was made to duplicate a handle to an object.\n"
			"Source Handle Information:\n\tHandle ID:\t0x438\n\tProcess ID:\t0x674\n"
			"New Handle Information:\n\tHandle ID:\t0xd9c\n\tProcess ID:\t0x4\n";
	assert_int_equal(parse(text_parse_message, s, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4690);
	assert_data(&rec, "SourceHandleId", "0x438");
	assert_data(&rec, "TargetHandleId", "0xd9c");
	assert_data(&rec, "TargetProcessId", "0x4");
}

static void test_message_wevtutil_without_description_is_broken(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	const char *t = "Event[0]:\n  Log Name: Security\n  Event ID: 4663\n  Computer: X\n";
	assert_int_equal(parse(text_parse_message, t, &rec, err, sizeof err), -1);
	assert_non_null(strstr(err, "Description"));
}

static void test_message_other_text_is_not_a_message(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	assert_int_equal(parse(text_parse_message, "hello world\nsecond line\n", &rec, err, sizeof err), 0);
	assert_int_equal(parse(text_parse_message, "Object Open:\n", &rec, err, sizeof err), 0);
	assert_int_equal(parse(text_parse_message, "<Event xmlns='x'></Event>", &rec, err, sizeof err), 0);
	assert_int_equal(parse(text_parse_message, "", &rec, err, sizeof err), 0);
}

static void test_message_collapsed_legacy_text_on_one_line(void **state)
{
	(void)state;
	struct record rec;
	char err[256];
	const char *t = "Object Access Attempt: Object Server: Security Handle ID: 144 Object Type: "
			"File Process ID: 3156 Image File Name: C:\\WINDOWS\\system32\\notepad.exe "
			"Accesses: WriteData (or AddFile) AppendData (or AddSubdirectory or "
			"CreatePipeInstance) Access Mask: 0x6";
	assert_int_equal(parse(text_parse_message, t, &rec, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 567);
	assert_data(&rec, "HandleId", "144");
	assert_data(&rec, "ProcessId", "3156");
	assert_data(&rec, "Accesses",
		    "WriteData (or AddFile) AppendData (or AddSubdirectory or CreatePipeInstance)");
}

/* ------------------------------------------------------------------ */
/* Bounds: every prefix of real and documented inputs, in a buffer of its
 * exact size (no NUL after it), through all three parsers. */

/* The shape of the real Windows 2003 Snare line (540) with 562's text. */
static const char SNARE_2003_SAMPLE[] =
	"host\tMSWinEventLog\t1\tSecurity\t103\tMon Oct 11 21:07:55 2004\t562\tSecurity\tELM\\Fred\t"
	"User\tSuccess Audit\tW3DC\tObject Access\t\tHandle Closed:     Object Server: Security"
	"     Handle ID: 20084     Process ID: 2936    \t102";

static void parse_every_prefix(const char *text)
{
	size_t len = strlen(text);
	for (size_t n = 0; n <= len; n++) {
		char *copy = malloc(n ? n : 1);
		assert_non_null(copy);
		memcpy(copy, text, n);
		parse_fn fns[] = {text_parse_snare, text_parse_evtsys, text_parse_message};
		for (size_t f = 0; f < 3; f++) {
			struct record rec;
			char err[256] = "";
			record_clear(&rec);
			int rc = fns[f](copy, n, &rec, &arena, err, sizeof err);
			assert_true(rc >= -1 && rc <= 1);
			if (rc < 0)
				assert_true(err[0] != '\0' && !strchr(err, '\n'));
		}
		free(copy);
		arena_reset(&arena);
	}
}

static void test_every_prefix_is_read_within_bounds(void **state)
{
	(void)state;
	struct lines l;
	lines_read(&l, TEXT_DATA("snare-mixed-headers_rsyslog-pmsnare-test-inputs.log"));
	for (size_t i = 0; i < l.n; i++)
		parse_every_prefix(l.line[i]);
	free(l.buf);
	parse_every_prefix(SNARE_2003_SAMPLE);
	parse_every_prefix(EVTSYS_4663);
	parse_every_prefix(LEGACY_560);
	parse_every_prefix(EVENTVIEWER_560);
	parse_every_prefix(WEVTUTIL_4663);
}

/* ------------------------------------------------------------------ */
/* 560 -> 567 -> 562 links through the store and the correlator */

static void check_legacy_links(struct store *st, const uint32_t idx[3])
{
	assert_int_equal(correlate_all(st), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_event(st, idx[i])->open_ref, idx[0]);
		assert_int_equal(store_event(st, idx[i])->close_ref, idx[2]);
	}
	char buf[512];
	int from_open = 0;
	assert_string_equal(store_resolved_name(st, idx[0], &from_open, buf, sizeof buf), "C:\\Finance\\q3.xls");
	assert_int_equal(from_open, 0);
	assert_string_equal(store_resolved_name(st, idx[1], &from_open, buf, sizeof buf), "C:\\Finance\\q3.xls");
	assert_int_equal(from_open, 1);
	assert_string_equal(store_resolved_name(st, idx[2], &from_open, buf, sizeof buf), "C:\\Finance\\q3.xls");
	assert_int_equal(from_open, 1);
	const struct event *op = store_event(st, idx[0]);
	assert_int_equal(op->handle_id, 20084);
	assert_int_equal(op->process_id, 2936);
	assert_string_equal(store_str(st, op, ES_USER), "Fred");
	assert_int_equal(store_event(st, idx[1])->access_mask, 0x2);
}

static uint32_t append(struct store *st, parse_fn fn, const char *text, uint64_t number)
{
	struct record rec;
	char err[256];
	assert_int_equal(parse(fn, text, &rec, err, sizeof err), 1);
	rec.number = number;  /* what the framing gives: the line number */
	int oom = 0;
	uint32_t i = store_append(st, &rec, 0, &oom);
	assert_int_equal(oom, 0);
	assert_int_not_equal(i, EVENT_NONE);
	return i;
}

static void test_legacy_text_560_567_562_link_and_resolve_the_name(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	assert_int_equal(store_add_source(&st, "legacy.txt"), 0);
	uint32_t idx[3];
	idx[0] = append(&st, text_parse_message, LEGACY_560, 1);
	idx[1] = append(&st, text_parse_message, LEGACY_567, 23);
	idx[2] = append(&st, text_parse_message, LEGACY_562, 33);
	check_legacy_links(&st, idx);
	store_free(&st);
}

/* The same three as Snare sends Windows 2003 events: the layout of the real
 * 540 line of the mixed-headers sample (log "Security", source "Security",
 * category, empty data string, message with its tabs and newlines turned
 * into runs of blanks, counter). */
static const char SNARE_560[] =
	"MSWinEventLog\t1\tSecurity\t101\tMon Oct 11 21:07:50 2004\t560\tSecurity\tELM\\Fred\tUser\t"
	"Success Audit\tW3DC\tObject Access\t\tObject Open:     Object Server: Security     "
	"Object Type: File     Object Name: C:\\Finance\\q3.xls     Handle ID: 20084     "
	"Operation ID: {0,123456}     Process ID: 2936     Image File Name: C:\\WINDOWS\\explorer.exe"
	"     Primary User Name: Fred     Primary Domain: ELM     Primary Logon ID: (0x0,0x13388)"
	"     Client User Name: -     Client Domain: -     Client Logon ID: -     Accesses: "
	"ReadData (or ListDirectory)    WriteData (or AddFile)    ReadAttributes         "
	"Privileges: -     Restricted Sid Count: 0     Access Mask: 0x83    \t100";
static const char SNARE_567[] =
	"MSWinEventLog\t1\tSecurity\t102\tMon Oct 11 21:07:52 2004\t567\tSecurity\tELM\\Fred\tUser\t"
	"Success Audit\tW3DC\tObject Access\t\tObject Access Attempt:     Object Server: Security"
	"     Handle ID: 20084     Object Type: File     Process ID: 2936     Image File Name: "
	"C:\\WINDOWS\\explorer.exe     Accesses: WriteData (or AddFile)         Access Mask: 0x2"
	"    \t101";
static const char SNARE_562[] =
	"MSWinEventLog\t1\tSecurity\t103\tMon Oct 11 21:07:55 2004\t562\tSecurity\tELM\\Fred\tUser\t"
	"Success Audit\tW3DC\tObject Access\t\tHandle Closed:     Object Server: Security     "
	"Handle ID: 20084     Process ID: 2936     Image File Name: C:\\WINDOWS\\explorer.exe    \t102";

static void test_snare_560_567_562_link_and_resolve_the_name(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	assert_int_equal(store_add_source(&st, "snare.log"), 0);
	uint32_t idx[3];
	idx[0] = append(&st, text_parse_snare, SNARE_560, 1);
	idx[1] = append(&st, text_parse_snare, SNARE_567, 2);
	idx[2] = append(&st, text_parse_snare, SNARE_562, 3);
	check_legacy_links(&st, idx);
	/* 567 and 562 name no user in their text: Snare's user field does */
	assert_string_equal(store_str(&st, store_event(&st, idx[1]), ES_USER), "Fred");
	assert_string_equal(store_str(&st, store_event(&st, idx[2]), ES_DOMAIN), "ELM");
	assert_string_equal(store_str(&st, store_event(&st, idx[2]), ES_COMPUTER), "W3DC");
	store_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_in_4690_handle_sections_name_source_and_target),
		cmocka_unit_test(test_label_subject_names_only_under_subject),
		cmocka_unit_test(test_label_accesses_takes_the_legacy_name_in_56x),
		cmocka_unit_test(test_label_at_takes_longest_label_and_blank_before_colon),
		cmocka_unit_test(test_title_names_legacy_and_modern_event_ids),
		cmocka_unit_test_setup_teardown(test_collapsed_values_end_only_at_a_known_label, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snare_mixed_headers_parse_or_reject_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snare_escaped_011_output_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snare_rsyslog_2022_and_2025_files_parse_every_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snare_realworld_5140_keeps_anonymised_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snare_other_text_is_not_snare, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evtsys_4663_collapsed_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evtsys_with_stamp_tag_and_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evtsys_legacy_user_segment_and_560_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evtsys_bare_id_needs_its_audit_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_legacy_560_block_with_multiline_accesses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_windows2000_560_accesses_without_colon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_event_viewer_copy_with_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_wevtutil_4663_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_wevtutil_4690_sections_pick_source_and_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_wevtutil_without_description_is_broken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_other_text_is_not_a_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_collapsed_legacy_text_on_one_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_prefix_is_read_within_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_text_560_567_562_link_and_resolve_the_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snare_560_567_562_link_and_resolve_the_name, setup, teardown),
	};
	const struct CMUnitTest vimore_tests[] = {
		cmocka_unit_test(test_snare_vimore_4663_read_control_by_explorer),
		cmocka_unit_test(test_snare_vimore_4661_anonymous_failure_with_colonless_date),
		cmocka_unit_test(test_snare_vimore_4661_long_access_list_stays_one_value),
		cmocka_unit_test(test_snare_vimore_4656_failure_and_success),
		cmocka_unit_test(test_snare_vimore_5140_share_fields),
		cmocka_unit_test(test_snare_after_a_syslog_parser_took_the_tag),
	};
	int failed = cmocka_run_group_tests_name("rendered text", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("snare vimore lines", vimore_tests, vimore_setup, vimore_teardown);
	return failed;
}
