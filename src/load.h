/* load.h - opening an input file: its kind by content, then its reader,
 * feeding the store.
 *
 * Kind by content, not by extension: "ElfFile\0" at 0 is EVTX, "LfLe" at 4
 * is EVT, anything else is text. */
#ifndef OAVIEW_LOAD_H
#define OAVIEW_LOAD_H

#include <pthread.h>
#include <stddef.h>

#include "store.h"

enum input_kind {
	INPUT_UNKNOWN,
	INPUT_EVTX,
	INPUT_EVT,
	INPUT_TEXT,
};

struct load_options {
	int threads;   /* decoding threads (EVTX chunks, text records);
			* 0 = number of CPUs */
	void (*diag)(void *ctx, const char *message);
	void *diag_ctx;
};

/* For loading in the background (loader.c). */
struct load_sync {
	pthread_mutex_t *lock;  /* taken around each store append */
	int newest_first;       /* EVTX: deliver the newest chunks first */
	volatile int *cancel;   /* set non-zero to stop reading early, or NULL */
};

/* The kind of path's content; INPUT_UNKNOWN with err set when it cannot be
 * opened. */
enum input_kind load_detect(const char *path, char *err, size_t errlen);

/* Read path into st as a new source.  Returns 0, or -1 with a one-line
 * message naming the file in err. */
int load_file(struct store *st, const char *path, const struct load_options *opt,
	      char *err, size_t errlen);
int load_file_sync(struct store *st, const char *path, const struct load_options *opt,
		   const struct load_sync *sync, char *err, size_t errlen);

#endif
