/* tui_prompt.c - a one-line editor on the prompt row, for filters and
 * searches.  Keys: printable characters insert, Backspace deletes, Ctrl-U
 * clears, Ctrl-W deletes a word, Enter accepts, Esc cancels.  After each
 * change live() may put a hint (e.g. the live match count) after the text. */
#include <string.h>
#include <wchar.h>

#include "tui_internal.h"
#include "tui_text.h"

static size_t utf8_put(char *buf, size_t len, size_t buflen, wint_t ch)
{
	char tmp[8];
	size_t n;
	if (ch < 0x80) {
		tmp[0] = (char)ch;
		n = 1;
	} else if (ch < 0x800) {
		tmp[0] = (char)(0xc0 | ch >> 6);
		tmp[1] = (char)(0x80 | (ch & 0x3f));
		n = 2;
	} else if (ch < 0x10000) {
		tmp[0] = (char)(0xe0 | ch >> 12);
		tmp[1] = (char)(0x80 | (ch >> 6 & 0x3f));
		tmp[2] = (char)(0x80 | (ch & 0x3f));
		n = 3;
	} else {
		tmp[0] = (char)(0xf0 | ch >> 18);
		tmp[1] = (char)(0x80 | (ch >> 12 & 0x3f));
		tmp[2] = (char)(0x80 | (ch >> 6 & 0x3f));
		tmp[3] = (char)(0x80 | (ch & 0x3f));
		n = 4;
	}
	if (len + n + 1 > buflen)
		return len;
	memcpy(buf + len, tmp, n);
	buf[len + n] = '\0';
	return len + n;
}

void tui_prompt_draw(struct tui *t)
{
	const char *label = t->prompt_label, *buf = t->prompt_text, *hint = t->prompt_hint;
	int y = t->lay.prompt_row;
	move(y, 0);
	clrtoeol();
	int x = tui_put(stdscr, y, 0, label, t->cols, ELIDE_END, 0);
	int room = t->cols - x - 1;
	int hw = tui_width(hint);
	int textw = tui_width(buf);
	/* show the end of a long text: that is where the cursor is */
	const char *shown = buf;
	while (*shown && textw > room - (hw ? hw + 2 : 0) && textw > 0) {
		shown++;
		while ((*shown & 0xc0) == 0x80)
			shown++;
		textw = tui_width(shown);
	}
	x += tui_put(stdscr, y, x, shown, room, ELIDE_END, 0);
	int cx = x;
	if (hint[0] && x + 2 + hw < t->cols) {
		attron(A_DIM);
		tui_put(stdscr, y, x + 2, hint, t->cols - x - 2, ELIDE_END, 0);
		attroff(A_DIM);
	}
	move(y, cx < t->cols ? cx : t->cols - 1);
}

int tui_prompt(struct tui *t, const char *label, char *buf, size_t buflen,
	       void (*live)(struct tui *t, const char *text, char *hint, size_t hintlen))
{
	char hint[256] = "";
	size_t len = strlen(buf);
	curs_set(1);
	if (live)
		live(t, buf, hint, sizeof hint);
	t->prompt_label = label;
	t->prompt_text = buf;
	t->prompt_hint = hint;
	int accepted = 0;
	for (;;) {
		tui_prompt_draw(t);
		refresh();
		wint_t ch;
		int kind = tui_getch(t, &ch);
		if (kind == ERR) {
			if (t->quit)
				break;
			continue;
		}
		if (kind == KEY_CODE_YES) {
			if (ch == KEY_BACKSPACE) {
				goto backspace;
			} else if (ch == KEY_ENTER) {
				goto enter;
			} else if (ch == KEY_RESIZE) {
				tui_draw(t);
			}
			continue;
		}
		if (ch == 27)
			break;
		if (ch == '\n' || ch == '\r') {
enter:
			accepted = 1;
			break;
		}
		if (ch == 127 || ch == 8) {
backspace:
			while (len > 0 && (buf[len - 1] & 0xc0) == 0x80)
				len--;
			if (len > 0)
				len--;
			buf[len] = '\0';
		} else if (ch == 21) { /* Ctrl-U */
			len = 0;
			buf[0] = '\0';
		} else if (ch == 23) { /* Ctrl-W */
			while (len > 0 && buf[len - 1] == ' ')
				len--;
			while (len > 0 && buf[len - 1] != ' ')
				len--;
			buf[len] = '\0';
		} else if (ch >= 32 && ch != 127) {
			len = utf8_put(buf, len, buflen, ch);
		} else {
			continue;
		}
		hint[0] = '\0';
		if (live)
			live(t, buf, hint, sizeof hint);
	}
	t->prompt_label = t->prompt_text = t->prompt_hint = NULL;
	curs_set(0);
	return accepted;
}
