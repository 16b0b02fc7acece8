/* format_evtsys.c - "Eventlog to Syslog" (evtsys) messages.
 *
 * evtsys (Curtis Smith, Purdue; version 4 by Sherwin Faria, RIT) sends each
 * event as one syslog line.  Its source (winevent.c, ProcessEvent, for the
 * Vista+ event API; eventlog.c, EventlogNext, for the legacy one) builds:
 *   "Mmm dd hh:mm:ss HOST [TAG: ]SOURCE: ID: [AUDIT_FAILURE |AUDIT_SUCCESS ]MESSAGE"
 *   legacy: "Mmm dd hh:mm:ss HOST [TAG: ]SOURCE: ID: [USER: ][AUDIT_SUCCESS |AUDIT_FAILURE ]MESSAGE"
 * where SOURCE is the provider with "Microsoft-Windows-" removed and blanks
 * made underscores ("Security-Auditing"), the time is the event's local
 * time, and MESSAGE is the rendered message with every run of whitespace
 * made one space (CollapseExpandMessage).  The caller normally strips the
 * syslog part; a leading "Mmm dd hh:mm:ss HOST " left in the text is
 * skipped here too (its year-less time is not used).  If the caller's
 * syslog parser took SOURCE for the tag, the text starts at "ID: " and is
 * accepted only with its AUDIT_ marker.
 *
 * The message is read with text_message_labels (format_message.c).  evtsys
 * sends no record number: rec->number stays 0. */
#include "text_format.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Labels like "TAG: SOURCE: " before the id; evtsys writes at most two. */
#define EVTSYS_MAX_PREFIX 3
/* Where a legacy "USER: AUDIT_..." marker may still be found. */
#define EVTSYS_USER_MAX 256

static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "Mmm dd hh:mm:ss HOST " (dd may be " 5"): returns its length and the host,
 * or 0. */
static size_t skip_syslog_stamp(const char *s, size_t n, const char **host, size_t *hostlen)
{
	int month = 0;
	for (int i = 0; i < 12; i++)
		if (n > 4 && strncmp(s, MONTHS[i], 3) == 0 && s[3] == ' ')
			month = 1;
	if (!month || n < 16)
		return 0;
	size_t i = 4;
	if (s[i] == ' ')
		i++;
	if (!isdigit((unsigned char)s[i]))
		return 0;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (i + 10 > n || s[i] != ' ' || !isdigit((unsigned char)s[i + 1]) || s[i + 3] != ':'
	    || s[i + 6] != ':' || s[i + 9] != ' ')
		return 0;
	i += 10;
	size_t h = i;
	while (i < n && s[i] != ' ')
		i++;
	if (i == h || i >= n)
		return 0;
	*host = s + h;
	*hostlen = i - h;
	return i + 1;
}

/* One "word: " with no blank in the word. */
static size_t prefix_token(const char *s, size_t n, size_t *wordlen)
{
	size_t i = 0;
	while (i < n && s[i] != ' ' && s[i] != ':')
		i++;
	if (i == 0 || i + 1 >= n || s[i] != ':' || s[i + 1] != ' ')
		return 0;
	*wordlen = i;
	return i + 2;
}

static int all_digits(const char *s, size_t n)
{
	if (!n || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int starts_with(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);
	return n >= pl && memcmp(s, p, pl) == 0;
}

static const char *memstr(const char *s, size_t n, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = 0; i + nl <= n; i++)
		if (memcmp(s + i, needle, nl) == 0)
			return s + i;
	return NULL;
}

static int record_has_user(const struct record *rec)
{
	return record_get(rec, "SubjectUserName") || record_get(rec, "PrimaryUserName")
	       || record_get(rec, "ClientUserName");
}

/* The legacy "USER: " segment: the account of the record's SID. */
static int add_user(struct record *rec, struct arena *a, const char *u, size_t n)
{
	const char *bs = memchr(u, '\\', n);
	const char *name = bs ? bs + 1 : u;
	char *nm = arena_strndup(a, name, (size_t)(u + n - name));
	if (!nm)
		return -1;
	record_add(rec, "SubjectUserName", nm);
	if (bs) {
		char *dom = arena_strndup(a, u, (size_t)(bs - u));
		if (!dom)
			return -1;
		record_add(rec, "SubjectDomainName", dom);
	}
	return 0;
}

