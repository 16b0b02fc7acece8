/*
 * evtx-build: build a large EVTX file out of real sample chunks, for the
 * speed bench (tests/bench/bench.sh).
 *
 *   cc -O2 tests/bench/evtx-build.c -lz -o evtx-build
 *   evtx-build OUT.evtx TARGET_MB IN.evtx...
 *
 * Every valid 64 KiB chunk of the inputs is collected (file header 4096
 * bytes, then chunks of 65536 bytes).  A chunk is valid when it has the
 * "ElfChnk\0" signature, a sane free-space offset, both CRC32s match, and
 * its records walk cleanly from offset 512 to the free-space offset (each
 * "**\0\0" record's size is in range and repeated in its last 4 bytes) with
 * at least one record.  Other chunks (empty preallocated ones, torn ones)
 * are skipped.
 *
 * The output is a clean file header followed by copies of those chunks,
 * taken round-robin over the inputs (input 1 chunk 1, input 2 chunk 1, ...,
 * each input cycling through its own chunks), until the file is at least
 * TARGET_MB MiB.  Record ids are renumbered to run from 1 across the whole
 * file: the record header id (+8) and, where the record has the standard
 * shape (fragment header, template instance, substitution index 10 of type
 * UInt64 size 8 = System/EventRecordID), the EventRecordID inside the
 * BinXML.  Chunk headers get their first/last record numbers and ids and
 * both CRC32s recomputed.  Record FILETIMEs are left as they are, so time
 * goes backwards at chunk boundaries; that does not matter to a reader.
 *
 * Chunks hold their templates and strings chunk-relative, so a chunk copied
 * whole stays decodable anywhere in a file.
 *
 * Limit: the file header counts chunks in a u16, so a file holds at most
 * 65535 chunks (4096 + 65535 * 65536 bytes, just under 4 GiB).  A larger
 * TARGET_MB is capped there, with a warning.
 *
 * Exit status: 0 on success, 1 on usage or I/O error, or when no input has
 * a valid chunk.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define FILE_HEADER_SIZE 4096u
#define CHUNK_SIZE       65536u
#define CHUNK_HDR_SIZE   512u
#define MAX_CHUNKS       65535u

static uint16_t get16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v & 0xff); p[1] = (unsigned char)(v >> 8);
}
static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xff); p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff); p[3] = (unsigned char)(v >> 24);
}
static void put64(unsigned char *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static uint32_t crc(const unsigned char *p, size_t n)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

static uint32_t chunk_header_crc(const unsigned char *c)
{
	uLong v = crc32(0L, Z_NULL, 0);
	v = crc32(v, c, 120);
	v = crc32(v, c + 128, CHUNK_HDR_SIZE - 128);
	return (uint32_t)v;
}

/* Walk the records of chunk c; return how many, or -1 if the chunk is not
 * well formed (see the header comment). */
static long walk_records(const unsigned char *c)
{
	uint32_t free_off = get32(c + 48);
	uint32_t off = CHUNK_HDR_SIZE;
	long n = 0;

	if (free_off < CHUNK_HDR_SIZE || free_off > CHUNK_SIZE)
		return -1;
	while (off < free_off) {
		uint32_t size;
		if (free_off - off < 28 || get32(c + off) != 0x00002a2au)
			return -1;
		size = get32(c + off + 4);
		if (size < 28 || size > free_off - off || get32(c + off + size - 4) != size)
			return -1;
		off += size;
		n++;
	}
	return n;
}

static int chunk_valid(const unsigned char *c, long *nrec)
{
	uint32_t free_off;
	if (memcmp(c, "ElfChnk\0", 8) != 0)
		return 0;
	free_off = get32(c + 48);
	if (free_off < CHUNK_HDR_SIZE || free_off > CHUNK_SIZE)
		return 0;
	if (chunk_header_crc(c) != get32(c + 124))
		return 0;
	if (crc(c + CHUNK_HDR_SIZE, free_off - CHUNK_HDR_SIZE) != get32(c + 52))
		return 0;
	*nrec = walk_records(c);
	return *nrec > 0;
}

/* Find the EventRecordID value (substitution index 10, UInt64) in the
 * record at chunk offset rec of size size; return its chunk offset or 0
 * when the record does not have that shape. */
