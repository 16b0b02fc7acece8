/* tui_objects.c - the Objects view: one row per object, what happened to
 * it (verdicts derived from the correlated events, doc/verdicts.md), who,
 * when, and failed attempts apart; Enter shows the object's events in the
 * event list.  The object index is built the first time the view opens
 * and kept up to date with the events that arrive afterwards. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "timefmt.h"
#include "tui_internal.h"
#include "tui_text.h"

void tui_objects_update(struct tui *t)
{
	if (!t->objects_built) {
		objects_init(&t->objects);
		if (objects_build(&t->objects, t->st) < 0)
			snprintf(t->message, sizeof t->message, "out of memory: the object list is incomplete");
		t->objects_built = 1;
		t->objects_seen = t->st->count;
	}
	/* events that arrived since (following); correlated on arrival */
	for (; t->objects_seen < t->st->count; t->objects_seen++)
		objects_add(&t->objects, t->st, (uint32_t)t->objects_seen);
	objects_sort(&t->objects, t->st, OBJECTS_BY_LAST_TIME);
}

const struct object *tui_objects_selected(const struct tui *t)
{
	if (!t->objects.norder || t->obj_sel < 0 || (size_t)t->obj_sel >= t->objects.norder)
		return NULL;
	return &t->objects.objects[t->objects.order[t->obj_sel]];
}

static void user_summary(const struct tui *t, const struct object *o, char *buf, size_t len)
{
	char one[512];
	buf[0] = '\0';
	if (!o->users.count) {
		snprintf(buf, len, "-");
		return;
	}
	objects_user_text(t->st, &o->users.items[0], one, sizeof one);
	if (o->users.count + o->users.more > 1)
		snprintf(buf, len, "%.400s +%u", one, (unsigned)(o->users.count + o->users.more - 1));
	else
		snprintf(buf, len, "%s", one);
}

void tui_objects_draw(struct tui *t)
{
	long n = (long)t->objects.norder;
	long page = t->lay.list_rows - 1;
	if (t->obj_sel >= n)
		t->obj_sel = n - 1;
	if (t->obj_sel < 0)
		t->obj_sel = 0;
	if (t->obj_sel < t->obj_top)
		t->obj_top = t->obj_sel;
	if (page > 0 && t->obj_sel >= t->obj_top + page)
		t->obj_top = t->obj_sel - page + 1;
	if (t->obj_top < 0)
		t->obj_top = 0;

	int w_time = 8, w_ev = 5, w_what = t->cols >= 100 ? 30 : 20, w_user = t->cols >= 100 ? 18 : 13;
	int w_obj = t->cols - 1 - (w_time + 1) - (w_ev + 1) - (w_what + 1) - (w_user + 1);
	if (w_obj < 10) {
		w_user = 0;
		w_obj = t->cols - 1 - (w_time + 1) - (w_ev + 1) - (w_what + 1);
	}
	int y = t->lay.list_top;
	attrset(tui_attr(t, COLOR_PAIR_HEAD, A_BOLD));
	char head[512];
	snprintf(head, sizeof head, " %-*s %-*s %-*s %s%*s%s", w_time, "LAST", w_ev, "EVTS", w_what, "WHAT HAPPENED",
		 w_user ? "" : "", w_user ? -w_user : 0, w_user ? "WHO" : "", w_user ? " OBJECT" : "OBJECT");
	tui_put(stdscr, y, 0, head, t->cols, ELIDE_END, 1);
	attrset(A_NORMAL);
	for (int r = 0; r < t->lay.list_rows - 1; r++) {
		long row = t->obj_top + r;
		int sy = y + 1 + r;
		move(sy, 0);
		clrtoeol();
		if (row >= n)
			continue;
		const struct object *o = &t->objects.objects[t->objects.order[row]];
		int selected = row == t->obj_sel;
		char clock[16], what[256], who[512], count[16];
		timefmt_clock(o->last_time, clock, sizeof clock);
		uint32_t done = objects_done(&t->objects, o);
		if (done)
			objects_verdicts_text(done, 1, what, sizeof what);
		else if (o->failed || o->nfailed)
			snprintf(what, sizeof what, "failed x%u", o->nfailed);
		else
			snprintf(what, sizeof what, "(could: %s)", "");
		if (!done && !(o->failed || o->nfailed)) {
			char could[200];
			objects_verdicts_text(objects_could(&t->objects, o), 1, could, sizeof could);
			snprintf(what, sizeof what, "could: %s", could[0] ? could : "-");
		}
		if (done && o->nfailed) {
			size_t l = strlen(what);
			snprintf(what + l, sizeof what - l, " +%u failed", o->nfailed);
		}
		user_summary(t, o, who, sizeof who);
		snprintf(count, sizeof count, "%u", o->nevents);
		attrset(selected ? A_REVERSE : A_NORMAL);
		int x = 0;
		mvaddch(sy, x++, selected ? '>' : ' ');
		tui_put(stdscr, sy, x, clock[0] ? clock : "--:--:--", w_time, ELIDE_END, 1);
		x += w_time;
		mvaddch(sy, x++, ' ');
		tui_put(stdscr, sy, x, count, w_ev, ELIDE_END, 1);
		x += w_ev;
		mvaddch(sy, x++, ' ');
		if (!done && o->nfailed && !selected)
			attron(tui_attr(t, COLOR_PAIR_FAIL, A_BOLD));
		tui_put(stdscr, sy, x, what, w_what, ELIDE_END, 1);
		attrset(selected ? A_REVERSE : A_NORMAL);
		x += w_what;
		mvaddch(sy, x++, ' ');
		if (w_user) {
			tui_put(stdscr, sy, x, who, w_user, ELIDE_END, 1);
			x += w_user;
			mvaddch(sy, x++, ' ');
		}
		tui_put(stdscr, sy, x, objects_name(&t->objects, o), t->cols - x, ELIDE_MIDDLE, 1);
		attrset(A_NORMAL);
	}
	if (!n)
		tui_put(stdscr, y + 2, 2, "No objects: no object-access event names an object in this view.",
			t->cols - 3, ELIDE_END, 0);
}

