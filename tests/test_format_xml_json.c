/* test_format_xml_json.c - the syslog header, rendered Event XML and JSON
 * (NXLog, flattened exports, Winlogbeat) parsers, on the parsers directly
 * and on every real sample of these formats in tests/data/text/ (origins in
 * tests/data/text/SOURCES.md).  Expected values were read by hand from the
 * sample files. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>

#include "source_text.h"
#include "text_format.h"
#include "timefmt.h"

/* ---- records as delivered by the text source, copied ------------------- */

struct got {
	uint32_t event_id;
	uint64_t number;
	uint8_t flags, outcome;
	int64_t time;
	char *computer, *channel, *provider;
	size_t ndata;
	char *names[RECORD_MAX_DATA];
	char *values[RECORD_MAX_DATA];
};

struct collect {
	struct got *v;
	size_t n, cap;
	struct diag_log diags;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

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
	g->flags = rec->flags;
	g->outcome = rec->outcome;
	g->time = rec->time;
	g->computer = dup_or_null(rec->computer);
	g->channel = dup_or_null(rec->channel);
	g->provider = dup_or_null(rec->provider);
	g->ndata = rec->ndata;
	for (size_t i = 0; i < rec->ndata; i++) {
		g->names[i] = strdup(rec->data[i].name);
		g->values[i] = strdup(rec->data[i].value);
	}
	return 0;
}

static void collect_diag(void *ctx, const char *message)
{
	diag_log_add(&((struct collect *)ctx)->diags, message);
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct got *g = &c->v[i];
		free(g->computer);
		free(g->channel);
		free(g->provider);
		for (size_t j = 0; j < g->ndata; j++) {
			free(g->names[j]);
			free(g->values[j]);
		}
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

static const char *got_get(const struct got *g, const char *name)
{
	for (size_t i = 0; i < g->ndata; i++)
		if (strcmp(g->names[i], name) == 0)
			return g->values[i];
	return NULL;
}

/* Read a sample with every event kept; no diagnostics are expected. */
static void read_sample(struct collect *c, const char *name)
{
	char path[512], err[512];
	snprintf(path, sizeof path, "%s/text/%s", TEST_DATA_DIR, name);
	memset(c, 0, sizeof *c);
	struct record_sink sink = {collect_record, collect_diag, c};
	if (text_read_file(path, 1, &sink, err, sizeof err) != 0)
		fail_msg("%s", err);
	if (c->diags.count)
		fail_msg("%s: unexpected diagnostics:\n%s", name, c->diags.text);
}

static size_t count_id(const struct collect *c, uint32_t id)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += c->v[i].event_id == id && !(c->v[i].flags & RECORD_UNPARSED);
	return n;
}

static size_t count_unparsed(const struct collect *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += (c->v[i].flags & RECORD_UNPARSED) != 0;
	return n;
}

static void assert_time(int64_t ft, const char *iso)
{
	char t[40];
	timefmt_iso(ft, t, sizeof t);
	assert_string_equal(t, iso);
}

/* ---- syslog headers ---------------------------------------------------- */

static void test_rfc3164_header_with_pri_host_and_tag(void **state)
{
	(void)state;
	static const char line[] = "<14>Dec 13 17:45:02 SANTA-CLAUS-W764.blerg.com nxWinEvt[892]: {\"EventTime\":1}";
	struct arena a = {0};
	struct syslog_header h;
	size_t off = syslog_header_parse(line, strlen(line), &h, &a);
	assert_true(h.present);
	assert_string_equal(h.host, "SANTA-CLAUS-W764.blerg.com");
	assert_string_equal(h.tag, "nxWinEvt");
	/* No year in RFC 3164: the time is unknown, not guessed. */
	assert_int_equal(h.time, 0);
	assert_string_equal(line + off, "{\"EventTime\":1}");
	arena_free(&a);
}

static void test_rfc3164_header_without_tag_leaves_snare_whole(void **state)
{
	(void)state;
	static const char line[] = "<175>Oct 16 23:47:31 #001 MSWinEventLog 0#011Security#01119023582";
	struct arena a = {0};
	struct syslog_header h;
	size_t off = syslog_header_parse(line, strlen(line), &h, &a);
	assert_true(h.present);
	assert_string_equal(h.host, "#001");
	assert_null(h.tag);
	assert_string_equal(line + off, "MSWinEventLog 0#011Security#01119023582");

	off = syslog_header_parse("<14>May 21 12:00:01 MSWinEventLog 0#011Security", 47, &h, &a);
	assert_true(h.present);
	assert_null(h.host);
	assert_int_equal(off, 20);

	static const char padded[] = "May  1 12:00:01.123 hostname.domain MSWinEventLog\t1\tSecurity";
	off = syslog_header_parse(padded, strlen(padded), &h, &a);
	assert_true(h.present);
	assert_string_equal(h.host, "hostname.domain");
	assert_string_equal(padded + off, "MSWinEventLog\t1\tSecurity");
	arena_free(&a);
}

static void test_bare_snare_lines_have_no_syslog_header(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"hostname.domain\tMSWinEventLog\t1\tSecurity\t00000000",
		"MSWinEventLog\t0\tSecurity\t1279709\tWed Feb 17 15:21:07 2016\t4663",
		"14,user,info,MSWinEventLog,MSWinEventLog, 1#011Security",
		"Object Open:",
	};
	struct arena a = {0};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct syslog_header h;
		assert_int_equal(syslog_header_parse(lines[i], strlen(lines[i]), &h, &a), 0);
		assert_false(h.present);
	}
	arena_free(&a);
}

