/* legacy_layout.h - insertion-string names of the legacy (Windows 2000/XP/
 * 2003) object-access events 560-567, in the documented order.
 *
 * 560: ObjectServer, ObjectType, ObjectName, HandleId, OperationId (two
 * strings: high and low part),
 * ProcessId, ImageFileName, PrimaryUserName, PrimaryDomain, PrimaryLogonId,
 * ClientUserName, ClientDomain, ClientLogonId, Accesses, Privileges,
 * RestrictedSidCount, AccessMask (Windows 2000: the first 15 without
 * ImageFileName ... see legacy_layout.c).  562/564: ObjectServer, HandleId,
 * ProcessId, ImageFileName.  563: as 560 without ImageFileName.  567:
 * ObjectServer, HandleId, ObjectType, ProcessId, ImageFileName, Accesses,
 * AccessMask. */
#ifndef OAVIEW_LEGACY_LAYOUT_H
#define OAVIEW_LEGACY_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

/* Names for the nstrings insertion strings of event_id, or NULL when the
 * event is not one oaview knows the layout of.  *count is the number of
 * names (may be less than nstrings: the extra strings stay unnamed). */
const char *const *legacy_layout_names(uint32_t event_id, size_t nstrings, size_t *count);

#endif
