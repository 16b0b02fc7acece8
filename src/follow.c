/* follow.c - following logs while they grow (see follow.h).
 *
 * Each followed path is a struct followed, polled by name: every poll
 * stat()s the path, so rotation (a new inode), truncation (a size below
 * what was read), deletion, a directory or an unreadable file in its place
 * are noticed whatever the file system; inotify only makes the poll come
 * sooner and tells which files changed.  The kind (text, EVTX, EVT) is told
 * by content once, when the file first holds enough bytes to tell.
 *
 * Text (tail -F): the open descriptor, its (dev, inode) and the offset
 * read so far; bytes go to a text_source, which holds a partial last line
 * until its newline comes.  When the path names another file (rotation) or
 * none (deletion), the old descriptor is drained at once and once more a
 * poll period later -- a writer may still be finishing a line in it before
 * it reopens -- then its text_source is finished (a last line without its
 * newline becomes a record), and only then is the new file read, from
 * offset 0 with a fresh text_source: so records come in order, and line
 * numbers (the record numbers of formats without one) restart at 1, as in
 * the new file.  Correlation is not reset: handles do not change meaning
 * because a log file was rotated.  A size below the offset read
 * (copytruncate) resets the text_source and reads from 0.
 *
 * EVTX (DESIGN.md, Tailing): the file header of a live log is stale and is
 * never read.  Per 64 KiB chunk slot we keep a checksum of its 128-byte
 * header as last seen and the range of record ids a live walk found in it.
 * When the file changed, chunk headers are re-read (all of them for files
 * up to FOLLOW_EVTX_SCAN_ALL chunks, else the slots a writer can be at --
 * the newest chunk, the one after it, slot 0 for a wrap, slots new to the
 * file -- plus all of them every FOLLOW_FULL_SCAN_MS); a slot whose header
 * changed, the newest chunk (its records can grow behind an unchanged
 * header), a chunk just started, and chunks holding records not delivered
 * yet are decoded in live mode (evtx_decode_chunk: only complete records,
 * whatever the header and CRCs say).  Decoding is two passes: a walk of
 * each chunk (no libevtx) gives its real id range, chunks are ordered by
 * it (a wrapped log reuses slot 0 for its newest records), then each is
 * decoded again delivering only ids above the last one passed.  The walk
 * covers every record, wanted or not, so ids are contiguous: a chunk that
 * starts beyond the next id means records we cannot see yet (written out of
 * order); it is held for up to FOLLOW_GAP_WAIT_MS, then the gap is reported
 * and skipped.  The first read of a file is evtx_read_file (parallel).
 *
 * EVT: small files; on a change the file is read again with evt_read_file
 * and only records numbered above the last delivered go on.
 *
 * A replaced or truncated EVTX/EVT file is read again delivering only ids
 * (numbers) above the last delivered: a newer copy of the same log goes on
 * where it was.  A log whose numbering restarted shows only once it passes
 * the old numbers (reported). */
#include "follow.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#ifdef HAVE_SYS_INOTIFY_H
#include <sys/inotify.h>
#endif

#include "source_evt.h"
#include "source_evtx.h"
#include "source_text.h"

/* Tests build with tiny values to force every boundary. */
#ifndef FOLLOW_READ_SIZE
#define FOLLOW_READ_SIZE 65536
#endif
#ifndef FOLLOW_EVTX_SCAN_ALL
#define FOLLOW_EVTX_SCAN_ALL 1024
#endif
/* The first read of a text file goes in bigger pieces: each feed delivers
 * all it framed before it returns, so a feed must hold many parse batches
 * for the helper threads to run side by side. */
#define FOLLOW_FIRST_READ_SIZE (FOLLOW_READ_SIZE * 64)
/* Most bytes read from one text file in one poll: a file growing faster
 * than it is read must not keep follow_poll from returning. */
#define FOLLOW_DRAIN_MAX (64u << 20)
#define FOLLOW_FULL_SCAN_MS 2000
#define FOLLOW_GAP_WAIT_MS 1000
/* How long an old file is still read after the path moved on. */
#define FOLLOW_RETIRE_MS FOLLOW_POLL_MS
/* A file modified this recently may change again within the same
 * timestamp tick, unseen by stat: without an inotify watch, look anyway. */
#define FOLLOW_RECENT_NS 2000000000LL
#define CHUNK_HEADER_SIZE 512
#define EVT_DIAG_MEMORY 64

enum follow_kind {
	KIND_PENDING,   /* too short to tell yet */
	KIND_TEXT,
	KIND_EVTX,
	KIND_EVT,
};

enum follow_state {
	STATE_FOLLOWING,
	STATE_WAITING,      /* empty so far */
	STATE_DELETED,
	STATE_DENIED,
	STATE_DIRECTORY,
	STATE_NOT_REGULAR,
	STATE_ERROR,
};

struct chunk_slot {
	uint32_t head_sum;      /* crc32 of the header's first 128 bytes */
	uint8_t seen;           /* header read at least once */
	uint8_t has_signature;
	uint8_t reported;       /* "no chunk signature" said for this head_sum */
	uint64_t header_first;  /* first record id the header claims */
	uint64_t first_id;      /* ids a live walk found (0: none) */
	uint64_t last_id;
};

struct followed {
	struct follow *f;
	char *path;
	char *dir;              /* for the directory watch */
	const char *base;       /* file name within dir */
	uint16_t source;
	enum follow_kind kind;
	enum follow_state state;
	char status[200];

