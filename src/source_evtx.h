/* source_evtx.h - reading EVTX files chunk by chunk through libevtx.
 *
 * The file is read as independent 64 KiB chunks: each chunk whose header is
 * sound is handed to libevtx on its own, behind a synthetic file header, so
 * one bad chunk loses only itself (and is reported).  Records libevtx cannot
 * parse are still delivered with the id and time of their record header,
 * flagged RECORD_NOT_DECODABLE.  Records are delivered in record-id order. */
#ifndef OAVIEW_SOURCE_EVTX_H
#define OAVIEW_SOURCE_EVTX_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "record.h"

#define EVTX_FILE_HEADER_SIZE 4096
#define EVTX_CHUNK_SIZE 65536

struct evtx_options {
	int threads;       /* decoding threads; 0 = number of CPUs (max 8) */
	int keep_all;      /* deliver records that are not object access too */
	int newest_first;  /* deliver batches of chunks newest first (each batch
			    * still in record order), so a viewer can show the
			    * newest events before the whole file is read */
};

/* Read the whole file.  Returns 0 when the file was read (problems with
 * single chunks or records go to sink->diag and reading goes on), -1 when the
 * file could not be read at all (err says why), 1 when the sink asked to
 * stop. */
int evtx_read_file(const char *path, const struct evtx_options *opt,
		   const struct record_sink *sink, char *err, size_t errlen);

/* Does the buffer start like an EVTX file ("ElfFile\0")? */
int evtx_is_evtx(const unsigned char *head, size_t len);

/* An EVTX file whose file header is damaged: is there a chunk signature
 * ("ElfChnk\0") where the first chunk starts, at offset 4096?  Such a file
 * is read as EVTX (with a warning) rather than as text. */
int evtx_headless(int fd);

/* ---- one chunk at a time: what evtx_read_file is built on, and what
 * follow.c uses to tail a live log chunk by chunk (DESIGN.md, Tailing) ---- */

/* A decoder owns a scratch buffer (synthetic file header + one chunk, the
 * libbfio memory range libevtx opens) and the data names it has learned per
 * template GUID, so it gets cheaper the longer it lives.  Not thread-safe:
 * one per thread. */
struct evtx_decoder;

struct evtx_decoder *evtx_decoder_new(int keep_all);
void evtx_decoder_free(struct evtx_decoder *d);

/* The decoder's own EVTX_CHUNK_SIZE-byte chunk buffer: read a chunk straight
 * into it to save evtx_decode_chunk a copy. */
unsigned char *evtx_decoder_chunk_buffer(struct evtx_decoder *d);

enum evtx_decode_flag {
	/* The chunk may be in the middle of being written (a live log): its
	 * header's record ids, free-space offset and CRCs may be stale or
	 * wrong.  Records are walked by their own headers up to the end of the
	 * data, kept while each is complete (its size is in range and repeated
	 * in its last four bytes) and its id is above the one before; walking
	 * stops quietly at the first that is not (being written, or left over
	 * from before a wrap).  libevtx is given a copy whose header is rebuilt
	 * to match what was walked.  No checksum diagnostics. */
	EVTX_DECODE_LIVE = 1u << 0,
	/* Internal: the chunk's checksums were not checked (the trial decode
	 * of a damaged chunk runs with this). */
	EVTX_DECODE_UNCHECKED = 1u << 1,
};

/* What one chunk decoded to.  Zero it before the first use; strings and
 * records stay valid until evtx_chunk_clear. */
struct evtx_chunk {
	uint32_t number;          /* chunk slot: 0 is the one after the file header */
	uint64_t offset;          /* its file offset */
	size_t nwalked;           /* records walked (wanted or not) */
	uint64_t first_id;        /* record-header ids of the first and last */
	uint64_t last_id;         /* records walked; 0 when none */
	uint32_t walk_end;        /* chunk offset where the walk stopped */
	struct record *recs;      /* records delivered, in chunk order */
	size_t nrecs, cap;
	char **diags;             /* one-line problems, without the file name */
	size_t ndiags;
	struct arena arena;       /* strings of recs and diags */
};

/* Decode chunk[0..len) (len <= EVTX_CHUNK_SIZE; a short chunk is one cut by
 * the end of the file), which sits at file offset `offset` as chunk slot
 * `number`.  Records whose header id is below min_sequence are walked but
 * not delivered or decoded, nor are records that are not object access
 * unless the decoder keeps all.  The decoder's buffer may be overwritten,
 * so chunk may be evtx_decoder_chunk_buffer().  Problems go to out->diags;
 * out is cleared first. */
void evtx_decode_chunk(struct evtx_decoder *d, const unsigned char *chunk, size_t len,
		       uint32_t number, uint64_t offset, uint64_t min_sequence, unsigned flags,
		       struct evtx_chunk *out);

/* Free what a decoded chunk holds (it can be decoded into again). */
void evtx_chunk_clear(struct evtx_chunk *c);

#endif
