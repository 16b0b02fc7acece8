/* loader.c - background loading (see loader.h). */
#include "loader.h"

#include <stdio.h>
#include <string.h>

#include "correlate.h"

void loader_lock(struct loader *l)
{
	pthread_mutex_lock(&l->lock);
}

void loader_unlock(struct loader *l)
{
	pthread_mutex_unlock(&l->lock);
}

static void *loader_main(void *arg)
{
	struct loader *l = arg;
	for (size_t i = 0; i < l->nfiles && !l->cancel; i++) {
		l->current = i;
		char err[1024];
		struct load_sync sync = {&l->lock, l->newest_first, &l->cancel};
		if (load_file_sync(l->st, l->files[i], &l->opt, &sync, err, sizeof err) < 0) {
			loader_lock(l);
			if (!l->failed)
				snprintf(l->error, sizeof l->error, "%s", err);
			l->failed = 1;
			loader_unlock(l);
		}
	}
	loader_lock(l);
	if (!l->cancel && correlate_all(l->st) < 0 && !l->failed) {
		snprintf(l->error, sizeof l->error, "out of memory while linking events");
		l->failed = 1;
	}
	l->done = 1;
	loader_unlock(l);
	return NULL;
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
	pthread_mutex_destroy(&l->lock);
}
