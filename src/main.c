/* main.c - oaview's entry: options, loading, correlation, then either the
 * headless printer or the terminal viewer; with --print --follow, the
 * printer that streams new events as the files grow (run_follow_print). */
#include <errno.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "correlate.h"
#include "coverage.h"
#include "export.h"
#include "objects.h"
#include "filter.h"
#include "follow.h"
#include "load.h"
#include "loader.h"
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

/* --summary and --coverage: the object activity and the audit-coverage
 * report of the whole input, printed once. */
static int run_reports(const struct options *o, struct store *st)
{
	int rc = 0;
	if (o->summary) {
		struct object_index idx;
		objects_init(&idx);
		if (objects_build(&idx, st) < 0) {
			fputs("oaview: out of memory while gathering objects\n", stderr);
			rc = 1;
		} else if (objects_print(stdout, (enum print_format)o->format, st, &idx) < 0 && errno != EPIPE) {
			fprintf(stderr, "oaview: writing output: %s\n", strerror(errno));
			rc = 1;
		}
		objects_free(&idx);
	}
	if (o->coverage && rc == 0) {
		struct coverage cov;
		if (coverage_build(&cov, st) < 0) {
			fputs("oaview: out of memory while building the coverage report\n", stderr);
			rc = 1;
		} else {
			if (coverage_print(stdout, (enum print_format)o->format, &cov, st) < 0 && errno != EPIPE) {
				fprintf(stderr, "oaview: writing output: %s\n", strerror(errno));
				rc = 1;
			}
			coverage_free(&cov);
		}
	}
	if (fflush(stdout) != 0 && errno != EPIPE && rc == 0) {
		fprintf(stderr, "oaview: writing output: %s\n", strerror(errno));
		rc = 1;
	}
	return rc;
}

/* ---- the viewer --------------------------------------------------------
 * The files are read by a background thread (loader.c) while the viewer
 * already answers keys; with --follow that thread reads them through
 * follow_add, and once they are in the viewer polls for new events, each
 * appended, correlated and shown as it arrives.  Warnings go to a counter
 * the status bar shows (stderr would scribble over the screen). */

struct viewer {
	const struct options *o;
	struct store st;
	struct loader loader;
	pthread_mutex_t warn_lock;
	size_t warnings;
	char last_warning[512];      /* under warn_lock */
	char shown_warning[512];     /* the viewer's copy */
	char **kept;                 /* the first VIEWER_WARNINGS_KEPT, for '!' */
	size_t nkept;
};

#define VIEWER_WARNINGS_KEPT 5000

static void viewer_warn(void *ctx, const char *message)
{
	struct viewer *vw = ctx;
	pthread_mutex_lock(&vw->warn_lock);
	vw->warnings++;
	snprintf(vw->last_warning, sizeof vw->last_warning, "%s", message);
	if (vw->nkept < VIEWER_WARNINGS_KEPT) {
		if (!vw->kept)
			vw->kept = calloc(VIEWER_WARNINGS_KEPT, sizeof *vw->kept);
		if (vw->kept && (vw->kept[vw->nkept] = strdup(message)))
			vw->nkept++;
	}
	pthread_mutex_unlock(&vw->warn_lock);
}

static size_t viewer_problems(void *ctx, void (*emit)(void *emit_ctx, const char *text), void *emit_ctx)
{
	struct viewer *vw = ctx;
	pthread_mutex_lock(&vw->warn_lock);
	for (size_t i = 0; i < vw->nkept; i++)
		emit(emit_ctx, vw->kept[i]);
	size_t n = vw->warnings;
	pthread_mutex_unlock(&vw->warn_lock);
	return n;
}

static const char *viewer_last_problem(void *ctx, size_t *count)
{
	struct viewer *vw = ctx;
	/* called by the viewer's thread while the loader may add one */
	pthread_mutex_lock(&vw->warn_lock);
	*count = vw->warnings;
	memcpy(vw->shown_warning, vw->last_warning, sizeof vw->shown_warning);
	pthread_mutex_unlock(&vw->warn_lock);
	return vw->shown_warning;
}

static int viewer_loading(void *ctx)
{
	struct viewer *vw = ctx;
	return !vw->loader.done;
}

static void viewer_lock(void *ctx)
{
	struct viewer *vw = ctx;
	loader_lock(&vw->loader);
}

static void viewer_unlock(void *ctx)
{
	struct viewer *vw = ctx;
	loader_unlock(&vw->loader);
}

static int viewer_poll(void *ctx, int timeout_ms)
{
	struct viewer *vw = ctx;
	return follow_poll(vw->loader.follow, timeout_ms);
}

static const char *viewer_source_status(void *ctx, uint16_t source)
{
	struct viewer *vw = ctx;
	/* (while the loading thread adds files, follow is its alone) */
	if (!vw->loader.follow || !vw->loader.done)
		return NULL;
	return follow_status(vw->loader.follow, source);
}

