/* test_objects.c - per-object activity: verdicts on the real samples, then
 * the rules one by one on built event sequences (rename/move, the legacy
 * 560/567/562 "could have" vs done, late naming of unnamed events).
 *
 * The legacy sequences are EVT files written with tests/evt_writer.c from
 * the documented insertion-string layouts (DESIGN.md): no real 56x
 * Security log is public. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "correlate.h"
#include "legacy_fixtures.h"
#include "objects.h"

/* ---- helpers --------------------------------------------------------- */

static void load_sample(struct store *st, struct object_index *idx, const char *path)
{
	store_init(st);
	load_into(st, path, 0, 1, NULL);
	assert_int_equal(correlate_all(st), 0);
	objects_init(idx);
	assert_int_equal(objects_build(idx, st), 0);
}

static void unload(struct store *st, struct object_index *idx)
{
	objects_free(idx);
	store_free(st);
}

static const struct object *find_object(const struct object_index *idx, const char *name)
{
	for (size_t i = 0; i < idx->count; i++)
		if (strcmp(objects_name(idx, &idx->objects[i]), name) == 0)
			return &idx->objects[i];
	fail_msg("no object named %s", name);
	return NULL;
}

static uint32_t object_index_of(const struct object_index *idx, const struct object *o)
{
	return (uint32_t)(o - idx->objects);
}

static int set_has(const struct store *st, const struct object_set *s, const char *a, const char *b)
{
	for (size_t i = 0; i < s->count; i++) {
		if (strcmp(strpool_get(&st->pool, s->items[i].a), a) == 0
		    && (!b || strcmp(strpool_get(&st->pool, s->items[i].b), b) == 0))
			return 1;
	}
	return 0;
}

static int has_user(const struct store *st, const struct object *o, const char *domain_user)
{
	char buf[512];
	for (size_t i = 0; i < o->users.count; i++)
		if (strcmp(objects_user_text(st, &o->users.items[i], buf, sizeof buf), domain_user) == 0)
			return 1;
	return 0;
}

/* ---- real samples ------------------------------------------------------ */

static void test_lsass_is_read_by_rundll32(void **state)
{
	(void)state;
	struct store st;
	struct object_index idx;
	load_sample(&st, &idx, DATA("mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx"));
	const struct object *o = find_object(&idx, "\\Device\\HarddiskVolume2\\Windows\\System32\\lsass.exe");
	assert_string_equal(strpool_get(&st.pool, o->type), "Process");
	/* two 4656 and the two 4663 VmRead that used them */
	assert_int_equal(o->nevents, 4);
	assert_int_equal(objects_done(&idx, o), OBJ_READ);
	/* 67796 asked for everything: written, executed... only could have */
	uint32_t could = objects_could(&idx, o);
	assert_true(could & OBJ_WRITE);
	assert_true(could & OBJ_EXECUTE);
	assert_false(could & OBJ_READ);
	assert_int_equal(o->nfailed, 0);
	assert_true(has_user(&st, o, "OFFSEC\\admmig"));
	assert_true(set_has(&st, &o->processes, "C:\\Windows\\System32\\rundll32.exe", NULL));
	assert_int_equal(o->processes.count, 1);
	/* no 4658 in this log: close not audited */
	assert_false(o->flags & OBJF_CLOSE_SEEN);
	/* the 4663s land on it */
	assert_int_equal(objects_find_event(&idx, &st, find_record(&st, 67797)), object_index_of(&idx, o));
	/* the dump file was only asked for over the network */
	const struct object *dmp = find_object(&idx, "C:\\Windows\\Temp\\2V7Be7Gq.dmp");
	assert_int_equal(objects_done(&idx, dmp), 0);
	assert_true(objects_could(&idx, dmp) & OBJ_DELETE);
	assert_true(dmp->flags & OBJF_NETWORK);
	assert_int_equal(idx.unresolved, 0);
	unload(&st, &idx);
}