	int fd;
	dev_t dev;
	ino_t ino;
	struct stat seen_st;    /* last stat, for change detection */
	int have_seen_st;
	int dirty;              /* inotify says it changed */
	int file_wd, dir_wd;
	struct record_sink rsink;

	/* text */
	struct text_source *ts;
	uint64_t offset;
	int read_failed;        /* a read error was reported */
	int starting;           /* the first read, in follow_add */
	int old_fd;             /* a rotated or deleted file being finished */
	int old_wd;
	struct text_source *old_ts;
	uint64_t old_offset;
	int64_t retire_at;      /* monotonic ms */
	int vanished;           /* the path went away under an open file: a
				 * rotation if a new file comes before
				 * retire_at, a deletion if not */

	/* EVTX */
	struct chunk_slot *slots;
	size_t nslots;
	uint64_t size_read;     /* file size at the last poll */
	uint64_t last_id;       /* highest record id passed (delivered or not wanted) */
	int have_last;
	int contiguous;         /* last_id is where the next poll must go on */
	int64_t gap_since;      /* monotonic ms, 0: no gap pending */
	int64_t last_full_scan;
	uint64_t max_delivered; /* evtx_read_file's highest sequence delivered */

	/* EVT */
	uint64_t last_number;
	int have_number;
	int need_read;
	uint32_t diag_memory[EVT_DIAG_MEMORY];
	size_t ndiag_memory;
};

struct follow {
	struct follow_sink sink;
	int keep_all;
	int threads;
	struct followed **src;
	size_t nsrc;
	int ifd;                /* inotify, or -1 */
	struct evtx_decoder *decoder;
	char *buf;              /* FOLLOW_READ_SIZE bytes for text reads */
	int stopped;            /* the sink asked to stop */
	int newest_first;       /* first EVTX reads: newest chunks first */
	int busy;               /* a source has more to read right now */
	int delivered;          /* records delivered by this poll */
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void follow_diag(struct followed *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void follow_diag(struct followed *s, const char *fmt, ...)
{
	if (!s->f->sink.diag)
		return;
	char msg[768];
	int n = snprintf(msg, sizeof msg, "%s: ", s->path);
	if (n < 0 || (size_t)n >= sizeof msg)
		n = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	va_end(ap);
	s->f->sink.diag(s->f->sink.ctx, s->source, msg);
}

static const char *state_text(enum follow_state state)
{
	switch (state) {
	case STATE_FOLLOWING:
		return "following";
	case STATE_WAITING:
		return "waiting for the file to start";
	case STATE_DELETED:
		return "deleted; showing what was read, waiting for it to return";
	case STATE_DENIED:
		return "permission denied";
	case STATE_DIRECTORY:
		return "is a directory; waiting for the file to return";
	case STATE_NOT_REGULAR:
		return "not a regular file; waiting for the file to return";
	case STATE_ERROR:
		return "cannot read";
	}
	return "?";
}

/* Enter a state; a change is reported once, as a diagnostic (a state that
 * lasts is not repeated at every poll).  detail, if any, completes the
 * status ("cannot read: ..."). */
static void set_state(struct followed *s, enum follow_state state, const char *detail)
{
	char status[sizeof s->status];
	if (detail)
		snprintf(status, sizeof status, "%s: %s", state_text(state), detail);
	else
		snprintf(status, sizeof status, "%s", state_text(state));
	if (s->state == state && strcmp(s->status, status) == 0)
		return;
	enum follow_state was = s->state;
	s->state = state;
	memcpy(s->status, status, sizeof status);
	if (state == STATE_FOLLOWING) {
		if (was != STATE_WAITING)
			follow_diag(s, "is back; following it again");
	} else if (state != STATE_WAITING) {
		follow_diag(s, "%s", status);
	}
}

/* ---- inotify ---------------------------------------------------------- */

#ifdef HAVE_SYS_INOTIFY_H
#define FILE_EVENTS (IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF)
#define DIR_EVENTS (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_ONLYDIR)
#endif

#ifdef HAVE_SYS_INOTIFY_H
static int wd_in_use(const struct follow *f, int wd)
{
	for (size_t i = 0; i < f->nsrc; i++) {
		const struct followed *s = f->src[i];
		if (s->file_wd == wd || s->old_wd == wd)
			return 1;
	}
	return 0;
}
#endif

/* Watch the file the path names now (IN_MODIFY and friends). */
static void watch_file(struct followed *s)
{
#ifdef HAVE_SYS_INOTIFY_H
	if (s->f->ifd < 0)
		return;
	int wd = inotify_add_watch(s->f->ifd, s->path, FILE_EVENTS);
	if (wd >= 0)
		s->file_wd = wd;
#else
	(void)s;
#endif
}

static void unwatch(struct followed *s, int *wd)
{
#ifdef HAVE_SYS_INOTIFY_H
	if (*wd >= 0 && s->f->ifd >= 0) {
		int keep = *wd;
		*wd = -1;
		if (!wd_in_use(s->f, keep))
			inotify_rm_watch(s->f->ifd, keep);
	}
#endif
	*wd = -1;
}

/* Read every pending inotify event and mark the sources it concerns. */
static void read_events(struct follow *f)
{
#ifdef HAVE_SYS_INOTIFY_H
	if (f->ifd < 0)
		return;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(f->ifd, buf, sizeof buf);
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof *ev + ev->len;
			for (size_t i = 0; i < f->nsrc; i++) {
				struct followed *s = f->src[i];
				if (ev->mask & IN_Q_OVERFLOW) {
					s->dirty = 1;
					continue;
				}
				if (ev->wd == s->file_wd || ev->wd == s->old_wd) {
					s->dirty = 1;
					/* The watch is gone with its file. */
					if (ev->mask & IN_IGNORED) {
						if (ev->wd == s->file_wd)
							s->file_wd = -1;
						else
							s->old_wd = -1;
					}
				} else if (ev->wd == s->dir_wd && ev->len && strcmp(ev->name, s->base) == 0) {
					s->dirty = 1;
				}
			}
		}
	}
#else
	(void)f;
#endif
}

