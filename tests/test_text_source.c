/* test_text_source.c - framing of forwarded-text logs: lines (CRLF, a
 * partial last line held until its newline, the 1 MiB line cap), multi-line
 * records (XML, pretty JSON, message blocks, the 4 MiB record cap), unparsed
 * lines, broken records, record numbers, the object-access filter and the
 * statistics.
 *
 * Built twice: once as is and once with -DTEXT_READ_BLOCK=3 and batches of
 * a few records (-DTEXT_BATCH_BYTES, -DTEXT_BATCH_RECORDS), so that
 * text_read_file hands every record over in pieces of three bytes, every
 * boundary case of the framing is crossed, and whole-file reads go through
 * many parallel batches.
 *
 * Parallel parsing is pinned by comparing a big mixed input read in
 * parallel batches with the same input fed one byte at a time (which never
 * fills a batch): the same records, sequence numbers, diagnostics and order. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "source_text.h"
#include "text_format.h"
#include "timefmt.h"

#define PATH "t.log"

/* A record as delivered, copied (the sink's strings are borrowed). */
struct got {
	uint32_t event_id;
	uint64_t number;
	uint64_t sequence;
	uint64_t raw_offset;
	uint8_t flags, outcome;
	int64_t time;
	char *computer;
	size_t ndata;
	char *names[RECORD_MAX_DATA];
	char *values[RECORD_MAX_DATA];
};

struct collect {
	struct got *v;
	size_t n, cap;
	size_t stop_after;      /* ask to stop after this many; 0 = never */
	struct diag_log diags;
	char **diag_lines;      /* every diagnostic, whole */
	size_t *diag_at;        /* records delivered before it */
	size_t ndiag;
};

static int collect_record(void *ctx, const struct record *rec)
{
	struct collect *c = ctx;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		assert_non_null(c->v);
	}
	struct got *g = &c->v[c->n++];
	memset(g, 0, sizeof *g);
	g->event_id = rec->event_id;
	g->number = rec->number;
	g->sequence = rec->sequence;
	g->raw_offset = rec->raw_offset;
	g->flags = rec->flags;
	g->outcome = rec->outcome;
	g->time = rec->time;
	g->computer = rec->computer ? strdup(rec->computer) : NULL;
	g->ndata = rec->ndata;
	for (size_t i = 0; i < rec->ndata; i++) {
		g->names[i] = strdup(rec->data[i].name);
		g->values[i] = strdup(rec->data[i].value);
	}
	return c->stop_after && c->n >= c->stop_after;
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].computer);
		for (size_t j = 0; j < c->v[i].ndata; j++) {
			free(c->v[i].names[j]);
			free(c->v[i].values[j]);
		}
	}
	free(c->v);
	for (size_t i = 0; i < c->ndiag; i++)
		free(c->diag_lines[i]);
	free(c->diag_lines);
	free(c->diag_at);
	memset(c, 0, sizeof *c);
}

static const char *got_get(const struct got *g, const char *name)
{
	for (size_t i = 0; i < g->ndata; i++)
		if (strcmp(g->names[i], name) == 0)
			return g->values[i];
	return NULL;
}

/* Diagnostics land in the collector's log (the sink has one ctx). */
static void collect_diag(void *ctx, const char *message)
{
	struct collect *c = ctx;
	diag_log_add(&c->diags, message);
	c->diag_lines = realloc(c->diag_lines, (c->ndiag + 1) * sizeof *c->diag_lines);
	c->diag_at = realloc(c->diag_at, (c->ndiag + 1) * sizeof *c->diag_at);
	assert_non_null(c->diag_lines);
	assert_non_null(c->diag_at);
	c->diag_lines[c->ndiag] = strdup(message);
	c->diag_at[c->ndiag++] = c->n;
}

static struct text_source *open_source(struct collect *c, int keep_all)
{
	memset(c, 0, sizeof *c);
	struct record_sink sink = {collect_record, collect_diag, c};
	struct text_source *ts = text_source_new(PATH, keep_all, &sink);
	assert_non_null(ts);
	return ts;
}

/* Feed s in pieces of step bytes. */
static int feed(struct text_source *ts, const char *s, size_t len, size_t step)
{
	int rc = 0;
	for (size_t i = 0; i < len && rc == 0; i += step)
		rc = text_source_feed(ts, s + i, len - i < step ? len - i : step);
	return rc;
}

