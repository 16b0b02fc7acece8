/*
 * follow-latency: how long `oaview --print --follow --format jsonl` takes
 * to print an event after it is appended to a growing log, and how much CPU
 * it burns while nothing happens.  Driven by tests/bench/follow-latency.sh.
 *
 *   follow-latency OAVIEW text SAMPLE.jsonl N MIN_MS MAX_MS IDLE_S
 *   follow-latency OAVIEW evtx SAMPLE.evtx  N MIN_MS MAX_MS IDLE_S
 *
 * A temporary log is created with one event in it and oaview is started on
 * it with --all (so every appended event gives one output line) and its
 * stdout on a pipe.  Then N events are appended, one at a time, each after
 * a random pause of MIN_MS..MAX_MS:
 *   text  a line of the NXLog JSON sample (cycled), its "RecordNumber"
 *         rewritten to the event's number, written with one write(2);
 *   evtx  the next record of tests/evtx_replay.c replaying the sample's
 *         chunks as a live log (lazy chunk headers, a CRC left wrong now
 *         and then, torn records: the time is taken when the record is
 *         complete), ids 2, 3, ...
 * Each output line's "record" names the event; latency = time the line was
 * read - time the event was complete in the file (CLOCK_MONOTONIC).  Then
 * the idle CPU: utime+stime of oaview from /proc/PID/stat over IDLE_S
 * seconds with nothing appended, as a percentage of one core.  Finally
 * oaview gets SIGTERM and must exit 0.
 *
 * Output: one summary line, e.g.
 *   text: 200 events, latency p50 0.4 ms p99 1.2 ms max 2.0 ms; idle CPU 0.02% (10 s); exit 0
 * Exit status 0, or 1 when an event was never printed (5 s), printed twice,
 * or oaview failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "evtx_replay.h"

#define MAX_EVENTS 100000

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct run {
	pid_t pid;
	int out;                /* oaview's stdout */
	char buf[1 << 16];
	size_t len;
	double *appended;       /* per event number: when it was complete, 0 = not yet */
	double *printed;        /* per event number: when its line came */
	uint64_t first, last;   /* event numbers in play */
	int dup, stray;
};

