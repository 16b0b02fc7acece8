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

#include "record.h"

#define EVTX_FILE_HEADER_SIZE 4096
#define EVTX_CHUNK_SIZE 65536

struct evtx_options {
	int threads;       /* decoding threads; 0 = number of CPUs (max 8) */
	int keep_all;      /* deliver records that are not object access too */
};

/* Read the whole file.  Returns 0 when the file was read (problems with
 * single chunks or records go to sink->diag and reading goes on), -1 when the
 * file could not be read at all (err says why), 1 when the sink asked to
 * stop. */
int evtx_read_file(const char *path, const struct evtx_options *opt,
		   const struct record_sink *sink, char *err, size_t errlen);

/* Does the buffer start like an EVTX file ("ElfFile\0")? */
int evtx_is_evtx(const unsigned char *head, size_t len);

#endif