static int feed_str(struct text_source *ts, const char *s, size_t step)
{
	return feed(ts, s, strlen(s), step);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void read_file_into(struct collect *c, const char *path, int keep_all)
{
	char err[512];
	memset(c, 0, sizeof *c);
	struct record_sink sink = {collect_record, collect_diag, c};
	if (text_read_file(path, keep_all, &sink, err, sizeof err) != 0)
		fail_msg("%s", err);
}

/* ---- lines -------------------------------------------------------------- */

static void test_crlf_ends_lines_and_the_cr_is_dropped(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	assert_int_equal(feed_str(ts, "first line\r\nsecond\r\n", 100), 0);
	assert_int_equal(text_source_finish(ts), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(got_get(&c.v[0], "Line"), "first line");
	assert_string_equal(got_get(&c.v[1], "Line"), "second");
	assert_int_equal(c.v[0].number, 1);
	assert_int_equal(c.v[1].number, 2);
	assert_int_equal(c.v[1].raw_offset, 12);
	text_source_free(ts);
	collect_free(&c);
}

static void test_partial_last_line_is_held_until_its_newline(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts, "hello wo", 3);
	assert_int_equal(c.n, 0);
	feed_str(ts, "rld\nstill writ", 1);
	assert_int_equal(c.n, 1);
	assert_string_equal(got_get(&c.v[0], "Line"), "hello world");
	feed_str(ts, "ing", 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(text_source_stats(ts)->lines, 1);
	/* The input ends: the unterminated line counts. */
	text_source_finish(ts);
	assert_int_equal(c.n, 2);
	assert_string_equal(got_get(&c.v[1], "Line"), "still writing");
	assert_int_equal(c.v[1].number, 2);
	assert_int_equal(text_source_stats(ts)->lines, 2);
	text_source_free(ts);
	collect_free(&c);
}

static void test_unparsed_lines_are_delivered_and_counted(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 0);
	feed_str(ts, "not an event\n\n   \nneither is this\n", 5);
	text_source_finish(ts);
	/* Blank lines are not records; the others are kept visible even
	 * when only object access is wanted. */
	assert_int_equal(c.n, 2);
	assert_true(c.v[0].flags & RECORD_UNPARSED);
	assert_int_equal(c.v[0].number, 1);
	assert_string_equal(got_get(&c.v[1], "Line"), "neither is this");
	assert_int_equal(c.v[1].number, 4);
	const struct text_stats *s = text_source_stats(ts);
	assert_int_equal(s->lines, 4);
	assert_int_equal(s->unparsed, 2);
	assert_int_equal(s->records, 0);
	assert_int_equal(s->bytes, 34);
	text_source_free(ts);
	collect_free(&c);
}

static void test_line_over_1_mib_is_reported_and_skipped(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts, "before\n", 100);
	size_t big = (1u << 20) + 10;
	char *x = malloc(big);
	assert_non_null(x);
	memset(x, 'x', big);
	/* In pieces, as a follow would deliver it. */
	feed(ts, x, big, 4096);
	feed_str(ts, "\nafter\n", 100);
	text_source_finish(ts);
	assert_int_equal(c.n, 2);
	assert_string_equal(got_get(&c.v[0], "Line"), "before");
	assert_string_equal(got_get(&c.v[1], "Line"), "after");
	assert_int_equal(c.v[1].number, 3);
	assert_int_equal(c.v[1].raw_offset, 7 + big + 1);
	assert_int_equal(c.diags.count, 1);
	assert_string_equal(c.diags.text, "t.log:2: line longer than 1 MiB; skipped 1048586 bytes\n");
	assert_int_equal(text_source_stats(ts)->lines, 3);
	text_source_free(ts);
	free(x);
	collect_free(&c);
}

static void test_line_over_1_mib_at_the_end_is_reported_at_finish(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	size_t big = (1u << 20) + 1;
	char *x = malloc(big);
	assert_non_null(x);
	memset(x, 'y', big);
	feed(ts, x, big, big);
	assert_int_equal(c.diags.count, 0);
	text_source_finish(ts);
	assert_int_equal(c.n, 0);
	assert_string_equal(c.diags.text, "t.log:1: line longer than 1 MiB; skipped 1048577 bytes\n");
	text_source_free(ts);
	free(x);
	collect_free(&c);
}

static void test_utf8_byte_order_mark_is_skipped(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts, "\xEF\xBB\xBF{\"EventID\":4663,\"HandleId\":\"0x1\"}\n", 2);
	text_source_finish(ts);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].event_id, 4663);
	assert_int_equal(c.v[0].raw_offset, 3);
	text_source_free(ts);
	collect_free(&c);
}

/* ---- multi-line records ------------------------------------------------- */

static void test_multi_line_event_viewer_xml_is_one_record(void **state)
{
	(void)state;
	size_t len;
	char *xml = slurp(DATA("text/xml-eventviewer-dash_msdocs-event-4663.xml"), &len);
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	/* A line of text before it, and the event fed one byte at a time. */
	feed_str(ts, "a note\n", 1);
	feed(ts, xml, len, 1);
	text_source_finish(ts);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[1].event_id, 4663);
	assert_int_equal(c.v[1].number, 273866);
	assert_int_equal(c.v[1].raw_offset, 7);
	assert_string_equal(got_get(&c.v[1], "HandleId"), "0x1bc");
	assert_int_equal(text_source_stats(ts)->records, 1);
	assert_int_equal(text_source_stats(ts)->unparsed, 1);
	assert_int_equal(c.diags.count, 0);
	text_source_free(ts);
	free(xml);
	collect_free(&c);
}

static void test_several_xml_events_on_one_line_are_each_a_record(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts,
		 "<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
		 "<EventID>4656</EventID><EventRecordID>7</EventRecordID></System></Event>"
		 "<Event><System><EventID>4658</EventID><EventRecordID>8</EventRecordID></System></Event>"
		 "</Events>\n", 7);
	text_source_finish(ts);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[0].event_id, 4656);
	assert_int_equal(c.v[0].number, 7);
	assert_int_equal(c.v[1].event_id, 4658);
	assert_int_equal(c.v[1].number, 8);
	text_source_free(ts);
	collect_free(&c);
}

