/* tui.c - the viewer's main loop: terminal setup, layout, keys, jumps,
 * filters, search and following (see tui_internal.h for the state).
 *
 * The input wait depends on the state, as in tig: while following, a short
 * tick so new events appear promptly; otherwise a slower tick that only
 * serves to notice signals.  In script mode (tests) keys come from a file
 * and the screen is a curses screen on /dev/null. */
#include <ctype.h>
#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "print.h"
#include "tui_internal.h"
#include "tui_text.h"

#define FOLLOW_TICK_MS 100
#define LOAD_TICK_MS 50
#define IDLE_TICK_MS 500

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

int tui_attr(const struct tui *t, enum tui_color pair, int fallback)
{
	if (!t->color)
		return fallback;
	if (pair == COLOR_PAIR_BAR || pair == COLOR_PAIR_HEAD)
		return (int)COLOR_PAIR(pair) | A_BOLD;
	return (int)COLOR_PAIR(pair);
}

uint32_t tui_selected(const struct tui *t)
{
	if (!t->view->nrows)
		return EVENT_NONE;
	return t->view->rows[t->sel];
}

static void tui_layout(struct tui *t)
{
	getmaxyx(stdscr, t->rows, t->cols);
	struct tui_layout *l = &t->lay;
	memset(l, 0, sizeof *l);
	l->prompt_row = t->rows - 1;
	l->list_top = 1;
	int avail = t->rows - 2;
	if (avail < 1)
		avail = 1;
	l->list_rows = avail;
	if (t->mode == MODE_OBJECTS) {
		if (t->rows >= 12) {
			int list = avail * 3 / 5;
			l->list_rows = list;
			l->detail_top = l->list_top + list;
			l->detail_rows = avail - list;
		}
		t->focus = PANE_LIST;
		return;
	}
	if (t->show_detail && t->rows >= 10 && t->view->nrows) {
		int list = avail * 2 / 5;
		if (list < 4)
			list = 4;
		int bottom = avail - list;
		uint32_t cur = tui_selected(t);
		const struct event *ev = store_event(t->st, cur);
		int handle = 0;
		if (ev->life != EVENT_NONE && bottom >= 8) {
			int want = (int)t->st->lives[ev->life].count + 1;
			int cap = bottom / 3 > 3 ? bottom / 3 : 3;
			handle = want < cap ? want : cap;
		}
		l->list_rows = list;
		l->detail_top = l->list_top + list;
		l->detail_rows = bottom - handle;
		l->handle_top = l->detail_top + l->detail_rows;
		l->handle_rows = handle;
	}
	if (t->focus == PANE_HANDLE && !l->handle_rows)
		t->focus = l->detail_rows ? PANE_DETAIL : PANE_LIST;
	if (t->focus == PANE_DETAIL && !l->detail_rows)
		t->focus = PANE_LIST;
}

/* Keep sel inside the view and visible. */
static void tui_clamp(struct tui *t)
{
	long n = (long)t->view->nrows;
	if (t->sel >= n)
		t->sel = n - 1;
	if (t->sel < 0)
		t->sel = 0;
	long page = t->lay.list_rows - 1;
	if (page < 1)
		page = 1;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + page)
		t->top = t->sel - page + 1;
	if (t->top > n - page)
		t->top = n - page;
	if (t->top < 0)
		t->top = 0;
	t->at_end = n == 0 || t->sel == n - 1;
	if (t->at_end)
		t->new_events = 0;
}

void tui_draw(struct tui *t)
{
	tui_layout(t);
	tui_clamp(t);
	tui_layout(t); /* the handle pane depends on the selection */
	erase();
	if (t->help) {
		tui_page_draw(t);
		refresh();
		return;
	}
	tui_status_draw(t);
	if (t->mode == MODE_OBJECTS) {
		tui_objects_draw(t);
		tui_objects_detail_draw(t);
	} else {
		tui_list_draw(t);
		tui_detail_draw(t);
		tui_handle_draw(t);
	}
	move(t->lay.prompt_row, 0);
	clrtoeol();
	if (t->prompt_label) {
		tui_prompt_draw(t);
	} else if (t->message[0]) {
		tui_put(stdscr, t->lay.prompt_row, 0, t->message, t->cols, ELIDE_END, 0);
	} else if (t->search) {
		char buf[300];
		snprintf(buf, sizeof buf, "search %s%s  (n/N)", t->search_back ? "?" : "/", t->search_text);
		tui_put(stdscr, t->lay.prompt_row, 0, buf, t->cols, ELIDE_END, 0);
	}
	refresh();
}