static void test_rfc5424_header_with_nil_fields(void **state)
{
	(void)state;
	static const char line[] = "<13>1 2025-02-18T06:42:17.554128Z DC25-PREVIEW - - - - MSWinEventLog\t1";
	struct arena a = {0};
	struct syslog_header h;
	size_t off = syslog_header_parse(line, strlen(line), &h, &a);
	assert_true(h.present);
	assert_string_equal(h.host, "DC25-PREVIEW");
	assert_null(h.tag);
	assert_time(h.time, "2025-02-18T06:42:17.5541280Z");
	assert_string_equal(line + off, "MSWinEventLog\t1");
	arena_free(&a);
}

static void test_rfc5424_header_with_structured_data_and_bom(void **state)
{
	(void)state;
	/* RFC 5424 section 6.5, example 3, with a "]" escaped inside a value. */
	static const char line[] = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
				   "[exampleSDID@32473 iut=\"3\" eventSource=\"Appl\\]ication\" eventID=\"1011\"]"
				   "[x@1 a=\"b\"] \xEF\xBB\xBF" "An application event";
	struct arena a = {0};
	struct syslog_header h;
	size_t off = syslog_header_parse(line, strlen(line), &h, &a);
	assert_true(h.present);
	assert_string_equal(h.host, "mymachine.example.com");
	assert_string_equal(h.tag, "evntslog");
	assert_time(h.time, "2003-10-11T22:14:15.0030000Z");
	assert_string_equal(line + off, "An application event");
	arena_free(&a);
}

static void test_rsyslog_iso_file_format_header(void **state)
{
	(void)state;
	static const char line[] = "2021-06-03T21:10:13.887145+02:00 fs01 evtsys: Security-Auditing: 4663: x";
	struct arena a = {0};
	struct syslog_header h;
	size_t off = syslog_header_parse(line, strlen(line), &h, &a);
	assert_true(h.present);
	assert_string_equal(h.host, "fs01");
	assert_string_equal(h.tag, "evtsys");
	assert_time(h.time, "2021-06-03T19:10:13.8871450Z");
	assert_string_equal(line + off, "Security-Auditing: 4663: x");
	arena_free(&a);
}

/* ---- XML, directly --------------------------------------------------- */

static int parse_xml(const char *text, struct record *rec, struct arena *a, char *err, size_t errlen)
{
	record_clear(rec);
	err[0] = '\0';
	return text_parse_xml(text, strlen(text), rec, a, err, errlen);
}

