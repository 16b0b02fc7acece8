/* view.h - a filtered, ordered index over the store: what the event list
 * shows.
 *
 * The view holds store indexes in display order (record order for one
 * source, time order across several) of the events that pass every filter
 * of its stack.  Filters are pushed and popped as the user adds and removes
 * them; a rebuild walks the ordered index once.  New events (following)
 * are appended with view_add.  Curses-free: the TUI only reads it. */
#ifndef OAVIEW_VIEW_H
#define OAVIEW_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "store.h"

#define VIEW_MAX_FILTERS 32

struct view_filter {
	struct filter *filter;
	int negate;          /* filter-out: keep what does NOT match */
};

struct view {
	const struct store *st;
	uint32_t *order;     /* every event, display order */
	size_t norder, order_cap;
	uint32_t *rows;      /* the events shown, display order */
	size_t nrows, rows_cap;
	struct view_filter filters[VIEW_MAX_FILTERS];
	size_t nfilters;
	int merge_by_time;   /* several sources: order by time */
	uint32_t *subset;    /* drill-down: only these store indexes (sorted), or NULL */
	size_t nsubset;
	char subset_label[256];
};

void view_init(struct view *v, const struct store *st);
void view_free(struct view *v);

/* Take every store event not yet in the view (appended since the last
 * call), placing it in display order; returns how many became rows. */
size_t view_sync(struct view *v);

/* Push a compiled filter (the view owns it from now on); rebuilds rows. */
int view_push_filter(struct view *v, struct filter *f, int negate);
/* Drop the newest filter / all filters; rebuilds rows. */
void view_pop_filter(struct view *v);
void view_clear_filters(struct view *v);

/* Limit the view to the given events (e.g. one object's), on top of the
 * filters; label names it in the status bar.  NULL/0 lifts it. */
int view_set_subset(struct view *v, const uint32_t *events, size_t n, const char *label);

/* Does event index pass every filter? */
int view_accepts(const struct view *v, uint32_t index);

/* Count events in the whole ordered index that pass the stack plus an
 * extra filter (for a live count while typing).  Stops counting after
 * max (0 = no cap). */
size_t view_count_with(const struct view *v, const struct filter *extra, int negate, size_t max);

/* Row showing store index, or -1 when it is filtered out. */
long view_row_of(const struct view *v, uint32_t index);

/* The first row at or after from (backwards: at or before) whose event
 * matches f, wrapping around; -1 if none. */
long view_search(const struct view *v, const struct filter *f, long from, int backwards);

/* "user:alice !id:5145" for the status line. */
size_t view_filters_text(const struct view *v, char *buf, size_t buflen);

#endif
