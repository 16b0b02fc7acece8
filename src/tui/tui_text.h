/* tui_text.h - putting log text on the screen: sanitised, measured in
 * terminal cells (wide and combining characters), elided to fit. */
#ifndef OAVIEW_TUI_TEXT_H
#define OAVIEW_TUI_TEXT_H

#include <curses.h>

enum tui_elide {
	ELIDE_END,     /* "C:\Program Fi~" */
	ELIDE_MIDDLE,  /* "C:\Pro~\Q3.xlsx": keeps the file name */
};

/* Call once after setlocale: decides whether non-ASCII can be shown. */
void tui_text_init(void);

/* Draw s at (y, x) in at most width cells; pad with spaces to width when
 * pad.  Control characters and escape sequences in s are shown escaped.
 * Returns the cells drawn. */
int tui_put(WINDOW *w, int y, int x, const char *s, int width, enum tui_elide how, int pad);

/* Cells s would take (after sanitising). */
int tui_width(const char *s);

#endif