static void test_xml_without_its_end_tag_ends_at_the_next_event(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts,
		 "<Event><System><EventID>4663</EventID>\n"
		 "<Computer>A</Computer>\n"
		 "<Event><System><EventID>4658</EventID></System></Event>\n", 4);
	text_source_finish(ts);
	/* The cut one is reported where it starts and kept as its lines. */
	assert_int_equal(c.diags.count, 1);
	assert_non_null(strstr(c.diags.text, "t.log:1: XML: "));
	assert_int_equal(c.n, 3);
	assert_true(c.v[0].flags & RECORD_UNPARSED);
	assert_int_equal(c.v[0].number, 1);
	assert_int_equal(c.v[1].number, 2);
	assert_string_equal(got_get(&c.v[1], "Line"), "<Computer>A</Computer>");
	assert_int_equal(c.v[2].event_id, 4658);
	assert_int_equal(c.v[2].number, 3);
	text_source_free(ts);
	collect_free(&c);
}

static void test_pretty_printed_json_document_is_one_record(void **state)
{
	(void)state;
	size_t len;
	char *json = slurp(DATA("text/winlogbeat_elastic-integrations-test-4690.json"), &len);
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed(ts, json, len, 2);
	/* The file has no final newline: its last "}" waits for finish. */
	assert_int_equal(c.n, 0);
	text_source_finish(ts);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].event_id, 4690);
	assert_int_equal(c.v[0].number, 645314388);
	assert_string_equal(got_get(&c.v[0], "TargetHandleId"), "0x13f0");
	assert_int_equal(c.diags.count, 0);
	text_source_free(ts);
	free(json);
	collect_free(&c);
}

static void test_json_braces_inside_strings_do_not_count(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts,
		 "{\n"
		 "  \"EventID\": 4663,\n"
		 "  \"ObjectName\": \"C:\\\\a{[b\\\"}\",\n"
		 "  \"HandleId\": \"0x10\"\n"
		 "}\n"
		 "tail\n", 3);
	text_source_finish(ts);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[0].event_id, 4663);
	assert_int_equal(c.v[0].number, 1);
	assert_string_equal(got_get(&c.v[0], "ObjectName"), "C:\\a{[b\"}");
	assert_string_equal(got_get(&c.v[1], "Line"), "tail");
	assert_int_equal(c.v[1].number, 6);
	text_source_free(ts);
	collect_free(&c);
}

static void test_json_line_cut_inside_a_string_is_broken_not_swallowing(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	/* A writer died mid-line; the next line is complete. */
	feed_str(ts,
		 "{\"EventID\":4656,\"ObjectName\":\"C:\\\\tr\n"
		 "{\"EventID\":4658,\"HandleId\":\"0x4\"}\n", 5);
	text_source_finish(ts);
	assert_int_equal(c.diags.count, 1);
	assert_non_null(strstr(c.diags.text, "t.log:1: JSON: "));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0].flags & RECORD_UNPARSED);
	assert_int_equal(c.v[1].event_id, 4658);
	assert_int_equal(c.v[1].number, 2);
	text_source_free(ts);
	collect_free(&c);
}

static void test_unclosed_json_ends_at_a_complete_json_line(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts,
		 "{\"EventID\":4656,\"Handle\":{\"a\":1\n"
		 "{\"EventID\":4658,\"HandleId\":\"0x4\"}\n", 5);
	text_source_finish(ts);
	assert_int_equal(c.diags.count, 1);
	assert_int_equal(c.n, 2);
	assert_true(c.v[0].flags & RECORD_UNPARSED);
	assert_int_equal(c.v[1].event_id, 4658);
	text_source_free(ts);
	collect_free(&c);
}

static void test_record_over_4_mib_is_reported_and_skipped_to_its_end(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts, "{\"EventID\": 4663, \"pad\": [\n", 1000);
	char line[1024];
	memset(line, 'p', sizeof line);
	line[0] = '"';
	line[sizeof line - 3] = '"';
	line[sizeof line - 2] = ',';
	line[sizeof line - 1] = '\n';
	for (int i = 0; i < 4200; i++)
		feed(ts, line, sizeof line, sizeof line);
	feed_str(ts, "\"end\"]}\nnext\n", 1000);
	text_source_finish(ts);
	assert_int_equal(c.diags.count, 1);
	assert_string_equal(c.diags.text, "t.log:1: record of 4202 lines longer than 4 MiB; skipped\n");
	assert_int_equal(c.n, 1);
	assert_string_equal(got_get(&c.v[0], "Line"), "next");
	assert_int_equal(c.v[0].number, 4203);
	text_source_free(ts);
	collect_free(&c);
}

static const char LEGACY_560[] =
	"Object Open:\n"
	" \tObject Server:\tSecurity\n"
	" \tObject Type:\tFile\n"
	" \tObject Name:\tC:\\share\\a.txt\n"
	" \tHandle ID:\t20084\n"
	" \tOperation ID:\t{0,251509}\n"
	" \tProcess ID:\t4\n"
	" \tImage File Name:\t\n"
	" \tPrimary User Name:\tDC1$\n"
	" \tPrimary Domain:\tCORP\n"
	" \tPrimary Logon ID:\t(0x0,0x3E7)\n"
	" \tClient User Name:\tsupport.engineer\n"
	" \tClient Domain:\tCORP\n"
	" \tClient Logon ID:\t(0x0,0x13388)\n"
	" \tAccesses:\tREAD_CONTROL \n"
	" \t\t\tReadData (or ListDirectory) \n"
	" \tPrivileges:\t-\n"
	" \tRestricted Sid Count:\t0\n"
	" \tAccess Mask:\t0x20001\n";

