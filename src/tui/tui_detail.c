/* tui_detail.c - the detail pane: every field of the selected event, its
 * access mask bit by bit, its privileges, and its links ("opened by #1234
 * 4656 12:01:02, closed by #1240 4658 after 2.3 s", "opener not in view",
 * "close not audited").  Lines are built as text first, so the pane can
 * scroll and tests can read them. */
#include <inttypes.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "access.h"
#include "correlate.h"
#include "timefmt.h"
#include "tui_internal.h"
#include "tui_text.h"

#define LINE 512

struct lines {
	char (*l)[LINE];
	int n, max;
};

static void add(struct lines *ls, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct lines *ls, const char *fmt, ...)
{
	if (ls->n >= ls->max)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ls->l[ls->n++], LINE, fmt, ap);
	va_end(ap);
}

static void add_field(struct lines *ls, const char *label, const char *value)
{
	if (value && *value)
		add(ls, "%-9s %s", label, value);
}

/* The record's bytes, read again from its file: offset, hex, ASCII. */
static void add_hexdump(struct lines *ls, const char *path, uint64_t offset, uint32_t size)
{
	unsigned char buf[4096];
	size_t want = size < sizeof buf ? size : sizeof buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		add(ls, "(cannot open %s to show the bytes)", path);
		return;
	}
	ssize_t got = pread(fd, buf, want, (off_t)offset);
	close(fd);
	if (got <= 0) {
		add(ls, "(cannot read the bytes: the file changed?)");
		return;
	}
	for (ssize_t i = 0; i < got; i += 16) {
		char hex[64], text[20];
		size_t h = 0;
		int t = 0;
		for (ssize_t j = i; j < i + 16; j++) {
			if (j < got) {
				h += (size_t)snprintf(hex + h, sizeof hex - h, "%02x ", buf[j]);
				text[t++] = buf[j] >= 0x20 && buf[j] < 0x7f ? (char)buf[j] : '.';
			} else {
				h += (size_t)snprintf(hex + h, sizeof hex - h, "   ");
			}
		}
		text[t] = '\0';
		add(ls, "  %04zx  %s |%s|", (size_t)i, hex, text);
	}
	if ((size_t)got < size)
		add(ls, "  ... %u bytes in all", size);
}

/* "after 2.3 s" between two FILETIMEs. */
static void format_gap(int64_t from, int64_t to, char *buf, size_t len)
{
	if (!from || !to) {
		buf[0] = '\0';
		return;
	}
	double s = (double)(to - from) / 1e7;
	if (s < 0)
		snprintf(buf, len, " (%.1f s before)", -s);
	else if (s < 120)
		snprintf(buf, len, " after %.1f s", s);
	else if (s < 7200)
		snprintf(buf, len, " after %.0f min", s / 60);
	else
		snprintf(buf, len, " after %.1f h", s / 3600);
}

static void link_text(const struct store *st, uint32_t index, char *buf, size_t len)
{
	const struct event *ev = store_event(st, index);
	char clock[16], gap[48];
	size_t n = 0;
	buf[0] = '\0';
	if (ev->life == EVENT_NONE) {
		if (correlate_role(ev->event_id) == ROLE_OPEN && ev->outcome == OUTCOME_FAILURE)
			snprintf(buf, len, "access denied: no handle was opened");
		else if (correlate_role(ev->event_id) != ROLE_NONE)
			snprintf(buf, len, "not linked (no handle id)");
		return;
	}
	if (ev->open_ref == index) {
		n += (size_t)snprintf(buf + n, len - n, "opens the handle");
	} else if (ev->open_ref != EVENT_NONE) {
		const struct event *op = store_event(st, ev->open_ref);
		timefmt_clock(op->time, clock, sizeof clock);
		n += (size_t)snprintf(buf + n, len - n, "opened by #%" PRIu64 " %u %s", op->record, op->event_id, clock);
	} else {
		n += (size_t)snprintf(buf + n, len - n, "opener not in view");
	}
	if (n >= len)
		return;
	if (ev->close_ref == index) {
		const struct event *op = ev->open_ref != EVENT_NONE ? store_event(st, ev->open_ref) : NULL;
		format_gap(op ? op->time : 0, ev->time, gap, sizeof gap);
		snprintf(buf + n, len - n, ", closes it%s", gap);
	} else if (ev->close_ref != EVENT_NONE) {
		const struct event *cl = store_event(st, ev->close_ref);
		format_gap(ev->time, cl->time, gap, sizeof gap);
		snprintf(buf + n, len - n, ", closed by #%" PRIu64 " %u%s", cl->record, cl->event_id, gap);
	} else {
		snprintf(buf + n, len - n, ", close not audited");
	}
}

