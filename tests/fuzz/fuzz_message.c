/* fuzz_message.c - libFuzzer target: the message record parser. */
#define FUZZ_PARSE text_parse_message(text, size, &rec, &a, err, sizeof err)
#include "fuzz_parsers.h"
