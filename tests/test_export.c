/* test_export.c - safe writes (temporary file + rename; disk full, a
 * read-only or missing directory leave no partial file and say why) and
 * the object-activity printer in its three formats.
 *
 * The disk-full and read-only cases mount a small tmpfs, which needs root;
 * without it they are skipped (a non-root run checks EACCES instead).  A
 * write that fails part-way is checked everywhere with a file-size limit. */
#include "test_util.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "correlate.h"
#include "export.h"
#include "objects.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

struct fixture {
	struct store st;
	struct object_index idx;
	uint32_t *rows;
	char dir[64];
};

static void fixture_load(struct fixture *fx, const char *sample)
{
	store_init(&fx->st);
	load_into(&fx->st, sample, 0, 1, NULL);
	assert_int_equal(correlate_all(&fx->st), 0);
	objects_init(&fx->idx);
	assert_int_equal(objects_build(&fx->idx, &fx->st), 0);
	fx->rows = malloc((fx->st.count + 1) * sizeof *fx->rows);
	assert_non_null(fx->rows);
	for (size_t i = 0; i < fx->st.count; i++)
		fx->rows[i] = (uint32_t)i;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/oaview-export-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
}

static void fixture_free(struct fixture *fx)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0) {
		/* a leftover directory in /tmp is harmless */
	}
	free(fx->rows);
	objects_free(&fx->idx);
	store_free(&fx->st);
}

/* ---- view export ------------------------------------------------------- */

static void test_view_export_writes_what_print_writes(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DATA("mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx"));
	char path[128], err[512];
	snprintf(path, sizeof path, "%s/view.csv", fx.dir);
	assert_int_equal(export_view(path, PRINT_CSV, &fx.st, fx.rows, fx.st.count, err, sizeof err), 0);
	char *got = slurp(path);
	assert_non_null(got);
	char *want = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&want, &len);
	struct printer p = {m, PRINT_CSV, 0};
	for (size_t i = 0; i < fx.st.count; i++)
		print_event(&p, &fx.st, (uint32_t)i);
	fclose(m);
	assert_string_equal(got, want);
	assert_int_equal(strncmp(got, "source,record,time,", strlen("source,record,time,")), 0);
	/* nothing but the result is left in the directory */
	assert_int_equal(dir_entries(fx.dir), 1);
	/* a new file gets ordinary permissions, not mkstemp's 0600 */
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	mode_t mask = umask(0);
	umask(mask);
	assert_int_equal(sb.st_mode & 0777, 0666 & ~mask);
	free(got);
	free(want);
	fixture_free(&fx);
}

static void test_export_replaces_an_existing_file_whole(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DATA("mdc_ID472_4728_Hidden_user_creation.evtx"));
	char path[128], err[512];
	snprintf(path, sizeof path, "%s/rows.jsonl", fx.dir);
	write_file(path, "old content that is much longer than nothing at all\n");
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(export_view(path, PRINT_JSONL, &fx.st, fx.rows, 2, err, sizeof err), 0);
	char *got = slurp(path);
	assert_null(strstr(got, "old content"));
	int lines = 0;
	for (char *p = got; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 2);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	assert_int_equal(dir_entries(fx.dir), 1);
	free(got);
	fixture_free(&fx);
}

static void test_missing_directory_or_directory_target_is_refused(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DATA("mdc_ID472_4728_Hidden_user_creation.evtx"));
	char path[128], err[512];
	snprintf(path, sizeof path, "%s/no/such/dir/out.csv", fx.dir);
	assert_int_equal(export_view(path, PRINT_CSV, &fx.st, fx.rows, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOENT)));
	assert_int_equal(export_view(fx.dir, PRINT_CSV, &fx.st, fx.rows, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "is a directory"));
	assert_int_equal(export_view("", PRINT_CSV, &fx.st, fx.rows, 1, err, sizeof err), -1);
	fixture_free(&fx);
}

/* The tmpfs a test mounted, so the teardown can remove it even when an
 * assertion ends the test early. */
static char mounted[64];

/* Mount a tmpfs (options as for mount -o) on dir; 0 or -1. */
static int small_fs(const char *dir, const char *options, unsigned long flags)
{
	if (mount("tmpfs", dir, "tmpfs", flags, options) != 0)
		return -1;
	snprintf(mounted, sizeof mounted, "%s", dir);
	return 0;
}

