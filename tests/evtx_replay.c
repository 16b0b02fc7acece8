/* evtx_replay.c - TEST-ONLY replay of real EVTX chunks as a live log (see
 * evtx_replay.h).
 *
 * State: the source chunks (whole 64 KiB copies of the samples' sound
 * chunks, each with the offsets of its records), the slot being written and
 * an in-memory copy of it (what the file holds there), the record of the
 * source chunk to write next and the id it will get.  Every write goes to
 * the file at once with pwrite, so a reader sees exactly what a step left.
 * Layout facts (little-endian): file header 4096 bytes ("ElfFile\0", +8
 * first chunk, +16 last chunk, +24 next record id, +32 header size 128,
 * +36 minor 1, +38 major 3, +40 header block size 4096, +42 chunk count,
 * +120 flags (1 = dirty), +124 CRC32 of bytes 0..120); chunk header 512
 * bytes ("ElfChnk\0", +8/+16 first/last record number, +24/+32 first/last
 * record id, +40 header size 128, +44 last record offset, +48 free space
 * offset, +52 CRC32 of the records 512..free, +124 CRC32 of bytes 0..120
 * and 128..512; 128..512 hold the string and template offset tables);
 * record: "**\0\0", u32 size, u64 id, u64 FILETIME, BinXML, u32 size copy. */
#include "evtx_replay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define FILE_HEADER 4096u
#define CHUNK 65536u
#define CHUNK_HEADER 512u
#define MAX_RECORDS_PER_CHUNK 4096

struct source_chunk {
	unsigned char *bytes;            /* CHUNK bytes */
	uint32_t offsets[MAX_RECORDS_PER_CHUNK];
	size_t nrecords;
};

struct evtx_replay {
	int fd;
	char path[4096];
	struct evtx_replay_options opt;
	struct source_chunk *sources;
	size_t nsources, next_source;

	unsigned file_chunks;            /* room in the file, in chunks */
	unsigned chunks_started;
	unsigned wraps;
	int have_chunk;
	unsigned slot;                   /* slot being written */
	unsigned char chunk[CHUNK];      /* what the file holds in that slot */
	const struct source_chunk *src;  /* its records come from here */
	size_t next_record;              /* index in src */
	uint64_t chunk_first_id;
	uint32_t free_offset;
	uint32_t last_record_offset;
	unsigned records_in_chunk;
	unsigned header_updates;
	unsigned records_written;

	uint64_t next_id;                /* id the next record gets */
	int torn;                        /* first half of a record written */
	uint32_t torn_offset, torn_size, torn_split;
	unsigned stale_chunk_count;      /* what the file header last said */
};

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t crc(const unsigned char *p, size_t n)
{
	return (uint32_t)crc32(0, p, (uInt)n);
}

static uint32_t chunk_header_crc(const unsigned char *c)
{
	uint32_t v = (uint32_t)crc32(0, c, 120);
	return (uint32_t)crc32(v, c + 128, CHUNK_HEADER - 128);
}

