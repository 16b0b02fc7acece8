/* fuzz_text.c - libFuzzer target: the whole text path (framing, format
 * detection and every parser), with the input fed in two pieces split at
 * a point the input chooses, so partial lines and records are crossed. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "source_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_record(void *ctx, const struct record *r)
{
	size_t *n = ctx;
	for (size_t i = 0; i < r->ndata; i++)
		*n += strlen(r->data[i].name) + strlen(r->data[i].value);
	if (r->computer)
		*n += strlen(r->computer);
	return 0;
}

static void on_diag(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;
	struct record_sink sink = {on_record, on_diag, &n};
	for (int keep = 0; keep < 2; keep++) {
		struct text_source *ts = text_source_new("fuzz", keep, &sink);
		if (!ts)
			return 0;
		size_t cut = size ? data[0] % (size + 1) : 0;
		text_source_feed(ts, (const char *)data, cut);
		text_source_feed(ts, (const char *)data + cut, size - cut);
		text_source_finish(ts);
		text_source_free(ts);
	}
	return 0;
}
