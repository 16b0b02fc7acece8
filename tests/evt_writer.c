/* evt_writer.c - TEST-ONLY writer of legacy EVT files (see evt_writer.h).
 *
 * Layout written (all little-endian; offsets from libevt's "Windows Event
 * Log (EVT) format" document and Microsoft's EVENTLOGHEADER, EVENTLOGRECORD
 * and ELF_EOF_RECORD descriptions):
 *
 *   file header, 0x30 bytes:
 *     0 size 0x30 | 4 "LfLe" | 8 major 1 | 12 minor 1 | 16 first record
 *     offset | 20 end-of-file record offset | 24 next record number |
 *     28 oldest record number | 32 maximum size | 36 flags | 40 retention |
 *     44 copy of size 0x30
 *   event record, variable:
 *     0 size | 4 "LfLe" | 8 record number | 12 time generated | 16 time
 *     written | 20 event id | 24 type (2) | 26 number of strings (2) |
 *     28 category (2) | 30 reserved flags (2) | 32 closing record number |
 *     36 strings offset | 40 user SID size | 44 user SID offset | 48 data
 *     size | 52 data offset | 56 source name, computer name (UTF-16LE, NUL
 *     terminated), [SID], strings (UTF-16LE, each NUL terminated), [data],
 *     padding to 4 bytes, copy of size
 *   end-of-file record, 0x28 bytes:
 *     0x28 | 0x11111111 | 0x22222222 | 0x33333333 | 0x44444444 | first record
 *     offset | end-of-file record offset | next record number | oldest
 *     record number | 0x28
 *
 * Records are written as they come; the header is written last, at close,
 * when the offsets and numbers are known.  The file is left "clean" (flags 0)
 * and not wrapped, which is what a log copied from a stopped service looks
 * like. */
#include "evt_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVT_HEADER_SIZE 0x30
#define EVT_RECORD_FIXED 56
#define EVT_EOF_SIZE 0x28
/* Windows' default maximum log size (512 KiB); grown in 64 KiB steps when a
 * test writes more than that, so the header never claims less than the
 * file holds. */
#define EVT_DEFAULT_MAX 0x80000u
#define EVT_MAX_STEP 0x10000u
/* Security category "Object Access" (MsAuditE.dll), as real 56x records
 * carry it; readers do not depend on it. */
#define EVT_CATEGORY_OBJECT_ACCESS 3

struct evt_writer {
	FILE *f;
	uint32_t offset;        /* where the next record starts */
	uint32_t first_number;  /* oldest record number, 0 while empty */
	uint32_t next_number;   /* number the next record would get */
	int failed;
};

struct evt_bytes {
	unsigned char *p;
	size_t len, cap;
	int failed;
};

static void bytes_reserve(struct evt_bytes *b, size_t more)
{
	if (b->failed)
		return;
	if (more > SIZE_MAX / 2 - b->len) {
		b->failed = 1;
		return;
	}
	if (b->len + more <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	unsigned char *p = realloc(b->p, cap);
	if (!p) {
		b->failed = 1;
		return;
	}
	b->p = p;
	b->cap = cap;
}

static void bytes_u8(struct evt_bytes *b, unsigned v)
{
	bytes_reserve(b, 1);
	if (!b->failed)
		b->p[b->len++] = (unsigned char)v;
}

static void bytes_u16(struct evt_bytes *b, uint32_t v)
{
	bytes_u8(b, v & 0xff);
	bytes_u8(b, (v >> 8) & 0xff);
}

static void bytes_u32(struct evt_bytes *b, uint32_t v)
{
	bytes_u16(b, v & 0xffff);
	bytes_u16(b, v >> 16);
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

/* Decode one UTF-8 sequence at s (NUL-terminated); returns the code point
 * and advances *len to the bytes used.  Malformed input becomes U+FFFD so a
 * test typo still yields a well-formed file. */
static uint32_t utf8_next(const unsigned char *s, size_t *len)
{
	uint32_t c = s[0];
	size_t n;

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
	} else {
		*len = 1;
		return 0xfffd;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*len = i;
			return 0xfffd;
		}
		c = (c << 6) | (s[i] & 0x3f);
	}
	*len = n;
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0xfffd;
	return c;
}

/* Append text as UTF-16LE with its terminating NUL. */
static void bytes_utf16(struct evt_bytes *b, const char *text)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");

	while (*s) {
		size_t used;
		uint32_t c = utf8_next(s, &used);

		s += used;
		if (c >= 0x10000) {
			c -= 0x10000;
			bytes_u16(b, 0xd800 | (c >> 10));
			bytes_u16(b, 0xdc00 | (c & 0x3ff));
		} else {
			bytes_u16(b, c);
		}
	}
	bytes_u16(b, 0);
}

struct evt_writer *evt_writer_open(const char *path)
{
	struct evt_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->f = fopen(path, "wb");
	if (!w->f) {
		free(w);
		return NULL;
	}
	/* Room for the header, filled in at close. */
	static const unsigned char zero[EVT_HEADER_SIZE];
	if (fwrite(zero, 1, sizeof(zero), w->f) != sizeof(zero))
		w->failed = 1;
	w->offset = EVT_WRITER_FIRST_OFFSET;
	w->next_number = 1;
	return w;
}

