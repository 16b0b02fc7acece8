/* view.c - filtered, ordered index over the store (see view.h).
 *
 * order[] lists every event in display order; rows[] the ones passing the
 * filters.  Both are sorted by view_before, so a row is found by binary
 * search.  view_sync sorts what arrived since the last call and merges it
 * in: readers that deliver in order cost a plain append; a newest-first
 * load merges each older batch in front. */
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
	free(v->subset);
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

/* a sorts before b in display order: one source in record order, several
 * merged by time; the store index breaks ties so the order is total. */
static int view_before(const struct view *v, uint32_t a, uint32_t b)
{
	const struct event *x = store_event(v->st, a), *y = store_event(v->st, b);
	if (v->merge_by_time && x->time != y->time)
		return x->time < y->time;
	if (x->source != y->source)
		return x->source < y->source;
	if (x->record != y->record)
		return x->record < y->record;
	return a < b;
}

static int view_cmp(const void *a, const void *b, void *ctx)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (x == y)
		return 0;
	return view_before(ctx, x, y) ? -1 : 1;
}

static int subset_has(const struct view *v, uint32_t index)
{
	size_t lo = 0, hi = v->nsubset;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v->subset[mid] == index)
			return 1;
		if (v->subset[mid] < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int view_accepts(const struct view *v, uint32_t index)
{
	if (v->subset && !subset_has(v, index))
		return 0;
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

/* Merge the sorted run add[0..nadd) into the sorted array a[0..*n). */
static void merge_into(const struct view *v, uint32_t *a, size_t *n, const uint32_t *add, size_t nadd)
{
	size_t i = *n, j = nadd, k = *n + nadd;
	/* from the back, so no scratch array is needed */
	while (j > 0) {
		if (i > 0 && view_before(v, add[j - 1], a[i - 1]))
			a[--k] = a[--i];
		else
			a[--k] = add[--j];
	}
	*n += nadd;
}

size_t view_sync(struct view *v)
{
	size_t have = v->norder, total = v->st->count;
	if (total <= have)
		return 0;
	if (v->st->nsources > 1 && !v->merge_by_time) {
		/* a second source arrived: from now on merge by time */
		v->merge_by_time = 1;
		if (v->norder)
			qsort_r(v->order, v->norder, sizeof *v->order, view_cmp, v);
		view_rebuild(v);
	}
	size_t nadd = total - have;
	if (grow(&v->order, &v->order_cap, total) < 0 || grow(&v->rows, &v->rows_cap, total) < 0)
		return 0;
	/* The new events go at the end of order[] first; sorted, then merged.
	 * Readers usually deliver in display order, so the sort is a check
	 * and the merge a no-op move; loading newest-first merges each batch
	 * in front. */
	uint32_t *add = v->order + have;
	int sorted = 1;
	for (size_t i = 0; i < nadd; i++) {
		add[i] = (uint32_t)(have + i);
		if (i && view_before(v, add[i], add[i - 1]))
			sorted = 0;
	}
	if (!sorted)
		qsort_r(add, nadd, sizeof *add, view_cmp, v);
	size_t before = v->nrows;
	uint32_t *tmp = malloc(nadd * sizeof *tmp);
	if (!tmp)
		return 0;
	size_t nrows_add = 0;
	for (size_t i = 0; i < nadd; i++)
		if (view_accepts(v, add[i]))
			tmp[nrows_add++] = add[i];
	if (have == 0 || !view_before(v, add[0], v->order[have - 1])) {
		/* appended in order: nothing to merge */
		v->norder = total;
		memcpy(v->rows + v->nrows, tmp, nrows_add * sizeof *tmp);
		v->nrows += nrows_add;
	} else {
		uint32_t *copy = malloc(nadd * sizeof *copy);
		if (!copy) {
			free(tmp);
			return 0;
		}
		memcpy(copy, add, nadd * sizeof *copy);
		merge_into(v, v->order, &v->norder, copy, nadd);
		merge_into(v, v->rows, &v->nrows, tmp, nrows_add);
		free(copy);
	}
	free(tmp);
	return v->nrows - before;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int view_set_subset(struct view *v, const uint32_t *events, size_t n, const char *label)
{
	free(v->subset);
	v->subset = NULL;
	v->nsubset = 0;
	v->subset_label[0] = '\0';
	if (events) {
		v->subset = malloc((n ? n : 1) * sizeof *v->subset);
		if (!v->subset) {
			view_rebuild(v);
			return -1;
		}
		memcpy(v->subset, events, n * sizeof *v->subset);
		qsort(v->subset, n, sizeof *v->subset, cmp_u32);
		v->nsubset = n;
		snprintf(v->subset_label, sizeof v->subset_label, "%s", label ? label : "subset");
	}
	view_rebuild(v);
	return 0;
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
	size_t lo = 0, hi = v->nrows;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v->rows[mid] == index)
			return (long)mid;
		if (view_before(v, v->rows[mid], index))
			lo = mid + 1;
		else
			hi = mid;
	}
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
	if (v->subset) {
		int w = snprintf(buf, buflen, "[%s]", v->subset_label);
		len = w < 0 ? 0 : ((size_t)w < buflen ? (size_t)w : buflen - 1);
	}
	for (size_t i = 0; i < v->nfilters && len + 1 < buflen; i++) {
		int w = snprintf(buf + len, buflen - len, "%s%s%s", len ? " " : "", v->filters[i].negate ? "-" : "",
				 filter_text(v->filters[i].filter));
		if (w < 0)
			break;
		len += (size_t)w < buflen - len ? (size_t)w : buflen - len - 1;
	}
	return len;
}
