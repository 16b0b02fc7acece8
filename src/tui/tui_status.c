/* tui_status.c - the status bar (sources, following, counts, filters) and
 * the help screen listing every key. */
#include <stdio.h>
#include <string.h>

#include "tui_internal.h"
#include "tui_text.h"

static void thousands(size_t n, char *buf, size_t len)
{
	char raw[32];
	snprintf(raw, sizeof raw, "%zu", n);
	size_t l = strlen(raw), o = 0;
	for (size_t i = 0; i < l && o + 2 < len; i++) {
		if (i && (l - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	buf[o] = '\0';
}

static const char *base(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

void tui_status_draw(struct tui *t)
{
	const struct store *st = t->st;
	char src[256], shown[32], total[32], filters[512], right[1024], extra[128] = "";
	if (st->nsources == 1)
		snprintf(src, sizeof src, "%s", base(st->sources[0]));
	else
		snprintf(src, sizeof src, "%zu files", st->nsources);
	thousands(t->view->nrows, shown, sizeof shown);
	thousands(st->count, total, sizeof total);
	view_filters_text(t->view, filters, sizeof filters);
	if (t->following && t->args->source_status) {
		for (size_t i = 0; i < st->nsources; i++) {
			const char *s = t->args->source_status(t->args->poll_ctx, (uint16_t)i);
			if (s && strcmp(s, "following") != 0) {
				snprintf(extra, sizeof extra, "  %s: %s", base(st->sources[i]), s);
				break;
			}
		}
	}
	const char *mode = "";
	char newbuf[64] = "";
	if (t->loading) {
		mode = "LOADING  ";
	} else if (t->following) {
		mode = t->at_end ? "FOLLOW  " : "PAUSED  ";
		if (t->new_events)
			snprintf(newbuf, sizeof newbuf, "+%zu new (G)  ", t->new_events);
	}
	if (!extra[0] && t->args->last_problem) {
		size_t n = 0;
		const char *p = t->args->last_problem(t->args->load_ctx, &n);
		if (p && n)
			snprintf(extra, sizeof extra, "  %zu warning%s (!)", n, n == 1 ? "" : "s");
	}
	/* counts and filters matter more than the file name: the name gets
	 * what is left */
	snprintf(right, sizeof right, "%s%s%s/%s%s%s%s", mode, newbuf, shown, total,
		 filters[0] ? "  filter " : "", filters, extra);
	const char *hint = " h help ";
	int hw = (int)strlen(hint);
	attrset(tui_attr(t, COLOR_PAIR_BAR, A_REVERSE));
	int x = tui_put(stdscr, 0, 0, " oaview  ", t->cols, ELIDE_END, 0);
	int room = t->cols - x - hw;
	int rw = tui_width(right);
	int srcw = tui_width(src);
	if (room >= 12) {
		int for_src = room - rw - 2;
		if (for_src > srcw)
			for_src = srcw;
		if (for_src < 8)
			for_src = srcw < 8 ? srcw : 8;
		x += tui_put(stdscr, 0, x, src, for_src, ELIDE_MIDDLE, 0);
		x += tui_put(stdscr, 0, x, "  ", 2, ELIDE_END, 0);
		int left = t->cols - x - hw;
		if (left > 0)
			x += tui_put(stdscr, 0, x, right, left, ELIDE_END, 1);
		tui_put(stdscr, 0, x, hint, t->cols - x, ELIDE_END, 1);
	} else {
		tui_put(stdscr, 0, x, right, t->cols - x, ELIDE_END, 1);
	}
	attrset(A_NORMAL);
}

static const char *const HELP[] = {
	"oaview keys                              (j/k scroll, any other key closes)",
	"",
	"Moving     j/k, Down/Up      next/previous event",
	"           PgDn/PgUp, Space  a page down/up",
	"           g/Home, G/End     first/last event; G also resumes following",
	"Jumps      o                 to the event that opened this handle",
	"           c                 to the event that closed it",
	"           H                 list this handle's events (Enter jumps)",
	"           Ctrl-O, BS, [     back in the jump list",
	"           ]                 forward in the jump list",
	"Panes      Enter             show/hide the detail and handle panes",
	"           Tab               move between list, detail and handle pane",
	"Search     /  ?              search forward/backward (filter syntax)",
	"           n  N              next/previous match",
	"Filters    f  F              add a filter in / out (live match count)",
	"           x  X              drop the last filter / all filters",
	"           u  b  p  i        only this user / object / process / event id",
	"Views      O                 objects: what happened to each object (Enter",
	"                             shows its events; O or x goes back)",
	"           e                 explain the selected event: what it means,",
	"                             each field, what it cannot tell",
	"           C                 audit coverage: what auditing was on, gaps,",
	"                             and the auditpol/SACL steps to close them",
	"           w                 write the view (or the objects) to a CSV or",
	"                             JSONL file",
	"Other      !                 the warnings met while reading the files",
	"           h, F1             this help",
	"           q                 quit",
	"",
	"Filter terms: user: name: object: process: type: computer: ip: share:",
	"  id:4656,4663  outcome:failure  access:write  handle:0x1a4  !negates",
};

void tui_help_page(struct tui *t)
{
	tui_page_clear(&t->page);
	snprintf(t->page.title, sizeof t->page.title, "help");
	for (size_t i = 0; i < sizeof HELP / sizeof HELP[0]; i++)
		tui_page_add(&t->page, 0, HELP[i]);
	t->help = 1;
}