static int write_at(struct evtx_replay *r, const void *p, size_t n, uint64_t off)
{
	const unsigned char *b = p;
	while (n) {
		ssize_t w = pwrite(r->fd, b, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static uint64_t slot_offset(unsigned slot)
{
	return FILE_HEADER + (uint64_t)slot * CHUNK;
}

/* A chunk is sound when its signature and both CRCs hold and its records
 * walk cleanly from 512 to the free-space offset. */
static int load_chunk(struct source_chunk *sc, const unsigned char *c)
{
	if (memcmp(c, "ElfChnk\0", 8) != 0)
		return 0;
	uint32_t free_off = get32(c + 48);
	if (free_off < CHUNK_HEADER || free_off > CHUNK)
		return 0;
	if (chunk_header_crc(c) != get32(c + 124) || crc(c + CHUNK_HEADER, free_off - CHUNK_HEADER) != get32(c + 52))
		return 0;
	sc->nrecords = 0;
	for (uint32_t off = CHUNK_HEADER; off < free_off;) {
		if (free_off - off < 28 || memcmp(c + off, "**\0\0", 4) != 0)
			return 0;
		uint32_t size = get32(c + off + 4);
		if (size < 28 || size > free_off - off || get32(c + off + size - 4) != size)
			return 0;
		if (sc->nrecords == MAX_RECORDS_PER_CHUNK)
			return 0;
		sc->offsets[sc->nrecords++] = off;
		off += size;
	}
	return sc->nrecords > 0;
}

static int load_sample(struct evtx_replay *r, const char *name, char *err, size_t errlen)
{
	FILE *f = fopen(name, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", name, strerror(errno));
		return -1;
	}
	unsigned char head[FILE_HEADER];
	if (fread(head, 1, sizeof head, f) != sizeof head || memcmp(head, "ElfFile\0", 8) != 0) {
		fclose(f);
		snprintf(err, errlen, "%s: not an EVTX file", name);
		return -1;
	}
	unsigned char *buf = malloc(CHUNK);
	if (!buf) {
		fclose(f);
		return -1;
	}
	while (fread(buf, 1, CHUNK, f) == CHUNK) {
		struct source_chunk sc;
		if (!load_chunk(&sc, buf))
			continue;
		struct source_chunk *n = realloc(r->sources, (r->nsources + 1) * sizeof *n);
		if (!n)
			break;
		r->sources = n;
		sc.bytes = malloc(CHUNK);
		if (!sc.bytes)
			break;
		memcpy(sc.bytes, buf, CHUNK);
		r->sources[r->nsources++] = sc;
	}
	free(buf);
	fclose(f);
	return 0;
}

/* Offset of the EventRecordID value (substitution 10, UInt64) of the record
 * at chunk offset rec, or 0 when the record does not have that shape. */
static uint32_t event_record_id_at(const unsigned char *c, uint32_t rec, uint32_t size)
{
	uint32_t end = rec + size - 4;
	uint32_t p = rec + 24;
	if (end - p < 14 || memcmp(c + p, "\x0f\x01\x01\x00", 4) != 0 || c[p + 4] != 0x0c)
		return 0;
	uint32_t def = get32(c + p + 10);
	p += 14;
	if (def == p) {
		if (end - p < 24)
			return 0;
		uint32_t dsize = get32(c + p + 20);
		p += 24;
		if (dsize > end - p)
			return 0;
		p += dsize;
	}
	if (end - p < 4)
		return 0;
	uint32_t n = get32(c + p);
	p += 4;
	if (n <= 10 || n > (end - p) / 4)
		return 0;
	if (get16(c + p + 40) != 8 || c[p + 42] != 0x0a)
		return 0;
	uint32_t val = p + 4 * n;
	for (uint32_t i = 0; i < 10; i++)
		val += get16(c + p + 4 * i);
	if (val > end || end - val < 8)
		return 0;
	return val;
}

static int write_file_header(struct evtx_replay *r, int clean)
{
	unsigned char h[128];
	memset(h, 0, sizeof h);
	memcpy(h, "ElfFile\0", 8);
	unsigned count = clean ? (r->wraps ? r->file_chunks : r->slot + 1) : r->stale_chunk_count;
	put64(h + 8, 0);
	put64(h + 16, count ? count - 1 : 0);
	put64(h + 24, clean ? r->next_id : r->next_id - r->records_in_chunk);
	put32(h + 32, 128);
	put16(h + 36, 1);
	put16(h + 38, 3);
	put16(h + 40, FILE_HEADER);
	put16(h + 42, (uint16_t)count);
	put32(h + 120, clean ? 0 : 1);
	put32(h + 124, crc(h, 120));
	/* The count written now is what the next lazy update will repeat. */
	r->stale_chunk_count = r->wraps ? r->file_chunks : r->slot + 1;
	return write_at(r, h, sizeof h, 0);
}

/* The chunk header as it should be now; bad leaves its CRC wrong. */
static int write_chunk_header(struct evtx_replay *r, int bad, int tables)
{
	unsigned char *c = r->chunk;
	uint64_t last = r->records_in_chunk ? r->next_id - 1 : r->chunk_first_id;
	put64(c + 8, r->chunk_first_id);
	put64(c + 16, last);
	put64(c + 24, r->chunk_first_id);
	put64(c + 32, last);
	put32(c + 40, 128);
	put32(c + 44, r->last_record_offset);
	put32(c + 48, r->free_offset);
	put32(c + 52, crc(c + CHUNK_HEADER, r->free_offset - CHUNK_HEADER));
	/* The string and template tables point at records: they are filled
	 * in when the chunk is done. */
	if (tables)
		memcpy(c + 128, r->src->bytes + 128, CHUNK_HEADER - 128);
	put32(c + 124, chunk_header_crc(c) ^ (bad ? 0x5a5a5a5au : 0));
	r->header_updates++;
	return write_at(r, c, CHUNK_HEADER, slot_offset(r->slot));
}

static int start_chunk(struct evtx_replay *r)
{
	unsigned slot = r->have_chunk ? r->slot + 1 : 0;
	if (r->opt.max_chunks && slot >= r->opt.max_chunks) {
		slot = 0;
		r->wraps++;
	}
	if (slot >= r->file_chunks) {
		/* Grow by a step of zeroed chunks. */
		r->file_chunks += r->opt.grow_chunks;
		if (ftruncate(r->fd, (off_t)slot_offset(r->file_chunks)) != 0)
			return -1;
	}
	r->slot = slot;
	r->have_chunk = 1;
	r->src = &r->sources[r->next_source];
	r->next_source = (r->next_source + 1) % r->nsources;
	r->next_record = 0;
	r->records_in_chunk = 0;
	r->chunk_first_id = r->next_id;
	r->free_offset = CHUNK_HEADER;
	r->last_record_offset = 0;
	unsigned char *c = r->chunk;
	int stale = r->opt.keep_stale && r->wraps;
	if (stale) {
		ssize_t got = pread(r->fd, c, CHUNK, (off_t)slot_offset(slot));
		if (got != (ssize_t)CHUNK)
			return -1;
	} else {
		memset(c, 0, CHUNK);
	}
	memset(c, 0, CHUNK_HEADER);
	memcpy(c, "ElfChnk\0", 8);
	r->chunks_started++;
	/* The rest of a reused chunk is cleared, unless the old records are
	 * to stay behind the new ones; then a fresh header (right CRC,
	 * nothing in it yet). */
	if (!stale && write_at(r, c + CHUNK_HEADER, CHUNK - CHUNK_HEADER, slot_offset(slot) + CHUNK_HEADER) < 0)
		return -1;
	if (write_chunk_header(r, 0, 0) < 0)
		return -1;
	if (r->chunks_started % r->opt.file_header_every == 0 && write_file_header(r, 0) < 0)
		return -1;
	return 0;
}

static int finish_chunk(struct evtx_replay *r)
{
	return write_chunk_header(r, 0, 1);
}

/* A record is complete in the file: account for it and update the chunk
 * header when due. */
static int record_done(struct evtx_replay *r, uint32_t off, uint32_t size)
{
	r->last_record_offset = off;
	r->free_offset = off + size;
	r->records_in_chunk++;
	r->records_written++;
	r->next_id++;
	r->next_record++;
	if (r->records_in_chunk % r->opt.header_every == 0) {
		int bad = r->opt.bad_crc_every && (r->header_updates + 1) % r->opt.bad_crc_every == 0;
		return write_chunk_header(r, bad, 0);
	}
	return 0;
}

int evtx_replay_step(struct evtx_replay *r)
{
	if (r->torn) {
		r->torn = 0;
		uint32_t off = r->torn_offset + r->torn_split;
		if (write_at(r, r->chunk + off, r->torn_size - r->torn_split, slot_offset(r->slot) + off) < 0)
			return -1;
		return record_done(r, r->torn_offset, r->torn_size) < 0 ? -1 : 1;
	}
	if (!r->have_chunk || r->next_record >= r->src->nrecords) {
		if (r->have_chunk && finish_chunk(r) < 0)
			return -1;
		if (start_chunk(r) < 0)
			return -1;
	}
	uint32_t off = r->src->offsets[r->next_record];
	uint32_t size = get32(r->src->bytes + off + 4);
	memcpy(r->chunk + off, r->src->bytes + off, size);
	put64(r->chunk + off + 8, r->next_id);
	uint32_t v = event_record_id_at(r->chunk, off, size);
	if (v)
		put64(r->chunk + v, r->next_id);
	if (r->opt.torn_every && (r->records_written + 1) % r->opt.torn_every == 0) {
		/* The record header and half the body now, the rest (with the
		 * trailing size copy) at the next step. */
		r->torn = 1;
		r->torn_offset = off;
		r->torn_size = size;
		r->torn_split = 24 + (size - 28) / 2;
		return write_at(r, r->chunk + off, r->torn_split, slot_offset(r->slot) + off) < 0 ? -1 : 0;
	}
	if (write_at(r, r->chunk + off, size, slot_offset(r->slot) + off) < 0)
		return -1;
	return record_done(r, off, size) < 0 ? -1 : 1;
}

uint64_t evtx_replay_last_id(const struct evtx_replay *r)
{
	return r->next_id - 1;
}

unsigned evtx_replay_wraps(const struct evtx_replay *r)
{
	return r->wraps;
}

unsigned evtx_replay_file_chunks(const struct evtx_replay *r)
{
	return r->file_chunks;
}

int evtx_replay_sync(struct evtx_replay *r)
{
	if (r->torn && evtx_replay_step(r) < 0)
		return -1;
	if (r->have_chunk && finish_chunk(r) < 0)
		return -1;
	return write_file_header(r, 1);
}

struct evtx_replay *evtx_replay_open(const char *path, const char *const *samples, size_t nsamples,
				     const struct evtx_replay_options *opt, char *err, size_t errlen)
{
	struct evtx_replay *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->fd = -1;
	if (opt)
		r->opt = *opt;
	if (!r->opt.grow_chunks)
		r->opt.grow_chunks = 16;
	if (!r->opt.header_every)
		r->opt.header_every = 1;
	if (!r->opt.file_header_every)
		r->opt.file_header_every = 1;
	r->next_id = 1;
	snprintf(r->path, sizeof r->path, "%s", path);
	for (size_t i = 0; i < nsamples; i++) {
		if (load_sample(r, samples[i], err, errlen) < 0) {
			evtx_replay_close(r);
			return NULL;
		}
	}
	if (!r->nsources) {
		snprintf(err, errlen, "no sound chunk in the samples");
		evtx_replay_close(r);
		return NULL;
	}
	r->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (r->fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		evtx_replay_close(r);
		return NULL;
	}
	/* A new log: its header, dirty, then the first step of empty chunks. */
	r->file_chunks = r->opt.grow_chunks;
	if (write_file_header(r, 0) < 0 || ftruncate(r->fd, (off_t)slot_offset(r->file_chunks)) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		evtx_replay_close(r);
		return NULL;
	}
	return r;
}

void evtx_replay_close(struct evtx_replay *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	for (size_t i = 0; i < r->nsources; i++)
		free(r->sources[i].bytes);
	free(r->sources);
	free(r);
}
