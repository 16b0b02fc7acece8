/* loader.h - reading the input files in a background thread, so the
 * viewer answers keys while a big file is still loading.
 *
 * The loader thread appends to the store under the loader's lock; the
 * viewer takes the same lock whenever it reads the store (each frame and
 * key) and lets go while it waits for input.  When every file is read the
 * loader correlates the whole store (still under the lock) and says so. */
#ifndef OAVIEW_LOADER_H
#define OAVIEW_LOADER_H

#include <pthread.h>
#include <stddef.h>

#include "load.h"
#include "store.h"

struct follow;
struct correlator;

struct loader {
	struct store *st;
	char **files;
	size_t nfiles;
	struct load_options opt;
	pthread_t thread;
	pthread_mutex_t lock;
	int started;
	volatile int done;         /* set (under lock) when all is read and linked */
	volatile int cancel;       /* set to stop reading (the user quit) */
	volatile size_t current;   /* file being read */
	int newest_first;
	int failed;                /* a file could not be read */
	char error[1024];          /* its one-line message */
	struct follow *follow;     /* following: files are added to it */
	struct correlator *corr;   /* following: primed with what was read */
};

/* Start reading files into st.  newest_first asks EVTX reading to deliver
 * the newest chunks first.  Returns 0, or -1 if the thread cannot start. */
int loader_start(struct loader *l, struct store *st, char **files, size_t nfiles,
		 const struct load_options *opt, int newest_first);

/* The same for a viewer that follows: l->follow is made (its sink appends
 * to st) and each file given to follow_add in the thread, newest EVTX
 * chunks first (a file it cannot read goes to opt->diag at once, and to
 * error); then l->corr is primed with the whole store, in record order.
 * After done, the caller polls l->follow holding the lock: each new event
 * is appended and linked to the lifetimes already open. */
int loader_start_follow(struct loader *l, struct store *st, char **files, size_t nfiles,
			const struct load_options *opt);

void loader_lock(struct loader *l);
void loader_unlock(struct loader *l);

/* Stop reading as soon as possible and wait for the thread to end. */
void loader_cancel(struct loader *l);

/* Wait for the loading thread to end. */
void loader_join(struct loader *l);

/* Wait for it, then free what the loader made (its follow, its lock). */
void loader_free(struct loader *l);

#endif
