/* tui_pages.c - full-screen pages of text over the panes: the help, the
 * explanation of an event, and the audit-coverage report.  A page is a
 * list of lines built once when it opens (also the warnings met while
 * reading); j/k and the page keys scroll it,
 * any other key closes it. */
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "explain.h"
#include "tui_internal.h"
#include "tui_text.h"

void tui_page_clear(struct tui_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->lines[i]);
	free(p->lines);
	free(p->kinds);
	memset(p, 0, sizeof *p);
}

void tui_page_add(struct tui_page *p, int kind, const char *text)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		char **l = realloc(p->lines, cap * sizeof *l);
		if (!l)
			return;
		p->lines = l;
		int *k = realloc(p->kinds, cap * sizeof *k);
		if (!k)
			return;
		p->kinds = k;
		p->cap = cap;
	}
	p->lines[p->n] = strdup(text);
	if (!p->lines[p->n])
		return;
	p->kinds[p->n++] = kind;
}

void tui_page_draw(struct tui *t)
{
	struct tui_page *p = &t->page;
	erase();
	int rows = t->rows - 1;
	if (p->scroll > (long)p->n - rows)
		p->scroll = (long)p->n - rows;
	if (p->scroll < 0)
		p->scroll = 0;
	for (int r = 0; r < rows; r++) {
		size_t k = (size_t)(p->scroll + r);
		if (k >= p->n)
			break;
		attr_t a = p->kinds[k] == 1   ? (attr_t)tui_attr(t, COLOR_PAIR_HEAD, A_BOLD)
			   : p->kinds[k] == 2 ? A_BOLD
					      : A_NORMAL;
		attrset(a);
		tui_put(stdscr, r, 1, p->lines[k], t->cols - 1, ELIDE_END, 0);
		attrset(A_NORMAL);
	}
	char foot[256];
	snprintf(foot, sizeof foot, "-- %s: lines %ld-%ld of %zu (j/k, Space, g/G scroll; any other key closes) --",
		 p->title, p->n ? p->scroll + 1 : 0, p->scroll + rows < (long)p->n ? p->scroll + rows : (long)p->n, p->n);
	attrset(A_REVERSE);
	tui_put(stdscr, t->rows - 1, 0, foot, t->cols, ELIDE_END, 1);
	attrset(A_NORMAL);
}

/* Returns 1 while the page stays open. */
int tui_page_key(struct tui *t, int kind, wint_t ch)
{
	struct tui_page *p = &t->page;
	long page = t->rows > 3 ? t->rows - 2 : 1;
	if (kind == KEY_CODE_YES) {
		switch (ch) {
		case KEY_RESIZE: return 1;
		case KEY_DOWN: p->scroll++; return 1;
		case KEY_UP: p->scroll--; return 1;
		case KEY_NPAGE: p->scroll += page; return 1;
		case KEY_PPAGE: p->scroll -= page; return 1;
		case KEY_HOME: p->scroll = 0; return 1;
		case KEY_END: p->scroll = (long)p->n; return 1;
		default: break;
		}
	} else {
		switch (ch) {
		case 'j': p->scroll++; return 1;
		case 'k': p->scroll--; return 1;
		case ' ': p->scroll += page; return 1;
		case 'g': p->scroll = 0; return 1;
		case 'G': p->scroll = (long)p->n; return 1;
		default: break;
		}
	}
	t->help = 0;
	tui_page_clear(p);
	return 0;
}

static void explain_emit(void *ctx, enum explain_line kind, const char *text)
{
	int k = kind == EXPLAIN_TITLE ? 1 : kind == EXPLAIN_HEADING ? 2 : 0;
	tui_page_add(ctx, k, text);
}

void tui_explain_page(struct tui *t)
{
	uint32_t cur = tui_selected(t);
	if (cur == EVENT_NONE) {
		snprintf(t->message, sizeof t->message, "no event to explain");
		return;
	}
	tui_page_clear(&t->page);
	snprintf(t->page.title, sizeof t->page.title, "explain #%llu",
		 (unsigned long long)store_event(t->st, cur)->record);
	explain_event_lines(t->st, cur, (size_t)(t->cols > 2 ? t->cols - 2 : 1), explain_emit, &t->page);
	t->help = 1;
}

struct wrap_ctx {
	struct tui_page *page;
	int width;
};

/* Add text wrapped at spaces to width columns; continuation lines keep the
 * indentation of the first plus two, so commands stay readable whole. */
static void page_add_wrapped(struct tui_page *p, int kind, const char *text, int width)
{
	char line[1024];
	size_t indent = strspn(text, " ");
	const char *s = text;
	int first = 1;
	if (width < 20)
		width = 20;
	while (*s) {
		size_t pad = first ? 0 : indent + 2;
		size_t room = (size_t)width > pad ? (size_t)width - pad : 1;
		size_t len = strlen(s);
		size_t take = len;
		if (len > room) {
			take = room;
			while (take > 0 && s[take] != ' ')
				take--;
			if (take == 0)
				take = room;
		}
		if (take >= sizeof line - pad - 1)
			take = sizeof line - pad - 1;
		memset(line, ' ', pad);
		memcpy(line + pad, s, take);
		line[pad + take] = '\0';
		tui_page_add(p, kind, line);
		s += take;
		while (*s == ' ')
			s++;
		first = 0;
	}
}

static void coverage_emit(void *ctx, enum coverage_line kind, const char *text)
{
	struct wrap_ctx *w = ctx;
	int k = kind == COVERAGE_LINE_TITLE || kind == COVERAGE_LINE_HOST ? 1 : kind == COVERAGE_LINE_OFF ? 2 : 0;
	page_add_wrapped(w->page, k, text, w->width);
}

void tui_coverage_page(struct tui *t)
{
	struct coverage cov;
	if (coverage_build(&cov, t->st) < 0) {
		snprintf(t->message, sizeof t->message, "out of memory building the coverage report");
		return;
	}
	tui_page_clear(&t->page);
	snprintf(t->page.title, sizeof t->page.title, "audit coverage");
	struct wrap_ctx w = {&t->page, t->cols - 2};
	coverage_lines(&cov, t->st, coverage_emit, &w);
	coverage_free(&cov);
	t->help = 1;
}

struct problem_ctx {
	struct wrap_ctx wrap;
	size_t kept;
};

static void problem_emit(void *ctx, const char *text)
{
	struct problem_ctx *pc = ctx;
	page_add_wrapped(pc->wrap.page, 0, text, pc->wrap.width);
	pc->kept++;
}

void tui_problems_page(struct tui *t)
{
	if (!t->args->problems) {
		snprintf(t->message, sizeof t->message, "no warnings while reading");
		return;
	}
	tui_page_clear(&t->page);
	struct problem_ctx pc = {{&t->page, t->cols - 2}, 0};
	size_t n = t->args->problems(t->args->load_ctx, problem_emit, &pc);
	if (!n) {
		tui_page_clear(&t->page);
		snprintf(t->message, sizeof t->message, "no warnings while reading");
		return;
	}
	if (n > pc.kept) {
		char more[160];
		snprintf(more, sizeof more, "(%zu warnings in all; the first %zu are kept here, all go to "
			 "stderr with --print)", n, pc.kept);
		page_add_wrapped(&t->page, 2, more, pc.wrap.width);
	}
	snprintf(t->page.title, sizeof t->page.title, "%zu warning%s while reading", n, n == 1 ? "" : "s");
	t->help = 1;
}
