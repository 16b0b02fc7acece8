/* strpool.h - interned strings.
 *
 * Strings live back to back in one growing arena; a strref is the offset of
 * a string's first byte plus one, so 0 means "no string".  An open-addressing
 * hash table of strrefs finds an existing copy, so each distinct string is
 * stored once however many events carry it. */
#ifndef OAVIEW_STRPOOL_H
#define OAVIEW_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct strpool {
	char *arena;
	size_t used;
	size_t cap;
	strref *slots;
	size_t nslots;   /* power of two */
	size_t count;
};

void strpool_init(struct strpool *pool);
void strpool_free(struct strpool *pool);

/* Intern len bytes of s (need not be NUL-terminated); returns 0 when s is
 * NULL, or on allocation failure.  */
strref strpool_intern(struct strpool *pool, const char *s, size_t len);

/* The string for ref, "" for 0.  Valid until the next intern. */
const char *strpool_get(const struct strpool *pool, strref ref);

/* Bytes held (arena + table), for memory accounting. */
size_t strpool_bytes(const struct strpool *pool);

#endif