/* The block follows the documented Windows 2003 rendering of 560 (no real
 * legacy text log is public: see DESIGN.md). */
static void test_legacy_message_block_ends_at_unindented_line_after_blank(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts, "preamble\n", 4);
	feed_str(ts, LEGACY_560, 3);
	feed_str(ts, "\nnot part of it\n", 3);
	text_source_finish(ts);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.v[1].event_id, 560);
	assert_int_equal(c.v[1].number, 2);
	assert_string_equal(got_get(&c.v[1], "HandleId"), "20084");
	assert_string_equal(got_get(&c.v[1], "ClientUserName"), "support.engineer");
	assert_true(c.v[2].flags & RECORD_UNPARSED);
	assert_int_equal(c.v[2].number, 22);
	text_source_free(ts);
	collect_free(&c);
}

static void test_next_legacy_title_starts_the_next_block(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts, LEGACY_560, 1);
	feed_str(ts, "Handle Closed:\n \tObject Server:\tSecurity\n \tHandle ID:\t20084\n \tProcess ID:\t4\n", 1);
	text_source_finish(ts);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[0].event_id, 560);
	assert_int_equal(c.v[1].event_id, 562);
	assert_int_equal(c.v[1].number, 20);
	assert_string_equal(got_get(&c.v[1], "HandleId"), "20084");
	text_source_free(ts);
	collect_free(&c);
}

static void test_wevtutil_text_blocks_keep_blank_lines_and_headings(void **state)
{
	(void)state;
	static const char block[] =
		"Event[0]:\n"
		"  Log Name: Security\n"
		"  Source: Microsoft-Windows-Security-Auditing\n"
		"  Date: 2021-06-03T19:10:13.887\n"
		"  Event ID: 4663\n"
		"  Task: File System\n"
		"  Level: Information\n"
		"  Opcode: Info\n"
		"  Keyword: Audit Success\n"
		"  User: N/A\n"
		"  User Name: N/A\n"
		"  Computer: fsx.example.com\n"
		"  Description: \n"
		"An attempt was made to access an object.\n"
		"\n"
		"Subject:\n"
		"\tSecurity ID:\t\tS-1-5-21-1\n"
		"\tAccount Name:\t\tAdmin\n"
		"\n"
		"Object:\n"
		"\tObject Type:\t\tFile\n"
		"\tHandle ID:\t\t0x101c\n"
		"\n"
		"Process Information:\n"
		"\tProcess ID:\t\t0x4\n"
		"\n";
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts, block, 5);
	feed_str(ts, "Event[1]:\n", 5);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].event_id, 4663);
	assert_int_equal(c.v[0].number, 1);
	assert_string_equal(c.v[0].computer, "fsx.example.com");
	assert_string_equal(got_get(&c.v[0], "HandleId"), "0x101c");
	assert_string_equal(got_get(&c.v[0], "ProcessId"), "0x4");
	text_source_free(ts);
	collect_free(&c);
}

/* ---- detection, numbers, fields ------------------------------------------ */

static void test_broken_record_is_reported_with_file_and_line_and_kept_unparsed(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts, "ok\n{\"EventID\": 4663, \"HandleId\": }\n", 4);
	text_source_finish(ts);
	assert_int_equal(c.diags.count, 1);
	assert_non_null(strstr(c.diags.text, "t.log:2: JSON: "));
	assert_int_equal(c.n, 2);
	assert_true(c.v[1].flags & RECORD_UNPARSED);
	assert_int_equal(c.v[1].number, 2);
	assert_string_equal(got_get(&c.v[1], "Line"), "{\"EventID\": 4663, \"HandleId\": }");
	assert_int_equal(text_source_stats(ts)->unparsed, 2);
	text_source_free(ts);
	collect_free(&c);
}

static void test_record_number_is_the_first_line_when_the_format_has_none(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts,
		 "{\"EventID\":4656,\"HandleId\":\"0x1\"}\n"
		 "\n"
		 "{\"EventID\":4658,\n"
		 " \"HandleId\":\"0x1\"}\n"
		 "{\"EventID\":4663,\"RecordNumber\":99}\n", 6);
	text_source_finish(ts);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.v[0].number, 1);
	assert_int_equal(c.v[1].number, 3);
	assert_int_equal(c.v[2].number, 99);
	text_source_free(ts);
	collect_free(&c);
}