/* Did the file at the path change since the last look? */
static int stat_changed(struct followed *s, const struct stat *st)
{
	if (s->dirty || !s->have_seen_st)
		return 1;
	const struct stat *o = &s->seen_st;
	if (st->st_dev != o->st_dev || st->st_ino != o->st_ino || st->st_size != o->st_size
	    || st->st_mtim.tv_sec != o->st_mtim.tv_sec || st->st_mtim.tv_nsec != o->st_mtim.tv_nsec
	    || st->st_ctim.tv_sec != o->st_ctim.tv_sec || st->st_ctim.tv_nsec != o->st_ctim.tv_nsec)
		return 1;
	if (s->file_wd < 0) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		long long age = (long long)(now.tv_sec - st->st_mtim.tv_sec) * 1000000000LL
			+ (now.tv_nsec - st->st_mtim.tv_nsec);
		if (age < FOLLOW_RECENT_NS)
			return 1;
	}
	return 0;
}

static void remember_stat(struct followed *s, const struct stat *st)
{
	s->seen_st = *st;
	s->have_seen_st = 1;
	s->dirty = 0;
}

/* Turn what stat() said of the path (rc, and errno e when it failed) into
 * a state.  Returns 0 when the path is a regular file, -1 otherwise. */
static int path_state(struct followed *s, int rc, int e, const struct stat *st)
{
	if (rc != 0) {
		if (e == ENOENT || e == ENOTDIR)
			set_state(s, STATE_DELETED, NULL);
		else if (e == EACCES)
			set_state(s, STATE_DENIED, NULL);
		else
			set_state(s, STATE_ERROR, strerror(e));
		return -1;
	}
	if (S_ISDIR(st->st_mode)) {
		set_state(s, STATE_DIRECTORY, NULL);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		set_state(s, STATE_NOT_REGULAR, NULL);
		return -1;
	}
	return 0;
}

/* stat the path and turn what is wrong with it into a state.  Returns 0
 * when the path is a regular file (st filled), -1 otherwise. */
static int stat_path(struct followed *s, struct stat *st)
{
	int rc = stat(s->path, st);
	return path_state(s, rc, rc ? errno : 0, st);
}

/* Open the path for reading; on failure the state says why. */
static int open_path(struct followed *s, struct stat *st)
{
	int fd = open(s->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR)
			set_state(s, STATE_DELETED, NULL);
		else if (e == EACCES || e == EPERM)
			set_state(s, STATE_DENIED, NULL);
		else
			set_state(s, STATE_ERROR, strerror(e));
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		set_state(s, S_ISDIR(st->st_mode) ? STATE_DIRECTORY : STATE_NOT_REGULAR, NULL);
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- sinks ------------------------------------------------------------ */

static int deliver(struct followed *s, const struct record *rec)
{
	struct follow *f = s->f;
	if (f->stopped)
		return 1;
	f->delivered++;
	if (f->sink.record(f->sink.ctx, s->source, rec)) {
		f->stopped = 1;
		return 1;
	}
	return 0;
}

static int text_record(void *ctx, const struct record *rec)
{
	return deliver(ctx, rec);
}

static void source_diag(void *ctx, const char *message)
{
	struct followed *s = ctx;
	if (s->f->sink.diag)
		s->f->sink.diag(s->f->sink.ctx, s->source, message);
}

/* evtx_read_file's records: note the highest id delivered. */
static int evtx_first_record(void *ctx, const struct record *rec)
{
	struct followed *s = ctx;
	if (rec->sequence > s->max_delivered)
		s->max_delivered = rec->sequence;
	return deliver(s, rec);
}

static int evt_record(void *ctx, const struct record *rec)
{
	struct followed *s = ctx;
	if (s->have_number && rec->number <= s->last_number)
		return 0;
	s->last_number = rec->number;
	s->have_number = 1;
	return deliver(s, rec);
}

/* Each re-read of an EVT file would repeat the same complaints: say each
 * one once. */
static void evt_diag(void *ctx, const char *message)
{
	struct followed *s = ctx;
	uint32_t sum = (uint32_t)crc32(0, (const unsigned char *)message, (uInt)strlen(message));
	size_t n = s->ndiag_memory < EVT_DIAG_MEMORY ? s->ndiag_memory : EVT_DIAG_MEMORY;
	for (size_t i = 0; i < n; i++)
		if (s->diag_memory[i] == sum)
			return;
	s->diag_memory[s->ndiag_memory++ % EVT_DIAG_MEMORY] = sum;
	source_diag(ctx, message);
}

/* ---- text ------------------------------------------------------------- */

/* Feed what fd holds past *offset to ts.  Returns 1 when the sink asked to
 * stop, 0 otherwise. */
static int text_drain(struct followed *s, int fd, uint64_t *offset, struct text_source *ts)
{
	uint64_t budget = FOLLOW_DRAIN_MAX;
	struct stat st;
	/* The first read takes all the file holds (follow_add's promise). */
	if (s->starting && fstat(fd, &st) == 0 && (uint64_t)st.st_size > *offset)
		budget += (uint64_t)st.st_size - *offset;
	char *buf = s->f->buf;
	size_t size = FOLLOW_READ_SIZE;
	char *big = NULL;
	if (s->starting && budget > FOLLOW_DRAIN_MAX + FOLLOW_READ_SIZE
	    && (big = malloc(FOLLOW_FIRST_READ_SIZE))) {
		buf = big;
		size = FOLLOW_FIRST_READ_SIZE;
	}
	int rc = 0;
	while (budget) {
		ssize_t n = pread(fd, buf, size, (off_t)*offset);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* Said once: the file is still followed, and the
			 * next poll tries again. */
			if (errno != EAGAIN && !s->read_failed) {
				follow_diag(s, "cannot read: %s", strerror(errno));
				s->read_failed = 1;
			}
			goto out;
		}
		if (n == 0)
			goto out;
		s->read_failed = 0;
		*offset += (uint64_t)n;
		budget = (uint64_t)n < budget ? budget - (uint64_t)n : 0;
		if (text_source_feed(ts, buf, (size_t)n)) {
			rc = 1;
			goto out;
		}
	}
	s->f->busy = 1;
out:
	free(big);
	return rc;
}

