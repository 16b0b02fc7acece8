/* fuzz_access.c - libFuzzer target: the access decoder.  The first byte
 * picks an object type, the next four a mask, the rest is an AccessList
 * text (%%codes, names, anything). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *ctx, const struct access_right *r)
{
	size_t *n = ctx;
	*n += strlen(r->name) + strlen(r->short_name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const TYPES[] = {"File", "Key", "Process", "Thread", "Token", "Section",
					    "Event", "Mutant", "Semaphore", "Directory", "SAM_DOMAIN", "", NULL};
	if (size < 5)
		return 0;
	const char *type = TYPES[data[0] % (sizeof TYPES / sizeof TYPES[0])];
	uint32_t mask = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
	struct access_right rights[32];
	access_decode_mask(type, mask, rights, 32);
	access_mask_classes(type, mask);
	char summary[64];
	access_mask_summary(type, mask, summary, sizeof summary);
	char *list = malloc(size - 5 + 1);
	if (!list)
		return 0;
	memcpy(list, data + 5, size - 5);
	list[size - 5] = '\0';
	size_t n = 0;
	access_list_decode(list, type, sink, &n);
	access_class_from_name(list);
	free(list);
	return 0;
}
