/* test_evtx.c - the EVTX reader on real sample files: fields, counts,
 * record order, damaged and truncated files, undecodable records. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "source_evtx.h"
#include "timefmt.h"

#define LSASS DATA("mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx")
#define SETHC DATA("mdc_ID4656-Failed_sethc_replacement_by_CMD.evtx")
#define BLOODHOUND DATA("mdc_ID5140-5145-Bloodhound-SharpHound_enumeration_via_SMB.evtx")
#define NIGHTMARE DATA("mdc_ID4688_6416_4648-SystemNightMare.evtx")
#define PYE DATA("pye_security.evtx")
#define SYSTEM2 DATA("pls_System2.evtx")

static const char *str(const struct store *st, uint32_t i, enum event_str f)
{
	return store_str(st, store_event(st, i), f);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void spit(const char *path, const unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static void assert_sequence_increasing(const struct store *st)
{
	for (size_t i = 1; i < st->count; i++)
		assert_true(store_event(st, (uint32_t)i - 1)->record < store_event(st, (uint32_t)i)->record);
}

/* evtxinfo: 28 records; evtxexport: 11 5145, 2 4656, 2 4663. */
static void test_keep_all_delivers_every_record(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	load_into(&st, LSASS, 1, 0, NULL);
	assert_int_equal(st.count, 28);
	assert_sequence_increasing(&st);
	store_free(&st);
}

static void test_default_keeps_only_object_access(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	load_into(&st, LSASS, 0, 0, NULL);
	assert_int_equal(st.count, 15);
	int n4656 = 0, n4663 = 0, n5145 = 0;
	for (size_t i = 0; i < st.count; i++) {
		uint16_t id = store_event(&st, (uint32_t)i)->event_id;
		n4656 += id == 4656;
		n4663 += id == 4663;
		n5145 += id == 5145;
	}
	assert_int_equal(n4656, 2);
	assert_int_equal(n4663, 2);
	assert_int_equal(n5145, 11);
	store_free(&st);
}

/* Values read by hand from `evtxexport -f xml` of record 67793. */
static void test_4656_fields_are_decoded(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	load_into(&st, LSASS, 0, 0, NULL);
	uint32_t i = find_record(&st, 67793);
	assert_int_not_equal(i, EVENT_NONE);
	const struct event *ev = store_event(&st, i);
	assert_int_equal(ev->event_id, 4656);
	assert_int_equal(ev->outcome, OUTCOME_SUCCESS);
	assert_string_equal(str(&st, i, ES_COMPUTER), "FS03.offsec.lan");
	assert_string_equal(str(&st, i, ES_CHANNEL), "Security");
	assert_string_equal(str(&st, i, ES_USER), "admmig");
	assert_string_equal(str(&st, i, ES_DOMAIN), "OFFSEC");
	assert_string_equal(str(&st, i, ES_SID), "S-1-5-21-4230534742-2542757381-3142984815-1111");
	assert_true(ev->flags & EVENT_HAS_LOGON);
	assert_int_equal(ev->logon_id, 0x26be03c);
	assert_string_equal(str(&st, i, ES_OBJECT_SERVER), "Security");
	assert_string_equal(str(&st, i, ES_OBJECT_TYPE), "Process");
	assert_string_equal(str(&st, i, ES_OBJECT_NAME), "\\Device\\HarddiskVolume2\\Windows\\System32\\lsass.exe");
	assert_int_equal(ev->handle_id, 0xdc);
	assert_int_equal(ev->process_id, 0xff8);
	assert_string_equal(str(&st, i, ES_PROCESS_NAME), "C:\\Windows\\System32\\rundll32.exe");
	assert_true(ev->flags & EVENT_HAS_MASK);
	assert_int_equal(ev->access_mask, 0x1410);
	assert_string_equal(str(&st, i, ES_ACCESS_LIST), "%%4484\r\n\t\t\t\t%%4490\r\n\t\t\t\t%%4492\r\n\t\t\t\t");
	char iso[64];
	timefmt_iso(ev->time, iso, sizeof iso);
	assert_string_equal(iso, "2021-10-20T14:29:10.5425177Z");
	store_free(&st);
}

