/* filter.h - filter expressions over events, compiled with pcre2.
 *
 * Grammar (also in README and doc/oaview.1):
 *   expr  := term { WS term }          every term must hold (AND)
 *   term  := [ '!' ] field ':' value   '!' inverts the term
 *          | [ '!' ] value             a bare regex = text:value
 *   value := up to unquoted whitespace; "..." may hold spaces; a backslash
 *            and the next character pass unchanged (name:\.docx$).
 * Text fields take a pcre2 regex, smart case (caseless unless the pattern
 * has an upper-case letter): user (matches "alice" and "CORP\alice"),
 * domain, sid, computer, type, process, server, share, ip, name (as in the
 * event), object (resolved name), source, text (all of them).
 * Number fields take a comma list of numbers or ranges, decimal or 0x hex:
 * id, record, handle, pid, logon.  outcome: success|failure.  access: a
 * comma list of classes (read, write, delete, execute, perms, read_control,
 * other) or right names (WriteData, DELETE).
 * Regexes run with match and depth limits, so a pathological pattern fails
 * to match instead of hanging; filter_limit_hit() then says so. */
#ifndef OAVIEW_FILTER_H
#define OAVIEW_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct filter;

/* Compile expr.  On error returns NULL and writes a one-line message naming
 * the bad part into err ("filter 'user:(': missing closing parenthesis at
 * offset 1"). */
struct filter *filter_compile(const char *expr, char *err, size_t errlen);
void filter_free(struct filter *f);

/* The expression text the filter was compiled from. */
const char *filter_text(const struct filter *f);

/* 1 if the event at index matches, 0 if not.  A regex that hits its match
 * limit counts as no match and sets the filter's limit_hit flag. */
int filter_match(const struct filter *f, const struct store *st, uint32_t index);

/* Non-zero once a regex of this filter has hit a pcre2 limit.  After 64
 * subjects have hit it the regex gives up (matches nothing more), so a
 * pathological pattern over a million events still returns promptly. */
int filter_limit_hit(const struct filter *f);

#endif
