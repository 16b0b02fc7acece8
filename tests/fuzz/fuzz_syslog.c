/* fuzz_syslog.c - libFuzzer target: RFC 3164 / 5424 syslog headers. */
#define FUZZ_PARSE                                                            \
	do {                                                                  \
		struct syslog_header h;                                       \
		size_t off = syslog_header_parse(text, size, &h, &a);         \
		if (off > size)                                               \
			abort();                                              \
		(void)err;                                                    \
	} while (0)
#include "fuzz_parsers.h"
