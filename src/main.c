/* main.c - oaview's entry: options, loading, correlation, then either the
 * headless printer or the terminal viewer. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "filter.h"
#include "load.h"
#include "options.h"
#include "print.h"
#include "store.h"
#include "tui/tui.h"
#include "view.h"

static void main_diag(void *ctx, const char *message)
{
	const struct options *o = ctx;
	if (!o->quiet)
		fprintf(stderr, "oaview: %s\n", message);
}

static int time_cmp(const void *a, const void *b, void *ctx)
{
	const struct store *st = ctx;
	const struct event *x = store_event(st, *(const uint32_t *)a);
	const struct event *y = store_event(st, *(const uint32_t *)b);
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	if (x->record != y->record)
		return x->record < y->record ? -1 : 1;
	return 0;
}

static int run_print(const struct options *o, struct store *st, struct filter **filters)
{
	uint32_t *order = malloc((st->count ? st->count : 1) * sizeof *order);
	if (!order) {
		fputs("oaview: out of memory\n", stderr);
		return 1;
	}
	for (size_t i = 0; i < st->count; i++)
		order[i] = (uint32_t)i;
	/* One file is shown in record order; several are merged by time. */
	if (st->nsources > 1)
		qsort_r(order, st->count, sizeof *order, time_cmp, st);
	struct printer p = {stdout, o->format, 0};
	int rc = 0;
	for (size_t i = 0; i < st->count; i++) {
		int keep = 1;
		for (size_t f = 0; f < o->nfilters && keep; f++)
			keep = filter_match(filters[f], st, order[i]);
		if (keep && print_event(&p, st, order[i]) < 0)
			break;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* A reader that went away (| head) is not an error. */
		if (errno != EPIPE) {
			fprintf(stderr, "oaview: writing output: %s\n", strerror(errno));
			rc = 1;
		}
	}
	for (size_t f = 0; f < o->nfilters; f++)
		if (filter_limit_hit(filters[f]))
			fprintf(stderr, "oaview: filter '%s' hit the regex match limit on some events; "
				"they were treated as not matching\n", filter_text(filters[f]));
	free(order);
	return rc;
}

/* The terminal viewer.  The filters move into the view (it frees them).
 * OAVIEW_SCRIPT names a key script for the screen tests. */
static int run_viewer(struct options *o, struct store *st, struct filter **filters)
{
	struct view v;
	view_init(&v, st);
	for (size_t i = 0; i < o->nfilters; i++) {
		view_push_filter(&v, filters[i], 0);
		filters[i] = NULL;
	}
	struct tui_args ta = {
		.st = st,
		.view = &v,
		.script_path = getenv("OAVIEW_SCRIPT"),
		.color = 1,
	};
	int status = tui_run(&ta);
	view_free(&v);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	switch (options_parse(&o, argc, argv)) {
	case OPTIONS_EXIT_OK:
		return 0;
	case OPTIONS_EXIT_USAGE:
		options_free(&o);
		return 2;
	case OPTIONS_RUN:
		break;
	}
	signal(SIGPIPE, SIG_IGN);

	struct filter *filters[OPTIONS_MAX_FILTERS] = {0};
	char err[1024];
	int status = 0;
	for (size_t i = 0; i < o.nfilters; i++) {
		filters[i] = filter_compile(o.filters[i], err, sizeof err);
		if (!filters[i]) {
			fprintf(stderr, "oaview: %s\n", err);
			status = 2;
			goto out;
		}
	}

	struct store st;
	store_init(&st);
	st.keep_all = o.keep_all;
	st.volumes = &o.volumes;
	struct load_options lo = {o.threads, main_diag, &o};
	for (size_t i = 0; i < o.nfiles; i++) {
		if (load_file(&st, o.files[i], &lo, err, sizeof err) < 0) {
			fprintf(stderr, "oaview: %s\n", err);
			status = 2;
			goto out_store;
		}
	}
	if (correlate_all(&st) < 0) {
		fputs("oaview: out of memory while correlating\n", stderr);
		status = 1;
		goto out_store;
	}
	if (o.print) {
		status = run_print(&o, &st, filters);
	} else {
		status = run_viewer(&o, &st, filters);
	}
out_store:
	store_free(&st);
out:
	for (size_t i = 0; i < o.nfilters; i++)
		filter_free(filters[i]);
	options_free(&o);
	return status;
}