static void test_sam_user_deleted_through_4660_linked_to_its_open(void **state)
{
	(void)state;
	struct store st;
	struct object_index idx;
	load_sample(&st, &idx, DATA("mdc_ID472_4728_Hidden_user_creation.evtx"));
	const struct object *o = find_object(&idx, "DOMAINS\\Account\\Users\\000003F0");
	assert_string_equal(strpool_get(&st.pool, o->type), "SAM_USER");
	assert_true(objects_done(&idx, o) & OBJ_DELETE);
	assert_false(objects_done(&idx, o) & OBJ_RENAME);
	assert_true(o->flags & OBJF_DELETE_CONFIRMED);
	/* the 4660 names nothing itself: it lands through its opener */
	uint32_t del = find_record(&st, 1934527);
	assert_int_equal(store_event(&st, del)->event_id, 4660);
	assert_int_equal(objects_find_event(&idx, &st, del), object_index_of(&idx, o));
	assert_true(has_user(&st, o, "OFFSEC\\admmig"));
	/* the aliases were opened, never changed */
	const struct object *alias = find_object(&idx, "DOMAINS\\Builtin\\Aliases\\00000220");
	assert_int_equal(objects_done(&idx, alias), 0);
	assert_int_equal(idx.unresolved, 0);
	unload(&st, &idx);
}

static void test_share_access_from_an_address(void **state)
{
	(void)state;
	struct store st;
	struct object_index idx;
	load_sample(&st, &idx, DATA("mdc_ID4688-5145-WMIexec_execution_via_SMB.evtx"));
	/* wmiexec's output file: written and deleted over SMB, as requests */
	const struct object *o = find_object(&idx, "C:\\Windows\\__1619090610.0007844");
	assert_true(o->flags & OBJF_NETWORK);
	assert_true(set_has(&st, &o->addresses, "10.23.123.11", NULL));
	assert_true(has_user(&st, o, "OFFSEC\\admmig"));
	assert_int_equal(objects_done(&idx, o), 0);
	uint32_t could = objects_could(&idx, o);
	assert_true(could & OBJ_WRITE);
	assert_true(could & OBJ_DELETE);
	/* 5140 names the share root "C:\Windows\", 5145 "C:\Windows": one object */
	const struct object *admin = find_object(&idx, "C:\\Windows\\");
	assert_true(objects_done(&idx, admin) & OBJ_SHARE);
	assert_true(objects_could(&idx, admin) & OBJ_READ);
	for (size_t i = 0; i < idx.count; i++)
		assert_string_not_equal(objects_name(&idx, &idx.objects[i]), "C:\\Windows");
	/* IPC$ has no local path: named pipes become objects of their own */
	const struct object *pipe = find_object(&idx, "\\\\*\\IPC$\\srvsvc");
	assert_true(pipe->flags & OBJF_NETWORK);
	assert_int_equal(idx.unresolved, 0);
	assert_int_equal(idx.events_added, st.count);
	unload(&st, &idx);
}

static void test_sethc_has_only_failed_attempts(void **state)
{
	(void)state;
	struct store st;
	struct object_index idx;
	load_sample(&st, &idx, DATA("mdc_ID4656-Failed_sethc_replacement_by_CMD.evtx"));
	assert_int_equal(idx.count, 1);
	const struct object *o = find_object(&idx, "C:\\Windows\\System32\\sethc.exe");
	assert_int_equal(o->nevents, 19);
	assert_int_equal(o->nfailed, 19);
	assert_int_equal(objects_done(&idx, o), 0);
	assert_int_equal(objects_could(&idx, o), 0);
	assert_true(o->failed & OBJ_WRITE);
	assert_true(o->failed & OBJ_APPEND);
	assert_true(o->failed & OBJ_DELETE);
	assert_true(o->failed & OBJ_PERMS);
	assert_int_equal(o->users.count, 1);
	assert_int_equal(o->users.items[0].outcomes, OBJECT_SEEN_FAILURE);
	assert_true(set_has(&st, &o->processes, "C:\\Windows\\System32\\cmd.exe", NULL));
	unload(&st, &idx);
}

