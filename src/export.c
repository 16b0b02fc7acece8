/* export.c - safe file writes and the object-activity printer (see
 * export.h).
 *
 * struct export_file holds the target path, the temporary path beside it
 * and the stream; the first write error is remembered with its errno,
 * because stdio's error flag is sticky but errno is not. */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "print.h"
#include "sanitize.h"
#include "timefmt.h"

struct export_file {
	char *path;
	char *tmp;
	FILE *fp;
	int error;        /* errno of the first failure, 0 = none */
	int existed;      /* the target existed before: it is left as it was */
};

static void export_free(struct export_file *f)
{
	free(f->path);
	free(f->tmp);
	free(f);
}

/* The directory part of path, for messages and the directory fsync. */
static void dir_of(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, outlen, ".");
	else if (slash == path)
		snprintf(out, outlen, "/");
	else
		snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

struct export_file *export_open(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	int existed = 0;
	mode_t mode;
	if (!path || !*path) {
		snprintf(err, errlen, "no file name given");
		return NULL;
	}
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "%s: is a directory", path);
			return NULL;
		}
		existed = 1;
		mode = sb.st_mode & 07777;
	} else {
		/* A new file gets what open(O_CREAT, 0666) would give it. */
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	struct export_file *f = calloc(1, sizeof *f);
	size_t len = strlen(path);
	if (!f || !(f->path = strdup(path)) || !(f->tmp = malloc(len + 8))) {
		if (f)
			export_free(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	memcpy(f->tmp, path, len);
	memcpy(f->tmp + len, ".XXXXXX", 8);
	int fd = mkstemp(f->tmp);
	if (fd < 0) {
		char dir[4096];
		int e = errno;
		dir_of(path, dir, sizeof dir);
		snprintf(err, errlen, "%s: cannot create a file in %s: %s", path, dir, strerror(e));
		export_free(f);
		return NULL;
	}
	/* mkstemp makes it 0600; the result should look like any new file. */
	if (fchmod(fd, mode) != 0) {
		/* not fatal: the file is still written, just private */
	}
	f->fp = fdopen(fd, "w");
	if (!f->fp) {
		int e = errno;
		close(fd);
		unlink(f->tmp);
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(e));
		export_free(f);
		return NULL;
	}
	f->existed = existed;
	return f;
}

FILE *export_stream(struct export_file *f)
{
	return f->fp;
}

int export_check(struct export_file *f)
{
	if (!ferror(f->fp))
		return 0;
	if (!f->error)
		f->error = errno ? errno : EIO;
	return -1;
}

static void fail_message(const struct export_file *f, int e, const char *what, char *err,
			 size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s (%s)", f->path, what, strerror(e),
		 f->existed ? "the existing file was left unchanged" : "no file was written");
}

void export_abort(struct export_file *f)
{
	if (!f)
		return;
	if (f->fp)
		fclose(f->fp);
	unlink(f->tmp);
	export_free(f);
}

int export_commit(struct export_file *f, char *err, size_t errlen)
{
	int e = 0;
	const char *what = "cannot write";
	export_check(f);
	if (f->error) {
		e = f->error;
	} else if (fflush(f->fp) != 0) {
		e = errno ? errno : EIO;
	} else if (fsync(fileno(f->fp)) != 0 && errno != EINVAL) {
		/* EINVAL: a file system that cannot sync (fine, nothing lost) */
		e = errno;
	}
	errno = 0;
	if (fclose(f->fp) != 0 && !e)
		e = errno ? errno : EIO;
	f->fp = NULL;
	if (!e && rename(f->tmp, f->path) != 0) {
		e = errno;
		what = "cannot replace";
	}
	if (e) {
		unlink(f->tmp);
		fail_message(f, e, what, err, errlen);
		export_free(f);
		return -1;
	}
	/* Make the rename itself durable; failure here loses nothing written. */
	char dir[4096];
	dir_of(f->path, dir, sizeof dir);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd) != 0) {
			/* ignored: see above */
		}
		close(dfd);
	}
	export_free(f);
	return 0;
}

int export_view(const char *path, enum print_format format, const struct store *st,
		const uint32_t *rows, size_t nrows, char *err, size_t errlen)
{
	struct export_file *f = export_open(path, err, errlen);
	if (!f)
		return -1;
	struct printer p = {export_stream(f), format, 0};
	for (size_t i = 0; i < nrows; i++) {
		errno = 0;
		if (print_event(&p, st, rows[i]) < 0 || export_check(f) < 0)
			break;
	}
	return export_commit(f, err, errlen);
}

