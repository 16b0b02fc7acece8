/* explain.c - the event and field explanations (see explain.h).
 *
 * EVENTS is sorted by id (binary search); FIELDS is a short list scanned
 * linearly.  The text is oaview's own, written from the facts Microsoft
 * documents for each event (fields, subcategory, when it is and is not
 * logged) and from what the real samples show (DESIGN.md, "The events").
 * A renderer wraps it to the viewer's width and adds the selected event's
 * values and notes. */
#include "explain.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "correlate.h"
#include "objects.h"
#include "sanitize.h"

#define SUBJECT "SubjectUserSid SubjectUserName SubjectDomainName SubjectLogonId "

static const struct explain_event EVENTS[] = {
	{560, "Object Open (legacy)",
	 "the Object Access audit category of Windows 2000, XP and Server 2003 (\"Audit object access\")",
	 "A handle to an object was granted (success) or refused (failure). The Accesses are the "
	 "rights granted with the handle.",
	 "ObjectServer ObjectType ObjectName HandleId OperationId ProcessId ImageFileName "
	 "PrimaryUserName PrimaryDomain PrimaryLogonId ClientUserName ClientDomain ClientLogonId "
	 "Accesses Privileges RestrictedSidCount AccessMask",
	 "It lists rights granted, not rights used: a 560 alone means only \"could have\". Use shows "
	 "as 567, which Windows Server 2003 logs only for local access: a 560 and its 562 with no 567 "
	 "between them is normal for access through a share. Windows 2000 has no 567 at all, and its "
	 "560 has no image name and no mask. A share open runs in the System process (PID 4) as the "
	 "machine account (Primary User) on behalf of the Client User."},
	{561, "Handle Allocated (legacy)", "the legacy Object Access category",
	 "A handle was allocated for an object.", "ObjectServer HandleId OperationId ProcessId",
	 "It names no object and carries no rights."},
	{562, "Handle Closed (legacy)", "the legacy Object Access category",
	 "A handle opened by a 560 was closed: the end of that handle's life.",
	 "ObjectServer HandleId ProcessId ImageFileName",
	 "It carries no object name: the name comes from the 560 with the same Handle ID and "
	 "Process ID. Handle IDs are reused after a close."},
	{563, "Object Open for Delete (legacy)", "the legacy Object Access category",
	 "An object was opened with the intent to delete it.",
	 "ObjectServer ObjectType ObjectName HandleId OperationId ProcessId PrimaryUserName "
	 "PrimaryDomain PrimaryLogonId ClientUserName ClientDomain ClientLogonId Accesses "
	 "Privileges",
	 "It does not confirm the deletion: that is a 564."},
	{564, "Object Deleted (legacy)", "the legacy Object Access category",
	 "The object behind a handle was deleted.", "ObjectServer HandleId ProcessId ImageFileName",
	 "It carries no object name: the name comes from the 560 of the same handle; with no 560 in "
	 "view the deleted object is unknown."},
	{565, "Object Open (Active Directory, legacy)", "the legacy Directory Service Access category",
	 "A handle to an Active Directory object was granted.",
	 "ObjectServer ObjectType ObjectName HandleId OperationId ProcessId PrimaryUserName "
	 "PrimaryDomain PrimaryLogonId ClientUserName ClientDomain ClientLogonId Accesses "
	 "Privileges",
	 "Directory objects are named by GUIDs; the rights are directory-service rights."},
	{566, "Object Operation (Active Directory, legacy)",
	 "the legacy Directory Service Access category",
	 "An operation was performed on an Active Directory object.",
	 "OperationType ObjectType ObjectName HandleId PrimaryUserName PrimaryDomain PrimaryLogonId "
	 "ClientUserName ClientDomain ClientLogonId Accesses Properties",
	 "Directory objects are named by GUIDs; the rights are directory-service rights."},
	{567, "Object Access Attempt (legacy)",
	 "the legacy Object Access category (Windows Server 2003 and XP SP2 or later)",
	 "A right granted by a 560 was used through the handle: the operation was attempted.",
	 "ObjectServer HandleId ObjectType ProcessId ImageFileName Accesses AccessMask",
	 "It carries no object name: the name comes from the 560 with the same Handle ID and "
	 "Process ID. Windows logs a right only the first time it is used on a handle, so one 567 "
	 "may stand for many writes. It is logged only for local access, never for access through a "
	 "share."},
	{4656, "A handle to an object was requested",
	 "the subcategory of the object type: File System, Registry, Kernel Object, SAM or Removable "
	 "Storage (Other Object Access Events for services); older Microsoft pages also list Handle "
	 "Manipulation",
	 "A process asked for a handle to an object whose SACL matched the request. Success: the "
	 "handle was granted with the listed rights. Failure: access was denied (the Handle ID is "
	 "then 0).",
	 SUBJECT "ObjectServer ObjectType ObjectName HandleId ResourceAttributes ProcessId "
	 "ProcessName TransactionId AccessList AccessReason AccessMask PrivilegeList "
	 "RestrictedSidCount",
	 "Rights requested and granted are not rights used: it shows what the process could do, not "
	 "what it did (a 4663 with the same handle shows use), and a granted handle may never be "
	 "used. A failure shows the rights that were asked for, not which one was refused. Without "
	 "Handle Manipulation auditing there is no 4658, so when the handle was closed is unknown."},
	{4657, "A registry value was modified", "Registry",
	 "A value of a registry key was created, changed or deleted.",
	 SUBJECT "ObjectName ObjectValueName HandleId OperationType OldValueType OldValue "
	 "NewValueType NewValue ProcessId ProcessName",
	 "It is logged only when the key's SACL audits Set Value. oaview keeps the key name and "
	 "the handle, not the value name or the old and new data."},
	{4658, "The handle to an object was closed",
	 "the subcategory of the object (File System, Registry, Kernel Object, SAM, Removable "
	 "Storage), and only when Handle Manipulation auditing is on",
	 "The handle was closed: the end of the life that the 4656 with the same Handle ID and "
	 "Process ID began.",
	 SUBJECT "ObjectServer HandleId ProcessId ProcessName",
	 "It carries no object name or type: the name comes from the 4656 that opened the handle. "
	 "It is logged only with Handle Manipulation auditing on: a missing 4658 means \"close not "
	 "audited\", not \"still open\". The close of a handle duplicated into the System process can "
	 "carry the source process's id."},
	{4659, "A handle to an object was requested with intent to delete", "File System",
	 "A handle was requested to delete the object when the handle closes.",
	 SUBJECT "ObjectServer ObjectType ObjectName HandleId ProcessId TransactionId AccessList "
	 "AccessMask PrivilegeList",
	 "It does not confirm that the deletion happened."},
	{4660, "An object was deleted",
	 "the subcategory of the object (File System, Registry, Kernel Object; the SAM sample logs it "
	 "under Other Object Access Events)",
	 "The object behind the handle was deleted.",
	 SUBJECT "ObjectServer HandleId ProcessId ProcessName TransactionId",
	 "It carries no object name: the name comes from the 4656 (or a 4663) of the same handle; "
	 "with neither in view the deleted object is unknown. The 4663 with DELETE access just "
	 "before it is the attempt; a rename also uses DELETE but gives no 4660."},
	{4661, "A handle to an object was requested (SAM or directory)",
	 "SAM (Security Account Manager objects) or Directory Service Access",
	 "A handle to a SAM or Active Directory object was requested.",
	 SUBJECT "ObjectServer ObjectType ObjectName HandleId TransactionId AccessList AccessMask "
	 "PrivilegeList Properties RestrictedSidCount ProcessId ProcessName",
	 "As with 4656, rights requested are not rights used. SAM object names are relative ids "
	 "(DOMAINS\\Account\\Users\\000003F0), not account names."},
	{4662, "An operation was performed on an object", "Directory Service Access",
	 "An operation was performed on an Active Directory object.",
	 SUBJECT "ObjectServer ObjectType ObjectName OperationType HandleId AccessList AccessMask "
	 "Properties AdditionalInfo",
	 "Directory objects and properties are named by GUIDs; the mask holds directory-service "
	 "rights, which oaview does not turn into verdicts beyond the standard ones."},
	{4663, "An attempt was made to access an object",
	 "the subcategory of the object type: File System, Registry, Kernel Object or Removable "
	 "Storage",
	 "A right that the object's SACL audits was used through an open handle: the operation was "
	 "attempted with a handle that held the right.",
	 SUBJECT "ObjectServer ObjectType ObjectName HandleId ResourceAttributes ProcessId "
	 "ProcessName AccessList AccessMask",
	 "It says a right was exercised (WriteData: a write was attempted with a handle that had "
	 "it), not what was written, how much, or whether it reached the disk. It is never a "
	 "failure: a denial shows as a failed 4656. Windows may log a right once per handle, so "
	 "counts do not measure how many operations happened. DELETE appears for deletions and "
	 "renames alike; only a real deletion is followed by a 4660."},
	{4664, "An attempt was made to create a hard link", "File System",
	 "A hard link was created to a file.",
	 SUBJECT "FileName LinkName TransactionId",
	 "oaview does not read FileName and LinkName as object names: the event stays outside the "
	 "Objects view."},
	{4670, "Permissions on an object were changed",
	 "File System or Registry for files and keys; Authorization Policy Change for tokens and "
	 "other objects (the samples carry that task)",
	 "The object's security descriptor changed. OldSd and NewSd are SDDL: O: owner, G: primary "
	 "group, D: the DACL (who may do what), S: the SACL.",
	 SUBJECT "ObjectServer ObjectType ObjectName HandleId OldSd NewSd ProcessId ProcessName",
	 "It is logged only when the object's SACL audits Change permissions or Take ownership, and "
	 "not when only auditing settings change (that is 4907). It shows the result, not the tool or "
	 "command. Token objects have no name."},
	{4690, "An attempt was made to duplicate a handle to an object", "Handle Manipulation",
	 "A handle was duplicated, possibly into another process.",
	 SUBJECT "SourceHandleId SourceProcessId TargetHandleId TargetProcessId",
	 "It carries no object name or type: it belongs to the source handle's life. In real logs "
	 "it can come before the 4656 of its source handle; then its object stays unknown."},
	{4691, "Indirect access to an object was requested", "Other Object Access Events",
	 "Access to an object was requested on behalf of another process.",
	 SUBJECT "ObjectType ObjectName AccessList AccessMask ProcessId",
	 "Rights requested, not used."},
	{4907, "Auditing settings on object were changed", "Audit Policy Change",
	 "The object's SACL (what is audited on it) changed.",
	 SUBJECT "ObjectServer ObjectType ObjectName HandleId OldSd NewSd ProcessId ProcessName",
	 "Only the auditing part changed; permissions changes are 4670."},
	{4985, "The state of a transaction has changed", "File System",
	 "A Kernel Transaction Manager transaction changed state.",
	 SUBJECT "TransactionId NewState ResourceManager ProcessId ProcessName",
	 "It names no object: it ties to the events that carry the same Transaction ID, which oaview "
	 "does not keep."},
	{5140, "A network share object was accessed", "File Share",
	 "A client session reached the share; it is logged once per session, at the first access.",
	 SUBJECT "ObjectType IpAddress IpPort ShareName ShareLocalPath AccessMask AccessList",
	 "It says nothing about the files opened inside the share (5145 does), and repeated access in "
	 "the same session does not repeat it."},
	{5142, "A network share object was added", "File Share", "A share was created.",
	 SUBJECT "ShareName ShareLocalPath",
	 "It does not say who may use the share."},
	{5143, "A network share object was modified", "File Share",
	 "A share's settings (remark, user limit, flags, permissions) were changed.",
	 SUBJECT "ObjectType ShareName ShareLocalPath OldRemark NewRemark OldMaxUsers NewMaxUsers "
	 "OldShareFlags NewShareFlags OldSD NewSD",
	 "Share permissions are not the NTFS permissions of the folder."},
	{5144, "A network share object was deleted", "File Share",
	 "A share was removed (the folder itself stays).", SUBJECT "ShareName ShareLocalPath",
	 "The folder and its files are not deleted by this."},
	{5145, "A network share object was checked to see whether client can be granted desired access",
	 "Detailed File Share",
	 "A client asked, through a share, for a file or folder (the Relative Target Name inside the "
	 "share) with the listed rights; the outcome is the share-level access check.",
	 SUBJECT "ObjectType IpAddress IpPort ShareName ShareLocalPath RelativeTargetName "
	 "AccessMask AccessList AccessReason",
	 "It is the check of a request made over the network, not the operation: a WriteData here was "
	 "asked for, not proven done (File System auditing with a SACL shows the 4663). Failures are "
	 "logged only when the share permissions deny; a denial by NTFS permissions gives no 5145 "
	 "failure. On IPC$ the targets are named pipes (svcctl, srvsvc, ...)."},
};

