/* tui_handle.c - the handle pane: the whole lifetime of the selected
 * event's handle, open through operations to close, one line each. */
#include <inttypes.h>
#include <stdio.h>

#include "access.h"
#include "timefmt.h"
#include "tui_internal.h"
#include "tui_text.h"

size_t tui_handle_chain(const struct tui *t, uint32_t index, uint32_t *out, size_t max)
{
	const struct event *ev = store_event(t->st, index);
	if (ev->life == EVENT_NONE)
		return 0;
	size_t n = 0;
	for (uint32_t i = t->st->lives[ev->life].first_ref; i != EVENT_NONE && n < max;
	     i = store_event(t->st, i)->life_next)
		out[n++] = i;
	return n;
}

void tui_handle_draw(struct tui *t)
{
	static uint32_t chain[4096];
	if (!t->lay.handle_rows || !t->view->nrows)
		return;
	uint32_t cur = tui_selected(t);
	const struct event *ev = store_event(t->st, cur);
	size_t n = tui_handle_chain(t, cur, chain, 4096);
	int y = t->lay.handle_top;
	char buf[1024];
	const struct handle_life *life = &t->st->lives[ev->life];
	snprintf(buf, sizeof buf, "%s handle 0x%" PRIx64 " of process 0x%x: %u event%s%s%s ",
		 t->focus == PANE_HANDLE ? "==" : "--", ev->handle_id, ev->process_id, life->count,
		 life->count == 1 ? "" : "s", life->open_ref == EVENT_NONE ? ", opener not in view" : "",
		 life->close_ref == EVENT_NONE ? ", close not audited" : "");
	attrset(tui_attr(t, COLOR_PAIR_HEAD, A_BOLD));
	tui_put(stdscr, y, 0, buf, t->cols, ELIDE_END, 0);
	for (int x = tui_width(buf); x < t->cols; x++)
		addch(t->focus == PANE_HANDLE ? '=' : '-');
	attrset(A_NORMAL);

	/* keep the current (or the pane's selection) in sight */
	long mark = t->handle_sel >= 0 ? t->handle_sel : 0;
	if (t->handle_sel < 0)
		for (size_t i = 0; i < n; i++)
			if (chain[i] == cur)
				mark = (long)i;
	int rows = t->lay.handle_rows - 1;
	long first = mark - rows / 2;
	if (first > (long)n - rows)
		first = (long)n - rows;
	if (first < 0)
		first = 0;
	for (int r = 0; r < rows; r++) {
		long k = first + r;
		move(y + 1 + r, 0);
		clrtoeol();
		if (k >= (long)n)
			continue;
		const struct event *e = store_event(t->st, chain[k]);
		char clock[16], rights[256] = "";
		timefmt_clock(e->time, clock, sizeof clock);
		if (e->flags & EVENT_HAS_MASK)
			access_mask_summary(store_str(t->st, e, ES_OBJECT_TYPE), e->access_mask, rights, sizeof rights);
		int selected = t->focus == PANE_HANDLE && k == t->handle_sel;
		snprintf(buf, sizeof buf, "%c #%-8" PRIu64 " %s %5u %-6s %s", chain[k] == cur ? '>' : selected ? '*' : ' ',
			 e->record, clock, e->event_id, event_id_verb(e->event_id), rights);
		if (selected)
			attrset(A_REVERSE);
		tui_put(stdscr, y + 1 + r, 0, buf, t->cols, ELIDE_END, selected);
		attrset(A_NORMAL);
	}
}