static void test_failed_4656_has_failure_outcome_and_handle_zero(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	load_into(&st, SETHC, 0, 0, NULL);
	assert_int_equal(st.count, 19);
	for (size_t i = 0; i < st.count; i++) {
		const struct event *ev = store_event(&st, (uint32_t)i);
		assert_int_equal(ev->event_id, 4656);
		assert_int_equal(ev->outcome, OUTCOME_FAILURE);
		assert_true(ev->flags & EVENT_HAS_HANDLE);
		assert_int_equal(ev->handle_id, 0);
		assert_string_equal(store_str(&st, ev, ES_OBJECT_NAME), "C:\\Windows\\System32\\sethc.exe");
	}
	store_free(&st);
}

/* libevtx 20181227 cannot parse this WEF-style file; every record is still
 * listed with the id and time of its header, and each chunk says so. */
static void test_template_less_records_are_listed_not_decodable(void **state)
{
	(void)state;
	struct store st;
	struct diag_log log = {0};
	store_init(&st);
	load_into(&st, BLOODHOUND, 0, 0, &log);
	assert_int_equal(st.count, 91);
	assert_int_equal(st.not_decodable, 91);
	size_t timed = 0;
	for (size_t i = 0; i < st.count; i++) {
		const struct event *ev = store_event(&st, (uint32_t)i);
		assert_true(ev->flags & EVENT_NOT_DECODABLE);
		timed += ev->time > 0;
		assert_true(ev->raw_size > 24);
	}
	/* record 91's own header carries FILETIME 0 (checked with a hex dump) */
	assert_int_equal(timed, 90);
	assert_int_equal(store_event(&st, 90)->time, 0);
	assert_int_equal(store_event(&st, 0)->record, 1);
	assert_int_equal(store_event(&st, 90)->record, 91);
	assert_int_equal(log.count, 3);
	assert_non_null(strstr(log.text, "chunk 0 (offset 4096): libevtx could not decode 36"));
	assert_non_null(strstr(log.text, BLOODHOUND));
	store_free(&st);
}

static void test_event_record_id_is_the_record_number(void **state)
{
	(void)state;
	struct store st;
	store_init(&st);
	load_into(&st, NIGHTMARE, 0, 0, NULL);
	/* the header ids of this exported log start at 1; Event Viewer's
	 * EventRecordID (what users quote) is 2183522 for the first 4690 */
	assert_int_equal(store_event(&st, 0)->record, 2183522);
	assert_int_equal(store_event(&st, 0)->event_id, 4690);
	assert_sequence_increasing(&st);
	store_free(&st);
}

static size_t count_in_chunk(const struct store *st, unsigned chunk)
{
	uint64_t lo = EVTX_FILE_HEADER_SIZE + (uint64_t)chunk * EVTX_CHUNK_SIZE, hi = lo + EVTX_CHUNK_SIZE;
	size_t n = 0;
	for (size_t i = 0; i < st->count; i++) {
		uint64_t off = store_event(st, (uint32_t)i)->raw_offset;
		n += off >= lo && off < hi;
	}
	return n;
}

static void test_bad_chunk_header_loses_only_that_chunk(void **state)
{
	(void)state;
	struct store orig, st;
	store_init(&orig);
	load_into(&orig, PYE, 1, 0, NULL);
	size_t in3 = count_in_chunk(&orig, 3);
	assert_true(in3 > 0);

	size_t len;
	unsigned char *buf = slurp(PYE, &len);
	memcpy(buf + EVTX_FILE_HEADER_SIZE + 3 * EVTX_CHUNK_SIZE, "garbage!", 8);
	char path[] = "/tmp/oaview-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	spit(path, buf, len);

	struct diag_log log = {0};
	store_init(&st);
	load_into(&st, path, 1, 0, &log);
	assert_int_equal(st.count, orig.count - in3);
	assert_non_null(strstr(log.text, "chunk 3 (offset 200704) has no chunk signature; skipped"));
	assert_non_null(strstr(log.text, path));
	assert_sequence_increasing(&st);
	unlink(path);
	free(buf);
	store_free(&st);
	store_free(&orig);
}

/* A full log wraps: the oldest chunks are overwritten, so the file order is
 * no longer the record order.  Rotate the chunks and read it back. */