uint32_t evt_writer_offset(const struct evt_writer *w)
{
	return w->offset;
}

int evt_writer_add(struct evt_writer *w, uint32_t record_number, uint32_t time_posix,
		   uint32_t event_id, uint16_t event_type, const char *source,
		   const char *computer, size_t nstrings, const char *const *strings)
{
	struct evt_bytes b = { 0 };
	uint16_t category = 0;

	if (!w || w->failed)
		return -1;
	if (nstrings > 0xffff) {
		w->failed = 1;
		return -1;
	}
	if (event_id >= 560 && event_id <= 567)
		category = EVT_CATEGORY_OBJECT_ACCESS;

	/* Fixed part; the offsets are patched once the strings are laid out. */
	bytes_u32(&b, 0);                       /* size */
	bytes_u8(&b, 'L'); bytes_u8(&b, 'f'); bytes_u8(&b, 'L'); bytes_u8(&b, 'e');
	bytes_u32(&b, record_number);
	bytes_u32(&b, time_posix);              /* generated */
	bytes_u32(&b, time_posix);              /* written */
	bytes_u32(&b, event_id);
	bytes_u16(&b, event_type);
	bytes_u16(&b, (uint32_t)nstrings);
	bytes_u16(&b, category);
	bytes_u16(&b, 0);                       /* reserved flags */
	bytes_u32(&b, 0);                       /* closing record number */
	bytes_u32(&b, 0);                       /* strings offset */
	bytes_u32(&b, 0);                       /* user SID size: none */
	bytes_u32(&b, 0);                       /* user SID offset */
	bytes_u32(&b, 0);                       /* data size: none */
	bytes_u32(&b, 0);                       /* data offset */

	bytes_utf16(&b, source);
	bytes_utf16(&b, computer);
	size_t strings_offset = b.len;          /* no SID: strings follow */
	for (size_t i = 0; i < nstrings; i++)
		bytes_utf16(&b, strings ? strings[i] : NULL);
	size_t data_offset = b.len;
	while (b.len % 4)
		bytes_u8(&b, 0);
	size_t size = b.len + 4;
	bytes_u32(&b, (uint32_t)size);          /* copy of size */

	if (b.failed || size > UINT32_MAX - w->offset - EVT_EOF_SIZE) {
		free(b.p);
		w->failed = 1;
		return -1;
	}
	put_u32(b.p + 0, (uint32_t)size);
	put_u32(b.p + 36, (uint32_t)strings_offset);
	put_u32(b.p + 44, (uint32_t)strings_offset);
	put_u32(b.p + 52, (uint32_t)data_offset);

	if (fwrite(b.p, 1, b.len, w->f) != b.len)
		w->failed = 1;
	free(b.p);
	if (w->failed)
		return -1;
	w->offset += (uint32_t)size;
	if (w->first_number == 0)
		w->first_number = record_number;
	w->next_number = record_number + 1;
	return 0;
}

int evt_writer_close(struct evt_writer *w)
{
	unsigned char eof[EVT_EOF_SIZE], head[EVT_HEADER_SIZE];
	uint32_t max_size = EVT_DEFAULT_MAX;
	int failed;

	if (!w)
		return -1;
	failed = w->failed;

	put_u32(eof + 0, EVT_EOF_SIZE);
	put_u32(eof + 4, 0x11111111);
	put_u32(eof + 8, 0x22222222);
	put_u32(eof + 12, 0x33333333);
	put_u32(eof + 16, 0x44444444);
	put_u32(eof + 20, EVT_WRITER_FIRST_OFFSET);
	put_u32(eof + 24, w->offset);
	put_u32(eof + 28, w->next_number);
	put_u32(eof + 32, w->first_number);
	put_u32(eof + 36, EVT_EOF_SIZE);
	if (!failed && fwrite(eof, 1, sizeof(eof), w->f) != sizeof(eof))
		failed = 1;

	while (max_size < w->offset + EVT_EOF_SIZE && max_size <= UINT32_MAX - EVT_MAX_STEP)
		max_size += EVT_MAX_STEP;

	put_u32(head + 0, EVT_HEADER_SIZE);
	memcpy(head + 4, "LfLe", 4);
	put_u32(head + 8, 1);                   /* major version */
	put_u32(head + 12, 1);                  /* minor version */
	put_u32(head + 16, EVT_WRITER_FIRST_OFFSET);
	put_u32(head + 20, w->offset);          /* end-of-file record */
	put_u32(head + 24, w->next_number);
	put_u32(head + 28, w->first_number);
	put_u32(head + 32, max_size);
	put_u32(head + 36, 0);                  /* flags: clean, not wrapped */
	put_u32(head + 40, 0);                  /* retention */
	put_u32(head + 44, EVT_HEADER_SIZE);
	if (!failed && (fseek(w->f, 0, SEEK_SET) != 0 ||
			fwrite(head, 1, sizeof(head), w->f) != sizeof(head)))
		failed = 1;

	if (fclose(w->f) != 0)
		failed = 1;
	free(w);
	return failed ? -1 : 0;
}
