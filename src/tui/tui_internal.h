/* tui_internal.h - the viewer's state, shared by its panes (tui_*.c).
 *
 * Layout, top to bottom: the status bar (row 0), the column header, the
 * event list, then -- when the detail pane is open -- the detail pane and,
 * for an event that belongs to a handle lifetime, the handle pane; the last
 * row is the prompt/message line.  Every frame is drawn whole from this
 * state; curses sends only what changed. */
#ifndef OAVIEW_TUI_INTERNAL_H
#define OAVIEW_TUI_INTERNAL_H

#include <curses.h>
#include <stdint.h>

#include "filter.h"
#include "objects.h"
#include "tui.h"

enum tui_pane {
	PANE_LIST,
	PANE_DETAIL,
	PANE_HANDLE,
};

enum tui_color {
	COLOR_PAIR_BAR = 1,
	COLOR_PAIR_FAIL,
	COLOR_PAIR_MATCH,
	COLOR_PAIR_LINK,
	COLOR_PAIR_DIM,
	COLOR_PAIR_HEAD,
};

#define TUI_JUMPS 64

enum tui_mode {
	MODE_EVENTS,
	MODE_OBJECTS,
};

/* A full-screen page of text over the panes (help, explain, coverage). */
struct tui_page {
	char **lines;
	int *kinds;
	size_t n, cap;
	long scroll;
	char title[128];
};

struct tui_layout {
	int list_top, list_rows;     /* event list rows */
	int detail_top, detail_rows; /* 0 rows = closed */
	int handle_top, handle_rows;
	int prompt_row;
};

struct tui {
	const struct tui_args *args;
	struct store *st;
	struct view *view;
	int rows, cols;
	struct tui_layout lay;
	long sel, top;               /* selected row and first row shown */
	int show_detail;
	enum tui_pane focus;
	int detail_scroll;
	long handle_sel;             /* index in the lifetime chain, -1 = the event */
	int help;                    /* a page is shown (see page) */
	struct tui_page page;
	int quit;
	enum tui_mode mode;
	struct object_index objects;
	int objects_built;
	size_t objects_seen;         /* store events the index has taken */
	long obj_sel, obj_top;
	int at_end;                  /* view follows the newest event */
	size_t new_events;           /* arrived while scrolled up */
	uint32_t jumps[TUI_JUMPS];   /* jump list of store indexes */
	int njumps, jump_pos;
	struct filter *search;
	int search_back;
	char search_text[256];
	char message[512];
	int color;
	int following;
	int loading;                 /* files still being read */
	int script;                  /* keys come from a script */
	const char *prompt_label;    /* a prompt is open: what it shows */
	const char *prompt_text;
	const char *prompt_hint;
};

/* tui_list.c */
void tui_list_draw(struct tui *t);
/* tui_detail.c */
int tui_detail_lines(struct tui *t, uint32_t index, char lines[][512], int max);
void tui_detail_draw(struct tui *t);
/* tui_handle.c */
size_t tui_handle_chain(const struct tui *t, uint32_t index, uint32_t *out, size_t max);
void tui_handle_draw(struct tui *t);
/* tui_status.c */
void tui_status_draw(struct tui *t);
void tui_help_page(struct tui *t);
/* tui_pages.c */
void tui_page_clear(struct tui_page *p);
void tui_page_add(struct tui_page *p, int kind, const char *text);
void tui_page_draw(struct tui *t);
int tui_page_key(struct tui *t, int kind, wint_t ch);
void tui_explain_page(struct tui *t);
void tui_coverage_page(struct tui *t);
void tui_problems_page(struct tui *t);
/* tui_objects.c */
void tui_objects_update(struct tui *t);
void tui_objects_draw(struct tui *t);
void tui_objects_detail_draw(struct tui *t);
int tui_objects_key(struct tui *t, int kind, wint_t ch);
const struct object *tui_objects_selected(const struct tui *t);
/* tui_prompt.c: read a line on the prompt row; live() is called on each
 * change and may write a hint.  Returns 1 on Enter, 0 on Esc. */
int tui_prompt(struct tui *t, const char *label, char *buf, size_t buflen,
	       void (*live)(struct tui *t, const char *text, char *hint, size_t hintlen));
void tui_prompt_draw(struct tui *t);
/* tui_script.c */
int tui_script_open(const char *path);
int tui_script_getch(struct tui *t, wint_t *ch);
void tui_script_close(void);
/* tui.c */
int tui_getch(struct tui *t, wint_t *ch);
void tui_draw(struct tui *t);
uint32_t tui_selected(const struct tui *t);
int tui_attr(const struct tui *t, enum tui_color pair, int fallback);

#endif
