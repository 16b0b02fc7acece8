/* fuzz_parsers.h - one libFuzzer target per text parser: each includes
 * this with FUZZ_PARSE set to the parser to drive on the whole input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "text_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	struct record rec;
	char err[512];
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	record_clear(&rec);
	FUZZ_PARSE;
	for (size_t i = 0; i < rec.ndata; i++)
		if (rec.data[i].name && rec.data[i].value && strlen(rec.data[i].name) == (size_t)-1)
			abort();
	arena_free(&a);
	free(text);
	return 0;
}