static uint32_t find_event_record_id(const unsigned char *c, uint32_t rec, uint32_t size)
{
	uint32_t end = rec + size - 4;	/* the trailing size copy */
	uint32_t p = rec + 24;
	uint32_t def_off, nvals, i, val;

	if (end - p < 14 || memcmp(c + p, "\x0f\x01\x01\x00", 4) != 0 || c[p + 4] != 0x0c)
		return 0;
	/* 0x0c, one byte, u32 template id, u32 definition offset */
	def_off = get32(c + p + 10);
	p += 14;
	if (def_off == p) {	/* inline definition */
		uint32_t dsize;
		if (end - p < 24)
			return 0;
		dsize = get32(c + p + 20);	/* after next-def offset and GUID */
		p += 24;
		if (dsize > end - p)
			return 0;
		p += dsize;
	}
	if (end - p < 4)
		return 0;
	nvals = get32(c + p);
	p += 4;
	if (nvals <= 10 || nvals > (end - p) / 4)
		return 0;
	/* descriptors: u16 size, u8 type, u8 pad */
	if (get16(c + p + 40) != 8 || c[p + 42] != 0x0a)
		return 0;
	val = p + 4 * nvals;
	for (i = 0; i < 10; i++)
		val += get16(c + p + 4 * i);
	if (val > end || end - val < 8)
		return 0;
	return val;
}

struct counts {
	uint64_t records, binxml_ids, binxml_left;
};

/* Renumber the records of chunk c from *next_id on and fix its header. */
static void renumber_chunk(unsigned char *c, uint64_t *next_id, struct counts *k)
{
	uint32_t free_off = get32(c + 48);
	uint32_t off = CHUNK_HDR_SIZE;
	uint64_t first = *next_id;

	while (off < free_off) {
		uint32_t size = get32(c + off + 4);
		uint32_t v = find_event_record_id(c, off, size);
		uint64_t id = (*next_id)++;
		put64(c + off + 8, id);
		if (v) {
			put64(c + v, id);
			k->binxml_ids++;
		} else {
			k->binxml_left++;
		}
		k->records++;
		off += size;
	}
	put64(c + 8, first);		/* first event record number */
	put64(c + 16, *next_id - 1);	/* last event record number */
	put64(c + 24, first);		/* first event record id */
	put64(c + 32, *next_id - 1);	/* last event record id */
	put32(c + 52, crc(c + CHUNK_HDR_SIZE, free_off - CHUNK_HDR_SIZE));
	put32(c + 124, chunk_header_crc(c));
}

struct input {
	const char *name;
	unsigned char *chunks;	/* nchunks * CHUNK_SIZE */
	size_t nchunks, next;
};

static int load_input(struct input *in, const char *name)
{
	FILE *f = fopen(name, "rb");
	unsigned char hdr[FILE_HEADER_SIZE];
	unsigned char *buf;
	size_t total = 0, cap = 0;
	long nrec;

	in->name = name;
	in->chunks = NULL;
	in->nchunks = in->next = 0;
	if (!f) {
		fprintf(stderr, "evtx-build: %s: %s\n", name, strerror(errno));
		return -1;
	}
	if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr || memcmp(hdr, "ElfFile\0", 8) != 0) {
		fprintf(stderr, "evtx-build: %s: not an EVTX file, skipped\n", name);
		fclose(f);
		return 0;
	}
	buf = malloc(CHUNK_SIZE);
	if (!buf) {
		fclose(f);
		return -1;
	}
	while (fread(buf, 1, CHUNK_SIZE, f) == CHUNK_SIZE) {
		total++;
		if (!chunk_valid(buf, &nrec))
			continue;
		if (in->nchunks == cap) {
			unsigned char *n;
			cap = cap ? cap * 2 : 16;
			n = realloc(in->chunks, cap * CHUNK_SIZE);
			if (!n) {
				free(buf);
				fclose(f);
				return -1;
			}
			in->chunks = n;
		}
		memcpy(in->chunks + in->nchunks * CHUNK_SIZE, buf, CHUNK_SIZE);
		in->nchunks++;
	}
	if (ferror(f)) {
		fprintf(stderr, "evtx-build: %s: read error\n", name);
		free(buf);
		fclose(f);
		return -1;
	}
	free(buf);
	fclose(f);
	fprintf(stderr, "evtx-build: %s: %zu valid chunk(s) of %zu\n", name, in->nchunks, total);
	return 0;
}