int export_objects(const char *path, enum print_format format, const struct store *st,
		   struct object_index *idx, char *err, size_t errlen)
{
	struct export_file *f = export_open(path, err, errlen);
	if (!f)
		return -1;
	errno = 0;
	if (objects_print(export_stream(f), format, st, idx) < 0)
		export_check(f);
	return export_commit(f, err, errlen);
}

/* ---- object activity ------------------------------------------------- */


/* A growing text buffer for joined lists (CSV cells). */
struct joined {
	char *buf;
	size_t len, cap;
};

static void joined_add(struct joined *j, const char *sep, const char *s)
{
	size_t need = strlen(sep) + strlen(s) + 1;
	if (j->len + need > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		while (j->len + need > cap)
			cap *= 2;
		char *b = realloc(j->buf, cap);
		if (!b)
			return;   /* the cell is cut short; the file is still valid */
		j->buf = b;
		j->cap = cap;
	}
	j->len += (size_t)sprintf(j->buf + j->len, "%s%s", j->len ? sep : "", s);
}

static const char *joined_text(const struct joined *j)
{
	return j->buf ? j->buf : "";
}

static void json_verdicts(FILE *out, const char *key, uint32_t bits)
{
	fprintf(out, ",\"%s\":[", key);
	int n = 0;
	for (int i = 0; i < OBJ_VERDICT_COUNT; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (n++)
			putc(',', out);
		print_json_string(out, objects_verdict_key(1u << i));
	}
	putc(']', out);
}

/* Member i of a set as a string; users as DOMAIN\user. */
static const char *member_text(const struct store *st, const struct object_set *s, size_t i,
			       int users, char *buf, size_t buflen)
{
	if (users)
		return objects_user_text(st, &s->items[i], buf, buflen);
	snprintf(buf, buflen, "%s", strpool_get(&st->pool, s->items[i].a));
	return buf;
}

/* A set as a JSON array; only: outcome bits a member must have been seen
 * with (0 = every member). */
static void json_set(FILE *out, const char *key, const struct store *st, const struct object_set *s,
		     int users, uint8_t only)
{
	char buf[1024];
	fprintf(out, ",\"%s\":[", key);
	int n = 0;
	for (size_t i = 0; i < s->count; i++) {
		if (only && !(s->items[i].outcomes & only))
			continue;
		if (n++)
			putc(',', out);
		print_json_string(out, member_text(st, s, i, users, buf, sizeof buf));
	}
	putc(']', out);
}

static void json_name_or_null(FILE *out, const char *key, const struct object_index *idx,
			      uint32_t o)
{
	fprintf(out, ",\"%s\":", key);
	if (o == OBJECT_NONE)
		fputs("null", out);
	else
		print_json_string(out, objects_name(idx, &idx->objects[o]));
}

static void print_object_jsonl(FILE *out, const struct store *st, const struct object_index *idx,
			       const struct object *o)
{
	char t[64];
	fputs("{\"computer\":", out);
	print_json_string(out, strpool_get(&st->pool, o->computer));
	fputs(",\"object_type\":", out);
	print_json_string(out, strpool_get(&st->pool, o->type));
	fputs(",\"object_name\":", out);
	print_json_string(out, objects_name(idx, o));
	timefmt_iso(o->first_time, t, sizeof t);
	fputs(",\"first_time\":", out);
	print_json_string(out, t);
	timefmt_iso(o->last_time, t, sizeof t);
	fputs(",\"last_time\":", out);
	print_json_string(out, t);
	fprintf(out, ",\"events\":%" PRIu32 ",\"failed_events\":%" PRIu32, o->nevents, o->nfailed);
	json_verdicts(out, "verdicts", objects_done(idx, o));
	json_verdicts(out, "could_have", objects_could(idx, o));
	json_verdicts(out, "failed", o->failed);
	json_set(out, "users", st, &o->users, 1, 0);
	json_set(out, "failed_users", st, &o->users, 1, OBJECT_SEEN_FAILURE);
	json_set(out, "processes", st, &o->processes, 0, 0);
	json_set(out, "ip_addresses", st, &o->addresses, 0, 0);
	if (o->users.more || o->processes.more || o->addresses.more)
		fprintf(out, ",\"members_not_listed\":%" PRIu32,
			o->users.more + o->processes.more + o->addresses.more);
	json_name_or_null(out, "renamed_to", idx, objects_rename_target(idx, o));
	json_name_or_null(out, "renamed_from", idx, objects_rename_source(idx, o));
	fputs(",\"legacy\":", out);
	fputs(o->flags & OBJF_LEGACY ? "true" : "false", out);
	fputs(",\"network\":", out);
	fputs(o->flags & OBJF_NETWORK ? "true" : "false", out);
	fputs(",\"sd_changes\":[", out);
	for (uint32_t i = 0; i < o->nsd; i++) {
		const struct event *ev = store_event(st, o->sd_events[i]);
		fprintf(out, "%s{\"record\":%" PRIu64 ",\"event_id\":%u,\"old_sd\":", i ? "," : "",
			ev->record, ev->event_id);
		print_json_string(out, store_str(st, ev, ES_OLD_SD));
		fputs(",\"new_sd\":", out);
		print_json_string(out, store_str(st, ev, ES_NEW_SD));
		putc('}', out);
	}
	fputs("],\"records\":[", out);
	for (uint32_t i = 0; i < o->nevents; i++)
		fprintf(out, "%s%" PRIu64, i ? "," : "", store_event(st, o->events[i])->record);
	fputs("]}\n", out);
}