/* The path moved on: keep reading the old file for a while (see top). */
static void text_retire(struct followed *s, int64_t now)
{
	s->old_fd = s->fd;
	s->old_ts = s->ts;
	s->old_offset = s->offset;
	s->old_wd = s->file_wd;
	s->retire_at = now + FOLLOW_RETIRE_MS;
	s->fd = -1;
	s->ts = NULL;
	s->file_wd = -1;
}

static int text_finish_old(struct followed *s)
{
	int rc = text_drain(s, s->old_fd, &s->old_offset, s->old_ts);
	if (rc == 0)
		rc = text_source_finish(s->old_ts);
	text_source_free(s->old_ts);
	s->old_ts = NULL;
	close(s->old_fd);
	s->old_fd = -1;
	unwatch(s, &s->old_wd);
	return rc;
}

static int text_poll(struct followed *s, int64_t now)
{
	if (s->old_fd >= 0) {
		if (text_drain(s, s->old_fd, &s->old_offset, s->old_ts))
			return 1;
		if (now < s->retire_at)
			return 0;
		if (text_finish_old(s))
			return 1;
	}
	struct stat st;
	int st_rc = stat(s->path, &st);
	int st_errno = st_rc ? errno : 0;
	if (s->fd >= 0 && st_rc != 0 && st_errno == ENOENT) {
		/* Renamed or removed under us.  A rotation (rename, then create)
		 * leaves the name missing for a moment: say nothing yet, finish
		 * the old file, and tell rotation from deletion by whether a new
		 * file is there when that is done. */
		if (text_drain(s, s->fd, &s->offset, s->ts))
			return 1;
		text_retire(s, now);
		s->vanished = 1;
		return 0;
	}
	int vanished = s->vanished;
	s->vanished = 0;
	if (path_state(s, st_rc, st_errno, &st) < 0) {
		if (s->fd >= 0) {
			if (text_drain(s, s->fd, &s->offset, s->ts))
				return 1;
			text_retire(s, now);
		}
		return 0;
	}
	if (vanished && s->fd < 0)
		follow_diag(s, "was replaced (rotated); the old file was read to its end, now reading "
			    "the new one from its start");
	if (s->fd >= 0 && (st.st_dev != s->dev || st.st_ino != s->ino)) {
		if (text_drain(s, s->fd, &s->offset, s->ts))
			return 1;
		text_retire(s, now);
		follow_diag(s, "was replaced (rotated); finishing the old file, then reading the new one "
			    "from its start");
		return 0;
	}
	if (s->fd < 0) {
		int fd = open_path(s, &st);
		if (fd < 0)
			return 0;
		s->fd = fd;
		s->dev = st.st_dev;
		s->ino = st.st_ino;
		s->offset = 0;
		if (!s->ts)
			s->ts = text_source_new(s->path, s->f->keep_all, &s->rsink);
		if (!s->ts) {
			set_state(s, STATE_ERROR, "out of memory");
			close(s->fd);
			s->fd = -1;
			return 0;
		}
		watch_file(s);
		set_state(s, STATE_FOLLOWING, NULL);
	} else if (fstat(s->fd, &st) == 0 && (uint64_t)st.st_size < s->offset) {
		follow_diag(s, "was truncated; reading it again from its start");
		text_source_reset(s->ts, 1);
		s->offset = 0;
	}
	if (s->state != STATE_FOLLOWING)
		set_state(s, STATE_FOLLOWING, NULL);
	return text_drain(s, s->fd, &s->offset, s->ts);
}

/* ---- EVTX ------------------------------------------------------------- */

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t chunk_offset(size_t slot)
{
	return EVTX_FILE_HEADER_SIZE + (uint64_t)slot * EVTX_CHUNK_SIZE;
}

static size_t slots_for(uint64_t size)
{
	if (size <= EVTX_FILE_HEADER_SIZE)
		return 0;
	return (size_t)((size - EVTX_FILE_HEADER_SIZE + EVTX_CHUNK_SIZE - 1) / EVTX_CHUNK_SIZE);
}

static int evtx_grow_slots(struct followed *s, size_t n)
{
	if (n <= s->nslots)
		return 0;
	struct chunk_slot *slots = realloc(s->slots, n * sizeof *slots);
	if (!slots)
		return -1;
	memset(slots + s->nslots, 0, (n - s->nslots) * sizeof *slots);
	s->slots = slots;
	s->nslots = n;
	return 0;
}

static void evtx_forget_slots(struct followed *s)
{
	free(s->slots);
	s->slots = NULL;
	s->nslots = 0;
	s->contiguous = 0;
	s->gap_since = 0;
}

