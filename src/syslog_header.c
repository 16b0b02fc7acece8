/* syslog_header.c - the syslog header in front of a forwarded record.
 *
 * syslog_header_parse recognises, at the start of a line:
 *   RFC 5424  "<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG" (each field
 *             may be "-"; SD is "-" or [..] elements; a BOM before MSG
 *             is dropped);
 *   RFC 3164  "[<PRI>]Mmm dd hh:mm:ss[.frac] HOST [TAG[PID]:] MSG", the day
 *             padded with a space or a zero, as syslog daemons write it to
 *             files (no PRI) and as it travels on the wire (with PRI);
 *   rsyslog's high-precision file format "YYYY-MM-DDThh:mm:ss[.frac]zone HOST
 *             [TAG:] MSG".
 * and returns where the message starts.  Nothing that is not a header is
 * stripped: a line starting "MSWinEventLog" or "host<TAB>MSWinEventLog"
 * (Snare without syslog) has no header, and neither a token followed by a
 * TAB nor "MSWinEventLog" itself is ever taken for a host, because syslog
 * separates header fields with one space and Snare separates its fields
 * with tabs (or "MSWinEventLog 0#011..." when a relay escaped them).  An
 * RFC 3164 time has no year, so it is reported as unknown (0) rather than
 * guessed.  The header of an evtsys line ends before its source ("HOST
 * Security-Auditing: 4663: ..."): that token is taken as the tag, and the
 * text source gives it back to the evtsys parser. */
#include "text_format.h"

#include <ctype.h>
#include <string.h>

#include "timefmt.h"

#define HOST_MAX 255
#define TAG_MAX 48

static const char MONTHS[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* "<PRI>" with PRI 0..191; returns its length or 0. */
static size_t syslog_pri(const char *s, size_t len)
{
	if (len < 3 || s[0] != '<')
		return 0;
	size_t i = 1;
	unsigned v = 0;
	while (i < len && i <= 3 && isdigit((unsigned char)s[i]))
		v = v * 10 + (unsigned)(s[i++] - '0');
	if (i == 1 || i >= len || s[i] != '>' || v > 191)
		return 0;
	return i + 1;
}

static int is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* "Mmm dd hh:mm:ss[.frac]" (dd may be " d" or "0d"); returns its length. */
static size_t rfc3164_time(const char *s, size_t len)
{
	if (len < 15)
		return 0;
	int month = -1;
	for (int m = 0; m < 12; m++)
		if (memcmp(s, MONTHS[m], 3) == 0)
			month = m;
	if (month < 0 || s[3] != ' ')
		return 0;
	if (!((s[4] == ' ' || isdigit((unsigned char)s[4])) && isdigit((unsigned char)s[5])))
		return 0;
	if (s[6] != ' ' || !is_digits(s + 7, 2) || s[9] != ':' || !is_digits(s + 10, 2) || s[12] != ':'
	    || !is_digits(s + 13, 2))
		return 0;
	size_t i = 15;
	if (i + 1 < len && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
		i++;
		while (i < len && i < 32 && isdigit((unsigned char)s[i]))
			i++;
	}
	return i;
}

/* Length of the token at s (up to a space or tab). */
static size_t token_len(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && s[i] != ' ' && s[i] != '\t')
		i++;
	return i;
}

/* An ISO 8601 timestamp token "YYYY-MM-DDThh:mm:ss..." parsed into *ft. */
static int iso_token(const char *s, size_t n, int64_t *ft)
{
	char buf[64];
	if (n < 19 || n >= sizeof buf || !is_digits(s, 4) || s[4] != '-' || s[10] != 'T')
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return timefmt_parse_iso(buf, ft);
}

/* "TAG:" or "TAG[PID]:" followed by a space or the end; returns the length
 * consumed (with the space) and the tag's length in *tag_len. */
static size_t syslog_tag(const char *s, size_t len, size_t *tag_len)
{
	size_t i = 0;
	while (i < len && i < TAG_MAX && s[i] != ':' && s[i] != '[' && s[i] != ' ' && s[i] != '\t'
	       && (unsigned char)s[i] > 0x20)
		i++;
	if (i == 0 || i >= len)
		return 0;
	*tag_len = i;
	if (s[i] == '[') {
		size_t j = i + 1;
		while (j < len && j < i + 24 && s[j] != ']' && s[j] != ' ')
			j++;
		if (j >= len || s[j] != ']')
			return 0;
		i = j + 1;
	}
	if (i >= len || s[i] != ':')
		return 0;
	i++;
	if (i < len && s[i] != ' ')
		return 0; /* "4663:AUDIT" or "C:\x" is text, not a tag */
	return i < len ? i + 1 : i;
}

