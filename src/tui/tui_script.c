/* tui_script.c - test mode: keys and commands from a script file instead of
 * the keyboard (as tig's TIG_SCRIPT), so screen tests need no terminal.
 *
 * One item per line; '#' starts a comment:
 *   keys j j <Enter> o      key tokens: a character, or <Enter> <Esc> <Tab>
 *                           <BS> <Space> <Up> <Down> <PgUp> <PgDn> <Home>
 *                           <End> <F1> <C-o> <lt>
 *   type user:alice         the rest of the line, typed character by
 *                           character
 *   :resize 40 12           resize the screen
 *   :save FILE              write the screen as text to FILE (relative to
 *                           $OAVIEW_SCREEN_DIR when that is set)
 *   :exec COMMAND           run a shell command (e.g. append to a log)
 *   :poll                   let following read new data now
 * When the script ends the viewer quits. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui_internal.h"

#define QUEUE 4096

static FILE *script;
static struct {
	int kind;    /* OK or KEY_CODE_YES */
	wint_t ch;
} queue[QUEUE];
static int qhead, qtail;

int tui_script_open(const char *path)
{
	script = fopen(path, "r");
	qhead = qtail = 0;
	return script ? 0 : -1;
}

void tui_script_close(void)
{
	if (script)
		fclose(script);
	script = NULL;
}

static void push(int kind, wint_t ch)
{
	if (qtail < QUEUE) {
		queue[qtail].kind = kind;
		queue[qtail].ch = ch;
		qtail++;
	}
}

static const struct {
	const char *name;
	int kind;
	wint_t ch;
} NAMES[] = {
	{"Enter", OK, '\n'}, {"Esc", OK, 27}, {"Tab", OK, '\t'}, {"BS", KEY_CODE_YES, KEY_BACKSPACE},
	{"Space", OK, ' '}, {"Up", KEY_CODE_YES, KEY_UP}, {"Down", KEY_CODE_YES, KEY_DOWN},
	{"PgUp", KEY_CODE_YES, KEY_PPAGE}, {"PgDn", KEY_CODE_YES, KEY_NPAGE},
	{"Home", KEY_CODE_YES, KEY_HOME}, {"End", KEY_CODE_YES, KEY_END},
	{"F1", KEY_CODE_YES, KEY_F(1)}, {"C-o", OK, 15}, {"lt", OK, '<'},
};

static int key_token(const char *tok)
{
	size_t n = strlen(tok);
	if (n > 2 && tok[0] == '<' && tok[n - 1] == '>') {
		for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
			if (strlen(NAMES[i].name) == n - 2 && strncmp(NAMES[i].name, tok + 1, n - 2) == 0) {
				push(NAMES[i].kind, NAMES[i].ch);
				return 0;
			}
		return -1;
	}
	if (n != 1)
		return -1;
	push(OK, (unsigned char)tok[0]);
	return 0;
}

static void save_screen(const char *name)
{
	/* OAVIEW_SCREEN_DIR lets a test runner collect the screens while
	 * running from the data directory */
	char path[4096];
	const char *dir = getenv("OAVIEW_SCREEN_DIR");
	if (dir && name[0] != '/')
		snprintf(path, sizeof path, "%s/%s", dir, name);
	else
		snprintf(path, sizeof path, "%s", name);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	wchar_t wbuf[1024];
	char out[4096];
	for (int y = 0; y < LINES; y++) {
		int n = mvinnwstr(y, 0, wbuf, COLS < 1023 ? COLS : 1023);
		if (n < 0)
			n = 0;
		wbuf[n] = 0;
		mbstate_t ps;
		memset(&ps, 0, sizeof ps);
		size_t o = 0;
		for (int i = 0; i < n && o + MB_LEN_MAX < sizeof out; i++) {
			size_t k = wcrtomb(out + o, wbuf[i], &ps);
			if (k == (size_t)-1) {
				out[o] = '?';
				k = 1;
			}
			o += k;
		}
		while (o > 0 && out[o - 1] == ' ')
			o--;
		fwrite(out, 1, o, f);
		fputc('\n', f);
	}
	fclose(f);
}

/* Run script lines until a key is queued or the script ends. */
static int refill(struct tui *t)
{
	char line[4096];
	while (qhead == qtail) {
		qhead = qtail = 0;
		if (!script || !fgets(line, sizeof line, script))
			return -1;
		line[strcspn(line, "\r\n")] = '\0';
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (strncmp(s, "keys ", 5) == 0) {
			for (char *tok = strtok(s + 5, " "); tok; tok = strtok(NULL, " "))
				if (key_token(tok) < 0)
					snprintf(t->message, sizeof t->message, "script: unknown key '%s'", tok);
		} else if (strncmp(s, "type ", 5) == 0) {
			for (const char *p = s + 5; *p; p++)
				push(OK, (unsigned char)*p);
		} else if (strncmp(s, ":resize ", 8) == 0) {
			int w = 0, h = 0;
			if (sscanf(s + 8, "%d %d", &w, &h) == 2 && w > 0 && h > 0) {
				resizeterm(h, w);
				push(KEY_CODE_YES, KEY_RESIZE);
			}
		} else if (strncmp(s, ":save ", 6) == 0) {
			tui_draw(t);
			save_screen(s + 6);
		} else if (strncmp(s, ":exec ", 6) == 0) {
			if (system(s + 6) != 0)
				snprintf(t->message, sizeof t->message, "script: command failed: %s", s + 6);
		} else if (strcmp(s, ":poll") == 0) {
			push(ERR, 0);
		}
	}
	return 0;
}

int tui_script_getch(struct tui *t, wint_t *ch)
{
	if (refill(t) < 0) {
		t->quit = 1;
		return ERR;
	}
	*ch = queue[qhead].ch;
	return queue[qhead++].kind;
}