static void test_token_permissions_change_keeps_old_and_new_sddl(void **state)
{
	(void)state;
	struct store st;
	struct object_index idx;
	load_sample(&st, &idx, DATA("mdc_ID4688-5447-4950-Firewall_disabled_command.evtx"));
	/* the token has no name ("-"): a placeholder keeps the 4670 in view */
	const struct object *o = find_object(&idx, "(unnamed Token, handle 0x55c, process 0x224)");
	assert_int_equal(objects_done(&idx, o), OBJ_PERMS);
	assert_int_equal(o->nsd, 1);
	const struct event *ev = store_event(&st, o->sd_events[0]);
	assert_int_equal(ev->record, 1966592);
	assert_string_equal(store_str(&st, ev, ES_OLD_SD), "D:(A;;GA;;;SY)(A;;GA;;;NS)");
	assert_string_equal(store_str(&st, ev, ES_NEW_SD),
			    "D:(A;;GA;;;SY)(A;;RC;;;OW)(A;;GA;;;S-1-5-80-123231216-2592883651-"
			    "3715271367-3753151631-4175906628)");
	assert_true(set_has(&st, &o->processes, "C:\\Windows\\System32\\services.exe", NULL));
	/* and the failed open of ResCache.hit is a failed attempt */
	const struct object *f = find_object(&idx, "C:\\Windows\\rescache\\rc0002\\ResCache.hit");
	assert_int_equal(f->nfailed, 1);
	unload(&st, &idx);
}

static void test_closes_join_their_objects_and_unopened_dups_stay_unresolved(void **state)
{
	(void)state;
	struct store st;
	struct object_index idx;
	load_sample(&st, &idx, DATA("mdc_ID4688_6416_4648-SystemNightMare.evtx"));
	const struct object *o = find_object(&idx, "C:\\Windows\\INF\\TAPISRV\\0409");
	assert_true(o->flags & OBJF_CLOSE_SEEN);
	assert_int_equal(objects_find_event(&idx, &st, find_record(&st, 2183525)), object_index_of(&idx, o));
	/* granted ReadData, never seen used */
	assert_int_equal(objects_done(&idx, o), 0);
	assert_true(objects_could(&idx, o) & OBJ_READ);
	assert_true(has_user(&st, o, "OFFSEC\\admmig"));
	assert_true(has_user(&st, o, "OFFSEC\\FS01$"));
	/* each 4690 precedes the open of its source handle: it and the close
	 * of the duplicate have no opener in view and are not guessed */
	assert_int_equal(idx.unresolved, 20);
	assert_int_equal(objects_find_event(&idx, &st, find_record(&st, 2183522)), OBJECT_NONE);
	assert_int_equal(objects_find_event(&idx, &st, find_record(&st, 2183523)), OBJECT_NONE);
	assert_int_equal(idx.events_added + idx.unresolved, st.count);
	unload(&st, &idx);
}

static void test_registry_keys_deleted_in_forwarded_nxlog_json(void **state)
{
	(void)state;
	struct store st;
	struct object_index idx;
	load_sample(&st, &idx, DATA("text/nxlog-json-logstash_mordor-empire_persistence_registry_"
				    "modification_run_keys_standard_user-4660.jsonl"));
	size_t deleted = 0, confirmed = 0;
	for (size_t i = 0; i < idx.count; i++) {
		const struct object *o = &idx.objects[i];
		if (objects_done(&idx, o) & OBJ_DELETE)
			deleted++;
		if (o->flags & OBJF_DELETE_CONFIRMED)
			confirmed++;
		assert_string_equal(strpool_get(&st.pool, o->type), "Key");
	}
	/* 15 4660s, each linked to the 4656 that names its key */
	assert_int_equal(confirmed, 15);
	assert_int_equal(deleted, 15);
	assert_int_equal(idx.unresolved, 0);
	unload(&st, &idx);
}

/* ---- built sequences ------------------------------------------------- */

struct ev_spec {
	uint64_t record;
	uint32_t id;
	int failure;
	const char *pid;
	const char *handle;
	const char *name;
	const char *type;
	const char *mask;
	int64_t seconds;      /* time after T0 */
	const char *computer;
	const char *user;
};

#define T0 132792137500000000LL

static struct store st;

