/* timefmt.h - FILETIME (100 ns ticks since 1601-01-01 UTC) to text. */
#ifndef OAVIEW_TIMEFMT_H
#define OAVIEW_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Seconds between 1601-01-01 and 1970-01-01. */
#define FILETIME_UNIX_EPOCH 11644473600LL
#define FILETIME_TICKS 10000000LL

int64_t filetime_from_unix(int64_t seconds, uint32_t nanoseconds);

/* "2021-10-20T14:29:10.5425177Z"; "" for 0.  Returns the length. */
size_t timefmt_iso(int64_t filetime, char *buf, size_t buflen);

/* "14:29:10" (UTC), for the event list. */
size_t timefmt_clock(int64_t filetime, char *buf, size_t buflen);

/* Parse ISO 8601 "YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|+hh:mm]"; a time with no
 * zone is taken as UTC.  Returns 1 on success. */
int timefmt_parse_iso(const char *text, int64_t *filetime);

#endif
