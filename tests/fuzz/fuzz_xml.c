/* fuzz_xml.c - libFuzzer target: the xml record parser. */
#define FUZZ_PARSE text_parse_xml(text, size, &rec, &a, err, sizeof err)
#include "fuzz_parsers.h"