static void test_xml_single_quotes_entities_and_keywords(void **state)
{
	(void)state;
	struct arena a = {0};
	struct record rec;
	char err[256];
	assert_int_equal(parse_xml("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"
				   "<System><Provider Name='Microsoft-Windows-Security-Auditing'/>"
				   "<EventID>4663</EventID><Keywords>0x8010000000000000</Keywords>"
				   "<TimeCreated SystemTime='2021-06-03T19:10:13.887145400Z'/>"
				   "<EventRecordID>308831</EventRecordID><Channel>Security</Channel>"
				   "<Computer>fs01</Computer></System><EventData>"
				   "<Data Name='ObjectName'>C:\\R&amp;D\\&lt;x&gt;&#x41;</Data>"
				   "<Data Name=\"HandleId\">0x101c</Data></EventData></Event>",
				   &rec, &a, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4663);
	assert_int_equal(rec.number, 308831);
	assert_int_equal(rec.outcome, OUTCOME_FAILURE);
	assert_string_equal(rec.computer, "fs01");
	assert_string_equal(rec.channel, "Security");
	assert_string_equal(rec.provider, "Microsoft-Windows-Security-Auditing");
	assert_time(rec.time, "2021-06-03T19:10:13.8871454Z");
	assert_string_equal(record_get(&rec, "ObjectName"), "C:\\R&D\\<x>A");
	assert_string_equal(record_get(&rec, "HandleId"), "0x101c");
	arena_free(&a);
}

static void test_xml_user_data_leaves_become_data(void **state)
{
	(void)state;
	struct arena a = {0};
	struct record rec;
	char err[256];
	assert_int_equal(parse_xml("<Event><System><EventID>1102</EventID></System><UserData>"
				   "<LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'>"
				   "<SubjectUserName>admin</SubjectUserName><SubjectLogonId>0x1</SubjectLogonId>"
				   "</LogFileCleared></UserData></Event>", &rec, &a, err, sizeof err), 1);
	assert_int_equal(rec.ndata, 2);
	assert_string_equal(record_get(&rec, "SubjectUserName"), "admin");
	assert_string_equal(record_get(&rec, "SubjectLogonId"), "0x1");
	arena_free(&a);
}

static void test_xml_unnamed_legacy_data_get_layout_names(void **state)
{
	(void)state;
	struct arena a = {0};
	struct record rec;
	char err[256];
	assert_int_equal(parse_xml("<Event><System><EventID>562</EventID></System><EventData>"
				   "<Data>Security</Data><Data>20084</Data><Data>4</Data>"
				   "<Data>C:\\WINDOWS\\system32\\svchost.exe</Data></EventData></Event>",
				   &rec, &a, err, sizeof err), 1);
	assert_true(rec.flags & RECORD_LEGACY);
	assert_string_equal(record_get(&rec, "HandleId"), "20084");
	assert_string_equal(record_get(&rec, "ProcessId"), "4");
	assert_string_equal(record_get(&rec, "ImageFileName"), "C:\\WINDOWS\\system32\\svchost.exe");

	assert_int_equal(parse_xml("<Event><System><EventID>4999</EventID></System><EventData>"
				   "<Data>a</Data><Data Name='X'>b</Data><Data>c</Data></EventData></Event>",
				   &rec, &a, err, sizeof err), 1);
	assert_string_equal(record_get(&rec, "Data1"), "a");
	assert_string_equal(record_get(&rec, "X"), "b");
	assert_string_equal(record_get(&rec, "Data3"), "c");
	arena_free(&a);
}

static void test_xml_aws_spacing_quirks_are_normalised(void **state)
{
	(void)state;
	struct arena a = {0};
	struct record rec;
	char err[256];
	assert_int_equal(parse_xml("- <Event>\n- <System>\n <EventID>4663< /EventID> \n </System>\n"
				   "- <EventData>\n < Data Name='HandleId'>0x1< /Data> \n </EventData>\n </Event> \n",
				   &rec, &a, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4663);
	assert_string_equal(record_get(&rec, "HandleId"), "0x1");
	arena_free(&a);
}

static void test_xml_refuses_doctype_depth_and_missing_event_id(void **state)
{
	(void)state;
	struct arena a = {0};
	struct record rec;
	char err[256];
	assert_int_equal(parse_xml("<!DOCTYPE Event [<!ENTITY a \"aaaa\">]><Event><System><EventID>1</EventID>"
				   "</System><EventData><Data Name='x'>&a;</Data></EventData></Event>",
				   &rec, &a, err, sizeof err), 0);
	assert_int_equal(parse_xml("<Event><System><EventID>4663</EventID></System></Event>"
				   "<!DOCTYPE x>", &rec, &a, err, sizeof err), 1);

	char deep[2048] = "<Event>";
	for (int i = 0; i < 40; i++)
		strcat(deep, "<a>");
	strcat(deep, "x");
	for (int i = 0; i < 40; i++)
		strcat(deep, "</a>");
	strcat(deep, "</Event>");
	assert_int_equal(parse_xml(deep, &rec, &a, err, sizeof err), -1);
	assert_string_equal(err, "XML: elements nested too deep");

	assert_int_equal(parse_xml("<Event><System><Computer>x</Computer></System></Event>", &rec, &a, err,
				   sizeof err), -1);
	assert_string_equal(err, "XML: the event has no System/EventID");
	assert_int_equal(parse_xml("<Event><System><EventID>4663</EventID></System><EventData>", &rec, &a,
				   err, sizeof err), -1);
	assert_non_null(strstr(err, "XML: "));
	assert_int_equal(parse_xml("<Event><System><EventID>x1</EventID></System></Event>", &rec, &a, err,
				   sizeof err), -1);
	assert_int_equal(parse_xml("<Events/>", &rec, &a, err, sizeof err), 0);
	assert_int_equal(parse_xml("not xml", &rec, &a, err, sizeof err), 0);
	arena_free(&a);
}

static void test_xml_doctype_inside_an_event_is_an_error(void **state)
{
	(void)state;
	/* Text must start at "<Event", so a DTD (and its entities) can never
	 * come first; inside the event expat refuses it. */
	struct arena a = {0};
	struct record rec;
	char err[256];
	record_clear(&rec);
	static const char doc[] = "<Event><!DOCTYPE x [<!ENTITY a 'b'>]><System><EventID>1</EventID></System></Event>";
	assert_int_equal(text_parse_xml(doc, strlen(doc), &rec, &a, err, sizeof err), -1);
	arena_free(&a);
}

/* ---- XML samples ------------------------------------------------------- */

struct msdocs_case {
	const char *file;
	uint32_t id;
	uint64_t number;
	uint8_t outcome;
	const char *name, *value;
};

static void test_msdocs_event_viewer_xml_samples_parse(void **state)
{
	(void)state;
	static const struct msdocs_case cases[] = {
		{"xml-eventviewer-dash_msdocs-event-4656.xml", 4656, 274057, OUTCOME_FAILURE, "AccessMask", "0x12019f"},
		{"xml-eventviewer-dash_msdocs-event-4658.xml", 4658, 276724, OUTCOME_SUCCESS, "HandleId", "0x18a8"},
		{"xml-eventviewer-dash_msdocs-event-4660.xml", 4660, 270188, OUTCOME_SUCCESS, "HandleId", "0x1678"},
		{"xml-eventviewer-dash_msdocs-event-4663.xml", 4663, 273866, OUTCOME_SUCCESS, "AccessList", "%%4417 %%4418"},
		{"xml-eventviewer-dash_msdocs-event-4670.xml", 4670, 269529, OUTCOME_SUCCESS, "HandleId", "0x3f0"},
		{"xml-eventviewer-dash_msdocs-event-4690.xml", 4690, 338632, OUTCOME_SUCCESS, "TargetHandleId", "0xd9c"},
		{"xml-eventviewer-dash_msdocs-event-5140.xml", 5140, 268495, OUTCOME_SUCCESS, "ShareName", "\\\\\\\\\\*\\\\Documents"},
		{"xml-eventviewer-dash_msdocs-event-5145.xml", 5145, 267092, OUTCOME_SUCCESS, "RelativeTargetName", "Bginfo.exe"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct collect c;
		read_sample(&c, cases[i].file);
		assert_int_equal(c.n, 1);
		const struct got *g = &c.v[0];
		assert_int_equal(g->event_id, cases[i].id);
		assert_int_equal(g->number, cases[i].number);
		assert_int_equal(g->outcome, cases[i].outcome);
		assert_string_equal(g->computer, "DC01.contoso.local");
		assert_string_equal(g->channel, "Security");
		assert_string_equal(g->provider, "Microsoft-Windows-Security-Auditing");
		assert_string_equal(got_get(g, cases[i].name), cases[i].value);
		collect_free(&c);
	}
}

static void test_msdocs_4656_fields_are_kept_as_written(void **state)
{
	(void)state;
	struct collect c;
	read_sample(&c, "xml-eventviewer-dash_msdocs-event-4656.xml");
	const struct got *g = &c.v[0];
	assert_time(g->time, "2015-09-18T22:15:19.3467766Z");
	assert_int_equal(g->ndata, 17);
	assert_string_equal(got_get(g, "HandleId"), "0x0");
	assert_string_equal(got_get(g, "ProcessId"), "0x1074");
	/* The Markdown escapes of the docs page stay: values are not guessed. */
	assert_string_equal(got_get(g, "ObjectName"), "C:\\\\Documents\\\\HBI Data.txt");
	assert_string_equal(got_get(g, "ResourceAttributes"), "S:AI(RA;ID;;;;WD;(\"Impact\\_MS\",TI,0x10020,3000))");
	collect_free(&c);
}

static void test_aws_fsx_xml_gives_its_eight_events(void **state)
{
	(void)state;
	struct collect c;
	read_sample(&c, "xml-rendered_aws-fsx-windows-file-access-auditing.xml");
	static const uint32_t ids[] = {4660, 4659, 4663, 4663, 4656, 4670, 5140, 5145};
	static const uint64_t numbers[] = {315452, 308888, 308831, 308838, 308919, 308992, 308947, 282939};
	assert_int_equal(c.n, 8);
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(c.v[i].event_id, ids[i]);
		assert_int_equal(c.v[i].number, numbers[i]);
	}
	/* 4660: ProcessName is present and empty. */
	assert_string_equal(got_get(&c.v[0], "HandleId"), "0x12e0");
	assert_string_equal(got_get(&c.v[0], "ProcessName"), "");
	/* 4659: "2021-0603T19:18:09..." is no time at all. */
	assert_int_equal(c.v[1].time, 0);
	assert_string_equal(got_get(&c.v[1], "AccessList"), "%%1537\n\t\t\t\t%%4423\n\t\t\t\t");
	/* 4663 with "< /EventID>", "< Data" and "< /Data>". */
	assert_string_equal(got_get(&c.v[2], "SubjectUserSid"), "S-1-5-21-658495921-4185342820-3824891517-1113");
	assert_string_equal(got_get(&c.v[2], "HandleId"), "0x101c");
	assert_time(c.v[2].time, "2021-06-03T19:10:13.8871454Z");
	/* 4656 is a failure (Keywords 0x8010...). */
	assert_int_equal(c.v[4].outcome, OUTCOME_FAILURE);
	assert_int_equal(c.v[3].outcome, OUTCOME_SUCCESS);
	/* 4670: the SDDL broken across lines is kept broken. */
	assert_string_equal(got_get(&c.v[5], "NewSd"),
			    "D:PARAI(A;OICI;FA;;;S-1-5-21-658495921-4185342820-3824891517-1113)(A;OICI;FA;;;SY)"
			    "(A;OICI;FA;;;\nS-1-5-21-658495921-4185342820-3824891517-2622)");
	assert_string_equal(got_get(&c.v[6], "IpAddress"), "172.45.6.789");
	assert_string_equal(got_get(&c.v[6], "ShareLocalPath"), "\\??\\D:\\share");
	assert_string_equal(c.v[7].computer, "amznfsxtmn9autz.example.com");
	assert_string_equal(got_get(&c.v[7], "SubjectUserSid"), "S-1-5-21-658495921-4185342820-3824891517-\n1113");
	assert_string_equal(got_get(&c.v[7], "RelativeTargetName"), "Desktop.ini");
	collect_free(&c);
}

/* ---- JSON, directly ---------------------------------------------------- */

struct json_got {
	struct record rec;
	int calls;
};

static int json_keep(void *ctx, struct record *rec)
{
	struct json_got *j = ctx;
	j->rec = *rec;
	j->calls++;
	return 0;
}

static int parse_json(const char *text, struct record *rec, struct arena *a, char *err, size_t errlen)
{
	record_clear(rec);
	err[0] = '\0';
	return text_parse_json(text, strlen(text), rec, a, err, errlen);
}

static void test_json_nxlog_keywords_numbers_and_metadata(void **state)
{
	(void)state;
	struct arena a = {0};
	struct record rec;
	char err[256];
	assert_int_equal(parse_json("{\"EventID\":4656,\"Keywords\":-9218868437227405312,\"RecordNumber\":5,"
				    "\"ProcessID\":892,\"ThreadID\":1,\"Hostname\":\"h\",\"Channel\":\"Security\","
				    "\"SourceName\":\"Microsoft-Windows-Security-Auditing\",\"HandleId\":\"0x0\","
				    "\"RestrictedSidCount\":0,\"Ratio\":0.5,\"Flag\":true,\"Gone\":null,"
				    "\"tags\":[\"x\"],\"ProcessId\":\"0x4\"}", &rec, &a, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4656);
	assert_int_equal(rec.number, 5);
	assert_int_equal(rec.outcome, OUTCOME_FAILURE);
	assert_string_equal(rec.computer, "h");
	assert_string_equal(rec.provider, "Microsoft-Windows-Security-Auditing");
	/* NXLog's own ProcessID is not the event's ProcessId. */
	assert_null(record_get(&rec, "ProcessID"));
	assert_string_equal(record_get(&rec, "ProcessId"), "0x4");
	assert_string_equal(record_get(&rec, "RestrictedSidCount"), "0");
	assert_string_equal(record_get(&rec, "Ratio"), "0.5");
	assert_string_equal(record_get(&rec, "Flag"), "true");
	assert_null(record_get(&rec, "Gone"));
	assert_null(record_get(&rec, "tags"));
	assert_int_equal(rec.ndata, 5);

	assert_int_equal(parse_json("{\"EventID\":\"4663\",\"EventType\":\"AUDIT_SUCCESS\"}", &rec, &a, err,
				    sizeof err), 1);
	assert_int_equal(rec.event_id, 4663);
	assert_int_equal(rec.outcome, OUTCOME_SUCCESS);
	assert_int_equal(parse_json("{\"EventID\":4663,\"Keywords\":\"0x8020000000000000\"}", &rec, &a, err,
				    sizeof err), 1);
	assert_int_equal(rec.outcome, OUTCOME_SUCCESS);
	arena_free(&a);
}

static void test_json_nxlog_event_time_is_corrected_to_utc(void **state)
{
	(void)state;
	struct arena a = {0};
	struct record rec;
	char err[256];
	/* Local EventTime; EventReceivedTime and @timestamp reveal UTC-4. */
	assert_int_equal(parse_json("{\"EventID\":4660,\"EventTime\":\"2020-09-04 03:08:03\","
				    "\"EventReceivedTime\":\"2020-09-04 03:08:53\","
				    "\"@timestamp\":\"2020-09-04T07:08:53.891Z\"}", &rec, &a, err, sizeof err), 1);
	assert_time(rec.time, "2020-09-04T07:08:03.0000000Z");
	/* Alone, a zone-less time is taken as is. */
	assert_int_equal(parse_json("{\"EventID\":4660,\"EventTime\":\"2020-09-04 03:08:03\"}", &rec, &a,
				    err, sizeof err), 1);
	assert_time(rec.time, "2020-09-04T03:08:03.0000000Z");
	/* Receive clocks too far apart for an offset: as is. */
	assert_int_equal(parse_json("{\"EventID\":4660,\"EventTime\":\"2020-09-04 03:08:03\","
				    "\"EventReceivedTime\":\"2020-09-04 03:08:53\","
				    "\"@timestamp\":\"2020-09-04T07:16:53Z\"}", &rec, &a, err, sizeof err), 1);
	assert_time(rec.time, "2020-09-04T03:08:03.0000000Z");
	/* An EventTime with a zone needs no help. */
	assert_int_equal(parse_json("{\"EventID\":4660,\"EventTime\":\"2020-09-04T03:08:03-04:00\","
				    "\"EventReceivedTime\":\"2020-09-04 03:08:53\","
				    "\"@timestamp\":\"2020-09-04T07:08:53.891Z\"}", &rec, &a, err, sizeof err), 1);
	assert_time(rec.time, "2020-09-04T07:08:03.0000000Z");
	arena_free(&a);
}

static void test_json_winlogbeat_event_in_events_wrapper(void **state)
{
	(void)state;
	struct arena a = {0};
	char err[256];
	struct json_got j = {0};
	static const char doc[] = "{\"events\":[{\"@timestamp\":\"2023-01-06T02:27:15.651Z\","
				  "\"winlog\":{\"event_id\":4660,\"record_id\":633138985,\"computer_name\":\"S2\","
				  "\"keywords\":[\"Audit Failure\"],\"event_data\":{\"HandleId\":\"0x1d0\"}}},"
				  "{\"winlog\":{\"event_id\":\"4658\",\"time_created\":\"2021-01-01T00:00:00Z\"},"
				  "\"event\":{\"outcome\":\"success\"}}]}";
	assert_int_equal(text_parse_json_each(doc, strlen(doc), &a, json_keep, &j, err, sizeof err), 1);
	assert_int_equal(j.calls, 2);
	assert_int_equal(j.rec.event_id, 4658);
	assert_int_equal(j.rec.outcome, OUTCOME_SUCCESS);
	assert_time(j.rec.time, "2021-01-01T00:00:00.0000000Z");

	struct record rec;
	assert_int_equal(parse_json(doc, &rec, &a, err, sizeof err), 1);
	assert_int_equal(rec.event_id, 4660);
	assert_int_equal(rec.number, 633138985);
	assert_int_equal(rec.outcome, OUTCOME_FAILURE);
	assert_string_equal(rec.computer, "S2");
	assert_string_equal(record_get(&rec, "HandleId"), "0x1d0");
	assert_time(rec.time, "2023-01-06T02:27:15.6510000Z");
	arena_free(&a);
}

static void test_json_document_with_a_bad_event_is_refused_whole(void **state)
{
	(void)state;
	struct arena a = {0};
	char err[256];
	struct json_got j = {0};
	static const char doc[] = "[{\"EventID\":4663},{\"Other\":1},{\"EventID\":4658}]";
	assert_int_equal(text_parse_json_each(doc, strlen(doc), &a, json_keep, &j, err, sizeof err), -1);
	assert_int_equal(j.calls, 0);
	assert_string_equal(err, "JSON: event 2 of 3 has no event id");
	static const char top[] = "[{\"EventID\":4663},{\"EventID\":4658}]";
	assert_int_equal(text_parse_json_each(top, strlen(top), &a, json_keep, &j, err, sizeof err), 1);
	assert_int_equal(j.calls, 2);
	arena_free(&a);
}

static void test_json_refuses_deep_nesting_and_reports_syntax(void **state)
{
	(void)state;
	struct arena a = {0};
	struct record rec;
	char err[256];
	char deep[300] = "{\"EventID\":1,\"a\":";
	for (int i = 0; i < 70; i++)
		strcat(deep, "[");
	for (int i = 0; i < 70; i++)
		strcat(deep, "]");
	strcat(deep, "}");
	assert_int_equal(parse_json(deep, &rec, &a, err, sizeof err), -1);
	assert_string_equal(err, "JSON: nested deeper than 64 levels");
	assert_int_equal(parse_json("{\"EventID\":1,}", &rec, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "at line 1, column"));
	assert_int_equal(parse_json("{\"EventID\":\"x\"}", &rec, &a, err, sizeof err), -1);
	/* Valid JSON that is not an event is not this format. */
	assert_int_equal(parse_json("{\"message\":\"hello\"}", &rec, &a, err, sizeof err), 0);
	assert_int_equal(parse_json("{\"events\":[]}", &rec, &a, err, sizeof err), 0);
	arena_free(&a);
}

/* ---- JSON samples ------------------------------------------------------ */

static void test_nom_syslog_nxlog_4656_behind_rfc3164(void **state)
{
	(void)state;
	struct collect c;
	read_sample(&c, "nxlog-json-rfc3164_nom-syslog-bench-4656.log");
	assert_int_equal(c.n, 1);
	const struct got *g = &c.v[0];
	assert_int_equal(g->event_id, 4656);
	assert_int_equal(g->number, 7613465324ull);
	assert_int_equal(g->outcome, OUTCOME_SUCCESS);
	/* The record's Hostname wins over the syslog host. */
	assert_string_equal(g->computer, "fake-hostname");
	assert_string_equal(g->channel, "Security");
	/* EventTime (Dec 19), not the syslog date (Dec 13). */
	assert_time(g->time, "2017-12-19T17:45:02.0000000Z");
	assert_string_equal(got_get(g, "AccessMask"), "0x2");
	assert_string_equal(got_get(g, "ProcessName"), "C:\\Windows\\System32\\svchost.exe");
	assert_null(got_get(g, "ObjectName"));
	assert_null(got_get(g, "ProcessId"));
	assert_null(got_get(g, "ProcessID"));
	collect_free(&c);
}

static void test_nxlog_4660_sample_handles_and_processes(void **state)
{
	(void)state;
	struct collect c;
	read_sample(&c, "nxlog-json-logstash_mordor-empire_persistence_registry_modification_run_keys_standard_user-4660.jsonl");
	assert_int_equal(c.n, 81);
	assert_int_equal(count_id(&c, 4656), 22);
	assert_int_equal(count_id(&c, 4658), 22);
	assert_int_equal(count_id(&c, 4660), 15);
	assert_int_equal(count_id(&c, 4663), 22);
	assert_int_equal(count_unparsed(&c), 0);
	/* Lines 1-4: open, access, delete, close of one registry key. */
	static const uint32_t ids[] = {4656, 4663, 4660, 4658};
	for (size_t i = 0; i < 4; i++) {
		const struct got *g = &c.v[i];
		assert_int_equal(g->event_id, ids[i]);
		assert_int_equal(g->number, 44315 + i);
		assert_string_equal(got_get(g, "HandleId"), "0x1c4");
		assert_string_equal(got_get(g, "ProcessId"), "0xf28");
		assert_string_equal(g->computer, "WORKSTATION5.theshire.local");
		assert_string_equal(g->channel, "security");
		assert_int_equal(g->outcome, OUTCOME_SUCCESS);
		/* EventTime 03:08:03 local, UTC-4. */
		assert_time(g->time, "2020-09-04T07:08:03.0000000Z");
	}
	assert_null(got_get(&c.v[2], "ObjectName"));
	assert_string_equal(got_get(&c.v[0], "AccessList"), "%%1537\r\n\t\t\t\t");
	assert_string_equal(got_get(&c.v[0], "ObjectName"),
			    "\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Control\\WMI\\Autologger\\"
			    "EventLog-Application\\{9148c98f-152c-44d3-a496-26350c475d74}");
	assert_null(got_get(&c.v[0], "Message"));
	/* Handles are reused: the second 4660 is another handle. */
	size_t seen = 0;
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].event_id == 4660 && ++seen == 2) {
			assert_int_equal(c.v[i].number, 45472);
			assert_string_equal(got_get(&c.v[i], "HandleId"), "0x1d8");
			assert_string_equal(got_get(&c.v[i], "ProcessId"), "0xf28");
		}
	assert_int_equal(seen, 15);
	collect_free(&c);
}

static void test_nxlog_covenant_and_empire_samples_parse(void **state)
{
	(void)state;
	struct collect c;
	read_sample(&c, "nxlog-json-logstash_mordor-covenant_sharpsc_query_dcerpc_smb_svcctl.jsonl");
	assert_int_equal(c.n, 25);
	assert_int_equal(count_id(&c, 4656), 10);
	assert_int_equal(count_id(&c, 4658), 6);
	assert_int_equal(count_id(&c, 4663), 3);
	assert_int_equal(count_id(&c, 4690), 3);
	assert_int_equal(count_id(&c, 5140), 2);
	assert_int_equal(count_id(&c, 5145), 1);
	assert_int_equal(c.v[0].number, 297434);
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].event_id == 5145) {
			assert_int_equal(c.v[i].number, 85666);
			assert_string_equal(got_get(&c.v[i], "ShareName"), "\\\\*\\IPC$");
			assert_string_equal(got_get(&c.v[i], "RelativeTargetName"), "svcctl");
		}
	collect_free(&c);

	/* Two lines carry ERROR_EVT_UNRESOLVED and no Message. */
	read_sample(&c, "nxlog-json-logstash_mordor-empire_shell_samr_EnumDomainUsers.jsonl");
	assert_int_equal(c.n, 9);
	assert_int_equal(count_id(&c, 4661), 1);
	assert_int_equal(count_id(&c, 4658), 3);
	assert_int_equal(c.v[0].event_id, 4690);
	assert_int_equal(c.v[0].number, 785748);
	assert_string_equal(got_get(&c.v[0], "SourceProcessId"), "0x15c8");
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].event_id == 5145)
			assert_string_equal(got_get(&c.v[i], "RelativeTargetName"), "samr");
	collect_free(&c);

	read_sample(&c, "nxlog-json-logstash_mordor-covenant_sharpsc_create_dcerpc_smb_svcctl-4670-5140-5145.jsonl");
	assert_int_equal(c.n, 23);
	assert_int_equal(count_id(&c, 4670), 6);
	assert_int_equal(count_id(&c, 5140), 5);
	assert_int_equal(count_id(&c, 5145), 12);
	assert_int_equal(c.v[1].number, 311705);
	assert_string_equal(got_get(&c.v[1], "ShareLocalPath"), "\\??\\C:\\SYSVOL\\sysvol");
	assert_string_equal(got_get(&c.v[1], "RelativeTargetName"),
			    "theshire.local\\Policies\\{31B2F340-016D-11D2-945F-00C04FB984F9}\\gpt.ini");
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].event_id == 4670) {
			assert_non_null(got_get(&c.v[i], "OldSd"));
			assert_non_null(got_get(&c.v[i], "NewSd"));
		}
	collect_free(&c);
}