static void test_keep_all_off_delivers_object_access_and_unparsed_only(void **state)
{
	(void)state;
	static const char input[] =
		"{\"EventID\":4624}\n"
		"{\"EventID\":4663}\n"
		"garbage\n"
		"{\"EventID\":4688}\n"
		"{\"EventID\":560}\n";
	struct collect c;
	struct text_source *ts = open_source(&c, 0);
	feed_str(ts, input, 64);
	text_source_finish(ts);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.v[0].event_id, 4663);
	assert_true(c.v[1].flags & RECORD_UNPARSED);
	assert_int_equal(c.v[2].event_id, 560);
	assert_int_equal(text_source_stats(ts)->records, 2);
	text_source_free(ts);
	collect_free(&c);

	ts = open_source(&c, 1);
	feed_str(ts, input, 64);
	text_source_finish(ts);
	assert_int_equal(c.n, 5);
	assert_int_equal(text_source_stats(ts)->records, 4);
	assert_int_equal(text_source_stats(ts)->unparsed, 1);
	text_source_free(ts);
	collect_free(&c);
}

static void test_other_events_are_dropped_before_parsing_when_not_kept(void **state)
{
	(void)state;
	static const char input[] =
		"{\"EventID\": 4624, \"broken\": }\n"
		"<Event><System><EventID Qualifiers='0'>4688</EventID></System><EventData></Event>\n"
		"{\"EventID\": \"4663\", \"broken\": }\n"
		"{\"a\":{\"EventID\":4624},\"EventID\":4656}\n";
	struct collect c;
	struct text_source *ts = open_source(&c, 0);
	feed_str(ts, input, 64);
	text_source_finish(ts);
	/* Only the object-access one is parsed, and found broken; a record
	 * with two "EventID" keys is parsed to find out. */
	assert_int_equal(c.diags.count, 1);
	assert_non_null(strstr(c.diags.text, "t.log:3: JSON: "));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0].flags & RECORD_UNPARSED);
	assert_int_equal(c.v[0].number, 3);
	assert_int_equal(c.v[1].event_id, 4656);
	text_source_free(ts);
	collect_free(&c);

	ts = open_source(&c, 1);
	feed_str(ts, input, 64);
	text_source_finish(ts);
	assert_int_equal(c.diags.count, 3);
	assert_int_equal(c.n, 4);
	text_source_free(ts);
	collect_free(&c);
}

/* The sequence counts every record parsed, kept or not (the reader's own
 * order); records dropped before parsing take none. */
static void test_records_dropped_after_parsing_still_take_a_sequence_number(void **state)
{
	(void)state;
	static const char input[] =
		"{\"EventID\": 4624}\n"
		"{\"EventID\": 4663}\n"
		"{\"a\":{\"EventID\":4663},\"EventID\":4624}\n"
		"{\"EventID\": 4658}\n";
	struct collect c;
	struct text_source *ts = open_source(&c, 0);
	feed_str(ts, input, 1000);
	text_source_finish(ts);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[0].event_id, 4663);
	assert_int_equal(c.v[0].sequence, 1);
	assert_int_equal(c.v[1].event_id, 4658);
	assert_int_equal(c.v[1].sequence, 3);
	text_source_free(ts);
	collect_free(&c);
}

static void test_syslog_host_and_time_fill_what_the_record_lacks(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts,
		 "<13>1 2021-06-03T19:10:13.5Z fs01.corp - - - - {\"EventID\":4663,\"HandleId\":\"0x1\"}\n"
		 "<13>1 2021-06-03T19:10:14Z fs01.corp - - - - {\"EventID\":4658,\"Hostname\":\"own\","
		 "\"TimeCreated\":\"2021-06-03 19:00:00\"}\n", 9);
	text_source_finish(ts);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].computer, "fs01.corp");
	char t[40];
	timefmt_iso(c.v[0].time, t, sizeof t);
	assert_string_equal(t, "2021-06-03T19:10:13.5000000Z");
	assert_string_equal(c.v[1].computer, "own");
	timefmt_iso(c.v[1].time, t, sizeof t);
	assert_string_equal(t, "2021-06-03T19:00:00.0000000Z");
	text_source_free(ts);
	collect_free(&c);
}

static void test_evtsys_source_in_the_tag_position_reaches_the_parser(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts,
		 "<13>Jun  3 19:10:13 FS01 Security-Auditing: 4663: AUDIT_SUCCESS An attempt was made "
		 "to access an object. Subject: Security ID: S-1-5-18 Account Name: FS01$ Account Domain: "
		 "CORP Logon ID: 0x3E7 Object: Object Server: Security Object Type: File Object Name: "
		 "C:\\a.txt Handle ID: 0x1a4 Process Information: Process ID: 0x4 Process Name: "
		 "Access Request Information: Accesses: ReadData (or ListDirectory) Access Mask: 0x1\n", 50);
	text_source_finish(ts);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].event_id, 4663);
	assert_string_equal(c.v[0].computer, "FS01");
	assert_string_equal(got_get(&c.v[0], "HandleId"), "0x1a4");
	text_source_free(ts);
	collect_free(&c);
}

static void test_sink_asking_to_stop_stops_the_source(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	c.stop_after = 2;
	assert_int_equal(feed_str(ts, "a\nb\nc\nd\n", 1), 1);
	assert_int_equal(c.n, 2);
	assert_int_equal(text_source_feed(ts, "e\n", 2), 1);
	assert_int_equal(text_source_finish(ts), 1);
	assert_int_equal(c.n, 2);
	text_source_free(ts);
	collect_free(&c);
}