/* Re-read one chunk header.  Returns 1 when it changed. */
static int evtx_scan_slot(struct followed *s, size_t i, uint64_t size)
{
	struct chunk_slot *c = &s->slots[i];
	unsigned char h[CHUNK_HEADER_SIZE];
	uint64_t off = chunk_offset(i);
	if (off >= size)
		return 0;
	memset(h, 0, sizeof h);
	ssize_t got = pread(s->fd, h, sizeof h, (off_t)off);
	if (got < 0)
		return 0;
	uint32_t sum = (uint32_t)crc32(0, h, 128);
	if (c->seen && sum == c->head_sum)
		return 0;
	c->seen = 1;
	c->head_sum = sum;
	c->reported = 0;
	c->has_signature = memcmp(h, "ElfChnk", 8) == 0;
	c->header_first = c->has_signature ? rd64(h + 24) : 0;
	if (!c->has_signature) {
		int zero = 1;
		for (ssize_t k = 0; k < got && zero; k++)
			zero = h[k] == 0;
		/* Preallocated space is zeros: normal. */
		if (!zero && !c->reported) {
			follow_diag(s, "chunk %zu (offset %llu) has no chunk signature; skipped", i,
				    (unsigned long long)off);
			c->reported = 1;
		}
	}
	return 1;
}

/* The slot holding the highest record id a walk has found (before any
 * walk: the highest first id a chunk header claims), or SIZE_MAX. */
static size_t evtx_newest_slot(const struct followed *s)
{
	size_t best = SIZE_MAX, by_header = SIZE_MAX;
	uint64_t id = 0, header_id = 0;
	for (size_t i = 0; i < s->nslots; i++) {
		const struct chunk_slot *c = &s->slots[i];
		if (!c->has_signature)
			continue;
		if (c->last_id && c->last_id >= id) {
			id = c->last_id;
			best = i;
		}
		if (c->header_first >= header_id) {
			header_id = c->header_first;
			by_header = i;
		}
	}
	return best != SIZE_MAX ? best : by_header;
}

/* Can this slot hold records not passed yet, behind a header that need not
 * change when they are written?  (A chunk just started, or one holding
 * records held back.) */
static int evtx_slot_open(const struct followed *s, const struct chunk_slot *c)
{
	if (!c->has_signature)
		return 0;
	if (!s->have_last)
		return 1;
	return c->last_id > s->last_id || c->header_first > s->last_id;
}

static ssize_t evtx_read_chunk(struct followed *s, size_t i, uint64_t size)
{
	uint64_t off = chunk_offset(i);
	if (off >= size)
		return -1;
	size_t len = size - off < EVTX_CHUNK_SIZE ? (size_t)(size - off) : EVTX_CHUNK_SIZE;
	unsigned char *buf = evtx_decoder_chunk_buffer(s->f->decoder);
	ssize_t got;
	do
		got = pread(s->fd, buf, len, (off_t)off);
	while (got < 0 && errno == EINTR);
	return got;
}

struct slot_order {
	size_t slot;
	uint64_t first_id;
};

