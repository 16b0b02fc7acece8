/* tui_list.c - the event list: one line per event, columns shrunk and
 * elided to the terminal's width (never wrapped).
 *
 * Columns: marker, time, event id, what (short verb), outcome, user,
 * access summary, object (resolved; '^' when the name came from the
 * handle's open event) and, on wide terminals, the process.  Widths are
 * worked out once per frame from the terminal width. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "timefmt.h"
#include "tui_internal.h"
#include "tui_text.h"

struct columns {
	int time, id, what, outcome, user, access, object, process;
};

static struct columns list_columns(int cols)
{
	struct columns c = {8, 4, 6, 4, 0, 0, 0, 0};
	int fixed = 1 + c.time + 1 + c.id + 1 + c.what + 1 + c.outcome + 1;
	int rest = cols - fixed;
	if (rest < 24) {
		/* tiny terminal: time, id and object only */
		c.what = c.outcome = 0;
		fixed = 1 + c.time + 1 + c.id + 1;
		rest = cols - fixed;
		c.object = rest > 0 ? rest : 0;
		return c;
	}
	if (rest >= 110) {
		c.user = 22;
		c.access = 28;
		c.process = 20;
	} else if (rest >= 80) {
		c.user = 18;
		c.access = 24;
		c.process = 14;
	} else if (rest >= 45) {
		c.user = 13;
		c.access = 16;
	} else {
		c.user = 10;
		c.access = 0;
	}
	c.object = rest - c.user - 1 - (c.access ? c.access + 1 : 0) - (c.process ? c.process + 1 : 0);
	return c;
}

static void put_col(struct tui *t, int y, int *x, const char *s, int width, enum tui_elide how)
{
	if (width <= 0)
		return;
	tui_put(stdscr, y, *x, s, width, how, 1);
	*x += width;
	if (*x < t->cols)
		mvaddch(y, (*x)++, ' ');
}

static const char *basename_of(const char *path)
{
	const char *b = strrchr(path, '\\');
	return b && b[1] ? b + 1 : path;
}