static const char *OBJECTS_CSV_HEADER =
	"computer,object_type,object_name,first_time,last_time,events,failed_events,verdicts,"
	"could_have,failed,users,failed_users,processes,ip_addresses,renamed_to,renamed_from,"
	"sd_changes,records\n";

static void csv_set(FILE *out, const struct store *st, const struct object_set *s, int users,
		    uint8_t only)
{
	struct joined j = {0};
	char buf[1024];
	for (size_t i = 0; i < s->count; i++)
		if (!only || (s->items[i].outcomes & only))
			joined_add(&j, ";", member_text(st, s, i, users, buf, sizeof buf));
	print_csv_field(out, joined_text(&j), 0);
	free(j.buf);
}

static void print_object_csv(FILE *out, const struct store *st, const struct object_index *idx,
			     const struct object *o)
{
	char t[64], v[512], num[32];
	print_csv_field(out, strpool_get(&st->pool, o->computer), 0);
	print_csv_field(out, strpool_get(&st->pool, o->type), 0);
	print_csv_field(out, objects_name(idx, o), 0);
	timefmt_iso(o->first_time, t, sizeof t);
	print_csv_field(out, t, 0);
	timefmt_iso(o->last_time, t, sizeof t);
	print_csv_field(out, t, 0);
	snprintf(num, sizeof num, "%" PRIu32, o->nevents);
	print_csv_field(out, num, 0);
	snprintf(num, sizeof num, "%" PRIu32, o->nfailed);
	print_csv_field(out, num, 0);
	objects_verdicts_text(objects_done(idx, o), 1, v, sizeof v);
	print_csv_field(out, v, 0);
	objects_verdicts_text(objects_could(idx, o), 1, v, sizeof v);
	print_csv_field(out, v, 0);
	objects_verdicts_text(o->failed, 1, v, sizeof v);
	print_csv_field(out, v, 0);
	csv_set(out, st, &o->users, 1, 0);
	csv_set(out, st, &o->users, 1, OBJECT_SEEN_FAILURE);
	csv_set(out, st, &o->processes, 0, 0);
	csv_set(out, st, &o->addresses, 0, 0);
	uint32_t r = objects_rename_target(idx, o);
	print_csv_field(out, r == OBJECT_NONE ? "" : objects_name(idx, &idx->objects[r]), 0);
	r = objects_rename_source(idx, o);
	print_csv_field(out, r == OBJECT_NONE ? "" : objects_name(idx, &idx->objects[r]), 0);
	struct joined j = {0};
	for (uint32_t i = 0; i < o->nsd; i++) {
		const struct event *ev = store_event(st, o->sd_events[i]);
		char head[64];
		snprintf(head, sizeof head, "#%" PRIu64 " ", ev->record);
		joined_add(&j, ";", head);
		joined_add(&j, "", store_str(st, ev, ES_OLD_SD));
		joined_add(&j, "", " -> ");
		joined_add(&j, "", store_str(st, ev, ES_NEW_SD));
	}
	print_csv_field(out, joined_text(&j), 0);
	free(j.buf);
	j = (struct joined){0};
	for (uint32_t i = 0; i < o->nevents; i++) {
		snprintf(num, sizeof num, "%" PRIu64, store_event(st, o->events[i])->record);
		joined_add(&j, ";", num);
	}
	print_csv_field(out, joined_text(&j), 1);
	free(j.buf);
}

