/* fuzz_json.c - libFuzzer target: NXLog / Winlogbeat JSON, one record and
 * whole {"events":[...]} documents. */
#include "record.h"
static int fuzz_each(void *ctx, struct record *r);
#define FUZZ_PARSE                                                                  \
	do {                                                                        \
		text_parse_json(text, size, &rec, &a, err, sizeof err);             \
		text_parse_json_each(text, size, &a, fuzz_each, NULL, err, sizeof err); \
	} while (0)
#include "fuzz_parsers.h"

static int fuzz_each(void *ctx, struct record *r)
{
	(void)ctx;
	return r->ndata > RECORD_MAX_DATA;
}