static void test_wrapped_log_comes_out_in_record_order(void **state)
{
	(void)state;
	struct store orig, st;
	store_init(&orig);
	load_into(&orig, PYE, 1, 0, NULL);
	size_t len;
	unsigned char *buf = slurp(PYE, &len);
	size_t nchunks = (len - EVTX_FILE_HEADER_SIZE) / EVTX_CHUNK_SIZE;
	unsigned char *rot = malloc(len);
	assert_non_null(rot);
	memcpy(rot, buf, EVTX_FILE_HEADER_SIZE);
	size_t shift = 7;
	for (size_t c = 0; c < nchunks; c++)
		memcpy(rot + EVTX_FILE_HEADER_SIZE + ((c + shift) % nchunks) * EVTX_CHUNK_SIZE,
		       buf + EVTX_FILE_HEADER_SIZE + c * EVTX_CHUNK_SIZE, EVTX_CHUNK_SIZE);
	char path[] = "/tmp/oaview-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	spit(path, rot, len);
	store_init(&st);
	load_into(&st, path, 1, 0, NULL);
	assert_int_equal(st.count, orig.count);
	for (size_t i = 0; i < st.count; i++)
		assert_int_equal(store_event(&st, (uint32_t)i)->record, store_event(&orig, (uint32_t)i)->record);
	unlink(path);
	free(rot);
	free(buf);
	store_free(&st);
	store_free(&orig);
}

/* pls_System2.evtx stops 704 bytes short of its third chunk's end. */
static void test_truncated_file_reads_what_is_there(void **state)
{
	(void)state;
	struct store st;
	struct diag_log log = {0};
	store_init(&st);
	load_into(&st, SYSTEM2, 1, 0, &log);
	/* evtxinfo counts 194 records in the two whole chunks; the cut chunk
	 * holds more before the cut. */
	assert_true(st.count > 194);
	assert_non_null(strstr(log.text, "chunk 2 (offset 135168) is cut short at 64832 of 65536 bytes"));
	assert_sequence_increasing(&st);
	store_free(&st);
}

/* Copy a file to a temporary one; path is a mkstemp template. */
static void copy_to_temp(const char *from, char *path)
{
	int out = mkstemp(path);
	assert_true(out >= 0);
	FILE *in = fopen(from, "rb");
	assert_non_null(in);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(write(out, buf, n), (ssize_t)n);
	fclose(in);
	close(out);
}

/* A copy whose file header was wiped (a damaged or partial copy): the
 * chunks after it are still an EVTX log, read whole, with a warning. */
static void test_damaged_file_header_still_reads_the_chunks(void **state)
{
	(void)state;
	struct store want;
	store_init(&want);
	load_into(&want, PYE, 1, 1, NULL);

	char path[] = "/tmp/oaview-headless-XXXXXX";
	copy_to_temp(PYE, path);
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	static const char zeros[4096];
	assert_int_equal(fwrite(zeros, 1, sizeof zeros, f), sizeof zeros);
	assert_int_equal(fclose(f), 0);

	char err[512];
	assert_int_equal(load_detect(path, err, sizeof err), INPUT_EVTX);
	struct store st;
	struct diag_log log = {0};
	store_init(&st);
	load_into(&st, path, 1, 2, &log);
	assert_non_null(strstr(log.text, "the file header is damaged (no ElfFile signature at offset 0)"));
	assert_non_null(strstr(log.text, path));
	assert_int_equal(st.count, want.count);
	for (size_t i = 0; i < st.count; i++)
		assert_int_equal(store_event(&st, (uint32_t)i)->record, store_event(&want, (uint32_t)i)->record);
	unlink(path);
	store_free(&st);
	store_free(&want);
}

/* Bytes that are no log at all, named .evtx: read as text (nothing is
 * hidden), and said. */