static int unmount_teardown(void **state)
{
	(void)state;
	if (mounted[0]) {
		if (umount2(mounted, MNT_DETACH) == 0)
			rmdir(mounted);
		mounted[0] = '\0';
	}
	return 0;
}

static void test_disk_full_leaves_no_partial_file_and_keeps_the_old_one(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DATA("mdc_ID4688-5145-WMIexec_execution_via_SMB.evtx"));
	if (small_fs(fx.dir, "size=32k", 0) != 0) {
		fixture_free(&fx);
		skip();   /* needs root (CAP_SYS_ADMIN) */
	}
	char path[128], err[512];
	snprintf(path, sizeof path, "%s/all.jsonl", fx.dir);
	/* ~970 events of JSON are far more than 32 KiB */
	assert_int_equal(export_view(path, PRINT_JSONL, &fx.st, fx.rows, fx.st.count, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOSPC)));
	assert_non_null(strstr(err, "no file was written"));
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(dir_entries(fx.dir), 0);

	/* an existing file survives a failed export untouched */
	write_file(path, "previous export\n");
	assert_int_equal(export_objects(path, PRINT_JSONL, &fx.st, &fx.idx, err, sizeof err), -1);
	assert_non_null(strstr(err, "the existing file was left unchanged"));
	char *got = slurp(path);
	assert_string_equal(got, "previous export\n");
	free(got);
	assert_int_equal(dir_entries(fx.dir), 1);

	/* and a small export still fits */
	assert_int_equal(export_view(path, PRINT_CSV, &fx.st, fx.rows, 3, err, sizeof err), 0);
	unmount_teardown(NULL);
	fixture_free(&fx);
}

/* A write that fails part-way, without root or a small file system: a
 * file-size limit (RLIMIT_FSIZE, with SIGXFSZ ignored) makes write() fail
 * with EFBIG once the export passes 16 KiB, as a full disk would with
 * ENOSPC.  Run in a child so the limit stays there; the child reports
 * which check failed in its exit status. */
static void test_write_failing_part_way_leaves_no_partial_file(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DATA("mdc_ID4688-5145-WMIexec_execution_via_SMB.evtx"));
	char path[128];
	snprintf(path, sizeof path, "%s/all.jsonl", fx.dir);
	write_file(path, "previous export\n");
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = {16 * 1024, 16 * 1024};
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(10);
		char err[512];
		if (export_view(path, PRINT_JSONL, &fx.st, fx.rows, fx.st.count, err, sizeof err) != -1)
			_exit(11);
		if (!strstr(err, path) || !strstr(err, strerror(EFBIG)))
			_exit(12);
		if (!strstr(err, "the existing file was left unchanged"))
			_exit(13);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char *got = slurp(path);
	assert_string_equal(got, "previous export\n");
	free(got);
	assert_int_equal(dir_entries(fx.dir), 1); /* no temporary file left */
	fixture_free(&fx);
}

static void test_read_only_directory_gives_a_clear_message(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DATA("mdc_ID472_4728_Hidden_user_creation.evtx"));
	char path[128], err[512];
	snprintf(path, sizeof path, "%s/out.csv", fx.dir);
	int expect;
	int is_mount = 0;
	if (geteuid() != 0) {
		/* not root: permissions are enforced */
		assert_int_equal(chmod(fx.dir, 0555), 0);
		expect = EACCES;
	} else if (small_fs(fx.dir, "size=16k", MS_RDONLY) == 0) {
		/* root ignores modes; a read-only mount still refuses */
		is_mount = 1;
		expect = EROFS;
	} else {
		fixture_free(&fx);
		skip();
		return;
	}
	assert_int_equal(export_view(path, PRINT_CSV, &fx.st, fx.rows, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "cannot create"));
	assert_non_null(strstr(err, strerror(expect)));
	if (is_mount)
		unmount_teardown(NULL);
	else
		assert_int_equal(chmod(fx.dir, 0755), 0);
	fixture_free(&fx);
}

