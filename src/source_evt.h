/* source_evt.h - reading legacy EVT files (Windows 2000/XP/2003) with libevt.
 *
 * EVT records carry insertion strings only; for the object-access events
 * (560-567) the strings are named after the documented layout (see
 * legacy_layout.h), so the rest of oaview sees the same name/value pairs as
 * for EVTX.  The outcome comes from the EVT event type (audit success 8,
 * audit failure 16). */
#ifndef OAVIEW_SOURCE_EVT_H
#define OAVIEW_SOURCE_EVT_H

#include <stddef.h>

#include "record.h"

/* Read every record (and recovered record) of path, in record-number order.
 * Returns 0 when read, -1 when the file cannot be read at all (err says why),
 * 1 when the sink asked to stop.  Records libevt cannot parse are reported
 * through sink->diag naming file and record index; reading goes on. */
int evt_read_file(const char *path, int keep_all, const struct record_sink *sink,
		  char *err, size_t errlen);

/* Does the buffer look like an EVT file ("LfLe" at offset 4)? */
int evt_is_evt(const unsigned char *head, size_t len);

#endif