int tui_getch(struct tui *t, wint_t *ch)
{
	if (t->script)
		return tui_script_getch(t, ch);
	timeout(t->loading ? LOAD_TICK_MS : t->following ? FOLLOW_TICK_MS : IDLE_TICK_MS);
	/* the loader appends while we wait */
	if (t->args->unlock)
		t->args->unlock(t->args->load_ctx);
	int kind = get_wch(ch);
	if (t->args->lock)
		t->args->lock(t->args->load_ctx);
	if (got_signal)
		t->quit = 1;
	return kind;
}

/* ---- moving and jumping --------------------------------------------- */

static void select_row(struct tui *t, long row)
{
	t->sel = row;
	t->handle_sel = -1;
	t->detail_scroll = 0;
	tui_clamp(t);
}

static void jump_to(struct tui *t, uint32_t index, const char *what)
{
	long row = view_row_of(t->view, index);
	if (row < 0) {
		snprintf(t->message, sizeof t->message, "#%" PRIu64 " (%s) is hidden by the filters; X clears them",
			 store_event(t->st, index)->record, what);
		return;
	}
	uint32_t cur = tui_selected(t);
	if (cur == index)
		return;
	/* like vim: a new jump drops the forward history */
	if (t->jump_pos < TUI_JUMPS) {
		t->njumps = t->jump_pos;
	} else {
		memmove(t->jumps, t->jumps + 1, (TUI_JUMPS - 1) * sizeof t->jumps[0]);
		t->njumps = t->jump_pos = TUI_JUMPS - 1;
	}
	t->jumps[t->njumps++] = cur;
	t->jump_pos = t->njumps;
	select_row(t, row);
}

static void jump_history(struct tui *t, int back)
{
	if (back) {
		if (t->jump_pos == 0) {
			snprintf(t->message, sizeof t->message, "no earlier position in the jump list");
			return;
		}
		if (t->jump_pos == t->njumps && t->njumps < TUI_JUMPS)
			t->jumps[t->njumps++] = tui_selected(t);
		t->jump_pos--;
	} else {
		if (t->jump_pos + 1 >= t->njumps) {
			snprintf(t->message, sizeof t->message, "no later position in the jump list");
			return;
		}
		t->jump_pos++;
	}
	long row = view_row_of(t->view, t->jumps[t->jump_pos]);
	if (row >= 0)
		select_row(t, row);
	else
		snprintf(t->message, sizeof t->message, "that event is hidden by the filters");
}

static void jump_link(struct tui *t, int to_close)
{
	uint32_t cur = tui_selected(t);
	if (cur == EVENT_NONE)
		return;
	const struct event *ev = store_event(t->st, cur);
	uint32_t target = to_close ? ev->close_ref : ev->open_ref;
	if (ev->life == EVENT_NONE) {
		snprintf(t->message, sizeof t->message, "this event belongs to no handle lifetime");
	} else if (target == EVENT_NONE) {
		snprintf(t->message, sizeof t->message, "%s", to_close ? "close not audited (no 4658/562 for this handle in view)"
								       : "opener not in view (its 4656/560 is not in this log)");
	} else if (target == cur) {
		snprintf(t->message, sizeof t->message, "this event %s the handle", to_close ? "closes" : "opens");
	} else {
		jump_to(t, target, to_close ? "the close" : "the open");
	}
}

/* ---- filters and search ---------------------------------------------- */

static void live_count(struct tui *t, const char *text, char *hint, size_t len, int negate)
{
	char err[256];
	if (!text[0])
		return;
	struct filter *f = filter_compile(text, err, sizeof err);
	if (!f) {
		snprintf(hint, len, "(%s)", err);
		return;
	}
	size_t n = view_count_with(t->view, f, negate, 0);
	snprintf(hint, len, "(%zu match%s)", n, n == 1 ? "" : "es");
	filter_free(f);
}

static void live_in(struct tui *t, const char *text, char *hint, size_t len)
{
	live_count(t, text, hint, len, 0);
}

static void live_out(struct tui *t, const char *text, char *hint, size_t len)
{
	live_count(t, text, hint, len, 1);
}