static int slot_order_cmp(const void *a, const void *b)
{
	const struct slot_order *x = a, *y = b;
	if (x->first_id != y->first_id)
		return x->first_id < y->first_id ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* (Re)open the EVTX file at the path.  Returns 0, or -1 (state set). */
static int evtx_open(struct followed *s, struct stat *st)
{
	int fd = open_path(s, st);
	if (fd < 0)
		return -1;
	unsigned char head[8];
	ssize_t got = pread(fd, head, sizeof head, 0);
	if (got == (ssize_t)sizeof head && !evtx_is_evtx(head, sizeof head) && !evtx_headless(fd)) {
		set_state(s, STATE_ERROR, "not an EVTX file any more");
		close(fd);
		return -1;
	}
	if (s->fd >= 0)
		close(s->fd);
	unwatch(s, &s->file_wd);
	s->fd = fd;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size_read = 0;
	evtx_forget_slots(s);
	watch_file(s);
	return 0;
}

static int evtx_poll(struct followed *s, int64_t now)
{
	struct stat st;
	if (stat_path(s, &st) < 0) {
		if (s->fd >= 0 && s->state == STATE_DELETED) {
			close(s->fd);
			s->fd = -1;
			unwatch(s, &s->file_wd);
		}
		return 0;
	}
	int changed = stat_changed(s, &st);
	if (s->fd < 0 || st.st_dev != s->dev || st.st_ino != s->ino) {
		int again = s->fd >= 0 || s->have_last;
		if (evtx_open(s, &st) < 0)
			return 0;
		if (again)
			follow_diag(s, "was replaced; reading records above id %llu from the new file",
				    (unsigned long long)s->last_id);
		changed = 1;
	}
	if (fstat(s->fd, &st) != 0)
		return 0;
	uint64_t size = (uint64_t)st.st_size;
	if (size < s->size_read) {
		follow_diag(s, "was truncated; reading records above id %llu", (unsigned long long)s->last_id);
		evtx_forget_slots(s);
		changed = 1;
	}
	s->size_read = size;
	if (s->state != STATE_FOLLOWING)
		set_state(s, STATE_FOLLOWING, NULL);
	/* Chunk headers are read again when the file changed (or a gap is
	 * waited on); the newest chunk and the chunks still open are walked
	 * at every poll anyway: a walk costs microseconds, and it sees records
	 * that no inotify event or timestamp announced (writes through mmap,
	 * network file systems that cache attributes). */
	int scan = changed || s->gap_since;
	if (scan)
		remember_stat(s, &st);

	size_t n = slots_for(size), old_n = s->nslots;
	if (evtx_grow_slots(s, n) < 0) {
		set_state(s, STATE_ERROR, "out of memory");
		return 0;
	}
	if (n < s->nslots)
		n = s->nslots;

	/* Which chunk headers to look at, then which chunks to decode. */
	unsigned char *mark = calloc(n ? n : 1, 1);
	struct slot_order *order = calloc(n ? n : 1, sizeof *order);
	if (!mark || !order) {
		free(mark);
		free(order);
		set_state(s, STATE_ERROR, "out of memory");
		return 0;
	}
	size_t newest = evtx_newest_slot(s);
	int full = scan && (n <= FOLLOW_EVTX_SCAN_ALL || !s->contiguous || s->gap_since
			    || now - s->last_full_scan >= FOLLOW_FULL_SCAN_MS);
	if (full)
		s->last_full_scan = now;
	for (size_t i = 0; i < n; i++) {
		int look = full || i >= old_n || !s->slots[i].seen || (scan && (i == 0 || i == newest
			|| (newest != SIZE_MAX && i == (newest + 1) % n) || evtx_slot_open(s, &s->slots[i])));
		if (look && evtx_scan_slot(s, i, size))
			mark[i] = 1;
		if (i == newest || evtx_slot_open(s, &s->slots[i]))
			mark[i] = 1;
		if (!s->slots[i].has_signature)
			mark[i] = 0;
	}

	/* Pass 1: the real id range of each marked chunk (a walk, no libevtx). */
	size_t norder = 0;
	struct evtx_chunk ck;
	memset(&ck, 0, sizeof ck);
	for (size_t i = 0; i < n; i++) {
		if (!mark[i])
			continue;
		ssize_t got = evtx_read_chunk(s, i, size);
		if (got < CHUNK_HEADER_SIZE)
			continue;
		evtx_decode_chunk(s->f->decoder, evtx_decoder_chunk_buffer(s->f->decoder), (size_t)got,
				  (uint32_t)i, chunk_offset(i), UINT64_MAX, EVTX_DECODE_LIVE, &ck);
		s->slots[i].first_id = ck.first_id;
		s->slots[i].last_id = ck.last_id;
		if (ck.nwalked && (!s->have_last || ck.last_id > s->last_id)) {
			order[norder].slot = i;
			order[norder].first_id = ck.first_id;
			norder++;
		}
	}
	qsort(order, norder, sizeof *order, slot_order_cmp);

	/* Pass 2: in id order, deliver what is above the last id passed. */
	int rc = 0;
	for (size_t k = 0; k < norder && rc == 0; k++) {
		size_t i = order[k].slot;
		if (s->have_last && s->contiguous && order[k].first_id > s->last_id + 1) {
			if (!s->gap_since)
				s->gap_since = now;
			if (now - s->gap_since < FOLLOW_GAP_WAIT_MS)
				break;
			follow_diag(s, "records %llu to %llu did not appear within %d ms; going on",
				    (unsigned long long)s->last_id + 1,
				    (unsigned long long)order[k].first_id - 1, FOLLOW_GAP_WAIT_MS);
		}
		s->gap_since = 0;
		ssize_t got = evtx_read_chunk(s, i, size);
		if (got < CHUNK_HEADER_SIZE)
			continue;
		uint64_t min = s->have_last ? s->last_id + 1 : 0;
		evtx_decode_chunk(s->f->decoder, evtx_decoder_chunk_buffer(s->f->decoder), (size_t)got,
				  (uint32_t)i, chunk_offset(i), min, EVTX_DECODE_LIVE, &ck);
		for (size_t d = 0; d < ck.ndiags; d++)
			follow_diag(s, "%s", ck.diags[d]);
		for (size_t r = 0; r < ck.nrecs && rc == 0; r++)
			if (!s->have_last || ck.recs[r].sequence > s->last_id)
				rc = deliver(s, &ck.recs[r]);
		s->slots[i].first_id = ck.first_id;
		s->slots[i].last_id = ck.last_id;
		if (ck.nwalked && (!s->have_last || ck.last_id > s->last_id)) {
			s->last_id = ck.last_id;
			s->have_last = 1;
		}
	}
	if (s->have_last && !s->gap_since)
		s->contiguous = 1;
	evtx_chunk_clear(&ck);
	free(mark);
	free(order);
	return rc;
}

/* The first read: everything the file holds now, in parallel. */
static int evtx_start(struct followed *s, char *err, size_t errlen)
{
	struct stat st;
	if (evtx_open(s, &st) < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", s->path, s->status);
		return -1;
	}
	uint64_t size = (uint64_t)st.st_size;
	if (evtx_grow_slots(s, slots_for(size)) < 0) {
		snprintf(err, errlen, "%s: out of memory", s->path);
		return -1;
	}
	/* Headers first: whatever changes after this is seen by the polls. */
	for (size_t i = 0; i < s->nslots; i++)
		evtx_scan_slot(s, i, size);
	s->size_read = size;
	struct record_sink sink = {evtx_first_record, source_diag, s};
	struct evtx_options eo = {s->f->threads, s->f->keep_all, s->f->newest_first};
	char why[512];
	int rc = 0;
	if (size > EVTX_FILE_HEADER_SIZE) {
		rc = evtx_read_file(s->path, &eo, &sink, why, sizeof why);
		if (rc < 0)
			follow_diag(s, "%s", why);
	}
	if (rc == 1 || s->f->stopped) {
		snprintf(err, errlen, "%s: reading stopped", s->path);
		return -1;
	}
	/* Every wanted record evtx_read_file walked was delivered, so what
	 * is left is above the highest delivered (the walks of the first poll
	 * pass the unwanted ones). */
	s->last_id = s->max_delivered;
	s->have_last = s->last_id > 0;
	s->contiguous = 0;
	s->have_seen_st = 0;   /* the first poll looks at everything */
	set_state(s, STATE_FOLLOWING, NULL);
	return 0;
}

/* ---- EVT -------------------------------------------------------------- */

static int evt_poll(struct followed *s)
{
	struct stat st;
	if (stat_path(s, &st) < 0)
		return 0;
	if (!stat_changed(s, &st) && !s->need_read)
		return 0;
	int replaced = st.st_ino != s->ino || st.st_dev != s->dev;
	if (s->have_number && (replaced || st.st_size < s->seen_st.st_size))
		follow_diag(s, "was %s; reading records numbered above %llu", replaced ? "replaced" : "rewritten",
			    (unsigned long long)s->last_number);
	remember_stat(s, &st);
	if (replaced || s->file_wd < 0) {
		s->dev = st.st_dev;
		s->ino = st.st_ino;
		unwatch(s, &s->file_wd);
		watch_file(s);
	}
	struct record_sink sink = {evt_record, evt_diag, s};
	char why[512];
	int rc = evt_read_file(s->path, s->f->keep_all, &sink, why, sizeof why);
	if (rc < 0) {
		/* Perhaps caught half rewritten: try again at the next poll. */
		s->need_read = 1;
		const char *colon = strstr(why, ": ");
		set_state(s, STATE_ERROR, colon ? colon + 2 : why);
		return 0;
	}
	s->need_read = 0;
	if (rc == 0 && s->state != STATE_FOLLOWING)
		set_state(s, STATE_FOLLOWING, NULL);
	return rc == 1 ? 1 : 0;
}

/* ---- kinds ------------------------------------------------------------ */

/* Tell the kind from the first bytes (and, for an EVTX file whose header
 * is damaged, the chunk signature at 4096); KIND_PENDING while they could
 * still become an EVTX or EVT signature. */
static enum follow_kind kind_of(int fd, const unsigned char *head, size_t len)
{
	static const unsigned char evtx[8] = "ElfFile";
	static const unsigned char evt[8] = {0x30, 0, 0, 0, 'L', 'f', 'L', 'e'};
	if (evtx_is_evtx(head, len))
		return KIND_EVTX;
	if (evt_is_evt(head, len))
		return KIND_EVT;
	if (len >= 8)
		return evtx_headless(fd) ? KIND_EVTX : KIND_TEXT;
	if (memcmp(head, evtx, len) == 0 || memcmp(head, evt, len) == 0)
		return KIND_PENDING;
	return KIND_TEXT;
}

/* The first read of a text file: all it holds, partial last line held. */
static int text_start(struct followed *s, char *err, size_t errlen)
{
	s->ts = text_source_new(s->path, s->f->keep_all, &s->rsink);
	if (!s->ts) {
		snprintf(err, errlen, "%s: out of memory", s->path);
		return -1;
	}
	/* what the file holds now is parsed in parallel batches, as when it
	 * is only read */
	text_source_set_threads(s->ts, s->f->threads);
	s->starting = 1;
	int rc = text_poll(s, now_ms());
	s->starting = 0;
	if (rc || s->f->stopped) {
		snprintf(err, errlen, "%s: reading stopped", s->path);
		return -1;
	}
	if (s->fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", s->path, s->status);
		return -1;
	}
	return 0;
}

static int evt_start(struct followed *s, char *err, size_t errlen)
{
	struct stat st;
	if (stat_path(s, &st) < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", s->path, s->status);
		return -1;
	}
	remember_stat(s, &st);
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	watch_file(s);
	struct record_sink sink = {evt_record, evt_diag, s};
	int rc = evt_read_file(s->path, s->f->keep_all, &sink, err, errlen);
	if (rc < 0) {
		/* A file that turned EVT while followed is tried again. */
		s->need_read = 1;
		return -1;
	}
	if (rc == 1 || s->f->stopped) {
		snprintf(err, errlen, "%s: reading stopped", s->path);
		return -1;
	}
	set_state(s, STATE_FOLLOWING, NULL);
	return 0;
}

static int source_start(struct followed *s, enum follow_kind kind, char *err, size_t errlen)
{
	s->kind = kind;
	switch (kind) {
	case KIND_PENDING:
		set_state(s, STATE_WAITING, NULL);
		watch_file(s);
		return 0;
	case KIND_TEXT:
		return text_start(s, err, errlen);
	case KIND_EVTX:
		return evtx_start(s, err, errlen);
	case KIND_EVT:
		return evt_start(s, err, errlen);
	}
	return -1;
}

/* A file too short to tell its kind: look again. */
static int pending_poll(struct followed *s)
{
	struct stat st;
	if (stat_path(s, &st) < 0)
		return 0;
	int fd = open_path(s, &st);
	if (fd < 0)
		return 0;
	unsigned char head[8];
	ssize_t got = pread(fd, head, sizeof head, 0);
	enum follow_kind kind = got < 0 ? KIND_PENDING : kind_of(fd, head, (size_t)got);
	close(fd);
	if (got < 0)
		return 0;
	if (kind == KIND_PENDING) {
		set_state(s, STATE_WAITING, NULL);
		return 0;
	}
	char err[512];
	unwatch(s, &s->file_wd);
	if (source_start(s, kind, err, sizeof err) < 0 && !s->f->stopped) {
		const char *colon = strstr(err, ": ");
		set_state(s, STATE_ERROR, colon ? colon + 2 : err);
	}
	return s->f->stopped;
}

static int source_poll(struct followed *s, int64_t now)
{
	switch (s->kind) {
	case KIND_PENDING:
		return pending_poll(s);
	case KIND_TEXT:
		return text_poll(s, now);
	case KIND_EVTX:
		return evtx_poll(s, now);
	case KIND_EVT:
		return evt_poll(s);
	}
	return 0;
}

/* ---- the public entry ------------------------------------------------- */

struct follow *follow_new(const struct follow_sink *sink, int keep_all, int threads)
{
	struct follow *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->sink = *sink;
	f->keep_all = keep_all;
	f->threads = threads;
	f->ifd = -1;
	f->buf = malloc(FOLLOW_READ_SIZE);
	f->decoder = evtx_decoder_new(keep_all);
	if (!f->buf || !f->decoder) {
		follow_free(f);
		return NULL;
	}
#ifdef HAVE_SYS_INOTIFY_H
	f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
#endif
	return f;
}

static void followed_free(struct followed *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->old_fd >= 0)
		close(s->old_fd);
	text_source_free(s->ts);
	text_source_free(s->old_ts);
	free(s->slots);
	free(s->path);
	free(s->dir);
	free(s);
}

