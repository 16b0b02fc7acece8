/* timefmt.c - FILETIME conversions (see timefmt.h). */
#include "timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t filetime_from_unix(int64_t seconds, uint32_t nanoseconds)
{
	return (seconds + FILETIME_UNIX_EPOCH) * FILETIME_TICKS + nanoseconds / 100;
}

static int timefmt_split(int64_t filetime, struct tm *tm, long *ticks)
{
	if (filetime <= 0)
		return 0;
	time_t secs = (time_t)(filetime / FILETIME_TICKS - FILETIME_UNIX_EPOCH);
	*ticks = (long)(filetime % FILETIME_TICKS);
	return gmtime_r(&secs, tm) != NULL;
}

size_t timefmt_iso(int64_t filetime, char *buf, size_t buflen)
{
	struct tm tm;
	long ticks;
	if (!buflen)
		return 0;
	buf[0] = '\0';
	if (!timefmt_split(filetime, &tm, &ticks))
		return 0;
	int n = snprintf(buf, buflen, "%04d-%02d-%02dT%02d:%02d:%02d.%07ldZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ticks);
	return n < 0 ? 0 : ((size_t)n < buflen ? (size_t)n : buflen - 1);
}

size_t timefmt_clock(int64_t filetime, char *buf, size_t buflen)
{
	struct tm tm;
	long ticks;
	if (!buflen)
		return 0;
	buf[0] = '\0';
	if (!timefmt_split(filetime, &tm, &ticks))
		return 0;
	int n = snprintf(buf, buflen, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	return n < 0 ? 0 : ((size_t)n < buflen ? (size_t)n : buflen - 1);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return 0;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 1;
}

int timefmt_parse_iso(const char *s, int64_t *filetime)
{
	int y, mo, d, h, mi, se;
	const char *p = s;
	while (isspace((unsigned char)*p))
		p++;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d))
		return 0;
	if (*p != 'T' && *p != ' ')
		return 0;
	p++;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &se))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return 0;
	long ticks = 0;
	if (*p == '.' || *p == ',') {
		p++;
		int n = 0;
		while (isdigit((unsigned char)*p)) {
			if (n < 7) {
				ticks = ticks * 10 + (*p - '0');
				n++;
			}
			p++;
		}
		for (; n < 7; n++)
			ticks *= 10;
	}
	int64_t offset = 0;
	if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om = 0;
		p++;
		if (!digits(&p, 2, &oh))
			return 0;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && !digits(&p, 2, &om))
			return 0;
		offset = sign * (oh * 3600 + om * 60);
	} else if (*p == 'Z' || *p == 'z') {
		p++;
	}
	int64_t secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - offset;
	*filetime = filetime_from_unix(secs, 0) + ticks;
	return 1;
}
