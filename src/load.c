/* load.c - input files into the store (see load.h). */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source_evt.h"
#include "source_evtx.h"
#include "source_text.h"

enum input_kind load_detect(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return INPUT_UNKNOWN;
	}
	struct stat sb;
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		close(fd);
		return INPUT_UNKNOWN;
	}
	unsigned char head[16];
	ssize_t n = read(fd, head, sizeof head);
	if (n < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		close(fd);
		return INPUT_UNKNOWN;
	}
	enum input_kind kind = INPUT_TEXT;
	if (evtx_is_evtx(head, (size_t)n))
		kind = INPUT_EVTX;
	else if (evt_is_evt(head, (size_t)n))
		kind = INPUT_EVT;
	else if (evtx_headless(fd)) /* an EVTX with a damaged file header */
		kind = INPUT_EVTX;
	close(fd);
	return kind;
}

struct load_sink {
	struct store *st;
	uint16_t source;
	int oom;
	const struct load_options *opt;
	pthread_mutex_t *lock;
	volatile int *cancel;
};

static int load_record(void *ctx, const struct record *rec)
{
	struct load_sink *ls = ctx;
	pthread_mutex_t *lock = ls->lock;
	if (lock)
		pthread_mutex_lock(lock);
	store_append(ls->st, rec, ls->source, &ls->oom);
	if (lock)
		pthread_mutex_unlock(lock);
	return ls->oom || (ls->cancel && *ls->cancel);
}

static void load_diag(void *ctx, const char *message)
{
	struct load_sink *ls = ctx;
	if (ls->opt && ls->opt->diag)
		ls->opt->diag(ls->opt->diag_ctx, message);
}

/* Does the name end in .evtx or .evt (any case)? */
static int named_like_a_log(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (strcasecmp(dot, ".evtx") == 0 || strcasecmp(dot, ".evt") == 0);
}

int load_file(struct store *st, const char *path, const struct load_options *opt,
	      char *err, size_t errlen)
{
	return load_file_sync(st, path, opt, NULL, err, errlen);
}

int load_file_sync(struct store *st, const char *path, const struct load_options *opt,
		   const struct load_sync *sync, char *err, size_t errlen)
{
	pthread_mutex_t *lock = sync ? sync->lock : NULL;
	enum input_kind kind = load_detect(path, err, errlen);
	if (kind == INPUT_UNKNOWN)
		return -1;
	if (lock)
		pthread_mutex_lock(lock);
	int source = store_add_source(st, path);
	if (lock)
		pthread_mutex_unlock(lock);
	if (source < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	struct load_sink ls = {st, (uint16_t)source, 0, opt, lock, sync ? sync->cancel : NULL};
	struct record_sink sink = {load_record, load_diag, &ls};
	int rc;
	if (kind == INPUT_EVTX) {
		struct evtx_options eo = {opt ? opt->threads : 0, st->keep_all, sync ? sync->newest_first : 0};
		rc = evtx_read_file(path, &eo, &sink, err, errlen);
	} else if (kind == INPUT_EVT) {
		rc = evt_read_file(path, st->keep_all, &sink, err, errlen);
	} else {
		if (named_like_a_log(path)) {
			char msg[1024];
			snprintf(msg, sizeof msg, "%s: named like an event log file, but it has neither the EVTX "
				 "nor the EVT signature (nor EVTX chunks at offset 4096): reading it as text",
				 path);
			load_diag(&ls, msg);
		}
		rc = text_read_file_threads(path, st->keep_all, opt ? opt->threads : 0, &sink, err, errlen);
	}
	if (ls.oom) {
		snprintf(err, errlen, "%s: out of memory after %zu events", path, st->count);
		return -1;
	}
	return rc < 0 ? -1 : 0;
}
