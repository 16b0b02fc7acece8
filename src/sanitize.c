/* sanitize.c - terminal-safe text (see sanitize.h). */
#include "sanitize.h"

#include <stdio.h>
#include <string.h>

size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	if (!len)
		return 0;
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2; v = c & 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3; v = c & 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

int sanitize_is_unsafe(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
		return 1;
	/* bidi embeddings/overrides/isolates and marks can reorder what the
	 * admin reads; line/paragraph separators break lines. */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
	    || cp == 0x200e || cp == 0x200f || cp == 0x061c || cp == 0x2028 || cp == 0x2029)
		return 1;
	return 0;
}

size_t sanitize_text(const char *in, size_t inlen, char *out, size_t outlen, int *escaped)
{
	size_t o = 0;
	if (escaped)
		*escaped = 0;
	if (!outlen)
		return 0;
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0;
	while (i < inlen && s[i]) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, inlen - i, &cp);
		char esc[16];
		const char *piece;
		size_t plen;
		if (n == 0) {
			snprintf(esc, sizeof esc, "\\x%02X", s[i]);
			piece = esc;
			plen = strlen(esc);
			n = 1;
		} else if (sanitize_is_unsafe(cp)) {
			switch (cp) {
			case 0x1b: piece = "\\e"; break;
			case '\n': piece = "\\n"; break;
			case '\r': piece = "\\r"; break;
			case '\t': piece = "\\t"; break;
			default:
				if (cp < 0x100)
					snprintf(esc, sizeof esc, "\\x%02X", (unsigned)cp);
				else
					snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
				piece = esc;
			}
			plen = strlen(piece);
		} else {
			piece = (const char *)s + i;
			plen = n;
		}
		if (piece != (const char *)s + i && escaped)
			*escaped = 1;
		if (o + plen >= outlen)
			break;
		memcpy(out + o, piece, plen);
		o += plen;
		i += n;
	}
	out[o] = '\0';
	return o;
}