static void text_set(FILE *out, const char *label, const struct store *st,
		     const struct object_set *s, int users)
{
	char buf[1024];
	if (!s->count)
		return;
	fprintf(out, "; %s ", label);
	for (size_t i = 0; i < s->count; i++) {
		if (i)
			fputs(", ", out);
		print_safe_text(out, member_text(st, s, i, users, buf, sizeof buf));
		if (s->items[i].outcomes == OBJECT_SEEN_FAILURE)
			fputs(" (failed only)", out);
	}
	if (s->more)
		fprintf(out, " and %" PRIu32 " more", s->more);
}

static void print_object_text(FILE *out, const struct store *st, const struct object_index *idx,
			      const struct object *o)
{
	char t1[64], t2[64], v[512];
	timefmt_iso(o->last_time, t2, sizeof t2);
	fprintf(out, "%s  ", t2[0] ? t2 : "-");
	print_safe_text(out, strpool_get(&st->pool, o->computer));
	fputs("  ", out);
	print_safe_text(out, o->type ? strpool_get(&st->pool, o->type) : "-");
	fputs("  ", out);
	print_safe_text(out, objects_name(idx, o));
	putc('\n', out);

	uint32_t done = objects_done(idx, o), could = objects_could(idx, o);
	objects_verdicts_text(done, 0, v, sizeof v);
	fprintf(out, "    done: %s", v[0] ? v : "nothing seen used");
	uint32_t to = objects_rename_target(idx, o), from = objects_rename_source(idx, o);
	if (to != OBJECT_NONE) {
		fputs(" (to ", out);
		print_safe_text(out, objects_name(idx, &idx->objects[to]));
		fputs("?)", out);
	}
	if (from != OBJECT_NONE) {
		fputs("; renamed/moved from ", out);
		print_safe_text(out, objects_name(idx, &idx->objects[from]));
		fputs("?", out);
	}
	if (could) {
		objects_verdicts_text(could, 0, v, sizeof v);
		fprintf(out, "; could have (%s): %s",
			o->flags & OBJF_NETWORK && !(o->flags & OBJF_LEGACY) ? "requested" : "granted", v);
	}
	putc('\n', out);
	if (o->failed || o->nfailed) {
		objects_verdicts_text(o->failed, 0, v, sizeof v);
		fprintf(out, "    failed attempts: %" PRIu32 " (%s)\n", o->nfailed, v[0] ? v : "-");
	}
	timefmt_iso(o->first_time, t1, sizeof t1);
	fprintf(out, "    %" PRIu32 " event%s, first %s", o->nevents, o->nevents == 1 ? "" : "s",
		t1[0] ? t1 : "-");
	text_set(out, "by", st, &o->users, 1);
	text_set(out, "process", st, &o->processes, 0);
	text_set(out, "from", st, &o->addresses, 0);
	putc('\n', out);
	for (uint32_t i = 0; i < o->nsd; i++) {
		const struct event *ev = store_event(st, o->sd_events[i]);
		fprintf(out, "    %u #%" PRIu64 " old: ", ev->event_id, ev->record);
		print_safe_text(out, store_str(st, ev, ES_OLD_SD));
		fputs("\n             new: ", out);
		print_safe_text(out, store_str(st, ev, ES_NEW_SD));
		putc('\n', out);
	}
}

int objects_print(FILE *out, enum print_format format, const struct store *st,
		  struct object_index *idx)
{
	if (idx->norder != idx->count && objects_sort(idx, st, OBJECTS_BY_LAST_TIME) < 0) {
		errno = ENOMEM;
		return -1;
	}
	if (format == PRINT_CSV)
		fputs(OBJECTS_CSV_HEADER, out);
	for (size_t i = 0; i < idx->norder; i++) {
		const struct object *o = &idx->objects[idx->order[i]];
		switch (format) {
		case PRINT_JSONL: print_object_jsonl(out, st, idx, o); break;
		case PRINT_CSV: print_object_csv(out, st, idx, o); break;
		default: print_object_text(out, st, idx, o); break;
		}
		if (ferror(out))
			return -1;
	}
	return ferror(out) ? -1 : 0;
}