static void test_flat_crlf_json_samples_number_records_by_line(void **state)
{
	(void)state;
	struct collect c;
	read_sample(&c, "flat-json-crlf_mordor-cmd_psexec_lsa_secrets_dump.jsonl");
	assert_int_equal(c.n, 22);
	assert_int_equal(count_id(&c, 4656), 4);
	assert_int_equal(count_id(&c, 4658), 8);
	assert_int_equal(count_id(&c, 4663), 4);
	assert_int_equal(count_id(&c, 4690), 4);
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(c.v[i].number, i + 1);
	const struct got *g = &c.v[0];
	assert_int_equal(g->event_id, 4690);
	assert_string_equal(g->computer, "WORKSTATION5");
	assert_int_equal(g->outcome, OUTCOME_UNKNOWN);
	assert_time(g->time, "2020-10-19T03:30:46.3300000Z");
	assert_string_equal(got_get(g, "TargetHandleId"), "0x1da0");
	assert_null(got_get(g, "Task"));
	/* Line 17: 5145 with "ShareLocalPath": null (skipped). */
	g = &c.v[16];
	assert_int_equal(g->event_id, 5145);
	assert_null(got_get(g, "ShareLocalPath"));
	assert_string_equal(got_get(g, "ShareName"), "\\\\*\\IPC$");
	assert_string_equal(got_get(g, "RelativeTargetName"), "PSEXESVC");
	assert_string_equal(got_get(g, "AccessMask"), "0x12019f");
	collect_free(&c);

	read_sample(&c, "flat-json-crlf_mordor-cmd_bitsadmin_download_psh_script.jsonl");
	assert_int_equal(c.n, 44);
	assert_int_equal(count_id(&c, 4656), 11);
	assert_int_equal(count_id(&c, 4658), 16);
	assert_int_equal(count_id(&c, 4663), 8);
	assert_int_equal(count_id(&c, 4670), 1);
	assert_int_equal(count_id(&c, 4690), 8);
	assert_int_equal(c.v[43].number, 44);
	assert_int_equal(c.v[0].outcome, OUTCOME_SUCCESS);
	assert_time(c.v[0].time, "2020-10-23T02:36:43.5640000Z");
	assert_string_equal(got_get(&c.v[0], "SourceProcessId"), "0x242c");
	collect_free(&c);
}

