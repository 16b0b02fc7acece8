/* legacy_layout.c - names of the insertion strings of the legacy (Windows
 * 2000/XP/2003) object-access events, so EVT records get the same kind of
 * name/value pairs as EVTX ones.
 *
 * EVT records carry only the positional strings %1..%n of the message
 * template; the names below follow the message templates Microsoft published
 * for the Security source, in order:
 *   - 560 Windows 2000 (15 strings): Microsoft Events and Errors Message
 *     Center, "Windows Operating System 5.0, Event ID 560, Security":
 *     "Object Open: Object Server: %1 Object Type: %2 Object Name: %3 New
 *     Handle ID: %4 Operation ID: {%5,%6} Process ID: %7 Primary User Name: %8
 *     Primary Domain: %9 Primary Logon ID: %10 Client User Name: %11 Client
 *     Domain: %12 Client Logon ID: %13 Accesses %14 Privileges %15".
 *   - 560 Windows XP/2003 (18 strings): the same with Image File Name after
 *     Process ID and Restricted Sid Count, Access Mask at the end (Windows XP
 *     Professional Resource Kit, Appendix E "Security Event Messages", and the
 *     rendered 2003 example "... Process ID: 2936 Image File Name:
 *     C:\WINDOWS\explorer.exe Primary User Name: ... Privileges: - Restricted
 *     SID Count: 0 Access Mask: 0x60080").
 *   - 561 Windows 2000: "Handle Allocated: Handle ID: %1 Operation ID:
 *     {%2,%3} Process ID: %4" (Message Center, 5.0).
 *   - 562 (and 564): Windows 2000 "Handle Closed: Object Server: %1 Handle
 *     ID: %2 Process ID: %3" (Message Center, 5.0); Windows 2003 adds Image
 *     File Name as %4 (Resource Kit Appendix E).
 *   - 563: the fields of 560 without Image File Name.  Resource Kit
 *     Appendix E documents the first 15 (Object server ... Accesses,
 *     Privileges); RestrictedSidCount and AccessMask after them are assumed
 *     from 560 (as DESIGN.md says), not documented for 563.
 *   - 567 Windows XP/2003: "Object Access Attempt: Object Server: %1 Handle
 *     ID: %2 Object Type: %3 Process ID: %4 Image File Name: %5 Accesses: %6
 *     Access Mask: %7" (Message Center, 5.2, SE_AUDITID_OBJECT_ACCESS).
 * Message Center pages: http://www.microsoft.com/technet/support/ee/
 * transform.aspx?ProdName=Windows+Operating+System&ProdVer=5.0&EvtID=560&
 * EvtSrc=Security (and ProdVer=5.2&EvtID=567; 561/562 at ProdVer=5.0).
 * Operation ID is one value shown as {%5,%6}: its first string is named
 * "OperationId", its second "OperationIdLow".  565/566 (directory service
 * objects) are not object-access events oaview correlates and stay unnamed. */
#include "legacy_layout.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Windows XP/2003 560: 18 strings. */
static const char *const layout_560[] = {
	"ObjectServer", "ObjectType", "ObjectName", "HandleId",
	"OperationId", "OperationIdLow", "ProcessId", "ImageFileName",
	"PrimaryUserName", "PrimaryDomain", "PrimaryLogonId",
	"ClientUserName", "ClientDomain", "ClientLogonId",
	"Accesses", "Privileges", "RestrictedSidCount", "AccessMask",
};

/* Windows 2000 560, and 563 (which never carries the image name): the 15
 * Windows 2000 strings, then the two fields XP/2003 appended. */
static const char *const layout_560_noimage[] = {
	"ObjectServer", "ObjectType", "ObjectName", "HandleId",
	"OperationId", "OperationIdLow", "ProcessId",
	"PrimaryUserName", "PrimaryDomain", "PrimaryLogonId",
	"ClientUserName", "ClientDomain", "ClientLogonId",
	"Accesses", "Privileges", "RestrictedSidCount", "AccessMask",
};

/* Windows 2000 560 has exactly the first 15 of layout_560_noimage. */
#define LAYOUT_560_W2K_COUNT 15

static const char *const layout_561[] = {
	"HandleId", "OperationId", "OperationIdLow", "ProcessId",
};

/* 562 and 564; Windows 2000 has the first three. */
static const char *const layout_562[] = {
	"ObjectServer", "HandleId", "ProcessId", "ImageFileName",
};

static const char *const layout_567[] = {
	"ObjectServer", "HandleId", "ObjectType", "ProcessId",
	"ImageFileName", "Accesses", "AccessMask",
};

/* Never name more strings than the record has: the caller pairs names[i]
 * with string i for i < *count. */
static const char *const *layout_pick(const char *const *names, size_t n,
				      size_t nstrings, size_t *count)
{
	*count = n < nstrings ? n : nstrings;
	return names;
}

const char *const *legacy_layout_names(uint32_t event_id, size_t nstrings, size_t *count)
{
	*count = 0;
	switch (event_id) {
	case 560:
		/* The string count tells the Windows version apart: 2000 wrote
		 * 15 strings, XP/2003 write 18 (image name inserted as %8). */
		if (nstrings <= LAYOUT_560_W2K_COUNT)
			return layout_pick(layout_560_noimage, LAYOUT_560_W2K_COUNT,
					   nstrings, count);
		return layout_pick(layout_560, NELEM(layout_560), nstrings, count);
	case 561:
		/* Only the documented Windows 2000 layout; a longer record is a
		 * layout we have not seen documented, so leave it unnamed. */
		if (nstrings > NELEM(layout_561))
			return NULL;
		return layout_pick(layout_561, NELEM(layout_561), nstrings, count);
	case 562:
	case 564:
		return layout_pick(layout_562, NELEM(layout_562), nstrings, count);
	case 563:
		return layout_pick(layout_560_noimage, NELEM(layout_560_noimage),
				   nstrings, count);
	case 567:
		return layout_pick(layout_567, NELEM(layout_567), nstrings, count);
	default:
		return NULL;
	}
}