int text_parse_evtsys(const char *text, size_t len, struct record *rec, struct arena *a,
		      char *err, size_t errlen)
{
	const char *s = text;
	size_t n = len;
	while (n && (s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	while (n && *s == ' ') {
		s++;
		n--;
	}
	const char *host = NULL;
	size_t hostlen = 0;
	size_t skip = skip_syslog_stamp(s, n, &host, &hostlen);
	s += skip;
	n -= skip;

	/* Up to the id: "[TAG: ]SOURCE: ID: " */
	const char *word[EVTSYS_MAX_PREFIX + 1];
	size_t wlen[EVTSYS_MAX_PREFIX + 1];
	size_t nwords = 0, pos = 0;
	const char *id = NULL;
	size_t idlen = 0;
	while (nwords <= EVTSYS_MAX_PREFIX) {
		size_t wl, used = prefix_token(s + pos, n - pos, &wl);
		if (!used)
			break;
		if (all_digits(s + pos, wl)) {
			id = s + pos;
			idlen = wl;
			pos += used;
			break;
		}
		word[nwords] = s + pos;
		wlen[nwords] = wl;
		nwords++;
		pos += used;
	}
	if (!id)
		return 0;
	const char *source = nwords ? word[nwords - 1] : NULL;
	size_t sourcelen = nwords ? wlen[nwords - 1] : 0;

	/* "[USER: ][AUDIT_SUCCESS |AUDIT_FAILURE ]" */
	const char *rest = s + pos;
	size_t restlen = n - pos;
	const char *user = NULL;
	size_t userlen = 0;
	uint8_t outcome = OUTCOME_UNKNOWN;
	int marker = 0;
	if (!starts_with(rest, restlen, "AUDIT_SUCCESS") && !starts_with(rest, restlen, "AUDIT_FAILURE")) {
		size_t look = restlen < EVTSYS_USER_MAX ? restlen : EVTSYS_USER_MAX;
		const char *m = memstr(rest, look, ": AUDIT_SUCCESS");
		const char *f = memstr(rest, look, ": AUDIT_FAILURE");
		if (!m || (f && f < m))
			m = f;
		if (m && !memchr(rest, ':', (size_t)(m - rest))) {
			user = rest;
			userlen = (size_t)(m - rest);
			restlen -= (size_t)(m + 2 - rest);
			rest = m + 2;
		}
	}
	if (starts_with(rest, restlen, "AUDIT_SUCCESS") || starts_with(rest, restlen, "AUDIT_FAILURE")) {
		marker = 1;
		outcome = rest[6] == 'S' ? OUTCOME_SUCCESS : OUTCOME_FAILURE;
		rest += 13;
		restlen -= 13;
		if (restlen && *rest == ' ') {
			rest++;
			restlen--;
		}
	}
	/* Without the marker only a Security source makes this evtsys: a bare
	 * "word: 123: " is too common in other syslog lines. */
	int security_source = source && ((sourcelen == 17 && strncmp(source, "Security-Auditing", 17) == 0)
					 || (sourcelen == 8 && strncmp(source, "Security", 8) == 0));
	if (!marker && !security_source)
		return 0;

	uint32_t event_id = 0;
	for (size_t i = 0; i < idlen; i++)
		event_id = event_id * 10 + (uint32_t)(id[i] - '0');
	if (event_id > 65535) {
		snprintf(err, errlen, "evtsys line has an event id out of range (%.*s)", (int)idlen, id);
		return -1;
	}

	int oom = 0;
	rec->event_id = event_id;
	rec->outcome = outcome;
	if (source) {
		/* evtsys cut "Microsoft-Windows-" off the provider's name. */
		if (sourcelen == 17 && strncmp(source, "Security-Auditing", 17) == 0) {
			rec->provider = "Microsoft-Windows-Security-Auditing";
			rec->channel = "Security";
		} else {
			char *p = arena_strndup(a, source, sourcelen);
			if (!p)
				oom = 1;
			rec->provider = p;
			if (sourcelen == 8 && strncmp(source, "Security", 8) == 0)
				rec->channel = "Security";
		}
	}
	if (host) {
		char *h = arena_strndup(a, host, hostlen);
		if (!h)
			oom = 1;
		rec->computer = h;
	}
	if (event_id < 4096 && rec->channel && strcmp(rec->channel, "Security") == 0)
		rec->flags |= RECORD_LEGACY;
	if (text_message_labels(event_id, rest, restlen, rec, a) < 0)
		oom = 1;
	if (!oom && user && userlen && !record_has_user(rec) && add_user(rec, a, user, userlen) < 0)
		oom = 1;
	if (oom) {
		snprintf(err, errlen, "out of memory reading an evtsys line");
		return -1;
	}
	return 1;
}