static void test_reset_forgets_held_data_and_restarts_line_numbers(void **state)
{
	(void)state;
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	feed_str(ts, "one\ntwo\n{\"EventID\":4663,\n  \"x\": \"half", 100);
	text_source_reset(ts, 1);
	assert_int_equal(c.diags.count, 1);
	assert_non_null(strstr(c.diags.text, "t.log:4: the file was truncated or replaced"));
	feed_str(ts, "new\n", 100);
	text_source_finish(ts);
	assert_int_equal(c.n, 3);
	assert_string_equal(got_get(&c.v[2], "Line"), "new");
	assert_int_equal(c.v[2].number, 1);
	assert_int_equal(c.v[2].raw_offset, 0);
	text_source_free(ts);
	collect_free(&c);
}

/* ---- whole files, through text_read_file --------------------------------- */

static void test_read_file_gives_the_same_records_as_one_feed(void **state)
{
	(void)state;
	static const char *const files[] = {
		"text/xml-rendered_aws-fsx-windows-file-access-auditing.xml",
		"text/flat-json-crlf_mordor-cmd_psexec_lsa_secrets_dump.jsonl",
		"text/snare-rfc3164_rsyslog-mmsnareparse-sample-windows2025-security.log",
		"text/winlogbeat_elastic-integrations-test-4658.json",
	};
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, files[f]);
		struct collect a, b;
		read_file_into(&a, path, 1);
		size_t len;
		char *all = slurp(path, &len);
		struct text_source *ts = open_source(&b, 1);
		feed(ts, all, len, len ? len : 1);
		text_source_finish(ts);
		assert_true(a.n > 0);
		assert_int_equal(a.n, b.n);
		for (size_t i = 0; i < a.n; i++) {
			assert_int_equal(a.v[i].event_id, b.v[i].event_id);
			assert_int_equal(a.v[i].number, b.v[i].number);
			assert_int_equal(a.v[i].raw_offset, b.v[i].raw_offset);
			assert_int_equal(a.v[i].ndata, b.v[i].ndata);
			for (size_t j = 0; j < a.v[i].ndata; j++)
				assert_string_equal(a.v[i].values[j], b.v[i].values[j]);
		}
		assert_int_equal(a.diags.count, b.diags.count);
		text_source_free(ts);
		free(all);
		collect_free(&a);
		collect_free(&b);
	}
}