struct winlogbeat_case {
	const char *file;
	uint32_t id;
	uint64_t number;
	const char *computer;
	const char *time;
	const char *name, *value;
	const char *name2, *value2;
};

static void test_winlogbeat_samples_parse(void **state)
{
	(void)state;
	static const struct winlogbeat_case cases[] = {
		{"winlogbeat_elastic-integrations-test-4658.json", 4658, 633857954, "Server2.test1.local",
		 "2023-01-06T05:50:32.0500000Z", "HandleId", "0x3b0", "ProcessId", "0x92c"},
		{"winlogbeat_elastic-integrations-test-4660.json", 4660, 633138985, "Server2.test1.local",
		 "2023-01-06T02:27:15.6510000Z", "HandleId", "0x1d0", "ProcessId", "0x150"},
		/* event_id as a string; backslashes doubled twice over, kept. */
		{"winlogbeat_elastic-integrations-test-4663.json", 4663, 273866, "DC01.contoso.local",
		 "2015-09-18T22:13:54.7700000Z", "ObjectName", "C:\\\\Documents\\\\HBI Data.txt", "AccessMask", "0x6"},
		{"winlogbeat_elastic-integrations-test-4690.json", 4690, 645314388, "Server2.test1.local",
		 "2023-01-08T11:35:00.2590000Z", "SourceHandleId", "0xcd4", "TargetProcessId", "0x4"},
		{"winlogbeat_elastic-integrations-windows-forwarded-test-security-4670-windowssrv2016.json", 4670,
		 31932, "WIN-BVM4LI1L1Q6.TEST.local", "2020-07-28T13:22:18.7990000Z", "HandleId", "0x56c",
		 "OldSd", "D:(A;;GA;;;SY)(A;;GA;;;NS)"},
		{"winlogbeat_elastic-integrations-windows-forwarded-test-security-5145.json", 5145, 887623,
		 "FS01.contoso.local", "2021-06-10T14:22:35.1234567Z", "ShareName", "\\\\*\\Documents",
		 "RelativeTargetName", "\\reports\\Q1\\summary.docx"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct collect c;
		read_sample(&c, cases[i].file);
		assert_int_equal(c.n, 1);
		const struct got *g = &c.v[0];
		assert_int_equal(g->event_id, cases[i].id);
		assert_int_equal(g->number, cases[i].number);
		assert_int_equal(g->outcome, OUTCOME_SUCCESS);
		assert_string_equal(g->computer, cases[i].computer);
		assert_string_equal(g->channel, "Security");
		assert_string_equal(g->provider, "Microsoft-Windows-Security-Auditing");
		assert_time(g->time, cases[i].time);
		assert_string_equal(got_get(g, cases[i].name), cases[i].value);
		assert_string_equal(got_get(g, cases[i].name2), cases[i].value2);
		collect_free(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3164_header_with_pri_host_and_tag),
		cmocka_unit_test(test_rfc3164_header_without_tag_leaves_snare_whole),
		cmocka_unit_test(test_bare_snare_lines_have_no_syslog_header),
		cmocka_unit_test(test_rfc5424_header_with_nil_fields),
		cmocka_unit_test(test_rfc5424_header_with_structured_data_and_bom),
		cmocka_unit_test(test_rsyslog_iso_file_format_header),
		cmocka_unit_test(test_xml_single_quotes_entities_and_keywords),
		cmocka_unit_test(test_xml_user_data_leaves_become_data),
		cmocka_unit_test(test_xml_unnamed_legacy_data_get_layout_names),
		cmocka_unit_test(test_xml_aws_spacing_quirks_are_normalised),
		cmocka_unit_test(test_xml_refuses_doctype_depth_and_missing_event_id),
		cmocka_unit_test(test_xml_doctype_inside_an_event_is_an_error),
		cmocka_unit_test(test_msdocs_event_viewer_xml_samples_parse),
		cmocka_unit_test(test_msdocs_4656_fields_are_kept_as_written),
		cmocka_unit_test(test_aws_fsx_xml_gives_its_eight_events),
		cmocka_unit_test(test_json_nxlog_keywords_numbers_and_metadata),
		cmocka_unit_test(test_json_nxlog_event_time_is_corrected_to_utc),
		cmocka_unit_test(test_json_winlogbeat_event_in_events_wrapper),
		cmocka_unit_test(test_json_document_with_a_bad_event_is_refused_whole),
		cmocka_unit_test(test_json_refuses_deep_nesting_and_reports_syntax),
		cmocka_unit_test(test_nom_syslog_nxlog_4656_behind_rfc3164),
		cmocka_unit_test(test_nxlog_4660_sample_handles_and_processes),
		cmocka_unit_test(test_nxlog_covenant_and_empire_samples_parse),
		cmocka_unit_test(test_flat_crlf_json_samples_number_records_by_line),
		cmocka_unit_test(test_winlogbeat_samples_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
