/* fuzz_evt.c - libFuzzer target: the EVT reader (libevt plus our header
 * checks and record mapping), on the input as a file. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source_evt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_record(void *ctx, const struct record *rec)
{
	size_t *n = ctx;
	for (size_t i = 0; i < rec->ndata; i++)
		*n += rec->data[i].value ? 1 : 0;
	return 0;
}

static void on_diag(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz.evt", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64], err[512];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	size_t n = 0;
	struct record_sink sink = {on_record, on_diag, &n};
	evt_read_file(path, 1, &sink, err, sizeof err);
	close(fd);
	return 0;
}