static void test_read_file_names_a_missing_file(void **state)
{
	(void)state;
	struct collect c;
	memset(&c, 0, sizeof c);
	struct record_sink sink = {collect_record, collect_diag, &c};
	char err[256];
	assert_int_equal(text_read_file("/nonexistent/x.log", 1, &sink, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/x.log: cannot open: "));
}

static void test_read_file_refuses_utf16_with_a_hint(void **state)
{
	(void)state;
	char path[] = "/tmp/oaview-utf16-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char utf16[] = "\xFF\xFE{\0\"\0E\0";
	assert_int_equal(write(fd, utf16, sizeof utf16 - 1), (ssize_t)(sizeof utf16 - 1));
	close(fd);
	struct collect c;
	memset(&c, 0, sizeof c);
	struct record_sink sink = {collect_record, collect_diag, &c};
	char err[256];
	assert_int_equal(text_read_file(path, 1, &sink, err, sizeof err), -1);
	assert_non_null(strstr(err, ": UTF-16 text is not supported; convert it first"));
	assert_int_equal(c.n, 0);
	unlink(path);
}

/* ---- parallel batches ---------------------------------------------------- */

/* One cycle of the big mixed input: real samples of every framing (one-line
 * JSON, CRLF JSON, pretty JSON, multi-line and one-line XML, Snare behind
 * syslog headers), a legacy message block, a plain line; ending with
 * one-line records, so nothing is held once a feed returns. */
static const char *const MIXED_FILES[] = {
	"text/xml-rendered_aws-fsx-windows-file-access-auditing.xml",
	"text/snare-rfc3164_rsyslog-mmsnareparse-sample-windows2025-security.log",
	"text/winlogbeat_elastic-integrations-test-4663.json",
	"text/xml-eventviewer-dash_msdocs-event-4656.xml",
	"text/flat-json-crlf_mordor-cmd_psexec_lsa_secrets_dump.jsonl",
	"text/snare-mixed-headers_rsyslog-pmsnare-test-inputs.log",
	"text/nxlog-json-logstash_mordor-empire_persistence_registry_modification_run_keys_standard_user-4660.jsonl",
};

/* A broken record, put in the middle of the input. */
static const char BROKEN[] = "{\"EventID\": 4663, \"HandleId\": 0x1a4}";

struct mixed {
	char *text;
	size_t len, cap;
	uint64_t broken_line;   /* 1-based */
	size_t broken_offset;
};

static void mixed_add(struct mixed *m, const char *s, size_t n)
{
	if (m->len + n + 1 > m->cap) {
		while (m->len + n + 1 > m->cap)
			m->cap = m->cap ? m->cap * 2 : 65536;
		m->text = realloc(m->text, m->cap);
		assert_non_null(m->text);
	}
	memcpy(m->text + m->len, s, n);
	m->len += n;
	m->text[m->len] = '\0';
}

static uint64_t count_lines(const char *s, size_t n)
{
	uint64_t lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

/* At least 2 MiB: several batches at the default TEXT_BATCH_BYTES
 * (256 KiB), hundreds in the tiny build. */
static void mixed_build(struct mixed *m)
{
	memset(m, 0, sizeof *m);
	char *files[sizeof MIXED_FILES / sizeof MIXED_FILES[0]];
	size_t lens[sizeof MIXED_FILES / sizeof MIXED_FILES[0]];
	for (size_t f = 0; f < sizeof MIXED_FILES / sizeof MIXED_FILES[0]; f++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, MIXED_FILES[f]);
		files[f] = slurp(path, &lens[f]);
		assert_true(lens[f] > 0);
	}
	for (int cycle = 0; m->len < (2u << 20); cycle++) {
		for (size_t f = 0; f < sizeof MIXED_FILES / sizeof MIXED_FILES[0]; f++) {
			mixed_add(m, files[f], lens[f]);
			if (files[f][lens[f] - 1] != '\n')
				mixed_add(m, "\n", 1);
			if (f == 3) {
				mixed_add(m, LEGACY_560, strlen(LEGACY_560));
				mixed_add(m, "\nplain text, no format\n", 23);
			}
			if (cycle == 4 && f == 1) {
				m->broken_line = count_lines(m->text, m->len) + 1;
				m->broken_offset = m->len;
				mixed_add(m, BROKEN, strlen(BROKEN));
				mixed_add(m, "\n", 1);
			}
		}
	}
	for (size_t f = 0; f < sizeof MIXED_FILES / sizeof MIXED_FILES[0]; f++)
		free(files[f]);
}

/* Same records, same fields, same sequence numbers, same diagnostics at
 * the same places, in the same order. */
static void assert_same_delivery(const struct collect *a, const struct collect *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct got *x = &a->v[i], *y = &b->v[i];
		assert_int_equal(x->event_id, y->event_id);
		assert_int_equal(x->number, y->number);
		assert_int_equal(x->sequence, y->sequence);
		assert_int_equal(x->raw_offset, y->raw_offset);
		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->outcome, y->outcome);
		assert_int_equal(x->time, y->time);
		assert_true((x->computer == NULL) == (y->computer == NULL));
		if (x->computer)
			assert_string_equal(x->computer, y->computer);
		assert_int_equal(x->ndata, y->ndata);
		for (size_t j = 0; j < x->ndata; j++) {
			assert_string_equal(x->names[j], y->names[j]);
			assert_string_equal(x->values[j], y->values[j]);
		}
	}
	assert_int_equal(a->ndiag, b->ndiag);
	for (size_t i = 0; i < a->ndiag; i++) {
		assert_string_equal(a->diag_lines[i], b->diag_lines[i]);
		assert_int_equal(a->diag_at[i], b->diag_at[i]);
	}
}

/* The reference: one byte per feed, on the caller's thread alone. */
static void feed_bytewise(struct collect *c, const struct mixed *m, int keep_all, size_t stop_after)
{
	struct text_source *ts = open_source(c, keep_all);
	c->stop_after = stop_after;
	text_source_set_threads(ts, 1);
	int rc = feed(ts, m->text, m->len, 1);
	if (rc == 0)
		text_source_finish(ts);
	assert_int_equal(text_source_stats(ts)->batches, 0);
	text_source_free(ts);
}

static void test_parallel_batches_give_the_records_of_one_byte_feeds(void **state)
{
	(void)state;
	struct mixed m;
	mixed_build(&m);
	char path[] = "/tmp/oaview-mixed-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, m.text, m.len), (ssize_t)m.len);
	close(fd);
	for (int keep_all = 1; keep_all >= 0; keep_all--) {
		struct collect bytewise, whole, file;
		feed_bytewise(&bytewise, &m, keep_all, 0);
		assert_true(bytewise.n > 1000);

		/* The whole input in one feed, parsed by four threads: every
		 * complete record is delivered before the feed returns. */
		struct text_source *ts = open_source(&whole, keep_all);
		text_source_set_threads(ts, 4);
		assert_int_equal(text_source_feed(ts, m.text, m.len), 0);
		assert_true(text_source_stats(ts)->batches > 3);
		assert_int_equal(whole.n, bytewise.n);
		assert_int_equal(text_source_finish(ts), 0);
		text_source_free(ts);
		assert_same_delivery(&whole, &bytewise);

		/* text_read_file: batches run on across its reads.  Its
		 * diagnostics name the file, not PATH. */
		memset(&file, 0, sizeof file);
		struct record_sink sink = {collect_record, collect_diag, &file};
		char err[512];
		assert_int_equal(text_read_file_threads(path, keep_all, 4, &sink, err, sizeof err), 0);
		for (size_t i = 0; i < file.ndiag; i++) {
			size_t pl = strlen(path);
			assert_memory_equal(file.diag_lines[i], path, pl);
			memmove(file.diag_lines[i], PATH, strlen(PATH));
			memmove(file.diag_lines[i] + strlen(PATH), file.diag_lines[i] + pl,
				strlen(file.diag_lines[i] + pl) + 1);
		}
		assert_same_delivery(&file, &bytewise);

		collect_free(&bytewise);
		collect_free(&whole);
		collect_free(&file);
	}
	unlink(path);
	free(m.text);
}

static void test_broken_record_in_a_batch_is_reported_at_its_line_and_kept_in_place(void **state)
{
	(void)state;
	struct mixed m;
	mixed_build(&m);
	struct collect c;
	struct text_source *ts = open_source(&c, 1);
	text_source_set_threads(ts, 4);
	assert_int_equal(text_source_feed(ts, m.text, m.len), 0);
	assert_int_equal(text_source_finish(ts), 0);
	assert_true(text_source_stats(ts)->batches > 3);
	text_source_free(ts);

	char want[64];
	snprintf(want, sizeof want, "t.log:%llu: JSON: ", (unsigned long long)m.broken_line);
	size_t d = 0;
	while (d < c.ndiag && strncmp(c.diag_lines[d], want, strlen(want)) != 0)
		d++;
	assert_true(d < c.ndiag);
	/* Delivered right after its diagnostic, as its line, between the
	 * records before and after it in the file. */
	size_t i = c.diag_at[d];
	assert_true(i > 0 && i + 1 < c.n);
	assert_true(c.v[i].flags & RECORD_UNPARSED);
	assert_string_equal(got_get(&c.v[i], "Line"), BROKEN);
	assert_int_equal(c.v[i].number, m.broken_line);
	assert_int_equal(c.v[i].raw_offset, m.broken_offset);
	assert_true(c.v[i - 1].raw_offset < m.broken_offset);
	assert_true(c.v[i + 1].raw_offset > m.broken_offset);
	assert_int_equal(c.v[i + 1].sequence, c.v[i].sequence + 1);
	collect_free(&c);
	free(m.text);
}

static void test_stop_inside_a_parallel_batch_delivers_nothing_after(void **state)
{
	(void)state;
	struct mixed m;
	mixed_build(&m);
	struct collect bytewise, whole;
	feed_bytewise(&bytewise, &m, 1, 0);
	size_t stop = bytewise.n / 2 + 7;
	collect_free(&bytewise);
	feed_bytewise(&bytewise, &m, 1, stop);
	assert_int_equal(bytewise.n, stop);

	struct text_source *ts = open_source(&whole, 1);
	whole.stop_after = stop;
	text_source_set_threads(ts, 4);
	assert_int_equal(text_source_feed(ts, m.text, m.len), 1);
	assert_int_equal(text_source_feed(ts, "more\n", 5), 1);
	assert_int_equal(text_source_finish(ts), 1);
	text_source_free(ts);
	assert_same_delivery(&whole, &bytewise);
	collect_free(&bytewise);
	collect_free(&whole);
	free(m.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crlf_ends_lines_and_the_cr_is_dropped),
		cmocka_unit_test(test_partial_last_line_is_held_until_its_newline),
		cmocka_unit_test(test_unparsed_lines_are_delivered_and_counted),
		cmocka_unit_test(test_line_over_1_mib_is_reported_and_skipped),
		cmocka_unit_test(test_line_over_1_mib_at_the_end_is_reported_at_finish),
		cmocka_unit_test(test_utf8_byte_order_mark_is_skipped),
		cmocka_unit_test(test_multi_line_event_viewer_xml_is_one_record),
		cmocka_unit_test(test_several_xml_events_on_one_line_are_each_a_record),
		cmocka_unit_test(test_xml_without_its_end_tag_ends_at_the_next_event),
		cmocka_unit_test(test_pretty_printed_json_document_is_one_record),
		cmocka_unit_test(test_json_braces_inside_strings_do_not_count),
		cmocka_unit_test(test_json_line_cut_inside_a_string_is_broken_not_swallowing),
		cmocka_unit_test(test_unclosed_json_ends_at_a_complete_json_line),
		cmocka_unit_test(test_record_over_4_mib_is_reported_and_skipped_to_its_end),
		cmocka_unit_test(test_legacy_message_block_ends_at_unindented_line_after_blank),
		cmocka_unit_test(test_next_legacy_title_starts_the_next_block),
		cmocka_unit_test(test_wevtutil_text_blocks_keep_blank_lines_and_headings),
		cmocka_unit_test(test_broken_record_is_reported_with_file_and_line_and_kept_unparsed),
		cmocka_unit_test(test_record_number_is_the_first_line_when_the_format_has_none),
		cmocka_unit_test(test_keep_all_off_delivers_object_access_and_unparsed_only),
		cmocka_unit_test(test_other_events_are_dropped_before_parsing_when_not_kept),
		cmocka_unit_test(test_records_dropped_after_parsing_still_take_a_sequence_number),
		cmocka_unit_test(test_syslog_host_and_time_fill_what_the_record_lacks),
		cmocka_unit_test(test_evtsys_source_in_the_tag_position_reaches_the_parser),
		cmocka_unit_test(test_sink_asking_to_stop_stops_the_source),
		cmocka_unit_test(test_reset_forgets_held_data_and_restarts_line_numbers),
		cmocka_unit_test(test_read_file_gives_the_same_records_as_one_feed),
		cmocka_unit_test(test_read_file_names_a_missing_file),
		cmocka_unit_test(test_read_file_refuses_utf16_with_a_hint),
		cmocka_unit_test(test_parallel_batches_give_the_records_of_one_byte_feeds),
		cmocka_unit_test(test_broken_record_in_a_batch_is_reported_at_its_line_and_kept_in_place),
		cmocka_unit_test(test_stop_inside_a_parallel_batch_delivers_nothing_after),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