static void add_filter(struct tui *t, const char *text, int negate)
{
	char err[256];
	struct filter *f = filter_compile(text, err, sizeof err);
	if (!f) {
		snprintf(t->message, sizeof t->message, "%s", err);
		return;
	}
	uint32_t keep = tui_selected(t);
	if (view_push_filter(t->view, f, negate) < 0) {
		snprintf(t->message, sizeof t->message, "too many filters");
		return;
	}
	if (filter_limit_hit(f))
		snprintf(t->message, sizeof t->message, "the regex hit its match limit on some events; they count as not matching");
	long row = keep == EVENT_NONE ? -1 : view_row_of(t->view, keep);
	select_row(t, row >= 0 ? row : (long)t->view->nrows - 1);
}

static void prompt_filter(struct tui *t, int negate)
{
	char buf[512] = "";
	if (tui_prompt(t, negate ? "filter out: " : "filter in: ", buf, sizeof buf, negate ? live_out : live_in) && buf[0])
		add_filter(t, buf, negate);
}

/* A regex that matches s literally: every non-alphanumeric character gets
 * a backslash, which both the filter grammar and pcre2 read as literal. */
static void regex_quote(const char *s, char *out, size_t len)
{
	size_t o = 0;
	for (; *s && o + 3 < len; s++) {
		if (!isalnum((unsigned char)*s) && !((unsigned char)*s & 0x80))
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
}

static void quick_filter(struct tui *t, int key)
{
	uint32_t cur = tui_selected(t);
	if (cur == EVENT_NONE)
		return;
	const struct event *ev = store_event(t->st, cur);
	char value[2048], quoted[4200], expr[4300], tmp[2048];
	value[0] = '\0';
	const char *field = "";
	switch (key) {
	case 'u':
		field = "user";
		if (ev->str[ES_DOMAIN])
			snprintf(value, sizeof value, "%s\\%s", store_str(t->st, ev, ES_DOMAIN), store_str(t->st, ev, ES_USER));
		else
			snprintf(value, sizeof value, "%s", store_str(t->st, ev, ES_USER));
		break;
	case 'b':
		field = "object";
		snprintf(value, sizeof value, "%s", store_resolved_name(t->st, cur, NULL, tmp, sizeof tmp));
		break;
	case 'p':
		field = "process";
		snprintf(value, sizeof value, "%s", store_str(t->st, ev, ES_PROCESS_NAME));
		break;
	case 'i':
		snprintf(expr, sizeof expr, "id:%u", ev->event_id);
		add_filter(t, expr, 0);
		return;
	}
	if (!value[0]) {
		snprintf(t->message, sizeof t->message, "this event has no %s", field);
		return;
	}
	regex_quote(value, quoted, sizeof quoted);
	snprintf(expr, sizeof expr, "%s:^%s$", field, quoted);
	add_filter(t, expr, 0);
}

static void search_next(struct tui *t, int reverse)
{
	if (!t->search) {
		snprintf(t->message, sizeof t->message, "no search yet: / searches forward, ? backward");
		return;
	}
	int back = t->search_back ^ reverse;
	long row = view_search(t->view, t->search, t->sel + (back ? -1 : 1), back);
	if (row < 0)
		snprintf(t->message, sizeof t->message, "no match for %s", t->search_text);
	else
		select_row(t, row);
}

static void prompt_search(struct tui *t, int back)
{
	char buf[256] = "";
	if (!tui_prompt(t, back ? "?" : "/", buf, sizeof buf, live_in) || !buf[0])
		return;
	char err[256];
	struct filter *f = filter_compile(buf, err, sizeof err);
	if (!f) {
		snprintf(t->message, sizeof t->message, "%s", err);
		return;
	}
	filter_free(t->search);
	t->search = f;
	t->search_back = back;
	snprintf(t->search_text, sizeof t->search_text, "%s", buf);
	search_next(t, 0);
}

/* ---- export ------------------------------------------------------------ */

static void prompt_export(struct tui *t)
{
	int objects = t->mode == MODE_OBJECTS;
	char path[1024];
	snprintf(path, sizeof path, "%s", objects ? "oaview-objects.csv" : "oaview-events.csv");
	if (!tui_prompt(t, objects ? "write the objects to (.csv or .jsonl): " : "write the view to (.csv or .jsonl): ",
			path, sizeof path, NULL) || !path[0])
		return;
	size_t len = strlen(path);
	enum print_format fmt = (len > 6 && strcmp(path + len - 6, ".jsonl") == 0) ||
					(len > 5 && strcmp(path + len - 5, ".json") == 0)
				? PRINT_JSONL : PRINT_CSV;
	char err[1024];
	int rc = objects ? export_objects(path, fmt, t->st, &t->objects, err, sizeof err)
			 : export_view(path, fmt, t->st, t->view->rows, t->view->nrows, err, sizeof err);
	if (rc < 0)
		snprintf(t->message, sizeof t->message, "%.500s", err);
	else
		snprintf(t->message, sizeof t->message, "wrote %zu %s to %.400s", objects ? t->objects.norder : t->view->nrows,
			 objects ? "objects" : "events", path);
}

/* ---- following --------------------------------------------------------- */

static void follow_tick(struct tui *t)
{
	if (!t->args->poll_follow)
		return;
	int was_end = t->at_end;
	int added = t->args->poll_follow(t->args->poll_ctx, 0);
	if (added <= 0)
		return;
	size_t rows = view_sync(t->view);
	if (was_end) {
		select_row(t, (long)t->view->nrows - 1);
	} else {
		t->new_events += rows;
	}
}

/* New events from the loader: merge them in; stay on the newest event
 * unless the user has moved. */
static void load_tick(struct tui *t)
{
	int was_end = t->at_end;
	uint32_t keep = tui_selected(t);
	view_sync(t->view);
	if (was_end) {
		select_row(t, (long)t->view->nrows - 1);
	} else if (keep != EVENT_NONE) {
		long row = view_row_of(t->view, keep);
		if (row >= 0)
			t->sel = row;
		tui_clamp(t);
	}
	if (t->args->loading && !t->args->loading(t->args->load_ctx)) {
		t->loading = 0;
		view_sync(t->view);
		snprintf(t->message, sizeof t->message, "loaded %zu events; handle links are final", t->st->count);
	}
}

/* ---- keys -------------------------------------------------------------- */

static void handle_pane_key(struct tui *t, int kind, wint_t ch)
{
	static uint32_t chain[4096];
	uint32_t cur = tui_selected(t);
	size_t n = tui_handle_chain(t, cur, chain, 4096);
	if (!n)
		return;
	if (t->handle_sel < 0)
		for (size_t i = 0; i < n; i++)
			if (chain[i] == cur)
				t->handle_sel = (long)i;
	if ((kind == KEY_CODE_YES && ch == KEY_DOWN) || (kind == OK && ch == 'j'))
		t->handle_sel = t->handle_sel + 1 < (long)n ? t->handle_sel + 1 : (long)n - 1;
	else if ((kind == KEY_CODE_YES && ch == KEY_UP) || (kind == OK && ch == 'k'))
		t->handle_sel = t->handle_sel > 0 ? t->handle_sel - 1 : 0;
	else if (kind == OK && (ch == '\n' || ch == '\r')) {
		long keep = t->handle_sel;
		jump_to(t, chain[keep], "that event");
		t->focus = PANE_HANDLE;
		/* stay on the same lifetime line after the jump */
		t->handle_sel = keep;
	}
}

static void tui_key(struct tui *t, int kind, wint_t ch)
{
	long page = t->lay.list_rows > 2 ? t->lay.list_rows - 2 : 1;
	t->message[0] = '\0';
	if (t->help) {
		tui_page_key(t, kind, ch);
		return;
	}
	if (t->mode == MODE_OBJECTS && tui_objects_key(t, kind, ch))
		return;
	if (t->mode == MODE_OBJECTS && kind == OK && ch != 'C' && ch != 'w' && ch != 'h' && ch != '!') {
		snprintf(t->message, sizeof t->message, "Objects view: Enter shows an object's events, O goes back");
		return;
	}
	if (kind == KEY_CODE_YES) {
		switch (ch) {
		case KEY_RESIZE:
			return;
		case KEY_DOWN:
		case KEY_UP:
			if (t->focus == PANE_HANDLE) {
				handle_pane_key(t, kind, ch);
			} else if (t->focus == PANE_DETAIL) {
				t->detail_scroll += ch == KEY_DOWN ? 1 : (t->detail_scroll > 0 ? -1 : 0);
			} else {
				select_row(t, t->sel + (ch == KEY_DOWN ? 1 : -1));
			}
			return;
		case KEY_NPAGE:
			select_row(t, t->sel + page);
			return;
		case KEY_PPAGE:
			select_row(t, t->sel - page);
			return;
		case KEY_HOME:
			select_row(t, 0);
			return;
		case KEY_END:
			select_row(t, (long)t->view->nrows - 1);
			return;
		case KEY_BACKSPACE:
			jump_history(t, 1);
			return;
		case KEY_ENTER:
			ch = '\n';
			break;
		default:
			if (ch == KEY_F(1))
				tui_help_page(t);
			return;
		}
	}
	if (t->focus == PANE_HANDLE && (ch == 'j' || ch == 'k' || ch == '\n' || ch == '\r')) {
		handle_pane_key(t, OK, ch);
		return;
	}
	if (t->focus == PANE_DETAIL && (ch == 'j' || ch == 'k')) {
		t->detail_scroll += ch == 'j' ? 1 : (t->detail_scroll > 0 ? -1 : 0);
		return;
	}
	switch (ch) {
	case 'q':
		t->quit = 1;
		break;
	case 'j':
		select_row(t, t->sel + 1);
		break;
	case 'k':
		select_row(t, t->sel - 1);
		break;
	case ' ':
		select_row(t, t->sel + page);
		break;
	case 'g':
		select_row(t, 0);
		break;
	case 'G':
		select_row(t, (long)t->view->nrows - 1);
		break;
	case '\n':
	case '\r':
		t->show_detail = !t->show_detail;
		if (!t->show_detail)
			t->focus = PANE_LIST;
		break;
	case '\t':
		tui_layout(t);
		if (t->focus == PANE_LIST && t->lay.detail_rows)
			t->focus = PANE_DETAIL;
		else if (t->focus == PANE_DETAIL && t->lay.handle_rows)
			t->focus = PANE_HANDLE;
		else
			t->focus = PANE_LIST;
		t->handle_sel = -1;
		break;
	case 'H':
		t->show_detail = 1;
		tui_layout(t);
		if (t->lay.handle_rows) {
			t->focus = PANE_HANDLE;
			t->handle_sel = -1;
		} else {
			snprintf(t->message, sizeof t->message, "this event belongs to no handle lifetime");
		}
		break;
	case 'o':
		jump_link(t, 0);
		break;
	case 'c':
		jump_link(t, 1);
		break;
	case 15: /* Ctrl-O */
	case 127:
	case 8:
	case '[':
		jump_history(t, 1);
		break;
	case ']':
		jump_history(t, 0);
		break;
	case '/':
		prompt_search(t, 0);
		break;
	case '?':
		prompt_search(t, 1);
		break;
	case 'n':
		search_next(t, 0);
		break;
	case 'N':
		search_next(t, 1);
		break;
	case 'f':
		prompt_filter(t, 0);
		break;
	case 'F':
		prompt_filter(t, 1);
		break;
	case 'x':
	case 'X': {
		uint32_t keep = tui_selected(t);
		if (!t->view->nfilters && !t->view->subset) {
			snprintf(t->message, sizeof t->message, "no filters to drop");
			break;
		}
		if (ch == 'X' || !t->view->nfilters)
			view_set_subset(t->view, NULL, 0, NULL);
		if (ch == 'x' && t->view->nfilters)
			view_pop_filter(t->view);
		else if (ch == 'X')
			view_clear_filters(t->view);
		long row = keep == EVENT_NONE ? -1 : view_row_of(t->view, keep);
		select_row(t, row >= 0 ? row : 0);
		break;
	}
	case 'u':
	case 'b':
	case 'p':
	case 'i':
		quick_filter(t, (int)ch);
		break;
	case 'h':
		tui_help_page(t);
		break;
	case 'e':
		tui_explain_page(t);
		break;
	case 'C':
		tui_coverage_page(t);
		break;
	case 'O':
		tui_objects_update(t);
		t->mode = MODE_OBJECTS;
		t->obj_sel = 0;
		t->obj_top = 0;
		break;
	case 'w':
		prompt_export(t);
		break;
	case '!':
		tui_problems_page(t);
		break;
	default:
		break;
	}
}

/* ---- timing (OAVIEW_TIMING=FILE: per key, handling plus redraw) -------- */

#define TIMING_MAX 100000
static double *timing;
static size_t ntiming;

static double monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void timing_report(const struct tui *t)
{
	const char *path = getenv("OAVIEW_TIMING");
	if (!path || !timing || !ntiming)
		return;
	FILE *f = fopen(path, "w");
	if (f) {
		qsort(timing, ntiming, sizeof *timing, cmp_double);
		fprintf(f, "keys %zu events %zu rows %zu: key+redraw median %.2f ms, p99 %.2f ms, max %.2f ms\n",
			ntiming, t->st->count, t->view->nrows, timing[ntiming / 2],
			timing[(size_t)((double)ntiming * 0.99)], timing[ntiming - 1]);
		fclose(f);
	}
	free(timing);
	timing = NULL;
}

/* ---- setup ------------------------------------------------------------- */

static SCREEN *screen;
static FILE *null_out, *null_in;

static int tui_start(struct tui *t)
{
	if (t->script) {
		/* a real curses screen that writes nowhere: tests read it back
		 * with :save */
		null_out = fopen("/dev/null", "w");
		null_in = fopen("/dev/null", "r");
		if (!null_out || !null_in)
			return -1;
		screen = newterm("xterm", null_out, null_in);
		if (!screen)
			return -1;
		set_term(screen);
		resizeterm(24, 80);
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fputs("oaview: the viewer needs a terminal; use --print for pipes and files\n", stderr);
			return -1;
		}
		if (!initscr())
			return -1;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(50);
	if (t->color && has_colors() && !getenv("NO_COLOR")) {
		start_color();
		use_default_colors();
		init_pair(COLOR_PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
		init_pair(COLOR_PAIR_FAIL, COLOR_RED, -1);
		init_pair(COLOR_PAIR_MATCH, COLOR_YELLOW, -1);
		init_pair(COLOR_PAIR_LINK, COLOR_CYAN, -1);
		init_pair(COLOR_PAIR_DIM, COLOR_MAGENTA, -1);
		init_pair(COLOR_PAIR_HEAD, COLOR_CYAN, -1);
	} else {
		t->color = 0;
	}
	return 0;
}

static void tui_stop(void)
{
	endwin();
	if (screen) {
		delscreen(screen);
		screen = NULL;
	}
	if (null_out)
		fclose(null_out);
	if (null_in)
		fclose(null_in);
	null_out = null_in = NULL;
}

int tui_run(const struct tui_args *args)
{
	struct tui t;
	memset(&t, 0, sizeof t);
	t.args = args;
	t.st = args->st;
	t.view = args->view;
	t.color = args->color;
	t.following = args->poll_follow != NULL;
	t.handle_sel = -1;
	t.script = args->script_path != NULL;
	if (t.script && tui_script_open(args->script_path) < 0) {
		fprintf(stderr, "oaview: cannot open script %s\n", args->script_path);
		return 2;
	}
	setlocale(LC_ALL, "");
	tui_text_init();
	if (tui_start(&t) < 0) {
		tui_script_close();
		return 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (args->lock)
		args->lock(args->load_ctx);
	t.loading = args->loading && args->loading(args->load_ctx);
	/* A script (screen test) waits for the whole input, so its screens do
	 * not depend on timing. */
	while (t.script && t.loading) {
		if (args->unlock)
			args->unlock(args->load_ctx);
		napms(10);
		if (args->lock)
			args->lock(args->load_ctx);
		t.loading = args->loading(args->load_ctx);
	}
	if (getenv("OAVIEW_TIMING"))
		timing = malloc(TIMING_MAX * sizeof *timing);
	view_sync(t.view);
	/* start on the newest event, as following does */
	select_row(&t, (long)t.view->nrows - 1);
	while (!t.quit) {
		tui_draw(&t);
		wint_t ch;
		int kind = tui_getch(&t, &ch);
		if (t.quit)
			break;
		if (t.loading)
			load_tick(&t);
		if (kind == ERR) {
			if (t.following && !t.loading)
				follow_tick(&t);
			continue;
		}
		if (timing && ntiming < TIMING_MAX) {
			double t0 = monotonic_ms();
			tui_key(&t, kind, ch);
			tui_draw(&t);
			timing[ntiming++] = monotonic_ms() - t0;
		} else {
			tui_key(&t, kind, ch);
		}
	}
	timing_report(&t);
	if (args->unlock)
		args->unlock(args->load_ctx);
	tui_stop();
	tui_script_close();
	filter_free(t.search);
	tui_page_clear(&t.page);
	if (t.objects_built)
		objects_free(&t.objects);
	return got_signal ? 128 + got_signal : 0;
}