int tui_detail_lines(struct tui *t, uint32_t index, char lines[][512], int max)
{
	const struct store *st = t->st;
	const struct event *ev = store_event(st, index);
	struct lines ls = {lines, 0, max};
	char a[1024], b[1024], iso[64];
	timefmt_iso(ev->time, iso, sizeof iso);
	add(&ls, "#%" PRIu64 "  %u  %s  %s", ev->record, ev->event_id, iso[0] ? iso : "(no time)",
	    event_id_title(ev->event_id));
	if (ev->flags & EVENT_UNPARSED) {
		add(&ls, "Unparsed line %" PRIu64 " of %s:", ev->record, st->sources[ev->source]);
		add(&ls, "%s", store_str(st, ev, ES_RAW));
		return ls.n;
	}
	if (ev->flags & EVENT_NOT_DECODABLE) {
		add(&ls, "Not decodable: libevtx could not parse this record.");
		add(&ls, "Raw      %u bytes at offset %" PRIu64 " of %s (Tab, then j/k scroll)", ev->raw_size,
		    ev->raw_offset, st->sources[ev->source]);
		add_hexdump(&ls, st->sources[ev->source], ev->raw_offset, ev->raw_size);
		return ls.n;
	}
	snprintf(a, sizeof a, "%s%s%s", store_str(st, ev, ES_DOMAIN), ev->str[ES_DOMAIN] ? "\\" : "",
		 store_str(st, ev, ES_USER));
	b[0] = '\0';
	if (ev->flags & EVENT_HAS_LOGON)
		snprintf(b, sizeof b, "  logon 0x%" PRIx64, ev->logon_id);
	add(&ls, "Subject   %s  %s%s", a, store_str(st, ev, ES_SID), b);
	add_field(&ls, "On behalf", ev->str[ES_PRIMARY_USER] ? store_str(st, ev, ES_PRIMARY_USER) : NULL);
	int from_open = 0;
	const char *name = store_resolved_name(st, index, &from_open, b, sizeof b);
	if (ev->str[ES_OBJECT_TYPE] || *name)
		add(&ls, "Object    %s  %s%s", store_str(st, ev, ES_OBJECT_TYPE), name,
		    from_open ? "  (name from the open event)" : "");
	add_field(&ls, "Server", store_str(st, ev, ES_OBJECT_SERVER));
	if (ev->flags & EVENT_HAS_PROCESS)
		add(&ls, "Process   0x%x %s", ev->process_id, store_str(st, ev, ES_PROCESS_NAME));
	if (ev->str[ES_SHARE_NAME] || ev->str[ES_IP_ADDRESS])
		add(&ls, "Share     %s  %s  from %s", store_str(st, ev, ES_SHARE_NAME), store_str(st, ev, ES_SHARE_PATH),
		    ev->str[ES_IP_ADDRESS] ? store_str(st, ev, ES_IP_ADDRESS) : "-");
	if (ev->flags & EVENT_HAS_MASK) {
		struct access_right rights[32];
		const char *type = store_str(st, ev, ES_OBJECT_TYPE);
		size_t n = access_decode_mask(type, ev->access_mask, rights, 32);
		add(&ls, "Access    0x%08x  %zu right%s", ev->access_mask, n, n == 1 ? "" : "s");
		for (size_t i = 0; i < n && i < 32; i++) {
			int bit = 0;
			while (bit < 31 && !(rights[i].bit >> bit & 1))
				bit++;
			add(&ls, "  bit %-2d  0x%08x  %s", bit, rights[i].bit, rights[i].name);
		}
	} else if (ev->str[ES_ACCESS_LIST]) {
		add_field(&ls, "Accesses", store_str(st, ev, ES_ACCESS_LIST));
	}
	add_field(&ls, "Reason", store_str(st, ev, ES_ACCESS_REASON));
	add_field(&ls, "Privilege", store_str(st, ev, ES_PRIVILEGE_LIST));
	if (ev->flags & EVENT_HAS_TARGET)
		add(&ls, "Duplicate handle 0x%" PRIx64 " in process 0x%x", ev->target_handle_id, ev->target_process_id);
	add_field(&ls, "Old SD", store_str(st, ev, ES_OLD_SD));
	add_field(&ls, "New SD", store_str(st, ev, ES_NEW_SD));
	link_text(st, index, b, sizeof b);
	if (ev->flags & EVENT_HAS_HANDLE)
		add(&ls, "Handle    0x%" PRIx64 "  %s%s", ev->handle_id, b,
		    ev->life != EVENT_NONE ? "  [o] [c]" : "");
	add(&ls, "Computer  %s   source %s", store_str(st, ev, ES_COMPUTER), st->sources[ev->source]);
	return ls.n;
}

void tui_detail_draw(struct tui *t)
{
	static char lines[320][512];
	if (!t->lay.detail_rows)
		return;
	int y = t->lay.detail_top;
	attrset(tui_attr(t, COLOR_PAIR_HEAD, A_BOLD));
	mvhline(y, 0, t->focus == PANE_DETAIL ? '=' : '-', t->cols);
	attrset(A_NORMAL);
	if (!t->view->nrows)
		return;
	int n = tui_detail_lines(t, tui_selected(t), lines, 320);
	if (t->detail_scroll > n - 1)
		t->detail_scroll = n > 0 ? n - 1 : 0;
	for (int r = 0; r < t->lay.detail_rows - 1; r++) {
		int k = t->detail_scroll + r;
		move(y + 1 + r, 0);
		clrtoeol();
		if (k < n)
			tui_put(stdscr, y + 1 + r, 1, lines[k], t->cols - 1, ELIDE_END, 0);
	}
}