static const struct {
	const char *name;
	const char *text;
} FIELDS[] = {
	{"SubjectUserSid", "SID of the account that acted."},
	{"SubjectUserName", "Name of the account that acted (for access through a share: the client's account)."},
	{"SubjectDomainName", "Domain of that account, or the computer name for a local account."},
	{"SubjectLogonId", "Logon session (hex): ties the event to the 4624 logon that began the session."},
	{"ObjectServer", "The component that checked access: Security (files, keys, kernel objects), "
	 "Security Account Manager (SAM), SC Manager (services)."},
	{"ObjectType", "The kind of object: File (files and folders alike), Key, Process, Token, "
	 "SAM_USER, ... The rights in the mask mean different things for each type."},
	{"ObjectName", "The object's name: a file path (\\Device\\HarddiskVolumeN\\... when no drive letter "
	 "is mapped), a registry path (\\REGISTRY\\MACHINE\\...), a process image; - when it has none."},
	{"HandleId", "The handle the process got (hex; 0 when refused). With the Process ID it ties "
	 "the open, the operations and the close together; values are reused after a close."},
	{"ResourceAttributes", "Central access policy attributes of the object as SDDL (Windows 8 and "
	 "Server 2012 on); usually empty."},
	{"ProcessId", "The process that acted (hex in current events, decimal in legacy ones)."},
	{"ProcessName", "Image path of that process."},
	{"TransactionId", "The Kernel Transaction Manager transaction of the access; zeros when none "
	 "(nearly always)."},
	{"AccessList", "The rights, as %%NNNN message codes Windows renders as names."},
	{"AccessReason", "Why each right was granted or denied (the ACE or privilege that decided; "
	 "Windows 8 and Server 2012 on); often empty."},
	{"AccessMask", "The rights as a bit mask (hex); the low 16 bits depend on the object type."},
	{"PrivilegeList", "Privileges used in the access check (SeBackupPrivilege, SeSecurityPrivilege, "
	 "...); - when none."},
	{"RestrictedSidCount", "Number of restricted SIDs in the token; usually 0."},
	{"ShareName", "The share as the client named it (\\\\*\\C$)."},
	{"ShareLocalPath", "The folder the share maps to (\\??\\C:\\Data); empty for IPC$."},
	{"RelativeTargetName", "The file or folder inside the share; \\ is the share root."},
	{"IpAddress", "The client's address."},
	{"IpPort", "The client's source port."},
	{"OldSd", "The security descriptor before the change (SDDL)."},
	{"NewSd", "The security descriptor after the change (SDDL)."},
	{"OldSD", "Share permissions before the change (SDDL)."},
	{"NewSD", "Share permissions after the change (SDDL)."},
	{"SourceHandleId", "The handle that was duplicated."},
	{"SourceProcessId", "The process that owns the source handle."},
	{"TargetHandleId", "The new handle."},
	{"TargetProcessId", "The process that received the new handle (4 = System)."},
	{"ObjectValueName", "The registry value that changed."},
	{"OperationType", "What was done: a value created, changed or deleted (4657); the kind of "
	 "directory operation (4662)."},
	{"OldValueType", "Type of the old registry value."},
	{"OldValue", "The old registry value."},
	{"NewValueType", "Type of the new registry value."},
	{"NewValue", "The new registry value."},
	{"FileName", "The file the link points to."},
	{"LinkName", "The new link's name."},
	{"NewState", "The transaction's new state."},
	{"ResourceManager", "The transaction's resource manager."},
	{"Properties", "Directory properties or property sets involved (GUIDs)."},
	{"AdditionalInfo", "More detail on a directory operation."},
	{"OldRemark", "The share's comment before."},
	{"NewRemark", "The share's comment after."},
	{"OldMaxUsers", "User limit before."},
	{"NewMaxUsers", "User limit after."},
	{"OldShareFlags", "Share flags before."},
	{"NewShareFlags", "Share flags after."},
	{"OperationId", "A pair of numbers tying together the events of one operation."},
	{"ImageFileName", "Image path of the process."},
	{"PrimaryUserName", "The account of the process (for a share open: the machine account, e.g. DC1$)."},
	{"PrimaryDomain", "Domain of the primary account."},
	{"PrimaryLogonId", "Logon session of the primary account, as (high,low)."},
	{"ClientUserName", "The user the process acted for (the network client of a share open); - when none."},
	{"ClientDomain", "Domain of the client user."},
	{"ClientLogonId", "Logon session of the client user."},
	{"Accesses", "The rights, rendered as names (legacy events carry names, not codes)."},
	{"Privileges", "Privileges used for the access; - when none."},
};