int main(int argc, char **argv)
{
	struct input *in;
	int nin = argc - 3, i, have = 0;
	double mb;
	char *endp;
	uint64_t target, nchunks, want, next_id = 1;
	unsigned char hdr[FILE_HEADER_SIZE];
	unsigned char *chunk;
	struct counts k = {0, 0, 0};
	FILE *out;

	if (argc < 4) {
		fprintf(stderr, "usage: evtx-build OUT.evtx TARGET_MB IN.evtx...\n");
		return 1;
	}
	mb = strtod(argv[2], &endp);
	if (*endp || !(mb > 0)) {
		fprintf(stderr, "evtx-build: bad TARGET_MB '%s'\n", argv[2]);
		return 1;
	}
	in = calloc((size_t)nin, sizeof *in);
	chunk = malloc(CHUNK_SIZE);
	if (!in || !chunk)
		return 1;
	for (i = 0; i < nin; i++) {
		if (load_input(&in[i], argv[3 + i]) < 0)
			return 1;
		have += in[i].nchunks > 0;
	}
	if (!have) {
		fprintf(stderr, "evtx-build: no valid chunk in the inputs\n");
		return 1;
	}

	/* Chunks needed for the file to reach the target size (at least one). */
	target = mb * 1048576.0 > (double)UINT64_MAX / 2 ? UINT64_MAX / 2 : (uint64_t)(mb * 1048576.0);
	want = target <= FILE_HEADER_SIZE ? 1 :
		(target - FILE_HEADER_SIZE + CHUNK_SIZE - 1) / CHUNK_SIZE;
	if (want > MAX_CHUNKS) {
		fprintf(stderr, "evtx-build: %.0f MiB needs %llu chunks; an EVTX file holds at most "
			"%u (u16 chunk count): capped at %u chunks\n",
			mb, (unsigned long long)want, MAX_CHUNKS, MAX_CHUNKS);
		want = MAX_CHUNKS;
	}

	out = fopen(argv[1], "wb");
	if (!out) {
		fprintf(stderr, "evtx-build: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(hdr, 0, sizeof hdr);
	if (fwrite(hdr, 1, sizeof hdr, out) != sizeof hdr)
		goto write_error;

	nchunks = 0;
	for (i = 0; nchunks < want; i = (i + 1) % nin) {
		struct input *s = &in[i];
		if (!s->nchunks)
			continue;
		memcpy(chunk, s->chunks + s->next * CHUNK_SIZE, CHUNK_SIZE);
		s->next = (s->next + 1) % s->nchunks;
		renumber_chunk(chunk, &next_id, &k);
		if (fwrite(chunk, 1, CHUNK_SIZE, out) != CHUNK_SIZE)
			goto write_error;
		nchunks++;
	}

	/* The file header: clean, version 3.1. */
	memcpy(hdr, "ElfFile\0", 8);
	put64(hdr + 8, 0);		/* first chunk number */
	put64(hdr + 16, nchunks - 1);	/* last chunk number */
	put64(hdr + 24, next_id);	/* next record id */
	put32(hdr + 32, 128);		/* header size */
	put16(hdr + 36, 1);		/* minor version */
	put16(hdr + 38, 3);		/* major version */
	put16(hdr + 40, FILE_HEADER_SIZE);	/* header block size */
	put16(hdr + 42, (uint16_t)nchunks);	/* number of chunks */
	put32(hdr + 120, 0);		/* flags: clean */
	put32(hdr + 124, crc(hdr, 120));
	if (fseek(out, 0, SEEK_SET) != 0 || fwrite(hdr, 1, 128, out) != 128)
		goto write_error;
	if (fclose(out) != 0) {
		out = NULL;
		goto write_error;
	}

	printf("%s: %llu bytes, %llu chunks, %llu records (ids 1..%llu), "
	       "EventRecordID rewritten in %llu, BinXML left alone in %llu\n",
	       argv[1], (unsigned long long)(FILE_HEADER_SIZE + nchunks * CHUNK_SIZE),
	       (unsigned long long)nchunks, (unsigned long long)k.records,
	       (unsigned long long)(next_id - 1), (unsigned long long)k.binxml_ids,
	       (unsigned long long)k.binxml_left);
	for (i = 0; i < nin; i++)
		free(in[i].chunks);
	free(in);
	free(chunk);
	return 0;

write_error:
	fprintf(stderr, "evtx-build: %s: write error: %s\n", argv[1], strerror(errno));
	if (out)
		fclose(out);
	return 1;
}