static void set_line(const struct tui *t, const char *label, const struct object_set *set, int users,
		     char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "%-9s ", label);
	for (uint16_t i = 0; i < set->count && o + 2 < len; i++) {
		char one[512];
		const char *s = users ? objects_user_text(t->st, &set->items[i], one, sizeof one)
				      : strpool_get(&t->st->pool, set->items[i].a);
		o += (size_t)snprintf(buf + o, len - o, "%s%s%s", i ? ", " : "", s,
				      set->items[i].outcomes == 2 ? " (failed)" : "");
	}
	if (set->more && o + 2 < len)
		snprintf(buf + o, len - o, " and %u more", (unsigned)set->more);
}

void tui_objects_detail_draw(struct tui *t)
{
	if (!t->lay.detail_rows)
		return;
	int y = t->lay.detail_top;
	attrset(tui_attr(t, COLOR_PAIR_HEAD, A_BOLD));
	mvhline(y, 0, '-', t->cols);
	attrset(A_NORMAL);
	const struct object *o = tui_objects_selected(t);
	if (!o)
		return;
	char lines[12][1024], a[64], b[64], v[512];
	int n = 0;
	snprintf(lines[n++], sizeof lines[0], "%s %s  on %s", strpool_get(&t->st->pool, o->type),
		 objects_name(&t->objects, o), strpool_get(&t->st->pool, o->computer));
	timefmt_iso(o->first_time, a, sizeof a);
	timefmt_iso(o->last_time, b, sizeof b);
	snprintf(lines[n++], sizeof lines[0], "%-9s %s .. %s, %u events (%u failed)", "When", a, b, o->nevents, o->nfailed);
	objects_verdicts_text(objects_done(&t->objects, o), 0, v, sizeof v);
	snprintf(lines[n++], sizeof lines[0], "%-9s %s", "Done", v[0] ? v : "-");
	objects_verdicts_text(objects_could(&t->objects, o), 0, v, sizeof v);
	snprintf(lines[n++], sizeof lines[0], "%-9s %s", "Could", v[0] ? v : "-");
	objects_verdicts_text(o->failed, 0, v, sizeof v);
	snprintf(lines[n++], sizeof lines[0], "%-9s %s", "Failed", v[0] ? v : "-");
	uint32_t to = objects_rename_target(&t->objects, o);
	if (to != OBJECT_NONE)
		snprintf(lines[n++], sizeof lines[0], "%-9s %s", "Moved to", objects_name(&t->objects, &t->objects.objects[to]));
	set_line(t, "Who", &o->users, 1, lines[n++], sizeof lines[0]);
	set_line(t, "Process", &o->processes, 0, lines[n++], sizeof lines[0]);
	if (o->addresses.count)
		set_line(t, "From", &o->addresses, 0, lines[n++], sizeof lines[0]);
	if (o->nsd) {
		const struct event *ev = store_event(t->st, o->sd_events[o->nsd - 1]);
		snprintf(lines[n++], sizeof lines[0], "%-9s %s -> %s", "SDDL", store_str(t->st, ev, ES_OLD_SD),
			 store_str(t->st, ev, ES_NEW_SD));
	}
	snprintf(lines[n++], sizeof lines[0], "Enter shows its %u events; w writes the object list", o->nevents);
	for (int r = 0; r < t->lay.detail_rows - 1 && r < n; r++)
		tui_put(stdscr, y + 1 + r, 1, lines[r], t->cols - 1, ELIDE_END, 0);
}

/* Keys of the Objects view; returns 1 when handled. */
int tui_objects_key(struct tui *t, int kind, wint_t ch)
{
	long page = t->lay.list_rows > 2 ? t->lay.list_rows - 2 : 1;
	long n = (long)t->objects.norder;
	if (kind == KEY_CODE_YES) {
		switch (ch) {
		case KEY_DOWN: t->obj_sel++; return 1;
		case KEY_UP: t->obj_sel--; return 1;
		case KEY_NPAGE: t->obj_sel += page; return 1;
		case KEY_PPAGE: t->obj_sel -= page; return 1;
		case KEY_HOME: t->obj_sel = 0; return 1;
		case KEY_END: t->obj_sel = n - 1; return 1;
		default: return 0;
		}
	}
	switch (ch) {
	case 'j': t->obj_sel++; return 1;
	case 'k': t->obj_sel--; return 1;
	case ' ': t->obj_sel += page; return 1;
	case 'g': t->obj_sel = 0; return 1;
	case 'G': t->obj_sel = n - 1; return 1;
	case 'O':
	case 'q':
		t->mode = MODE_EVENTS;
		return 1;
	case '\n':
	case '\r': {
		const struct object *o = tui_objects_selected(t);
		if (!o)
			return 1;
		uint32_t keep = o->events[o->nevents - 1];
		view_set_subset(t->view, o->events, o->nevents, objects_name(&t->objects, o));
		t->mode = MODE_EVENTS;
		long row = view_row_of(t->view, keep);
		t->sel = row >= 0 ? row : (long)t->view->nrows - 1;
		snprintf(t->message, sizeof t->message, "the events of one object; x or X goes back to all events");
		return 1;
	}
	default:
		return 0;
	}
}