const struct explain_event *explain_event_find(uint32_t event_id)
{
	size_t lo = 0, hi = sizeof EVENTS / sizeof EVENTS[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (EVENTS[mid].id == event_id)
			return &EVENTS[mid];
		if (EVENTS[mid].id < event_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *explain_field(const char *name)
{
	/* OldSd and OldSD differ in case and in meaning (object vs share): an
	 * exact match wins before a case-blind one. */
	for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++)
		if (strcmp(FIELDS[i].name, name) == 0)
			return FIELDS[i].text;
	for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++)
		if (strcasecmp(FIELDS[i].name, name) == 0)
			return FIELDS[i].text;
	return NULL;
}

/* ---- rendering --------------------------------------------------------- */

struct out {
	size_t width;
	void (*emit)(void *ctx, enum explain_line kind, const char *text);
	void *ctx;
	size_t lines;
};

/* Emit text wrapped at spaces to o->width, every line after the first
 * indented by indent spaces (the first carries its own). */
static void out_wrap(struct out *o, enum explain_line kind, const char *text, size_t indent)
{
	char line[2048];
	size_t len = strlen(text);
	if (!o->width || len <= o->width) {
		o->emit(o->ctx, kind, text);
		o->lines++;
		return;
	}
	size_t pos = 0, lead = 0;
	if (indent >= o->width / 2)
		indent = o->width / 4;
	while (pos < len) {
		size_t room = o->width - lead;
		size_t take = len - pos;
		if (take > room) {
			take = room;
			/* break at the last space that fits; a word longer than
			 * the line is cut */
			size_t sp = take;
			while (sp > 0 && text[pos + sp] != ' ')
				sp--;
			if (sp > 0)
				take = sp;
			/* never cut inside a UTF-8 sequence */
			while (take > 1 && ((unsigned char)text[pos + take] & 0xC0) == 0x80)
				take--;
		}
		if (take > sizeof line - lead - 1)
			take = sizeof line - lead - 1;
		memset(line, ' ', lead);
		memcpy(line + lead, text + pos, take);
		line[lead + take] = '\0';
		o->emit(o->ctx, kind, line);
		o->lines++;
		pos += take;
		while (pos < len && text[pos] == ' ')
			pos++;
		lead = indent;
	}
}

static void out_fmt(struct out *o, enum explain_line kind, size_t indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void out_fmt(struct out *o, enum explain_line kind, size_t indent, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	out_wrap(o, kind, buf, indent);
}

struct join {
	char *buf;
	size_t len, cap;
};

static void join_emit(void *ctx, const struct access_right *r)
{
	struct join *j = ctx;
	int n = snprintf(j->buf + j->len, j->cap - j->len, "%s%s", j->len ? ", " : "", r->name);
	if (n > 0)
		j->len = j->len + (size_t)n < j->cap ? j->len + (size_t)n : j->cap - 1;
}

static int is_legacy(const struct event *ev)
{
	return (ev->flags & EVENT_LEGACY) || (ev->event_id >= 560 && ev->event_id <= 567);
}

/* The event's value for a field name, into buf; NULL when the event does
 * not have it, or when the store does not keep that field (*kept = 0). */
static const char *field_value(const struct store *st, const struct event *ev, const char *name,
			       char *buf, size_t buflen, int *kept)
{
	int legacy = is_legacy(ev);
	/* Legacy 560: when a client acted, the store keeps the client as the
	 * user and the process's account as "DOMAIN\user" in ES_PRIMARY_USER. */
	int client = ev->str[ES_PRIMARY_USER] != 0;
	static const struct {
		const char *name;
		enum event_str field;
	} PLAIN[] = {
		{"SubjectUserSid", ES_SID}, {"SubjectUserName", ES_USER},
		{"SubjectDomainName", ES_DOMAIN}, {"ObjectServer", ES_OBJECT_SERVER},
		{"ObjectType", ES_OBJECT_TYPE}, {"ObjectName", ES_OBJECT_NAME},
		{"ProcessName", ES_PROCESS_NAME}, {"ImageFileName", ES_PROCESS_NAME},
		{"AccessReason", ES_ACCESS_REASON}, {"PrivilegeList", ES_PRIVILEGE_LIST},
		{"Privileges", ES_PRIVILEGE_LIST}, {"ShareName", ES_SHARE_NAME},
		{"ShareLocalPath", ES_SHARE_PATH}, {"RelativeTargetName", ES_RELATIVE_TARGET},
		{"IpAddress", ES_IP_ADDRESS}, {"OldSd", ES_OLD_SD}, {"NewSd", ES_NEW_SD},
		{"OldSD", ES_OLD_SD}, {"NewSD", ES_NEW_SD},
	};
	const char *v = NULL;
	int logon = 0;
	for (size_t i = 0; i < sizeof PLAIN / sizeof PLAIN[0]; i++)
		if (!strcmp(name, PLAIN[i].name))
			v = store_str(st, ev, PLAIN[i].field);
	if (!strcmp(name, "PrimaryUserName"))
		v = store_str(st, ev, client ? ES_PRIMARY_USER : ES_USER);
	else if (!strcmp(name, "PrimaryDomain"))
		v = client ? NULL : store_str(st, ev, ES_DOMAIN);
	else if (!strcmp(name, "ClientUserName"))
		v = client ? store_str(st, ev, ES_USER) : "-";
	else if (!strcmp(name, "ClientDomain"))
		v = client ? store_str(st, ev, ES_DOMAIN) : NULL;
	else if (!strcmp(name, "SubjectLogonId"))
		logon = 1;
	else if (!strcmp(name, "PrimaryLogonId"))
		logon = !client;
	else if (!strcmp(name, "ClientLogonId"))
		logon = client;
	if (logon && (ev->flags & EVENT_HAS_LOGON)) {
		snprintf(buf, buflen, "0x%" PRIx64, ev->logon_id);
		v = buf;
	} else if ((!strcmp(name, "HandleId") || !strcmp(name, "SourceHandleId"))
		   && (ev->flags & EVENT_HAS_HANDLE)) {
		snprintf(buf, buflen, legacy ? "%" PRIu64 : "0x%" PRIx64, ev->handle_id);
		v = buf;
	} else if ((!strcmp(name, "ProcessId") || !strcmp(name, "SourceProcessId"))
		   && (ev->flags & EVENT_HAS_PROCESS)) {
		snprintf(buf, buflen, legacy ? "%u" : "0x%x", ev->process_id);
		v = buf;
	} else if (!strcmp(name, "TargetHandleId") && (ev->flags & EVENT_HAS_TARGET)) {
		snprintf(buf, buflen, "0x%" PRIx64, ev->target_handle_id);
		v = buf;
	} else if (!strcmp(name, "TargetProcessId") && (ev->flags & EVENT_HAS_TARGET)) {
		snprintf(buf, buflen, "0x%x", ev->target_process_id);
		v = buf;
	} else if (!strcmp(name, "AccessMask") && (ev->flags & EVENT_HAS_MASK)) {
		snprintf(buf, buflen, "0x%x", ev->access_mask);
		v = buf;
	} else if (!strcmp(name, "AccessList") || !strcmp(name, "Accesses")) {
		/* the rights by their documented names, from the mask when the
		 * event has one (it decodes by object type), else the list */
		struct join j = {buf, 0, buflen};
		buf[0] = '\0';
		const char *type = store_str(st, ev, ES_OBJECT_TYPE);
		if (ev->flags & EVENT_HAS_MASK) {
			struct access_right r[32];
			size_t n = access_decode_mask(type, ev->access_mask, r, 32);
			for (size_t i = 0; i < n && i < 32; i++)
				join_emit(&j, &r[i]);
		} else if (ev->str[ES_ACCESS_LIST]) {
			access_list_decode(store_str(st, ev, ES_ACCESS_LIST), type, join_emit, &j);
		}
		v = buf;
	} else if (!v && !logon && strcmp(name, "HandleId") && strcmp(name, "SourceHandleId")
		 && strcmp(name, "ProcessId") && strcmp(name, "SourceProcessId")
		 && strcmp(name, "TargetHandleId") && strcmp(name, "TargetProcessId")
		 && strcmp(name, "AccessMask") && strcmp(name, "PrimaryDomain")
		 && strcmp(name, "ClientDomain"))
		*kept = 0;
	return v && *v ? v : NULL;
}

static void render_fields(struct out *o, const struct store *st, const struct event *ev,
			  const char *fields)
{
	char name[64], value[2048], safe[2048];
	const char *p = fields;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
		p += n;
		int kept = 1;
		const char *v = ev ? field_value(st, ev, name, value, sizeof value, &kept) : NULL;
		if (v) {
			sanitize_text(v, strlen(v), safe, sizeof safe, NULL);
			out_fmt(o, EXPLAIN_FIELD, 4, "  %s: %s", name, safe);
		} else if (ev) {
			out_fmt(o, EXPLAIN_FIELD, 4, "  %s: %s", name, kept ? "-" : "(not kept by oaview)");
		} else {
			out_fmt(o, EXPLAIN_FIELD, 4, "  %s", name);
		}
		const char *d = explain_field(name);
		if (d)
			out_fmt(o, EXPLAIN_FIELD_TEXT, 6, "      %s", d);
	}
}

/* Events of the event's handle life with one of the given roles. */
static uint32_t life_count(const struct store *st, const struct event *ev, uint32_t id_a, uint32_t id_b)
{
	if (ev->life == EVENT_NONE || ev->life >= st->nlives)
		return 0;
	uint32_t n = 0, guard = 0;
	for (uint32_t i = st->lives[ev->life].first_ref; i != EVENT_NONE && guard < 1000000;
	     i = store_event(st, i)->life_next, guard++) {
		uint16_t id = store_event(st, i)->event_id;
		if (id == id_a || id == id_b)
			n++;
	}
	return n;
}

static void render_notes(struct out *o, const struct store *st, uint32_t index)
{
	const struct event *ev = store_event(st, index);
	enum correlate_role role = correlate_role(ev->event_id);
	int failed = ev->outcome == OUTCOME_FAILURE;
	char buf[4096], safe[4096];
	out_wrap(o, EXPLAIN_HEADING, "This event", 0);
	if (ev->flags & (EVENT_NOT_DECODABLE | EVENT_UNPARSED)) {
		out_wrap(o, EXPLAIN_NOTE, "  The record could not be decoded: only its header (id, time) "
			 "is known.", 4);
		return;
	}
	if (failed && (role == ROLE_OPEN || ev->event_id == 5145 || ev->event_id == 5140
		       || ev->event_id == 4661))
		out_wrap(o, EXPLAIN_NOTE, "  Denied: the access check failed, so no handle was granted "
			 "and nothing was done with these rights; they are what was asked for.", 4);
	else if (failed)
		out_wrap(o, EXPLAIN_NOTE, "  Outcome: failure.", 4);
	if (role == ROLE_OPEN && !failed && ev->handle_id) {
		uint32_t uses = life_count(st, ev, 4663, 567);
		if (uses)
			out_fmt(o, EXPLAIN_NOTE, 4, "  Granted; %u operation event%s (4663/567) used this "
				"handle.", uses, uses == 1 ? "" : "s");
		else
			out_wrap(o, EXPLAIN_NOTE, "  Granted, and no operation (4663/567) was logged with "
				 "this handle: the rights were held, not seen used.", 4);
	}
	if (ev->life != EVENT_NONE && role != ROLE_OPEN) {
		if (ev->open_ref == EVENT_NONE)
			out_wrap(o, EXPLAIN_NOTE, "  The open of this handle is not in the loaded logs (it "
				 "came before the log starts, or was not audited): the object is known only "
				 "if an event of this handle names it.", 4);
		else
			out_fmt(o, EXPLAIN_NOTE, 4, "  Opened by record #%" PRIu64 "%s.",
				store_event(st, ev->open_ref)->record,
				ev->str[ES_OBJECT_NAME] ? "" : ", which gives it its object name");
	}
	if (ev->life != EVENT_NONE && role != ROLE_CLOSE && ev->close_ref == EVENT_NONE)
		out_wrap(o, EXPLAIN_NOTE, "  No close seen for this handle: Handle Manipulation auditing "
			 "may be off (close not audited), or the handle was still open where the log "
			 "ends.", 4);
	if (ev->str[ES_PRIMARY_USER]) {
		snprintf(buf, sizeof buf, "  Opened by %s on behalf of the network client %s%s%s: "
			 "access through a share runs in the System process.",
			 store_str(st, ev, ES_PRIMARY_USER), store_str(st, ev, ES_DOMAIN),
			 ev->str[ES_DOMAIN] ? "\\" : "", store_str(st, ev, ES_USER));
		sanitize_text(buf, strlen(buf), safe, sizeof safe, NULL);
		out_wrap(o, EXPLAIN_NOTE, safe, 4);
	}
	if (ev->event_id == 560 && !failed && ev->close_ref != EVENT_NONE && !life_count(st, ev, 567, 567))
		out_wrap(o, EXPLAIN_NOTE, "  No 567 between this open and its close: normal for access "
			 "through a share; the rights are what could have been done.", 4);
	if (ev->event_id == 5145 || ev->event_id == 5140) {
		const char *share = store_str(st, ev, ES_SHARE_NAME);
		size_t sl = strlen(share);
		if (sl >= 4 && strcasecmp(share + sl - 4, "IPC$") == 0)
			out_wrap(o, EXPLAIN_NOTE, "  IPC$: the target is a named pipe (remote procedure "
				 "calls: svcctl = services, srvsvc = shares and sessions, samr = accounts, "
				 "winreg = registry, ...).", 4);
	}
	if (ev->event_id == 4670 || ev->event_id == 4907) {
		uint32_t v = objects_sd_verdicts(store_str(st, ev, ES_OLD_SD), store_str(st, ev, ES_NEW_SD));
		out_fmt(o, EXPLAIN_NOTE, 4, "  Changed:%s%s%s.", v & OBJ_OWNER ? " the owner or group" : "",
			v & OBJ_PERMS ? (v & OBJ_OWNER ? ", the DACL (permissions)" : " the DACL (permissions)") : "",
			v & OBJ_AUDIT ? ((v & (OBJ_OWNER | OBJ_PERMS)) ? ", the SACL (auditing)" : " the SACL (auditing)") : "");
	}
}

static size_t render(uint32_t event_id, const struct store *st, uint32_t index, size_t width,
		     void (*emit)(void *ctx, enum explain_line kind, const char *text), void *ctx)
{
	struct out o = {width, emit, ctx, 0};
	const struct event *ev = st ? store_event(st, index) : NULL;
	const struct explain_event *e = explain_event_find(event_id);
	const char *outcome = !ev ? "" : ev->outcome == OUTCOME_SUCCESS ? " (success)"
		: ev->outcome == OUTCOME_FAILURE ? " (failure)" : "";
	if (!e) {
		out_fmt(&o, EXPLAIN_TITLE, 2, "Event %u%s: %s", event_id, outcome, event_id_title(event_id));
		out_wrap(&o, EXPLAIN_TEXT, "oaview has no explanation for this event id: it is not one of "
			 "the object-access events it knows.", 0);
		if (ev)
			render_notes(&o, st, index);
		return o.lines;
	}
	out_fmt(&o, EXPLAIN_TITLE, 2, "%u: %s%s", e->id, e->title, outcome);
	out_wrap(&o, EXPLAIN_TEXT, e->meaning, 0);
	out_fmt(&o, EXPLAIN_TEXT, 2, "Logged by: %s.", e->logged_by);
	out_wrap(&o, EXPLAIN_HEADING, "Fields", 0);
	render_fields(&o, st, ev, e->fields);
	out_wrap(&o, EXPLAIN_HEADING, "What it cannot tell", 0);
	out_wrap(&o, EXPLAIN_TEXT, e->limits, 0);
	if (ev)
		render_notes(&o, st, index);
	return o.lines;
}

size_t explain_event_lines(const struct store *st, uint32_t index, size_t width,
			   void (*emit)(void *ctx, enum explain_line kind, const char *text), void *ctx)
{
	return render(store_event(st, index)->event_id, st, index, width, emit, ctx);
}

size_t explain_id_lines(uint32_t event_id, size_t width,
			void (*emit)(void *ctx, enum explain_line kind, const char *text), void *ctx)
{
	return render(event_id, NULL, 0, width, emit, ctx);
}