static void test_a_file_named_evtx_without_signatures_is_said(void **state)
{
	(void)state;
	char path[] = "/tmp/oaview-notevtx-XXXXXX.evtx";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	static const char junk[] = "not an event log\n\x01\x02\x03 binary junk\n";
	assert_int_equal(write(fd, junk, sizeof junk - 1), (ssize_t)(sizeof junk - 1));
	close(fd);
	char err[512];
	assert_int_equal(load_detect(path, err, sizeof err), INPUT_TEXT);
	struct store st;
	struct diag_log log = {0};
	store_init(&st);
	load_into(&st, path, 1, 1, &log);
	assert_non_null(strstr(log.text, path));
	assert_non_null(strstr(log.text, "neither the EVTX nor the EVT signature"));
	assert_int_equal(st.count, 2); /* two unparsed lines, kept */
	unlink(path);
	store_free(&st);
}

static void test_one_and_two_threads_read_the_same(void **state)
{
	(void)state;
	struct store a, b;
	store_init(&a);
	store_init(&b);
	load_into(&a, PYE, 1, 1, NULL);
	load_into(&b, PYE, 1, 2, NULL);
	assert_int_equal(a.count, 2261);
	assert_int_equal(a.count, b.count);
	for (size_t i = 0; i < a.count; i++) {
		const struct event *x = store_event(&a, (uint32_t)i), *y = store_event(&b, (uint32_t)i);
		assert_int_equal(x->record, y->record);
		assert_int_equal(x->event_id, y->event_id);
		assert_string_equal(store_str(&a, x, ES_USER), store_str(&b, y, ES_USER));
		assert_string_equal(store_str(&a, x, ES_OBJECT_NAME), store_str(&b, y, ES_OBJECT_NAME));
	}
	store_free(&a);
	store_free(&b);
}

/* The viewer reads newest chunks first: every record still arrives once,
 * each batch in record order, and the batches newest to oldest. */
static int collect_number(void *ctx, const struct record *rec)
{
	struct store *st = ctx;
	int oom = 0;
	store_append(st, rec, 0, &oom);
	return oom;
}

static void test_newest_first_delivers_every_record_once(void **state)
{
	(void)state;
	struct store fwd, back;
	store_init(&fwd);
	store_init(&back);
	fwd.keep_all = back.keep_all = 1;
	char err[256];
	struct record_sink s1 = {collect_number, NULL, &fwd}, s2 = {collect_number, NULL, &back};
	struct evtx_options o1 = {2, 1, 0}, o2 = {2, 1, 1};
	assert_int_equal(evtx_read_file(PYE, &o1, &s1, err, sizeof err), 0);
	assert_int_equal(evtx_read_file(PYE, &o2, &s2, err, sizeof err), 0);
	assert_int_equal(fwd.count, 2261);
	assert_int_equal(back.count, fwd.count);
	/* the first record delivered is from the newest batch */
	assert_true(store_event(&back, 0)->record > store_event(&fwd, 1000)->record);
	/* same set of records */
	static uint8_t seen[1 << 16];
	memset(seen, 0, sizeof seen);
	uint64_t base = store_event(&fwd, 0)->record;
	for (size_t i = 0; i < back.count; i++) {
		uint64_t k = store_event(&back, (uint32_t)i)->record - base;
		assert_true(k < sizeof seen);
		assert_int_equal(seen[k], 0);
		seen[k] = 1;
	}
	for (size_t i = 0; i < fwd.count; i++)
		assert_int_equal(seen[store_event(&fwd, (uint32_t)i)->record - base], 1);
	store_free(&fwd);
	store_free(&back);
}

/* A damaged chunk (bad checksums) on which libevtx 20181227 reads past its
 * buffer: natively it faults in libfwevt_xml_document_read_template_
 * instance_values, on a plain build it may instead ask for gigabytes.  The
 * chunk is tried in a child process first; the trial fails, so its records
 * are listed as not decodable, named, and nothing runs away. */
static void test_damaged_chunk_is_tried_apart_and_listed(void **state)
{
	(void)state;
	struct store st;
	struct diag_log log = {0};
	store_init(&st);
	load_into(&st, DATA("damaged-libevtx-segv.evtx"), 1, 1, &log);
	assert_int_equal(st.count, 91);
	assert_non_null(strstr(log.text, "chunk 0 (offset 4096) is damaged (checksum mismatch) and libevtx fails on it"));
	for (size_t i = 0; i < st.count; i++)
		assert_true(store_event(&st, (uint32_t)i)->flags & EVENT_NOT_DECODABLE);
	store_free(&st);
}

