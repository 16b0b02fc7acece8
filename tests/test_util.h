/* test_util.h - small helpers shared by the cmocka tests. */
#ifndef OAVIEW_TEST_UTIL_H
#define OAVIEW_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "load.h"
#include "store.h"

#define DATA(name) TEST_DATA_DIR "/" name

/* Collects diagnostics so tests can assert on them. */
struct diag_log {
	char text[16384];
	size_t len;
	int count;
};

static inline void diag_log_add(void *ctx, const char *message)
{
	struct diag_log *d = ctx;
	d->count++;
	size_t n = strlen(message);
	if (d->len + n + 2 < sizeof d->text) {
		memcpy(d->text + d->len, message, n);
		d->len += n;
		d->text[d->len++] = '\n';
		d->text[d->len] = '\0';
	}
}

/* Load one file into a fresh store; fails the test on error. */
static inline void load_into(struct store *st, const char *path, int keep_all, int threads,
			     struct diag_log *log)
{
	char err[1024];
	struct load_options lo = {threads, log ? diag_log_add : NULL, log};
	st->keep_all = keep_all;
	if (load_file(st, path, &lo, err, sizeof err) != 0)
		fail_msg("load %s: %s", path, err);
}

/* Index of the event with record number rec, or EVENT_NONE. */
static inline uint32_t find_record(const struct store *st, uint64_t rec)
{
	for (size_t i = 0; i < st->count; i++)
		if (store_event(st, (uint32_t)i)->record == rec)
			return (uint32_t)i;
	return EVENT_NONE;
}

#endif
