/* legacy_fixtures.h - TEST-ONLY legacy (Windows 2003) object-access events
 * for the EVT fixtures several tests write.
 *
 * No real Security log with 560/562/567 events is public, so the tests
 * write their own with tests/evt_writer.c.  The insertion strings follow
 * the documented order (DESIGN.md "Legacy insertion strings",
 * src/legacy_layout.c); the values are modelled on the documented rendered
 * examples: a local open of a file by explorer.exe (handle 20084, process
 * 2936), one access through it and its close; and a share open, which
 * System (PID 4) makes as the machine account DC1$ for the client
 * support.engineer, with its close and no 567 (567 is local access only). */
#ifndef OAVIEW_TEST_LEGACY_FIXTURES_H
#define OAVIEW_TEST_LEGACY_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "evt_writer.h"

extern const char *const legacy_560_local[18]; /* C:\DeptFiles\budget.xls, READ_CONTROL + ReadData */
extern const char *const legacy_567_read[7];   /* ReadData through handle 20084 */
extern const char *const legacy_562_local[4];  /* the close of handle 20084 */
extern const char *const legacy_560_share[18]; /* C:\Shares\Tools\readme.txt for support.engineer */
extern const char *const legacy_562_share[4];  /* its close (handle 1744, PID 4) */

#define LEGACY_N(a) (sizeof(a) / sizeof((a)[0]))

struct legacy_event {
	uint32_t id;
	const char *computer;
	size_t nstrings;
	const char *const *strings;
};
#define LEGACY_EVENT(id, computer, a) {(id), (computer), LEGACY_N(a), (a)}

/* Write the events, all audit successes, as records 1, 2, ... one second
 * apart, to a new file made from path (a mkstemp template, changed in
 * place).  Fails the running test on any error. */
void legacy_write_evt(char *path, const struct legacy_event *ev, size_t n);

#endif
