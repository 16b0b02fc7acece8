/* fuzz_evtsys.c - libFuzzer target: the evtsys record parser. */
#define FUZZ_PARSE text_parse_evtsys(text, size, &rec, &a, err, sizeof err)
#include "fuzz_parsers.h"