static uint32_t add(struct ev_spec s)
{
	struct record rec;
	record_clear(&rec);
	rec.number = s.record;
	rec.event_id = s.id;
	rec.outcome = s.failure ? OUTCOME_FAILURE : OUTCOME_SUCCESS;
	rec.computer = s.computer ? s.computer : "HOST1";
	rec.time = T0 + s.seconds * 10000000LL;
	record_add(&rec, "SubjectUserName", s.user ? s.user : "alice");
	record_add(&rec, "SubjectDomainName", "CORP");
	record_add(&rec, "ProcessId", s.pid ? s.pid : "0x100");
	record_add(&rec, "ProcessName", "C:\\Windows\\explorer.exe");
	record_add(&rec, "HandleId", s.handle ? s.handle : "0x0");
	if (s.name) {
		record_add(&rec, "ObjectType", s.type ? s.type : "File");
		record_add(&rec, "ObjectName", s.name);
	}
	if (s.mask)
		record_add(&rec, "AccessMask", s.mask);
	int oom = 0;
	uint32_t i = store_append(&st, &rec, 0, &oom);
	assert_int_equal(oom, 0);
	assert_int_not_equal(i, EVENT_NONE);
	return i;
}

#define EV(...) add((struct ev_spec){__VA_ARGS__})

