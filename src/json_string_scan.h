/* json_string_scan.h - finding where a JSON string may end, fast.
 *
 * Both the text framer (is this line's JSON object complete?) and the JSON
 * parser's depth check walk every byte of every JSON record, and most of
 * those bytes are inside strings, where only '"' and '\' matter.  So the
 * walk inside a string goes eight bytes at a time: each byte of a word is
 * XORed with '"' and with '\', and the classic "has a zero byte" test
 *     (v - 0x01..01) & ~v & 0x80..80
 * flags bytes that became zero.  A borrow can only flag bytes above a real
 * zero byte, so the lowest flag is exact: on a little-endian machine that
 * is the first match, found with a count of trailing zeros.  Elsewhere the
 * walk goes byte by byte. */
#ifndef OAVIEW_JSON_STRING_SCAN_H
#define OAVIEW_JSON_STRING_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The first '"' or '\' in s[i..n), or n. */
static inline size_t json_string_scan(const char *s, size_t i, size_t n)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	while (i < n && n - i >= 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
		uint64_t hit = (((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
		if (hit)
			return i + ((size_t)__builtin_ctzll(hit) >> 3);
		i += 8;
	}
#endif
	while (i < n && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

#endif