static int run_viewer(struct options *o, struct filter **filters)
{
	char err[1024];
	/* A file that cannot be read is a one-line error before the screen is
	 * taken over, as in --print mode. */
	for (size_t i = 0; i < o->nfiles; i++)
		if (load_detect(o->files[i], err, sizeof err) == INPUT_UNKNOWN) {
			fprintf(stderr, "oaview: %s\n", err);
			return 2;
		}
	struct viewer *vw = calloc(1, sizeof *vw);
	if (!vw) {
		fputs("oaview: out of memory\n", stderr);
		return 1;
	}
	vw->o = o;
	pthread_mutex_init(&vw->warn_lock, NULL);
	store_init(&vw->st);
	vw->st.keep_all = o->keep_all;
	vw->st.volumes = &o->volumes;
	int status = 0;
	struct load_options lo = {o->threads, viewer_warn, vw};
	/* The present content is read in the background, newest EVTX chunks
	 * first; with -F following starts when it is in. */
	if ((o->follow ? loader_start_follow(&vw->loader, &vw->st, o->files, o->nfiles, &lo)
		       : loader_start(&vw->loader, &vw->st, o->files, o->nfiles, &lo, 1)) < 0) {
		fputs("oaview: cannot start the loading thread (out of memory)\n", stderr);
		loader_free(&vw->loader);
		status = 1;
		goto out;
	}
	struct view v;
	view_init(&v, &vw->st);
	for (size_t i = 0; i < o->nfilters; i++) {
		view_push_filter(&v, filters[i], 0);
		filters[i] = NULL;
	}
	struct tui_args ta = {
		.st = &vw->st,
		.view = &v,
		.follow = vw->loader.follow,
		.script_path = getenv("OAVIEW_SCRIPT"),
		.color = o->color,
		.poll_follow = vw->loader.follow ? viewer_poll : NULL,
		.poll_ctx = vw,
		.source_status = viewer_source_status,
		.loading = viewer_loading,
		.lock = viewer_lock,
		.unlock = viewer_unlock,
		.load_ctx = vw,
		.last_problem = viewer_last_problem,
		.problems = viewer_problems,
	};
	status = tui_run(&ta);
	loader_cancel(&vw->loader);
	if (vw->loader.failed && status == 0) {
		fprintf(stderr, "oaview: %s\n", vw->loader.error);
		status = 2;
	}
	loader_free(&vw->loader);
	view_free(&v);
out:
	store_free(&vw->st);
	for (size_t i = 0; i < vw->nkept; i++)
		free(vw->kept[i]);
	free(vw->kept);
	pthread_mutex_destroy(&vw->warn_lock);
	free(vw);
	return status;
}

/* ---- --print --follow ---------------------------------------------------
 *
 * The files' present content is read, correlated as a whole and printed
 * (its links final among themselves); then each new event is printed as it
 * arrives, right after store_append and correlate_event, so its
 * close_record is null while its close has not arrived (DESIGN.md, headless
 * contract); stdout is flushed after each batch.  Several files print in
 * arrival order.  The wait is a ppoll() on follow's inotify descriptor (and
 * on stdout when it is a pipe or socket, which reports POLLERR/POLLHUP when
 * its reader goes away, so `| head` ends us even while nothing arrives),
 * with SIGINT and SIGTERM blocked except inside ppoll: a signal can only
 * land while we wait, and always ends the wait.  Exit 0 on a signal or a
 * reader gone, 1 on another write error or out of memory, 2 when a file
 * cannot be read at the start. */

#define FOLLOW_PRINT_BATCH_MS 10

static volatile sig_atomic_t follow_stop;

static void follow_on_signal(int sig)
{
	(void)sig;
	follow_stop = 1;
}

struct follow_print {
	const struct options *o;
	struct store *st;
	struct correlator *corr;
	struct filter **filters;
	struct printer p;
	int live;          /* print each event as it comes */
	int oom;
	int write_errno;   /* a print failed with this */
};

static void follow_print_event(struct follow_print *fp, uint32_t index)
{
	for (size_t f = 0; f < fp->o->nfilters; f++)
		if (!filter_match(fp->filters[f], fp->st, index))
			return;
	if (!fp->write_errno && print_event(&fp->p, fp->st, index) < 0)
		fp->write_errno = errno ? errno : EIO;
}

static int follow_print_record(void *ctx, uint16_t source, const struct record *rec)
{
	struct follow_print *fp = ctx;
	if (follow_stop)
		return 1;
	uint32_t index = store_append(fp->st, rec, source, &fp->oom);
	if (fp->oom)
		return 1;
	if (index == EVENT_NONE)
		return 0;
	if (correlate_event(fp->corr, fp->st, index) < 0) {
		fp->oom = 1;
		return 1;
	}
	if (fp->live)
		follow_print_event(fp, index);
	return fp->write_errno != 0;
}

static void follow_print_diag(void *ctx, uint16_t source, const char *message)
{
	struct follow_print *fp = ctx;
	(void)source;
	if (!fp->o->quiet)
		fprintf(stderr, "oaview: %s\n", message);
}

/* Flush a batch.  Returns 0, 1 when the reader went away, -1 on an error
 * (reported). */