void follow_free(struct follow *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nsrc; i++)
		followed_free(f->src[i]);
	free(f->src);
	if (f->ifd >= 0)
		close(f->ifd);
	evtx_decoder_free(f->decoder);
	free(f->buf);
	free(f);
}

static struct followed *followed_new(struct follow *f, const char *path, uint16_t source)
{
	struct followed *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->f = f;
	s->source = source;
	s->fd = s->old_fd = -1;
	s->file_wd = s->dir_wd = s->old_wd = -1;
	s->state = STATE_WAITING;
	snprintf(s->status, sizeof s->status, "%s", state_text(STATE_WAITING));
	s->rsink.record = text_record;
	s->rsink.diag = source_diag;
	s->rsink.ctx = s;
	s->path = strdup(path);
	const char *slash = strrchr(path, '/');
	if (!slash)
		s->dir = strdup(".");
	else if (slash == path)
		s->dir = strdup("/");
	else
		s->dir = strndup(path, (size_t)(slash - path));
	if (!s->path || !s->dir) {
		followed_free(s);
		return NULL;
	}
	s->base = slash ? strrchr(s->path, '/') + 1 : s->path;
	return s;
}

void follow_set_newest_first(struct follow *f, int on)
{
	f->newest_first = on;
}

int follow_add(struct follow *f, const char *path, uint16_t source, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		close(fd);
		return -1;
	}
	unsigned char head[8];
	ssize_t got = pread(fd, head, sizeof head, 0);
	int saved = errno;
	enum follow_kind kind = got < 0 ? KIND_PENDING : kind_of(fd, head, (size_t)got);
	close(fd);
	if (got < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(saved));
		return -1;
	}
	struct followed **list = realloc(f->src, (f->nsrc + 1) * sizeof *list);
	if (!list) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	f->src = list;
	struct followed *s = followed_new(f, path, source);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	f->src[f->nsrc++] = s;
