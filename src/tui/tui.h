/* tui.h - the terminal viewer.  The only part of oaview that includes
 * curses; it reads the store through a view and never changes events. */
#ifndef OAVIEW_TUI_H
#define OAVIEW_TUI_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "view.h"

struct follow;

struct tui_args {
	struct store *st;
	struct view *view;
	struct follow *follow;       /* NULL when not following */
	const char *script_path;     /* test mode: keys from this file */
	int color;                   /* 0 = never, 1 = when the terminal has it */
	/* feed new follow records into the store and correlator; returns the
	 * number of events added (main.c owns the correlator) */
	int (*poll_follow)(void *ctx, int timeout_ms);
	void *poll_ctx;
	const char *(*source_status)(void *ctx, uint16_t source);
	/* Background loading: while loading() returns 1 the files are still
	 * being read by another thread; the viewer calls lock() before it
	 * reads the store and unlock() before it waits for input. */
	int (*loading)(void *ctx);
	void (*lock)(void *ctx);
	void (*unlock)(void *ctx);
	void *load_ctx;
	/* Problems met while reading (damaged chunks, broken lines): the
	 * newest one and how many, for the status line. */
	const char *(*last_problem)(void *ctx, size_t *count);
	/* Every problem kept, oldest first, each given to emit; returns how
	 * many there were in all (more than were kept when there were very
	 * many). */
	size_t (*problems)(void *ctx, void (*emit)(void *emit_ctx, const char *text), void *emit_ctx);
};

/* Run until the user quits.  Returns the process exit status. */
int tui_run(const struct tui_args *args);

#endif