static int setup(void **state)
{
	(void)state;
	store_init(&st);
	assert_int_equal(store_add_source(&st, "built"), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_free(&st);
	return 0;
}

static void build(struct object_index *idx)
{
	assert_int_equal(correlate_all(&st), 0);
	objects_init(idx);
	assert_int_equal(objects_build(idx, &st), 0);
}

static void test_mask_verdicts_follow_the_object_type(void **state)
{
	(void)state;
	assert_int_equal(objects_mask_verdicts("File", 0x1), OBJ_READ);
	assert_int_equal(objects_mask_verdicts("File", 0x2), OBJ_WRITE);
	assert_int_equal(objects_mask_verdicts("File", 0x4), OBJ_APPEND);
	assert_int_equal(objects_mask_verdicts("File", 0x20), OBJ_EXECUTE);
	assert_int_equal(objects_mask_verdicts("File", 0x100), OBJ_ATTRIBUTES);
	assert_int_equal(objects_mask_verdicts("File", 0x10000), OBJ_DELETE);
	assert_int_equal(objects_mask_verdicts("File", 0x40000), OBJ_PERMS);
	assert_int_equal(objects_mask_verdicts("File", 0x80000), OBJ_OWNER);
	assert_int_equal(objects_mask_verdicts("File", 0x80 | 0x100000), OBJ_METADATA);
	/* SYNCHRONIZE alone says nothing */
	assert_int_equal(objects_mask_verdicts("File", 0x100000), 0);
	assert_int_equal(objects_mask_verdicts("Key", 0x2), OBJ_WRITE);
	assert_int_equal(objects_mask_verdicts("Key", 0x1), OBJ_READ);
	assert_int_equal(objects_mask_verdicts("Process", 0x10), OBJ_READ);
	assert_int_equal(objects_mask_verdicts("Process", 0x20), OBJ_WRITE);
	assert_int_equal(objects_mask_verdicts("Process", 0x2), OBJ_EXECUTE);
	assert_int_equal(objects_mask_verdicts("SERVICE OBJECT", 0x10), OBJ_EXECUTE);
	assert_int_equal(objects_mask_verdicts("SAM_USER", 0x1), OBJ_OTHER);
	assert_int_equal(objects_mask_verdicts("File", 0x40000000), OBJ_WRITE);
}

static void test_rename_is_delete_then_new_name_in_same_process_within_window(void **state)
{
	(void)state;
	EV(1, 4656, .handle = "0x10", .name = "C:\\Data\\a.txt", .mask = "0x10080");
	EV(2, 4663, .handle = "0x10", .name = "C:\\Data\\a.txt", .mask = "0x10000");
	EV(3, 4658, .handle = "0x10");
	EV(4, 4656, .handle = "0x14", .name = "C:\\Data\\b.txt", .mask = "0x6", .seconds = 1);
	struct object_index idx;
	build(&idx);
	const struct object *a = find_object(&idx, "C:\\Data\\a.txt");
	const struct object *b = find_object(&idx, "C:\\Data\\b.txt");
	assert_true(objects_done(&idx, a) & OBJ_RENAME);
	assert_false(objects_done(&idx, a) & OBJ_DELETE);
	/* DELETE was used by the rename: not also a "could delete" */
	assert_false(objects_could(&idx, a) & OBJ_DELETE);
	assert_int_equal(objects_rename_target(&idx, a), object_index_of(&idx, b));
	assert_int_equal(objects_rename_source(&idx, b), object_index_of(&idx, a));
	objects_free(&idx);
}

static void test_delete_confirmed_by_4660_is_not_a_rename(void **state)
{
	(void)state;
	EV(1, 4656, .handle = "0x10", .name = "C:\\Data\\a.txt", .mask = "0x10080");
	EV(2, 4663, .handle = "0x10", .name = "C:\\Data\\a.txt", .mask = "0x10000");
	EV(3, 4660, .handle = "0x10");
	EV(4, 4658, .handle = "0x10");
	EV(5, 4656, .handle = "0x14", .name = "C:\\Data\\b.txt", .mask = "0x6", .seconds = 1);
	struct object_index idx;
	build(&idx);
	const struct object *a = find_object(&idx, "C:\\Data\\a.txt");
	assert_true(objects_done(&idx, a) & OBJ_DELETE);
	assert_false(objects_done(&idx, a) & OBJ_RENAME);
	assert_int_equal(objects_rename_target(&idx, a), OBJECT_NONE);
	assert_int_equal(objects_rename_source(&idx, find_object(&idx, "C:\\Data\\b.txt")), OBJECT_NONE);
	objects_free(&idx);
}

static void test_a_4660_after_the_new_name_still_means_deleted(void **state)
{
	(void)state;
	EV(1, 4663, .handle = "0x10", .name = "C:\\Data\\a.txt", .mask = "0x10000");
	EV(2, 4656, .handle = "0x14", .name = "C:\\Data\\b.txt", .mask = "0x2");
	EV(3, 4660, .handle = "0x10");
	struct object_index idx;
	build(&idx);
	const struct object *a = find_object(&idx, "C:\\Data\\a.txt");
	assert_true(objects_done(&idx, a) & OBJ_DELETE);
	assert_false(objects_done(&idx, a) & OBJ_RENAME);
	objects_free(&idx);
}

static void test_new_name_too_late_or_from_another_process_is_a_delete(void **state)
{
	(void)state;
	EV(1, 4663, .handle = "0x10", .name = "C:\\Data\\a.txt", .mask = "0x10000");
	EV(2, 4656, .handle = "0x14", .name = "C:\\Data\\b.txt", .mask = "0x2", .seconds = 3);
	EV(3, 4663, .pid = "0x200", .handle = "0x10", .name = "C:\\Data\\c.txt", .mask = "0x10000",
	   .seconds = 10);
	EV(4, 4656, .handle = "0x18", .name = "C:\\Data\\d.txt", .mask = "0x2", .seconds = 10);
	struct object_index idx;
	build(&idx);
	const struct object *a = find_object(&idx, "C:\\Data\\a.txt");
	const struct object *c = find_object(&idx, "C:\\Data\\c.txt");
	assert_int_equal(objects_done(&idx, a), OBJ_DELETE);
	assert_int_equal(objects_done(&idx, c), OBJ_DELETE);
	objects_free(&idx);
}

static void test_move_to_another_directory_is_recognised(void **state)
{
	(void)state;
	EV(1, 4663, .handle = "0x10", .name = "C:\\Data\\a.txt", .mask = "0x10000");
	EV(2, 4663, .handle = "0x14", .name = "D:\\Archive\\a.txt", .mask = "0x2");
	struct object_index idx;
	build(&idx);
	const struct object *a = find_object(&idx, "C:\\Data\\a.txt");
	const struct object *b = find_object(&idx, "D:\\Archive\\a.txt");
	assert_int_equal(objects_done(&idx, a), OBJ_RENAME);
	assert_int_equal(objects_rename_target(&idx, a), object_index_of(&idx, b));
	assert_int_equal(objects_done(&idx, b), OBJ_WRITE);
	objects_free(&idx);
}

static void test_names_match_without_case_and_trailing_backslash(void **state)
{
	(void)state;
	EV(1, 4663, .handle = "0x10", .name = "C:\\Data\\Report.TXT", .mask = "0x1");
	EV(2, 4663, .handle = "0x14", .name = "c:\\data\\report.txt", .mask = "0x2");
	EV(3, 4663, .handle = "0x18", .name = "C:\\Data\\", .mask = "0x1");
	EV(4, 4663, .handle = "0x1c", .name = "C:\\Data", .mask = "0x4");
	EV(5, 4663, .handle = "0x20", .name = "C:\\", .mask = "0x1");
	EV(6, 4663, .handle = "0x24", .name = "C:\\Data\\report.txt", .type = "Key", .mask = "0x1");
	EV(7, 4663, .handle = "0x28", .name = "C:\\Data\\report.txt", .computer = "HOST2", .mask = "0x1");
	struct object_index idx;
	build(&idx);
	/* same type and computer: one object, first spelling kept */
	const struct object *r = find_object(&idx, "C:\\Data\\Report.TXT");
	assert_int_equal(objects_done(&idx, r), OBJ_READ | OBJ_WRITE);
	const struct object *d = find_object(&idx, "C:\\Data\\");
	assert_int_equal(objects_done(&idx, d), OBJ_READ | OBJ_APPEND);
	find_object(&idx, "C:\\");
	/* another type or another computer: other objects */
	assert_int_equal(idx.count, 5);
	objects_free(&idx);
}

static void test_unnamed_close_arriving_first_joins_when_a_4663_names_its_handle(void **state)
{
	(void)state;
	/* no opener in view: the 4663 names the handle, the 4658 does not */
	uint32_t use = EV(1, 4663, .handle = "0x40", .name = "C:\\Data\\late.txt", .mask = "0x2");
	uint32_t close = EV(2, 4658, .handle = "0x40");
	assert_int_equal(correlate_all(&st), 0);
	struct object_index idx;
	objects_init(&idx);
	/* following can hand the close over first */
	assert_int_equal(objects_add(&idx, &st, close), 0);
	assert_int_equal(idx.unresolved, 1);
	assert_int_equal(idx.count, 0);
	assert_int_equal(objects_add(&idx, &st, use), 0);
	assert_int_equal(idx.unresolved, 0);
	const struct object *o = find_object(&idx, "C:\\Data\\late.txt");
	assert_int_equal(o->nevents, 2);
	/* kept in store order whatever the arrival order */
	assert_int_equal(o->events[0], use);
	assert_int_equal(o->events[1], close);
	assert_true(o->flags & OBJF_CLOSE_SEEN);
	assert_int_equal(objects_find_event(&idx, &st, close), 0);
	objects_free(&idx);
}

static void test_close_of_a_duplicate_joins_the_source_handles_object(void **state)
{
	(void)state;
	struct record rec;
	EV(1, 4663, .handle = "0x50", .name = "C:\\Data\\dup.txt", .mask = "0x1");
	record_clear(&rec);
	rec.number = 2;
	rec.event_id = 4690;
	rec.outcome = OUTCOME_SUCCESS;
	rec.computer = "HOST1";
	record_add(&rec, "SourceProcessId", "0x100");
	record_add(&rec, "SourceHandleId", "0x50");
	record_add(&rec, "TargetProcessId", "0x4");
	record_add(&rec, "TargetHandleId", "0x900");
	assert_int_not_equal(store_append(&st, &rec, 0, NULL), EVENT_NONE);
	uint32_t close = EV(3, 4658, .pid = "0x4", .handle = "0x900");
	struct object_index idx;
	build(&idx);
	const struct object *o = find_object(&idx, "C:\\Data\\dup.txt");
	assert_int_equal(o->nevents, 3);
	assert_int_equal(objects_find_event(&idx, &st, close), object_index_of(&idx, o));
	assert_int_equal(idx.unresolved, 0);
	objects_free(&idx);
}

static void test_sort_by_last_time_then_by_name(void **state)
{
	(void)state;
	EV(1, 4663, .handle = "0x10", .name = "C:\\b", .mask = "0x1", .seconds = 5);
	EV(2, 4663, .handle = "0x14", .name = "C:\\a", .mask = "0x1", .seconds = 5);
	EV(3, 4663, .handle = "0x18", .name = "C:\\z", .mask = "0x1", .seconds = 9);
	EV(4, 4663, .handle = "0x1c", .name = "C:\\B2", .mask = "0x1", .seconds = 1);
	struct object_index idx;
	build(&idx);
	assert_int_equal(objects_sort(&idx, &st, OBJECTS_BY_LAST_TIME), 0);
	assert_int_equal(idx.norder, 4);
	const char *want_time[] = {"C:\\z", "C:\\a", "C:\\b", "C:\\B2"};
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(objects_name(&idx, &idx.objects[idx.order[i]]), want_time[i]);
	assert_int_equal(objects_sort(&idx, &st, OBJECTS_BY_NAME), 0);
	const char *want_name[] = {"C:\\a", "C:\\b", "C:\\B2", "C:\\z"};
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(objects_name(&idx, &idx.objects[idx.order[i]]), want_name[i]);
	objects_free(&idx);
}

static void test_permissions_change_tells_owner_from_dacl(void **state)
{
	(void)state;
	assert_int_equal(objects_sd_verdicts("O:BAD:(A;;FA;;;SY)", "O:BAD:(A;;FA;;;WD)"), OBJ_PERMS);
	assert_int_equal(objects_sd_verdicts("O:BAD:(A;;FA;;;SY)", "O:SYD:(A;;FA;;;SY)"), OBJ_OWNER);
	assert_int_equal(objects_sd_verdicts("D:(A;;FA;;;SY)S:(AU;SA;FA;;;WD)", "D:(A;;FA;;;SY)"),
			 OBJ_AUDIT);
	/* an ACE's contents never count as a component ("S:" inside parens) */
	assert_int_equal(objects_sd_verdicts("D:(XA;;FA;;;WD;(@User.S:x))", "D:(XA;;FA;;;WD;(@User.S:y))"),
			 OBJ_PERMS);
	assert_int_equal(objects_sd_verdicts("", ""), OBJ_PERMS);
}

/* ---- legacy 560 / 567 / 562 ------------------------------------------
 * Insertion strings in the documented order (DESIGN.md "Legacy insertion
 * strings"); values modelled on the documented rendered examples. */

static const char *const L560_WRITE[] = {
	"Security", "File", "C:\\DeptFiles\\budget.xls", "20084",
	"0", "251509", "2936", "C:\\WINDOWS\\system32\\notepad.exe",
	"Fred", "ELM", "(0x0,0x13388)",
	"-", "-", "-",
	"WriteData (or AddFile)\r\n\t\t\tAppendData (or AddSubdirectory or CreatePipeInstance)",
	"-", "0", "0x6",
};
static const char *const L567_WRITE[] = {
	"Security", "20084", "File", "2936", "C:\\WINDOWS\\system32\\notepad.exe",
	"WriteData (or AddFile)", "0x2",
};
static const char *const L562[] = {"Security", "20084", "2936", "C:\\WINDOWS\\system32\\notepad.exe"};
/* A share open: System (PID 4) as the machine account for the client, the
 * same rights, and no 567 (567 is local access only). */
static const char *const L560_SHARE[] = {
	"Security", "File", "C:\\Shares\\Tools\\plan.doc", "1744",
	"0", "3050412", "4", "",
	"DC1$", "CORP", "(0x0,0x3E7)",
	"support.engineer", "CORP", "(0x0,0x1A2B3)",
	"%%4417\r\n\t\t\t%%4418", "-", "0", "0x6",
};
static const char *const L560_DELETE[] = {
	"Security", "File", "C:\\DeptFiles\\old.xls", "20100",
	"0", "251600", "2936", "C:\\WINDOWS\\explorer.exe",
	"Fred", "ELM", "(0x0,0x13388)",
	"-", "-", "-",
	"DELETE", "-", "0", "0x10000",
};
static const char *const L564[] = {"Security", "20100", "2936", "C:\\WINDOWS\\explorer.exe"};

static void test_legacy_560_alone_is_could_have_and_567_is_done(void **state)
{
	(void)state;
	char path[] = "/tmp/oaview-objects-legacy-XXXXXX";
	const struct legacy_event ev[] = {
		LEGACY_EVENT(560, "W3DC", L560_WRITE),
		LEGACY_EVENT(567, "W3DC", L567_WRITE),
		LEGACY_EVENT(562, "W3DC", L562),
		LEGACY_EVENT(560, "DC1", L560_SHARE),
		LEGACY_EVENT(562, "DC1", legacy_562_share),
		LEGACY_EVENT(560, "W3DC", L560_DELETE),
		LEGACY_EVENT(564, "W3DC", L564),
	};
	legacy_write_evt(path, ev, LEGACY_N(ev));

	struct store legacy;
	struct object_index idx;
	load_sample(&legacy, &idx, path);
	unlink(path);
	assert_int_equal(legacy.count, 7);

	/* local: 560 granted WriteData+AppendData, 567 used WriteData */
	const struct object *local = find_object(&idx, "C:\\DeptFiles\\budget.xls");
	assert_true(local->flags & OBJF_LEGACY);
	assert_int_equal(objects_done(&idx, local), OBJ_WRITE);
	assert_int_equal(objects_could(&idx, local), OBJ_APPEND);
	assert_int_equal(local->nevents, 3);
	assert_true(local->flags & OBJF_CLOSE_SEEN);

	/* share: 560/562 and no 567: only "could have"; the client acted */
	const struct object *share = find_object(&idx, "C:\\Shares\\Tools\\plan.doc");
	assert_int_equal(objects_done(&idx, share), 0);
	assert_int_equal(objects_could(&idx, share), OBJ_WRITE | OBJ_APPEND);
	assert_true(has_user(&legacy, share, "CORP\\support.engineer"));
	assert_false(has_user(&legacy, share, "CORP\\DC1$"));
	assert_int_equal(share->nevents, 2);

	/* 564 confirms the deletion of what the 560 named */
	const struct object *old = find_object(&idx, "C:\\DeptFiles\\old.xls");
	assert_true(objects_done(&idx, old) & OBJ_DELETE);
	assert_true(old->flags & OBJF_DELETE_CONFIRMED);
	assert_int_equal(idx.unresolved, 0);
	unload(&legacy, &idx);
}

static void test_legacy_rename_567_delete_then_560_write_of_new_name(void **state)
{
	(void)state;
	EV(1, 560, .pid = "2936", .handle = "300", .name = "C:\\Docs\\draft.doc", .mask = "0x10000");
	EV(2, 567, .pid = "2936", .handle = "300", .mask = "0x10000");
	EV(3, 562, .pid = "2936", .handle = "300");
	EV(4, 560, .pid = "2936", .handle = "304", .name = "C:\\Docs\\final.doc", .mask = "0x2");
	struct object_index idx;
	build(&idx);
	const struct object *a = find_object(&idx, "C:\\Docs\\draft.doc");
	assert_int_equal(objects_done(&idx, a), OBJ_RENAME);
	assert_true(a->flags & OBJF_LEGACY);
	objects_free(&idx);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lsass_is_read_by_rundll32),
		cmocka_unit_test(test_sam_user_deleted_through_4660_linked_to_its_open),
		cmocka_unit_test(test_share_access_from_an_address),
		cmocka_unit_test(test_sethc_has_only_failed_attempts),
		cmocka_unit_test(test_token_permissions_change_keeps_old_and_new_sddl),
		cmocka_unit_test(test_closes_join_their_objects_and_unopened_dups_stay_unresolved),
		cmocka_unit_test(test_registry_keys_deleted_in_forwarded_nxlog_json),
		cmocka_unit_test(test_mask_verdicts_follow_the_object_type),
		T(test_rename_is_delete_then_new_name_in_same_process_within_window),
		T(test_delete_confirmed_by_4660_is_not_a_rename),
		T(test_a_4660_after_the_new_name_still_means_deleted),
		T(test_new_name_too_late_or_from_another_process_is_a_delete),
		T(test_move_to_another_directory_is_recognised),
		T(test_names_match_without_case_and_trailing_backslash),
		T(test_unnamed_close_arriving_first_joins_when_a_4663_names_its_handle),
		T(test_close_of_a_duplicate_joins_the_source_handles_object),
		T(test_sort_by_last_time_then_by_name),
		cmocka_unit_test(test_permissions_change_tells_owner_from_dacl),
		cmocka_unit_test(test_legacy_560_alone_is_could_have_and_567_is_done),
		T(test_legacy_rename_567_delete_then_560_write_of_new_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