static int follow_print_flush(struct follow_print *fp)
{
	if (fflush(stdout) == 0 && !ferror(stdout) && !fp->write_errno)
		return 0;
	int e = fp->write_errno ? fp->write_errno : errno;
	if (e == EPIPE)
		return 1;
	fprintf(stderr, "oaview: writing output: %s\n", strerror(e));
	return -1;
}

/* Is stdout a pipe or socket, whose reader can go away? */
static int stdout_has_reader(void)
{
	struct stat sb;
	return fstat(STDOUT_FILENO, &sb) == 0 && (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode));
}

static int run_follow_print(const struct options *o, struct filter **filters)
{
	struct store st;
	store_init(&st);
	st.keep_all = o->keep_all;
	st.volumes = &o->volumes;
	struct follow_print fp = {o, &st, correlator_new(), filters, {stdout, o->format, 0}, 0, 0, 0};
	struct follow_sink sink = {follow_print_record, follow_print_diag, &fp};
	struct follow *f = fp.corr ? follow_new(&sink, o->keep_all, o->threads) : NULL;
	int status = 0, done = 0;
	if (!f) {
		fputs("oaview: out of memory\n", stderr);
		status = 1;
		goto out;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = follow_on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	char err[1024];
	for (size_t i = 0; i < o->nfiles && !follow_stop; i++) {
		int source = store_add_source(&st, o->files[i]);
		if (source >= 0 && follow_add(f, o->files[i], (uint16_t)source, err, sizeof err) == 0)
			continue;
		if (follow_stop)
			break;
		if (source < 0 || fp.oom) {
			fprintf(stderr, "oaview: %s: out of memory\n", o->files[i]);
			status = 1;
		} else {
			fprintf(stderr, "oaview: %s\n", err);
			status = 2;
		}
		goto out;
	}
	for (size_t i = 0; i < st.count && !follow_stop && !fp.write_errno; i++)
		follow_print_event(&fp, (uint32_t)i);
	fp.live = 1;
	done = follow_print_flush(&fp);

	sigset_t block, waitmask;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	int watch_stdout = stdout_has_reader();
	struct timespec now, last_poll = {0, 0};
	while (done == 0 && !follow_stop) {
		struct pollfd pfd[2];
		nfds_t n = 0;
		int out_slot = -1;
		if (follow_fd(f) >= 0)
			pfd[n++] = (struct pollfd){follow_fd(f), POLLIN, 0};
		if (watch_stdout) {
			out_slot = (int)n;
			pfd[n++] = (struct pollfd){STDOUT_FILENO, 0, 0};
		}
		/* Without inotify the tick is all there is: keep it short (a
		 * stat per file is cheap) so the latency stays well under 100 ms. */
		int tick_ms = follow_fd(f) >= 0 ? FOLLOW_POLL_MS : FOLLOW_POLL_MS / 5;
		struct timespec tick = {tick_ms / 1000, (tick_ms % 1000) * 1000000L};
		int ready = ppoll(pfd, n, &tick, &waitmask);
		if (follow_stop)
			break;
		if (ready > 0 && out_slot >= 0 && (pfd[out_slot].revents & (POLLERR | POLLHUP)))
			break;
		/* A burst of writes wakes us once per write: take at most one
		 * batch per FOLLOW_PRINT_BATCH_MS (an EVTX chunk costs the same
		 * to decode for one new record as for twenty). */
		clock_gettime(CLOCK_MONOTONIC, &now);
		long since_ms = (long)(now.tv_sec - last_poll.tv_sec) * 1000
			+ (now.tv_nsec - last_poll.tv_nsec) / 1000000;
		if (since_ms >= 0 && since_ms < FOLLOW_PRINT_BATCH_MS) {
			long rest = FOLLOW_PRINT_BATCH_MS - since_ms;
			struct timespec pause = {0, rest * 1000000L};
			ppoll(NULL, 0, &pause, &waitmask);
			if (follow_stop)
				break;
		}
		clock_gettime(CLOCK_MONOTONIC, &last_poll);
		int got = follow_poll(f, 0);
		if (got != 0)
			done = follow_print_flush(&fp);
		if (got < 0 && fp.oom) {
			fprintf(stderr, "oaview: out of memory after %zu events\n", st.count);
			status = 1;
			break;
		}
		if (got < 0 && done == 0 && !follow_stop)
			break;
	}
	if (done < 0)
		status = 1;
	for (size_t i = 0; i < o->nfilters; i++)
		if (filter_limit_hit(filters[i]))
			fprintf(stderr, "oaview: filter '%s' hit the regex match limit on some events; "
				"they were treated as not matching\n", filter_text(filters[i]));
out:
	follow_free(f);
	correlator_free(fp.corr);
	store_free(&st);
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

	if (o.follow && o.print) {
		status = run_follow_print(&o, filters);
		goto out;
	}
	if (!o.print && !o.summary && !o.coverage) {
		status = run_viewer(&o, filters);
		goto out;
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
	if (o.summary || o.coverage) {
		status = run_reports(&o, &st);
		goto out_store;
	}
	status = run_print(&o, &st, filters);
out_store:
	store_free(&st);
out:
	for (size_t i = 0; i < o.nfilters; i++)
		filter_free(filters[i]);
	options_free(&o);
	return status;
}
