/* loader.c - background loading (see loader.h). */
#include "loader.h"

#include <stdio.h>
#include <string.h>

#include "correlate.h"
#include "follow.h"

void loader_lock(struct loader *l)
{
	pthread_mutex_lock(&l->lock);
}

void loader_unlock(struct loader *l)
{
	pthread_mutex_unlock(&l->lock);
}

/* A file that cannot be read: the viewer shows it at once (as a warning)
 * and the first such message is kept for the exit. */
static void loader_fail(struct loader *l, const char *err)
{
	if (l->opt.diag)
		l->opt.diag(l->opt.diag_ctx, err);
	loader_lock(l);
	if (!l->failed)
		snprintf(l->error, sizeof l->error, "%s", err);
	l->failed = 1;
	loader_unlock(l);
}

/* Everything is in: link it (into corr, or a correlator of its own) and
 * say so. */
static void loader_finish(struct loader *l, struct correlator *corr)
{
	loader_lock(l);
	if (!l->cancel && (corr ? correlate_store(corr, l->st) : correlate_all(l->st)) < 0 && !l->failed) {
		snprintf(l->error, sizeof l->error, "out of memory while linking events");
		l->failed = 1;
	}
	l->done = 1;
	loader_unlock(l);
}

static void *loader_main(void *arg)
{
	struct loader *l = arg;
	for (size_t i = 0; i < l->nfiles && !l->cancel; i++) {
		l->current = i;
		char err[1024];
		struct load_sync sync = {&l->lock, l->newest_first, &l->cancel};
		if (load_file_sync(l->st, l->files[i], &l->opt, &sync, err, sizeof err) < 0 && !l->cancel)
			loader_fail(l, err);
	}
	loader_finish(l, NULL);
	return NULL;
}

/* Following: the present content through follow_add (which then knows
 * where to go on), newest EVTX chunks first; then prime the correlator. */
static __thread int in_loader_thread;

static void *loader_follow_main(void *arg)
{
	struct loader *l = arg;
	in_loader_thread = 1;
	for (size_t i = 0; i < l->nfiles && !l->cancel; i++) {
		l->current = i;
		char err[1024];
		loader_lock(l);
		int source = store_add_source(l->st, l->files[i]);
		loader_unlock(l);
		if (source < 0) {
			snprintf(err, sizeof err, "%s: out of memory", l->files[i]);
		} else if (follow_add(l->follow, l->files[i], (uint16_t)source, err, sizeof err) == 0) {
			continue;
		}
		if (l->cancel)
			break;
		loader_fail(l, err);
	}
	loader_finish(l, l->corr);
	return NULL;
}

/* Records from follow: during the first read (this thread) appended under
 * the lock and linked all together at the end; afterwards (follow_poll,
 * on the viewer's thread, which holds the lock) linked as they come. */
static int loader_follow_record(void *ctx, uint16_t source, const struct record *rec)
{
	struct loader *l = ctx;
	int oom = 0;
	if (in_loader_thread) {
		if (l->cancel)
			return 1;
		loader_lock(l);
		store_append(l->st, rec, source, &oom);
		loader_unlock(l);
		return oom;
	}
	uint32_t index = store_append(l->st, rec, source, &oom);
	if (oom)
		return 1;
	if (index != EVENT_NONE && correlate_event(l->corr, l->st, index) < 0)
		return 1;
	return 0;
}

static void loader_follow_diag(void *ctx, uint16_t source, const char *message)
{
	struct loader *l = ctx;
	(void)source;
	if (l->opt.diag)
		l->opt.diag(l->opt.diag_ctx, message);
}

int loader_start_follow(struct loader *l, struct store *st, char **files, size_t nfiles,
			const struct load_options *opt)
{
	memset(l, 0, sizeof *l);
	l->opt = *opt;
	l->st = st;
	l->files = files;
	l->nfiles = nfiles;
	pthread_mutex_init(&l->lock, NULL);
	l->corr = correlator_new();
	struct follow_sink sink = {loader_follow_record, loader_follow_diag, l};
	l->follow = l->corr ? follow_new(&sink, st->keep_all, opt->threads) : NULL;
	if (!l->follow)
		return -1;
	follow_set_newest_first(l->follow, 1);
	if (pthread_create(&l->thread, NULL, loader_follow_main, l) != 0)
		return -1;
	l->started = 1;
	return 0;
}

int loader_start(struct loader *l, struct store *st, char **files, size_t nfiles,
		 const struct load_options *opt, int newest_first)
{
	memset(l, 0, sizeof *l);
	l->st = st;
	l->files = files;
	l->nfiles = nfiles;
	l->opt = *opt;
	l->newest_first = newest_first;
	pthread_mutex_init(&l->lock, NULL);
	if (pthread_create(&l->thread, NULL, loader_main, l) != 0)
		return -1;
	l->started = 1;
	return 0;
}

void loader_cancel(struct loader *l)
{
	l->cancel = 1;
	loader_join(l);
}

void loader_join(struct loader *l)
{
	if (l->started)
		pthread_join(l->thread, NULL);
	l->started = 0;
}

void loader_free(struct loader *l)
{
	loader_join(l);
	follow_free(l->follow);
	correlator_free(l->corr);
	l->follow = NULL;
	l->corr = NULL;
	pthread_mutex_destroy(&l->lock);
}
