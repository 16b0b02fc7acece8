/* legacy_fixtures.c - TEST-ONLY legacy events (see legacy_fixtures.h). */
#include "legacy_fixtures.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <unistd.h>

const char *const legacy_560_local[18] = {
	"Security", "File", "C:\\DeptFiles\\budget.xls", "20084",
	"0", "251509", "2936", "C:\\WINDOWS\\explorer.exe",
	"Fred", "ELM", "(0x0,0x13388)",
	"-", "-", "-",
	"READ_CONTROL\r\n\t\t\tReadData (or ListDirectory)", "-", "0", "0x20001",
};

const char *const legacy_567_read[7] = {
	"Security", "20084", "File", "2936", "C:\\WINDOWS\\explorer.exe",
	"ReadData (or ListDirectory)", "0x1",
};

const char *const legacy_562_local[4] = {
	"Security", "20084", "2936", "C:\\WINDOWS\\explorer.exe",
};

const char *const legacy_560_share[18] = {
	"Security", "File", "C:\\Shares\\Tools\\readme.txt", "1744",
	"0", "3050412", "4", "",
	"DC1$", "CORP", "(0x0,0x3E7)",
	"support.engineer", "CORP", "(0x0,0x1A2B3)",
	"%%1537\r\n\t\t\t%%4416", "-", "0", "0x10001",
};

const char *const legacy_562_share[4] = {"Security", "1744", "4", ""};

void legacy_write_evt(char *path, const struct legacy_event *ev, size_t n)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct evt_writer *w = evt_writer_open(path);
	assert_non_null(w);
	const uint32_t t0 = 1100000000; /* 2004-11-09 */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(evt_writer_add(w, (uint32_t)(i + 1), t0 + (uint32_t)i, ev[i].id,
						EVT_WRITER_AUDIT_SUCCESS, "Security", ev[i].computer,
						ev[i].nstrings, ev[i].strings), 0);
	assert_int_equal(evt_writer_close(w), 0);
}