#ifdef HAVE_SYS_INOTIFY_H
	if (f->ifd >= 0)
		s->dir_wd = inotify_add_watch(f->ifd, s->dir, DIR_EVENTS);
#endif
	if (source_start(s, kind, err, errlen) < 0) {
		f->nsrc--;
		unwatch(s, &s->file_wd);
#ifdef HAVE_SYS_INOTIFY_H
		int shared = 0;
		for (size_t i = 0; i < f->nsrc; i++)
			shared |= f->src[i]->dir_wd == s->dir_wd;
		if (s->dir_wd >= 0 && !shared)
			inotify_rm_watch(f->ifd, s->dir_wd);
#endif
		followed_free(s);
		return -1;
	}
	return 0;
}

int follow_fd(const struct follow *f)
{
	return f->ifd;
}

int follow_poll(struct follow *f, int timeout_ms)
{
	if (f->stopped)
		return -1;
	int64_t now = now_ms();
	int wait = f->busy ? 0 : timeout_ms;
	/* Wake for our own deadlines: an old file to finish, a gap to give up. */
	for (size_t i = 0; i < f->nsrc && wait > 0; i++) {
		const struct followed *s = f->src[i];
		int64_t due = INT64_MAX;
		if (s->old_fd >= 0)
			due = s->retire_at;
		if (s->gap_since && s->gap_since + FOLLOW_GAP_WAIT_MS < due)
			due = s->gap_since + FOLLOW_GAP_WAIT_MS;
		if (due != INT64_MAX && due - now < wait)
			wait = due - now > 0 ? (int)(due - now) : 0;
	}
	if (wait > 0) {
		struct pollfd p = {f->ifd, POLLIN, 0};
		/* Interrupted by a signal: the caller wants to look at its flags. */
		if (f->ifd >= 0)
			poll(&p, 1, wait);
		else
			poll(NULL, 0, wait);
		now = now_ms();
	}
	read_events(f);
	f->busy = 0;
	f->delivered = 0;
	for (size_t i = 0; i < f->nsrc; i++) {
		if (source_poll(f->src[i], now) || f->stopped) {
			f->stopped = 1;
			return -1;
		}
	}
	return f->delivered;
}

const char *follow_status(const struct follow *f, uint16_t source)
{
	for (size_t i = 0; i < f->nsrc; i++)
		if (f->src[i]->source == source)
			return f->src[i]->status;
	return "not followed";
}
