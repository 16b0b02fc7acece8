/* arena.h - a bump allocator whose blocks never move.
 *
 * Readers build a record's strings here; everything is freed at once when
 * the record (or a batch of them) has been handed on.  Pointers stay valid
 * until arena_reset/arena_free, however much is allocated after them. */
#ifndef OAVIEW_ARENA_H
#define OAVIEW_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t bytes;            /* allocated so far, for caps */
};

/* n bytes, or NULL when out of memory. */
char *arena_alloc(struct arena *a, size_t n);

/* A NUL-terminated copy of s[0..n). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);

/* Forget everything but keep one block for reuse. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

#endif
