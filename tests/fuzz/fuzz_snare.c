/* fuzz_snare.c - libFuzzer target: the snare record parser. */
#define FUZZ_PARSE text_parse_snare(text, size, &rec, &a, err, sizeof err)
#include "fuzz_parsers.h"
