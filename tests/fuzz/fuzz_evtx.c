/* fuzz_evtx.c - libFuzzer target: the EVTX chunk path.  The input is
 * one or more chunks; a sound file header is put in front so the fuzzer
 * spends its time inside chunks, records and BinXML (the header is checked
 * by a separate, trivial path). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "source_evtx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Damaged chunks are first tried in a child process; fuzzing wants the
 * decoding in this process, where the sanitizers and coverage see it. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("OAVIEW_NO_TRIAL", "1", 1);
	return 0;
}

static int on_record(void *ctx, const struct record *rec)
{
	size_t *n = ctx;
	for (size_t i = 0; i < rec->ndata; i++)
		*n += rec->data[i].value ? strlen(rec->data[i].value) : 0;
	return 0;
}

static void on_diag(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4 * EVTX_CHUNK_SIZE)
		return 0;
	unsigned char head[EVTX_FILE_HEADER_SIZE];
	memset(head, 0, sizeof head);
	memcpy(head, "ElfFile", 8);
	head[32] = 128;
	head[36] = 1;
	head[38] = 3;
	head[41] = EVTX_FILE_HEADER_SIZE >> 8;
	head[42] = 1;
	uint32_t crc = (uint32_t)crc32(0, head, 120);
	memcpy(head + 124, &crc, 4);
	int fd = memfd_create("fuzz.evtx", 0);
	if (fd < 0)
		return 0;
	if (write(fd, head, sizeof head) != (ssize_t)sizeof head || write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64], err[512];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	size_t n = 0;
	struct record_sink sink = {on_record, on_diag, &n};
	struct evtx_options opt = {1, 1, 0};
	evtx_read_file(path, &opt, &sink, err, sizeof err);
	close(fd);
	return 0;
}