/* HOST [TAG:] after an RFC 3164 or ISO time; returns the offset reached. */
static size_t host_and_tag(const char *line, size_t len, size_t i, struct syslog_header *h,
			   struct arena *a)
{
	size_t n = token_len(line + i, len - i);
	size_t tl;
	/* The host is followed by one space; a token ending in ':' is a tag
	 * written with no host, and one followed by a tab is message text, as
	 * is Snare's own tag when a sender wrote no host. */
	if (n > 0 && n <= HOST_MAX && i + n < len && line[i + n] == ' '
	    && !syslog_tag(line + i, len - i, &tl)
	    && !(n == 13 && memcmp(line + i, "MSWinEventLog", 13) == 0)) {
		h->host = arena_strndup(a, line + i, n);
		i += n + 1;
	}
	size_t t = syslog_tag(line + i, len - i, &tl);
	if (t) {
		h->tag = arena_strndup(a, line + i, tl);
		i += t;
	}
	return i;
}

/* Skip one SD-ELEMENT "[id k="v" ...]" (values may hold \" \] \\). */
static size_t sd_element(const char *s, size_t len)
{
	if (len == 0 || s[0] != '[')
		return 0;
	int quoted = 0;
	for (size_t i = 1; i < len; i++) {
		if (quoted) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				quoted = 0;
		} else if (s[i] == '"') {
			quoted = 1;
		} else if (s[i] == ']') {
			return i + 1;
		}
	}
	return 0;
}

static size_t rfc5424(const char *line, size_t len, size_t i, struct syslog_header *h,
		      struct arena *a)
{
	/* VERSION SP */
	size_t v = i;
	while (v < len && v < i + 2 && isdigit((unsigned char)line[v]))
		v++;
	if (v == i || line[i] == '0' || v >= len || line[v] != ' ')
		return 0;
	size_t p = v + 1;
	const char *field[4];
	size_t flen[4];
	/* TIMESTAMP HOST APP PROCID, then MSGID */
	size_t n = token_len(line + p, len - p);
	if (n == 0 || p + n >= len || line[p + n] != ' ')
		return 0;
	int64_t ft = 0;
	if (!(n == 1 && line[p] == '-') && !iso_token(line + p, n, &ft))
		return 0;
	p += n + 1;
	for (int f = 0; f < 4; f++) {
		n = token_len(line + p, len - p);
		if (n == 0 || p + n >= len || line[p + n] != ' ')
			return 0;
		field[f] = line + p;
		flen[f] = n;
		p += n + 1;
	}
	/* STRUCTURED-DATA: "-" or one or more elements. */
	if (p >= len)
		return 0;
	if (line[p] == '-') {
		p++;
	} else {
		size_t e = sd_element(line + p, len - p);
		if (!e)
			return 0;
		while (e) {
			p += e;
			e = sd_element(line + p, len - p);
		}
	}
	if (p < len && line[p] != ' ')
		return 0;
	if (p < len)
		p++;
	if (len - p >= 3 && memcmp(line + p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	h->present = 1;
	h->time = ft;
	if (!(flen[0] == 1 && field[0][0] == '-'))
		h->host = arena_strndup(a, field[0], flen[0]);
	if (!(flen[1] == 1 && field[1][0] == '-'))
		h->tag = arena_strndup(a, field[1], flen[1]);
	return p;
}

size_t syslog_header_parse(const char *line, size_t len, struct syslog_header *h, struct arena *a)
{
	memset(h, 0, sizeof *h);
	size_t i = syslog_pri(line, len);
	if (i) {
		size_t p = rfc5424(line, len, i, h, a);
		if (p)
			return p;
	}
	size_t t = rfc3164_time(line + i, len - i);
	if (t && i + t < len && line[i + t] == ' ') {
		h->present = 1;
		return host_and_tag(line, len, i + t + 1, h, a);
	}
	size_t n = token_len(line + i, len - i);
	int64_t ft;
	if (n && i + n < len && line[i + n] == ' ' && iso_token(line + i, n, &ft)) {
		h->present = 1;
		h->time = ft;
		return host_and_tag(line, len, i + n + 1, h, a);
	}
	if (i) {
		/* "<PRI>" alone: a sender that writes no time and no host. */
		h->present = 1;
		return i;
	}
	return 0;
}
