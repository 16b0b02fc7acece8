/* view.c - filtered, ordered index over the store (see view.h).
 *
 * order[] lists every event in display order; rows[] the ones passing the
 * filters.  Readers append events in record order per source, so for one
 * source display order is store order and view_sync just appends; with
 * several sources a new event is placed by time (binary search from the
 * end: arrivals are mostly newest). */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void view_init(struct view *v, const struct store *st)
{
	memset(v, 0, sizeof *v);
	v->st = st;
}

void view_free(struct view *v)
{
	for (size_t i = 0; i < v->nfilters; i++)
		filter_free(v->filters[i].filter);
	free(v->order);
	free(v->rows);
	memset(v, 0, sizeof *v);
}

static int grow(uint32_t **a, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 1024;
	while (n < need)
		n *= 2;
	uint32_t *p = realloc(*a, n * sizeof *p);
	if (!p)
		return -1;
	*a = p;
	*cap = n;
	return 0;
}

/* a sorts before b in display order */
static int view_before(const struct view *v, uint32_t a, uint32_t b)
{
	const struct event *x = store_event(v->st, a), *y = store_event(v->st, b);
	if (x->time != y->time)
		return x->time < y->time;
	if (x->source != y->source)
		return x->source < y->source;
	return a < b;
}

int view_accepts(const struct view *v, uint32_t index)
{
	for (size_t i = 0; i < v->nfilters; i++)
		if (filter_match(v->filters[i].filter, v->st, index) == v->filters[i].negate)
			return 0;
	return 1;
}

static void view_rebuild(struct view *v)
{
	v->nrows = 0;
	if (grow(&v->rows, &v->rows_cap, v->norder) < 0)
		return;
	for (size_t i = 0; i < v->norder; i++)
		if (view_accepts(v, v->order[i]))
			v->rows[v->nrows++] = v->order[i];
}

size_t view_sync(struct view *v)
{
	size_t have = v->norder, total = v->st->count;
	if (total <= have)
		return 0;
	if (v->st->nsources > 1)
		v->merge_by_time = 1;
	if (grow(&v->order, &v->order_cap, total) < 0 || grow(&v->rows, &v->rows_cap, total) < 0)
		return 0;
	int inserted_inside = 0;
	for (size_t i = have; i < total; i++) {
		uint32_t idx = (uint32_t)i;
		size_t pos = v->norder;
		if (v->merge_by_time && pos && view_before(v, idx, v->order[pos - 1])) {
			size_t lo = 0, hi = pos;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (view_before(v, idx, v->order[mid]))
					hi = mid;
				else
					lo = mid + 1;
			}
			pos = lo;
			memmove(v->order + pos + 1, v->order + pos, (v->norder - pos) * sizeof *v->order);
			inserted_inside = 1;
		}
		v->order[pos] = idx;
		v->norder++;
	}
	size_t before = v->nrows;
	if (inserted_inside) {
		view_rebuild(v);
	} else {
		for (size_t i = have; i < total; i++)
			if (view_accepts(v, v->order[i]))
				v->rows[v->nrows++] = v->order[i];
	}
	return v->nrows > before ? v->nrows - before : 0;
}

int view_push_filter(struct view *v, struct filter *f, int negate)
{
	if (v->nfilters >= VIEW_MAX_FILTERS) {
		filter_free(f);
		return -1;
	}
	v->filters[v->nfilters].filter = f;
	v->filters[v->nfilters].negate = negate;
	v->nfilters++;
	/* Narrowing: only the rows already shown can stay. */
	size_t n = 0;
	for (size_t i = 0; i < v->nrows; i++)
		if (filter_match(f, v->st, v->rows[i]) != negate)
			v->rows[n++] = v->rows[i];
	v->nrows = n;
	return 0;
}

void view_pop_filter(struct view *v)
{
	if (!v->nfilters)
		return;
	v->nfilters--;
	filter_free(v->filters[v->nfilters].filter);
	view_rebuild(v);
}

void view_clear_filters(struct view *v)
{
	while (v->nfilters) {
		v->nfilters--;
		filter_free(v->filters[v->nfilters].filter);
	}
	view_rebuild(v);
}

size_t view_count_with(const struct view *v, const struct filter *extra, int negate, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < v->nrows; i++) {
		if (filter_match(extra, v->st, v->rows[i]) != negate && ++n == max)
			break;
	}
	return n;
}

long view_row_of(const struct view *v, uint32_t index)
{
	/* rows are in display order; for one source that is index order */
	if (!v->merge_by_time) {
		size_t lo = 0, hi = v->nrows;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (v->rows[mid] == index)
				return (long)mid;
			if (v->rows[mid] < index)
				lo = mid + 1;
			else
				hi = mid;
		}
		return -1;
	}
	for (size_t i = 0; i < v->nrows; i++)
		if (v->rows[i] == index)
			return (long)i;
	return -1;
}

long view_search(const struct view *v, const struct filter *f, long from, int backwards)
{
	if (!v->nrows)
		return -1;
	long n = (long)v->nrows;
	if (from < 0)
		from = 0;
	if (from >= n)
		from = n - 1;
	for (long k = 0; k < n; k++) {
		long r = backwards ? ((from - k) % n + n) % n : (from + k) % n;
		if (filter_match(f, v->st, v->rows[r]))
			return r;
	}
	return -1;
}

size_t view_filters_text(const struct view *v, char *buf, size_t buflen)
{
	size_t len = 0;
	if (!buflen)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; i < v->nfilters && len + 1 < buflen; i++) {
		int w = snprintf(buf + len, buflen - len, "%s%s%s", i ? " " : "", v->filters[i].negate ? "-" : "",
				 filter_text(v->filters[i].filter));
		if (w < 0)
			break;
		len += (size_t)w < buflen - len ? (size_t)w : buflen - len - 1;
	}
	return len;
}
