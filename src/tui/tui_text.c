/* tui_text.c - sanitised, width-aware drawing (see tui_text.h).
 *
 * Text is first made safe by sanitize_text (escapes controls, bidi and bad
 * UTF-8), then decoded to wide characters whose cell widths come from
 * wcwidth; eliding works on cells, so columns stay aligned with CJK and
 * combining characters.  In a non-UTF-8 locale non-ASCII characters are
 * shown as '?', since the terminal could not draw them. */
#include "tui_text.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sanitize.h"

#define TEXT_MAX 4096

static int utf8_terminal = 1;

void tui_text_init(void)
{
	const char *cs = nl_langinfo(CODESET);
	utf8_terminal = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

struct cells {
	wchar_t ch[TEXT_MAX];
	signed char w[TEXT_MAX];
	int n;
	int total;
};

static void to_cells(const char *s, struct cells *c)
{
	char safe[TEXT_MAX * 2];
	size_t len = sanitize_text(s, strlen(s), safe, sizeof safe, NULL);
	const unsigned char *p = (const unsigned char *)safe;
	size_t i = 0;
	c->n = 0;
	c->total = 0;
	while (i < len && c->n < TEXT_MAX) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		if (!k) {
			cp = '?';
			k = 1;
		}
		i += k;
		int w;
		if (cp < 0x80) {
			w = 1;
		} else if (!utf8_terminal) {
			cp = '?';
			w = 1;
		} else {
			w = wcwidth((wchar_t)cp);
			if (w < 0) {
				cp = '?';
				w = 1;
			}
		}
		/* A combining mark at the start has nothing to sit on. */
		if (w == 0 && c->n == 0)
			continue;
		c->ch[c->n] = (wchar_t)cp;
		c->w[c->n] = (signed char)w;
		c->n++;
		c->total += w;
	}
}

int tui_width(const char *s)
{
	static struct cells c;
	to_cells(s, &c);
	return c.total;
}

static const wchar_t *ellipsis(void)
{
	return utf8_terminal ? L"\u2026" : L"~";
}

/* Draw cells [from, to) and return the cells used. */
static int draw_range(WINDOW *w, const struct cells *c, int from, int to)
{
	int used = 0;
	for (int i = from; i < to; i++) {
		/* a base character and its combining marks go out together */
		wchar_t buf[8];
		int n = 0;
		buf[n++] = c->ch[i];
		while (i + 1 < to && c->w[i + 1] == 0 && n < 7)
			buf[n++] = c->ch[++i];
		buf[n] = 0;
		waddnwstr(w, buf, n);
		used += c->w[i - n + 1];
	}
	return used;
}

int tui_put(WINDOW *w, int y, int x, const char *s, int width, enum tui_elide how, int pad)
{
	static struct cells c;
	if (width <= 0)
		return 0;
	to_cells(s ? s : "", &c);
	wmove(w, y, x);
	int used = 0;
	if (c.total <= width) {
		used = draw_range(w, &c, 0, c.n);
	} else if (width == 1) {
		waddnwstr(w, ellipsis(), 1);
		used = 1;
	} else if (how == ELIDE_END || width < 8) {
		int i = 0, cells = 0;
		while (i < c.n && cells + c.w[i] <= width - 1)
			cells += c.w[i++];
		while (i < c.n && c.w[i] == 0)
			i++;
		used = draw_range(w, &c, 0, i);
		waddnwstr(w, ellipsis(), 1);
		used++;
	} else {
		/* a fifth at the head (the drive or root), the rest for the tail,
		 * where the file name is */
		int head_room = (width - 1) / 5, tail_room = width - 1 - head_room;
		int h = 0, hc = 0;
		while (h < c.n && hc + c.w[h] <= head_room)
			hc += c.w[h++];
		while (h < c.n && c.w[h] == 0)
			h++;
		int t = c.n, tc = 0;
		while (t > h && tc + c.w[t - 1] <= tail_room)
			tc += c.w[--t];
		while (t < c.n && c.w[t] == 0)
			t++;
		used = draw_range(w, &c, 0, h);
		waddnwstr(w, ellipsis(), 1);
		used += 1 + draw_range(w, &c, t, c.n);
	}
	if (pad)
		for (; used < width; used++)
			waddch(w, ' ');
	return used;
}
