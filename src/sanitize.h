/* sanitize.h - making log text safe to show on a terminal.
 *
 * Log content comes from machines an attacker may control.  Everything
 * shown (TUI or --print text) goes through sanitize_text: printable UTF-8
 * passes; control characters (C0, DEL, C1), bidi overrides and isolates,
 * and invalid UTF-8 are written as visible escapes (\e \r \n \t \xNN
 * \u202E), so no escape sequence ever reaches the terminal raw. */
#ifndef OAVIEW_SANITIZE_H
#define OAVIEW_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

/* Decode one UTF-8 sequence at s (len bytes left).  Returns its length and
 * stores the code point, or returns 0 for an invalid or truncated sequence
 * (over-long forms and surrogates are invalid). */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Is cp unsafe to print as is (control, bidi control)? */
int sanitize_is_unsafe(uint32_t cp);

/* Copy in (inlen bytes; NUL stops it) to out, escaping what is unsafe.
 * out is always NUL-terminated; text that does not fit is cut at a
 * character boundary.  *escaped (may be NULL) is set when anything was
 * escaped.  Returns the length written. */
size_t sanitize_text(const char *in, size_t inlen, char *out, size_t outlen, int *escaped);

#endif