static void test_abort_removes_the_temporary_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/oaview-export-abort-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], err[256];
	snprintf(path, sizeof path, "%s/x.csv", dir);
	struct export_file *f = export_open(path, err, sizeof err);
	assert_non_null(f);
	fputs("half", export_stream(f));
	assert_int_equal(dir_entries(dir), 1);
	export_abort(f);
	assert_int_equal(dir_entries(dir), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* ---- object activity --------------------------------------------------- */

static void test_objects_jsonl_has_one_valid_object_per_object(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DATA("mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx"));
	char path[128], err[512];
	snprintf(path, sizeof path, "%s/objects.jsonl", fx.dir);
	assert_int_equal(export_objects(path, PRINT_JSONL, &fx.st, &fx.idx, err, sizeof err), 0);
	char *got = slurp(path);
	size_t n = 0;
	int saw_lsass = 0;
	for (char *line = strtok(got, "\n"); line; line = strtok(NULL, "\n")) {
		json_error_t jerr;
		json_t *j = json_loads(line, 0, &jerr);
		if (!j)
			fail_msg("invalid JSON: %s: %s", jerr.text, line);
		n++;
		const char *name = json_string_value(json_object_get(j, "object_name"));
		assert_non_null(name);
		if (strstr(name, "lsass.exe")) {
			saw_lsass = 1;
			json_t *v = json_object_get(j, "verdicts");
			assert_int_equal(json_array_size(v), 1);
			assert_string_equal(json_string_value(json_array_get(v, 0)), "read");
			assert_string_equal(json_string_value(json_array_get(json_object_get(j, "users"), 0)),
					    "OFFSEC\\admmig");
			assert_int_equal(json_array_size(json_object_get(j, "records")), 4);
			assert_true(json_is_null(json_object_get(j, "renamed_to")));
		}
		json_decref(j);
	}
	assert_int_equal(n, fx.idx.count);
	assert_true(saw_lsass);
	/* most recent first: the lsass object (14:29:10) comes last of four */
	free(got);
	fixture_free(&fx);
}

static void test_objects_csv_has_a_header_and_a_row_per_object(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_load(&fx, DATA("mdc_ID4688-5447-4950-Firewall_disabled_command.evtx"));
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(objects_print(m, PRINT_CSV, &fx.st, &fx.idx), 0);
	fclose(m);
	const char *head = "computer,object_type,object_name,first_time,last_time,";
	assert_int_equal(strncmp(buf, head, strlen(head)), 0);
	int lines = 0;
	for (char *p = buf; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 1 + (int)fx.idx.count);
	/* the 4670 row carries its SDDL pair */
	assert_non_null(strstr(buf, "\"#1966592 D:(A;;GA;;;SY)(A;;GA;;;NS) -> D:(A;;GA;;;SY)"));
	assert_non_null(strstr(buf, "\"perms\""));
	free(buf);
	fixture_free(&fx);
}

static void test_objects_text_is_sanitised_and_csv_guarded(void **state)
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
	record_add(&rec, "ObjectName", "=cmd|' /C calc'!A0\x1b[2J");
	record_add(&rec, "HandleId", "0x10");
	record_add(&rec, "ProcessId", "0x20");
	record_add(&rec, "AccessMask", "0x2");
	assert_int_not_equal(store_append(&st, &rec, 0, NULL), EVENT_NONE);
	assert_int_equal(correlate_all(&st), 0);
	struct object_index idx;
	objects_init(&idx);
	assert_int_equal(objects_build(&idx, &st), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(objects_print(m, PRINT_TEXT, &st, &idx), 0);
	fclose(m);
	assert_null(strchr(buf, '\x1b'));
	assert_non_null(strstr(buf, "done: written"));
	free(buf);
	buf = NULL;
	m = open_memstream(&buf, &len);
	assert_int_equal(objects_print(m, PRINT_CSV, &st, &idx), 0);
	fclose(m);
	assert_non_null(strstr(buf, "\"'=cmd|"));
	free(buf);
	objects_free(&idx);
	store_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_export_writes_what_print_writes),
		cmocka_unit_test(test_export_replaces_an_existing_file_whole),
		cmocka_unit_test(test_missing_directory_or_directory_target_is_refused),
		cmocka_unit_test_teardown(test_disk_full_leaves_no_partial_file_and_keeps_the_old_one,
					  unmount_teardown),
		cmocka_unit_test(test_write_failing_part_way_leaves_no_partial_file),
		cmocka_unit_test_teardown(test_read_only_directory_gives_a_clear_message,
					  unmount_teardown),
		cmocka_unit_test(test_abort_removes_the_temporary_file),
		cmocka_unit_test(test_objects_jsonl_has_one_valid_object_per_object),
		cmocka_unit_test(test_objects_csv_has_a_header_and_a_row_per_object),
		cmocka_unit_test(test_objects_text_is_sanitised_and_csv_guarded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
