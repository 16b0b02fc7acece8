/* view_bench.c - the viewer's hot paths at a million events: applying and
 * removing a regex filter, a pathological regex (match limits), a search,
 * correlation, and the per-frame work of a redraw.
 *
 * usage: view_bench FILE.evtx [EVENTS]   (default 1000000)
 * The object-access events of FILE (a real log) are replicated, with new
 * record numbers and handle ids, until the store holds EVENTS events.
 * Prints one line per measurement; times are wall-clock medians of 5. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "access.h"
#include "correlate.h"
#include "filter.h"
#include "load.h"
#include "store.h"
#include "timefmt.h"
#include "view.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

/* Rebuild a record from a stored event, so the copy goes through the
 * real store_append path (interning, number parsing). */
static void clone_event(struct store *dst, const struct store *src, const struct event *ev,
			uint64_t record, uint64_t handle_salt)
{
	struct record rec;
	char handle[32], pid[32], mask[32], logon[32];
	record_clear(&rec);
	rec.number = record;
	rec.time = ev->time + (int64_t)record * 10000;
	rec.event_id = ev->event_id;
	rec.outcome = ev->outcome;
	rec.computer = store_str(src, ev, ES_COMPUTER);
	record_add(&rec, "SubjectUserName", store_str(src, ev, ES_USER));
	record_add(&rec, "SubjectDomainName", store_str(src, ev, ES_DOMAIN));
	record_add(&rec, "SubjectUserSid", store_str(src, ev, ES_SID));
	record_add(&rec, "ObjectServer", store_str(src, ev, ES_OBJECT_SERVER));
	record_add(&rec, "ObjectType", store_str(src, ev, ES_OBJECT_TYPE));
	record_add(&rec, "ObjectName", store_str(src, ev, ES_OBJECT_NAME));
	record_add(&rec, "ProcessName", store_str(src, ev, ES_PROCESS_NAME));
	record_add(&rec, "ShareLocalPath", store_str(src, ev, ES_SHARE_PATH));
	record_add(&rec, "RelativeTargetName", store_str(src, ev, ES_RELATIVE_TARGET));
	record_add(&rec, "IpAddress", store_str(src, ev, ES_IP_ADDRESS));
	if (ev->flags & EVENT_HAS_HANDLE) {
		snprintf(handle, sizeof handle, "0x%" PRIx64, ev->handle_id ? ev->handle_id + handle_salt : 0);
		record_add(&rec, "HandleId", handle);
	}
	if (ev->flags & EVENT_HAS_PROCESS) {
		snprintf(pid, sizeof pid, "0x%x", ev->process_id);
		record_add(&rec, "ProcessId", pid);
	}
	if (ev->flags & EVENT_HAS_MASK) {
		snprintf(mask, sizeof mask, "0x%x", ev->access_mask);
		record_add(&rec, "AccessMask", mask);
	}
	if (ev->flags & EVENT_HAS_LOGON) {
		snprintf(logon, sizeof logon, "0x%" PRIx64, ev->logon_id);
		record_add(&rec, "SubjectLogonId", logon);
	}
	store_append(dst, &rec, 0, NULL);
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void time_filter(struct view *v, const char *expr, int negate)
{
	double push[5], pop[5];
	size_t rows = 0;
	int limit = 0;
	for (int r = 0; r < 5; r++) {
		char err[256];
		struct filter *f = filter_compile(expr, err, sizeof err);
		if (!f) {
			fprintf(stderr, "view_bench: %s\n", err);
			exit(2);
		}
		double t0 = now_ms();
		view_push_filter(v, f, negate);
		double t1 = now_ms();
		rows = v->nrows;
		limit = filter_limit_hit(f);
		view_pop_filter(v);
		double t2 = now_ms();
		push[r] = t1 - t0;
		pop[r] = t2 - t1;
	}
	printf("filter %-28s apply %7.1f ms  remove %7.1f ms  rows %zu%s\n", expr, median(push, 5),
	       median(pop, 5), rows, limit ? "  (regex match limit hit: reported to the user)" : "");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: view_bench FILE.evtx [EVENTS]\n");
		return 2;
	}
	size_t want = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
	struct store src, st;
	store_init(&src);
	store_init(&st);
	char err[512];
	struct load_options lo = {0};
	if (load_file(&src, argv[1], &lo, err, sizeof err) < 0 || !src.count) {
		fprintf(stderr, "view_bench: %s\n", src.count ? err : "no object-access events");
		return 2;
	}
	store_add_source(&st, argv[1]);
	double t0 = now_ms();
	for (uint64_t k = 0; st.count < want; k++)
		for (size_t i = 0; i < src.count && st.count < want; i++)
			clone_event(&st, &src, store_event(&src, (uint32_t)i), st.count + 1, k << 20);
	double t1 = now_ms();
	printf("events %zu (from %zu real ones), store %.1f MB, built in %.0f ms\n", st.count, src.count,
	       store_bytes(&st) / 1048576.0, t1 - t0);
	t0 = now_ms();
	correlate_all(&st);
	printf("correlate all              %7.1f ms\n", now_ms() - t0);
	struct view v;
	view_init(&v, &st);
	t0 = now_ms();
	view_sync(&v);
	printf("view sync (index all)      %7.1f ms\n", now_ms() - t0);

	time_filter(&v, "id:4663", 0);
	time_filter(&v, "user:^admmig$", 0);
	time_filter(&v, "name:lsass\\.exe$", 0);
	time_filter(&v, "access:write", 0);
	time_filter(&v, "id:5145", 1);
	time_filter(&v, "Temp", 0);
	time_filter(&v, "name:(a|aa)+$", 0);
	time_filter(&v, "(.*a){12}", 0);

	/* search from the top for something near the end */
	struct filter *f = filter_compile("record:999990-1000000", err, sizeof err);
	if (!f)
		f = filter_compile("id:4663", err, sizeof err);
	double s[5];
	for (int r = 0; r < 5; r++) {
		t0 = now_ms();
		view_search(&v, f, 0, 0);
		s[r] = now_ms() - t0;
	}
	filter_free(f);
	printf("search (worst case scan)   %7.1f ms\n", median(s, 5));

	/* the data work of one redraw at 80x24: 22 rows of columns */
	double d[5];
	char buf[4096], tmp[4096];
	for (int r = 0; r < 5; r++) {
		t0 = now_ms();
		for (int k = 0; k < 200; k++) {
			size_t top = (size_t)k * 4999 % (v.nrows - 22);
			for (size_t row = top; row < top + 22; row++) {
				const struct event *ev = store_event(&st, v.rows[row]);
				timefmt_clock(ev->time, buf, sizeof buf);
				access_mask_summary(store_str(&st, ev, ES_OBJECT_TYPE), ev->access_mask, buf, sizeof buf);
				store_resolved_name(&st, v.rows[row], NULL, tmp, sizeof tmp);
			}
			view_row_of(&v, v.rows[top]);
		}
		d[r] = (now_ms() - t0) / 200;
	}
	printf("redraw data work per frame %7.3f ms (22 rows; curses output not included)\n", median(d, 5));
	printf("peak RSS %.1f MB = %.0f bytes/event (budget: 16 MB + 300 B/event = %.1f MB)\n",
	       peak_rss_kb() / 1024.0, (peak_rss_kb() * 1024.0 - 16.0 * 1048576) / (double)st.count,
	       16 + 300.0 * (double)st.count / 1048576);
	view_free(&v);
	store_free(&st);
	store_free(&src);
	return 0;
}
