/* strpool.c - interned strings (see strpool.h).
 *
 * The arena holds NUL-terminated strings back to back; a strref is offset+1.
 * The table is open addressing with linear probing, kept at most half full;
 * the hash is FNV-1a, which is cheap and good enough for names and paths. */
#include "strpool.h"

#include <stdlib.h>
#include <string.h>

static uint32_t strpool_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

void strpool_init(struct strpool *pool)
{
	memset(pool, 0, sizeof *pool);
}

void strpool_free(struct strpool *pool)
{
	free(pool->arena);
	free(pool->slots);
	memset(pool, 0, sizeof *pool);
}

static int strpool_grow_table(struct strpool *pool)
{
	size_t n = pool->nslots ? pool->nslots * 2 : 1024;
	strref *slots = calloc(n, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < pool->nslots; i++) {
		strref r = pool->slots[i];
		if (!r)
			continue;
		const char *s = pool->arena + r - 1;
		size_t j = strpool_hash(s, strlen(s)) & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = r;
	}
	free(pool->slots);
	pool->slots = slots;
	pool->nslots = n;
	return 0;
}

strref strpool_intern(struct strpool *pool, const char *s, size_t len)
{
	if (!s)
		return 0;
	/* An embedded NUL would make the stored copy shorter than the key. */
	const char *nul = memchr(s, '\0', len);
	if (nul)
		len = (size_t)(nul - s);
	if ((pool->count + 1) * 2 > pool->nslots && strpool_grow_table(pool) < 0)
		return 0;
	size_t mask = pool->nslots - 1;
	size_t i = strpool_hash(s, len) & mask;
	while (pool->slots[i]) {
		const char *t = pool->arena + pool->slots[i] - 1;
		if (strncmp(t, s, len) == 0 && t[len] == '\0')
			return pool->slots[i];
		i = (i + 1) & mask;
	}
	if (pool->used + len + 1 > pool->cap) {
		size_t cap = pool->cap ? pool->cap : 65536;
		while (pool->used + len + 1 > cap)
			cap *= 2;
		char *arena = realloc(pool->arena, cap);
		if (!arena)
			return 0;
		pool->arena = arena;
		pool->cap = cap;
	}
	if (pool->used + len + 1 > UINT32_MAX)
		return 0;
	memcpy(pool->arena + pool->used, s, len);
	pool->arena[pool->used + len] = '\0';
	strref ref = (strref)(pool->used + 1);
	pool->used += len + 1;
	pool->slots[i] = ref;
	pool->count++;
	return ref;
}

const char *strpool_get(const struct strpool *pool, strref ref)
{
	if (!ref || ref > pool->used)
		return "";
	return pool->arena + ref - 1;
}

size_t strpool_bytes(const struct strpool *pool)
{
	return pool->cap + pool->nslots * sizeof(strref);
}