static pid_t start_oaview(const char *oaview, const char *path, int *out)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		execl(oaview, oaview, "--print", "--follow", "--all", "--format", "jsonl", path, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Read what oaview printed, waiting up to wait_ms; note each line's time. */
static void drain(struct run *r, int wait_ms)
{
	struct pollfd pfd = {r->out, POLLIN, 0};
	if (poll(&pfd, 1, wait_ms) <= 0)
		return;
	ssize_t n = read(r->out, r->buf + r->len, sizeof r->buf - r->len - 1);
	if (n <= 0)
		return;
	double t = now_ms();
	r->len += (size_t)n;
	r->buf[r->len] = '\0';
	char *line = r->buf, *nl;
	while ((nl = memchr(line, '\n', r->len - (size_t)(line - r->buf)))) {
		*nl = '\0';
		const char *rec = strstr(line, "\"record\":");
		if (rec) {
			uint64_t id = strtoull(rec + 9, NULL, 10);
			if (id >= r->first && id <= r->last && id < MAX_EVENTS) {
				if (r->printed[id])
					r->dup++;
				else
					r->printed[id] = t;
			} else if (id > r->last) {
				r->stray++;   /* below first: the content at the start */
			}
		}
		line = nl + 1;
	}
	r->len -= (size_t)(line - r->buf);
	memmove(r->buf, line, r->len);
}

static void pause_reading(struct run *r, double ms)
{
	double end = now_ms() + ms;
	for (double left = ms; left > 0; left = end - now_ms())
		drain(r, left < 1 ? 1 : (int)left);
}

static double cpu_seconds(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* Fields after the ")" of the command: state is 3, utime 14, stime 15. */
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	unsigned long long utime = 0, stime = 0;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Text: the sample's lines, cycled, with "RecordNumber":N rewritten. */
struct text_feed {
	char **lines;
	size_t n;
	int fd;
};

static int text_open(struct text_feed *t, const char *sample, const char *path)
{
	FILE *f = fopen(sample, "r");
	if (!f)
		return -1;
	char line[65536];
	while (fgets(line, sizeof line, f)) {
		if (!strstr(line, "\"RecordNumber\":"))
			continue;
		char **l = realloc(t->lines, (t->n + 1) * sizeof *l);
		if (!l)
			break;
		t->lines = l;
		t->lines[t->n++] = strdup(line);
	}
	fclose(f);
	t->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	return t->n && t->fd >= 0 ? 0 : -1;
}

static int text_append(struct text_feed *t, uint64_t number)
{
	const char *src = t->lines[number % t->n];
	const char *at = strstr(src, "\"RecordNumber\":");
	char out[70000];
	const char *rest = at + 15;
	while (*rest >= '0' && *rest <= '9')
		rest++;
	int n = snprintf(out, sizeof out, "%.*s\"RecordNumber\":%llu%s", (int)(at - src), src,
			 (unsigned long long)number, rest);
	if (n < 0 || (size_t)n >= sizeof out)
		return -1;
	return write(t->fd, out, (size_t)n) == n ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: follow-latency OAVIEW text|evtx SAMPLE N MIN_MS MAX_MS IDLE_S\n");
		return 2;
	}
	const char *oaview = argv[1], *kind = argv[2], *sample = argv[3];
	long n = atol(argv[4]), min_ms = atol(argv[5]), max_ms = atol(argv[6]), idle_s = atol(argv[7]);
	int evtx = strcmp(kind, "evtx") == 0;
	if (n < 1 || n >= MAX_EVENTS - 2 || min_ms < 0 || max_ms < min_ms || idle_s < 1) {
		fprintf(stderr, "follow-latency: bad arguments\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	char dir[] = "/tmp/oaview-latency-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char path[128];
	snprintf(path, sizeof path, "%s/live.%s", dir, evtx ? "evtx" : "jsonl");

	struct run r;
	memset(&r, 0, sizeof r);
	r.appended = calloc(MAX_EVENTS, sizeof *r.appended);
	r.printed = calloc(MAX_EVENTS, sizeof *r.printed);
	struct text_feed t = {0};
	struct evtx_replay *rp = NULL;
	char err[512];
	uint64_t next;
	if (evtx) {
		const char *samples[] = {sample};
		struct evtx_replay_options o = {.header_every = 8, .bad_crc_every = 3, .torn_every = 5};
		rp = evtx_replay_open(path, samples, 1, &o, err, sizeof err);
		if (!rp || evtx_replay_step(rp) != 1) {
			fprintf(stderr, "follow-latency: %s\n", rp ? "cannot write" : err);
			return 1;
		}
		next = 2;
	} else {
		if (text_open(&t, sample, path) < 0 || text_append(&t, 1) < 0) {
			fprintf(stderr, "follow-latency: %s: no NXLog JSON lines with RecordNumber\n", sample);
			return 1;
		}
		next = 2;
	}
	r.first = next;
	r.last = next + (uint64_t)n - 1;
	r.pid = start_oaview(oaview, path, &r.out);
	if (r.pid < 0)
		return 1;
	pause_reading(&r, 1000);   /* startup and the present content */

	srand(12345);
	for (uint64_t id = r.first; id <= r.last; id++) {
		pause_reading(&r, min_ms + (max_ms > min_ms ? rand() % (max_ms - min_ms + 1) : 0));
		if (evtx) {
			int s;
			while ((s = evtx_replay_step(rp)) == 0)
				;   /* a torn record: its second half comes right after */
			if (s < 0)
				return 1;
		} else if (text_append(&t, id) < 0) {
			return 1;
		}
		r.appended[id] = now_ms();
	}
	double end = now_ms() + 5000;
	size_t got = 0;
	while (now_ms() < end) {
		got = 0;
		for (uint64_t id = r.first; id <= r.last; id++)
			got += r.printed[id] != 0;
		if (got == (size_t)n)
			break;
		drain(&r, 50);
	}

	double *lat = calloc((size_t)n, sizeof *lat);
	size_t nl = 0;
	for (uint64_t id = r.first; id <= r.last; id++)
		if (r.printed[id])
			lat[nl++] = r.printed[id] - r.appended[id];
	qsort(lat, nl, sizeof *lat, cmp_double);

	/* Idle: nothing appended, oaview waiting. */
	double c0 = cpu_seconds(r.pid), t0 = now_ms();
	pause_reading(&r, (double)idle_s * 1000);
	double c1 = cpu_seconds(r.pid), t1 = now_ms();
	double idle = c0 >= 0 && c1 >= 0 ? 100.0 * (c1 - c0) / ((t1 - t0) / 1000) : -1;

	kill(r.pid, SIGTERM);
	int status = 0;
	waitpid(r.pid, &status, 0);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	printf("%s: %zu/%ld events printed, latency p50 %.1f ms p99 %.1f ms max %.1f ms; "
	       "idle CPU %.2f%% of a core over %ld s; exit %d%s%s\n",
	       kind, nl, n, nl ? lat[nl / 2] : -1.0, nl ? lat[(nl * 99) / 100 < nl ? (nl * 99) / 100 : nl - 1] : -1.0,
	       nl ? lat[nl - 1] : -1.0, idle, idle_s, code, r.dup ? "; DUPLICATES" : "",
	       r.stray ? "; unexpected records" : "");
	if (rp)
		evtx_replay_close(rp);
	unlink(path);
	rmdir(dir);
	return nl == (size_t)n && !r.dup && code == 0 ? 0 : 1;
}