/* Without the trial, the signal guard around libevtx catches the fault:
 * the crashing record and the rest of its chunk are listed. */
static void test_libevtx_crash_loses_only_the_rest_of_the_chunk(void **state)
{
	(void)state;
	/* Under valgrind (or a plain build) libevtx's over-read does not
	 * fault: it reads on and asks for gigabytes, so the crash this test
	 * is about only happens under AddressSanitizer. */
#if !defined(__SANITIZE_ADDRESS__)
	skip();
#endif
	if (getenv("OAVIEW_UNDER_VALGRIND"))
		skip();
	setenv("OAVIEW_NO_TRIAL", "1", 1);
	struct store st;
	struct diag_log log = {0};
	store_init(&st);
	load_into(&st, DATA("damaged-libevtx-segv.evtx"), 1, 1, &log);
	unsetenv("OAVIEW_NO_TRIAL");
	assert_int_equal(st.count, 91);
	assert_non_null(strstr(log.text, "libevtx crashed (signal 11)"));
	assert_true(store_event(&st, 90)->flags & EVENT_NOT_DECODABLE);
	store_free(&st);
}

static void test_volume_map_rewrites_device_paths(void **state)
{
	(void)state;
	struct store st;
	struct volume_map map = {0};
	char err[128];
	assert_int_equal(volume_map_add(&map, "HarddiskVolume2=C:", err, sizeof err), 0);
	store_init(&st);
	st.volumes = &map;
	load_into(&st, LSASS, 0, 0, NULL);
	uint32_t i = find_record(&st, 67793);
	assert_string_equal(str(&st, i, ES_OBJECT_NAME), "C:\\Windows\\System32\\lsass.exe");
	store_free(&st);
}

/* Kind by content: a file without the EVTX or EVT signature is text, and
 * its lines that match no format are kept as unparsed lines, not lost. */
static void test_file_kind_is_told_by_content(void **state)
{
	(void)state;
	struct store st;
	char err[512];
	store_init(&st);
	struct load_options lo = {0};
	assert_int_equal(load_detect(DATA("links/README.md"), err, sizeof err), INPUT_TEXT);
	assert_int_equal(load_detect(LSASS, err, sizeof err), INPUT_EVTX);
	assert_int_equal(load_detect(DATA("pls_SysEvent.Evt"), err, sizeof err), INPUT_EVT);
	assert_int_equal(load_file(&st, DATA("links/README.md"), &lo, err, sizeof err), 0);
	assert_true(st.count > 10);
	assert_true(store_event(&st, 0)->flags & EVENT_UNPARSED);
	assert_int_equal(load_detect(DATA("no-such-file.evtx"), err, sizeof err), INPUT_UNKNOWN);
	assert_int_equal(load_file(&st, DATA("no-such-file.evtx"), &lo, err, sizeof err), -1);
	assert_non_null(strstr(err, "no-such-file.evtx: cannot open"));
	store_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep_all_delivers_every_record),
		cmocka_unit_test(test_default_keeps_only_object_access),
		cmocka_unit_test(test_4656_fields_are_decoded),
		cmocka_unit_test(test_failed_4656_has_failure_outcome_and_handle_zero),
		cmocka_unit_test(test_template_less_records_are_listed_not_decodable),
		cmocka_unit_test(test_event_record_id_is_the_record_number),
		cmocka_unit_test(test_bad_chunk_header_loses_only_that_chunk),
		cmocka_unit_test(test_wrapped_log_comes_out_in_record_order),
		cmocka_unit_test(test_truncated_file_reads_what_is_there),
		cmocka_unit_test(test_damaged_file_header_still_reads_the_chunks),
		cmocka_unit_test(test_a_file_named_evtx_without_signatures_is_said),
		cmocka_unit_test(test_one_and_two_threads_read_the_same),
		cmocka_unit_test(test_newest_first_delivers_every_record_once),
		cmocka_unit_test(test_damaged_chunk_is_tried_apart_and_listed),
		cmocka_unit_test(test_libevtx_crash_loses_only_the_rest_of_the_chunk),
		cmocka_unit_test(test_volume_map_rewrites_device_paths),
		cmocka_unit_test(test_file_kind_is_told_by_content),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