static void draw_row(struct tui *t, int y, uint32_t index, const struct columns *c, int selected)
{
	const struct store *st = t->st;
	const struct event *ev = store_event(st, index);
	char buf[4096], tmp[4096];
	int x = 0;
	int match = t->search && filter_match(t->search, st, index);
	attr_t attr = selected ? A_REVERSE : A_NORMAL;
	if (!selected && match)
		attr |= tui_attr(t, COLOR_PAIR_MATCH, A_BOLD);
	if (ev->flags & (EVENT_NOT_DECODABLE | EVENT_UNPARSED))
		attr |= tui_attr(t, COLOR_PAIR_DIM, A_DIM);
	attrset(attr);
	mvaddch(y, x++, selected ? '>' : match ? '*' : ' ');

	timefmt_clock(ev->time, buf, sizeof buf);
	put_col(t, y, &x, buf[0] ? buf : "--:--:--", c->time, ELIDE_END);
	snprintf(buf, sizeof buf, "%u", ev->event_id);
	put_col(t, y, &x, ev->event_id ? buf : "?", c->id, ELIDE_END);
	put_col(t, y, &x, event_id_verb(ev->event_id), c->what, ELIDE_END);
	if (c->outcome) {
		const char *oc = ev->outcome == OUTCOME_FAILURE ? "FAIL" : ev->outcome == OUTCOME_SUCCESS ? "ok" : "";
		if (ev->outcome == OUTCOME_FAILURE && !selected)
			attron(tui_attr(t, COLOR_PAIR_FAIL, A_BOLD));
		put_col(t, y, &x, oc, c->outcome, ELIDE_END);
		attrset(attr);
	}
	if (ev->flags & (EVENT_NOT_DECODABLE | EVENT_UNPARSED)) {
		if (ev->flags & EVENT_UNPARSED)
			snprintf(tmp, sizeof tmp, "(unparsed) %s", store_str(st, ev, ES_RAW));
		else
			snprintf(tmp, sizeof tmp, "(not decodable: %u bytes at offset %" PRIu64 ")", ev->raw_size,
				 ev->raw_offset);
		tui_put(stdscr, y, x, tmp, t->cols - x, ELIDE_END, 1);
		attrset(A_NORMAL);
		return;
	}
	if (c->user) {
		if (ev->str[ES_DOMAIN])
			snprintf(buf, sizeof buf, "%s\\%s", store_str(st, ev, ES_DOMAIN), store_str(st, ev, ES_USER));
		else
			snprintf(buf, sizeof buf, "%s", store_str(st, ev, ES_USER));
		put_col(t, y, &x, buf, c->user, ELIDE_END);
	}
	if (c->access) {
		buf[0] = '\0';
		if (ev->flags & EVENT_HAS_MASK)
			access_mask_summary(store_str(st, ev, ES_OBJECT_TYPE), ev->access_mask, buf, sizeof buf);
		put_col(t, y, &x, buf, c->access, ELIDE_END);
	}
	int from_open = 0;
	const char *name = store_resolved_name(st, index, &from_open, tmp, sizeof tmp);
	if (c->object > 0) {
		if (from_open) {
			if (!selected)
				attron(tui_attr(t, COLOR_PAIR_LINK, A_NORMAL));
			mvaddch(y, x, '^');
			attrset(attr);
		} else {
			mvaddch(y, x, ' ');
		}
		tui_put(stdscr, y, x + 1, name, c->object - 1, ELIDE_MIDDLE, 1);
		x += c->object;
		if (c->process && x < t->cols)
			mvaddch(y, x++, ' ');
	}
	if (c->process)
		put_col(t, y, &x, basename_of(store_str(st, ev, ES_PROCESS_NAME)), c->process, ELIDE_END);
	if (selected && x < t->cols)
		tui_put(stdscr, y, x, "", t->cols - x, ELIDE_END, 1);
	attrset(A_NORMAL);
}

void tui_list_draw(struct tui *t)
{
	struct columns c = list_columns(t->cols);
	int y = t->lay.list_top;
	int x = 0;
	attrset(tui_attr(t, COLOR_PAIR_HEAD, A_BOLD));
	mvaddch(y, x++, ' ');
	put_col(t, y, &x, "TIME", c.time, ELIDE_END);
	put_col(t, y, &x, "ID", c.id, ELIDE_END);
	put_col(t, y, &x, "WHAT", c.what, ELIDE_END);
	put_col(t, y, &x, "OUT", c.outcome, ELIDE_END);
	put_col(t, y, &x, "USER", c.user, ELIDE_END);
	put_col(t, y, &x, "ACCESS", c.access, ELIDE_END);
	if (c.object > 0) {
		tui_put(stdscr, y, x, " OBJECT", c.object, ELIDE_END, 1);
		x += c.object;
		if (c.process && x < t->cols)
			mvaddch(y, x++, ' ');
	}
	put_col(t, y, &x, "PROCESS", c.process, ELIDE_END);
	if (x < t->cols)
		tui_put(stdscr, y, x, "", t->cols - x, ELIDE_END, 1);
	attrset(A_NORMAL);

	for (int r = 0; r < t->lay.list_rows - 1; r++) {
		long row = t->top + r;
		int sy = t->lay.list_top + 1 + r;
		move(sy, 0);
		clrtoeol();
		if (row < 0 || (size_t)row >= t->view->nrows)
			continue;
		draw_row(t, sy, t->view->rows[row], &c, row == t->sel && t->focus == PANE_LIST);
		if (row == t->sel && t->focus != PANE_LIST)
			mvaddch(sy, 0, '>');
	}
	if (!t->view->nrows) {
		const char *msg = t->view->nfilters ? "No event matches the filters (x drops the last, X clears all)."
						    : "No object-access events in this log.";
		tui_put(stdscr, t->lay.list_top + 2, 2, msg, t->cols - 3, ELIDE_END, 0);
	}
}
