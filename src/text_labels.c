/* text_labels.c - the labels, section headings and titles of Windows'
 * rendered object-access messages, and the data names they stand for.
 *
 * Forwarded text (Snare, evtsys, Event Viewer copies, wevtutil /f:text)
 * carries an event as its rendered message, so the only way back to the
 * schema names (HandleId, ObjectName, ...) is through the labels of the
 * message text.  One table holds every label and heading the parsers must
 * know; a heading changes the section, and a few labels mean different
 * things in different sections (see text_label_name_in).
 *
 * Sources, documentation only:
 *   - 4656, 4658, 4660, 4663, 4670, 4690, 5140, 5145: Microsoft's "Security
 *     auditing" event pages (MicrosoftDocs/windows-itpro-docs,
 *     windows/security/threat-protection/auditing/event-NNNN.md), whose
 *     "Field Descriptions" list each section heading and label as the
 *     message shows them, and whose titles are the message's first line.
 *   - 560 ("Object Open:", Windows 2000 "New Handle ID:", "Accesses" and
 *     "Privileges" without colons), 561, 562, 563, 564, 567: the message
 *     templates of Microsoft's Events and Errors Message Center (Windows
 *     5.0/5.2, Security source) and the Windows XP Resource Kit appendix
 *     "Security Event Messages"; see legacy_layout.c.
 *   - Labels of other events (4624, 4661, 4672, 4688, 4769, 5157, 540) are
 *     here only so that they end the value before them in collapsed text;
 *     they come from the same documentation pages and map to no name unless
 *     the store uses it.
 * Data names follow the event XML (<Data Name="...">) of those pages, and
 * legacy_layout.c for the 56x events. */
#include "text_format.h"

#include <string.h>
#include <strings.h>

enum entry_kind {
	ENTRY_LABEL,
	ENTRY_HEADING,
};

struct label_entry {
	const char *text;
	unsigned char len;
	unsigned char kind;      /* enum entry_kind */
	unsigned char section;   /* for a heading: enum text_section */
	const char *name;        /* for a label: its data name, or NULL */
};

#define LABEL(t, n) {t, sizeof(t) - 1, ENTRY_LABEL, 0, n}
#define HEADING(t, s) {t, sizeof(t) - 1, ENTRY_HEADING, s, NULL}

static const struct label_entry ENTRIES[] = {
	/* Subject: (4656 ... 5145).  Only meant as the subject in the Subject
	 * section (or before any heading): see text_label_name_in. */
	LABEL("Security ID", "SubjectUserSid"),
	LABEL("Account Name", "SubjectUserName"),
	LABEL("Account Domain", "SubjectDomainName"),
	LABEL("Logon ID", "SubjectLogonId"),
	/* Object: */
	LABEL("Object Server", "ObjectServer"),
	LABEL("Object Type", "ObjectType"),
	LABEL("Object Name", "ObjectName"),
	LABEL("Handle ID", "HandleId"),
	LABEL("Resource Attributes", "ResourceAttributes"),
	/* Process Information: / Process: */
	LABEL("Process ID", "ProcessId"),
	LABEL("Process Name", "ProcessName"),
	/* Access Request Information: */
	LABEL("Transaction ID", "TransactionId"),
	LABEL("Accesses", "AccessList"),
	LABEL("Access Reasons", "AccessReason"),
	LABEL("Access Mask", "AccessMask"),
	LABEL("Privileges Used for Access Check", "PrivilegeList"),
	LABEL("Restricted SID Count", "RestrictedSidCount"),
	LABEL("Properties", "Properties"),
	/* 4670 Permissions Change: */
	LABEL("Original Security Descriptor", "OldSd"),
	LABEL("New Security Descriptor", "NewSd"),
	/* 4690 Source Handle Information: / New Handle Information: */
	LABEL("Source Handle ID", "SourceHandleId"),
	LABEL("Source Process ID", "SourceProcessId"),
	LABEL("Target Handle ID", "TargetHandleId"),
	LABEL("Target Process ID", "TargetProcessId"),
	/* 5140/5145 Network Information: / Share Information: */
	LABEL("Source Address", "IpAddress"),
	LABEL("Source Port", "IpPort"),
	LABEL("Share Name", "ShareName"),
	LABEL("Share Path", "ShareLocalPath"),
	LABEL("Relative Target Name", "RelativeTargetName"),
	LABEL("Access Check Results", "AccessReason"),
	/* Legacy 560-567 (names as legacy_layout.c gives EVT strings) */
	LABEL("New Handle ID", "HandleId"),
	LABEL("Operation ID", "OperationId"),
	LABEL("Image File Name", "ImageFileName"),
	LABEL("Primary User Name", "PrimaryUserName"),
	LABEL("Primary Domain", "PrimaryDomain"),
	LABEL("Primary Logon ID", "PrimaryLogonId"),
	LABEL("Client User Name", "ClientUserName"),
	LABEL("Client Domain", "ClientDomain"),
	LABEL("Client Logon ID", "ClientLogonId"),
	LABEL("Privileges", "Privileges"),
	/* Other events: known so that they end the value before them. */
	LABEL("Logon Type", NULL),
	LABEL("Logon GUID", NULL),
	LABEL("Linked Logon ID", NULL),
	LABEL("Network Account Name", NULL),
	LABEL("Network Account Domain", NULL),
	LABEL("Workstation Name", NULL),
	LABEL("Source Network Address", NULL),
	LABEL("Logon Process", NULL),
	LABEL("Authentication Package", NULL),
	LABEL("Transited Services", NULL),
	LABEL("Package Name (NTLM only)", NULL),
	LABEL("Key Length", NULL),
	LABEL("Restricted Admin Mode", NULL),
	LABEL("Virtual Account", NULL),
	LABEL("Elevated Token", NULL),
	LABEL("Impersonation Level", NULL),
	LABEL("Exit Status", NULL),
	LABEL("New Process ID", NULL),
	LABEL("New Process Name", NULL),
	LABEL("Creator Process ID", NULL),
	LABEL("Creator Process Name", NULL),
	LABEL("Process Command Line", NULL),
	LABEL("Token Elevation Type", NULL),
	LABEL("Mandatory Label", NULL),
	LABEL("Service Name", NULL),
	LABEL("Service ID", NULL),
	LABEL("Client Address", NULL),
	LABEL("Client Port", NULL),
	LABEL("Ticket Options", NULL),
	LABEL("Ticket Encryption Type", NULL),
	LABEL("Pre-Authentication Type", NULL),
	LABEL("Result Code", NULL),
	LABEL("Failure Reason", NULL),
	LABEL("Status", NULL),
	LABEL("Sub Status", NULL),
	LABEL("Caller Process ID", NULL),
	LABEL("Caller Process Name", NULL),
	LABEL("Caller User Name", NULL),
	LABEL("Caller Domain", NULL),
	LABEL("Caller Logon ID", NULL),
	LABEL("User Name", NULL),
	LABEL("Domain", NULL),
	LABEL("Direction", NULL),
	LABEL("Destination Address", NULL),
	LABEL("Destination Port", NULL),
	LABEL("Protocol", NULL),
	LABEL("Application Name", NULL),
	LABEL("Filter Run-Time ID", NULL),
	LABEL("Layer Name", NULL),
	LABEL("Layer Run-Time ID", NULL),

	/* Section headings of the object-access events. */
	HEADING("Subject", TEXT_SECTION_SUBJECT),
	HEADING("Object", TEXT_SECTION_OBJECT),
	HEADING("Process Information", TEXT_SECTION_PROCESS),
	HEADING("Process", TEXT_SECTION_PROCESS),
	HEADING("Access Request Information", TEXT_SECTION_ACCESS_REQUEST),
	HEADING("Network Information", TEXT_SECTION_NETWORK),
	HEADING("Share Information", TEXT_SECTION_SHARE),
	HEADING("Source Handle Information", TEXT_SECTION_SOURCE_HANDLE),
	HEADING("New Handle Information", TEXT_SECTION_NEW_HANDLE),
	HEADING("Permissions Change", TEXT_SECTION_PERMISSIONS),
	/* Legacy titles end with a colon like a heading; nothing is sectioned
	 * in those messages. */
	HEADING("Object Open", TEXT_SECTION_NONE),
	HEADING("Object Open for Delete", TEXT_SECTION_NONE),
	HEADING("Object Access Attempt", TEXT_SECTION_NONE),
	HEADING("Handle Closed", TEXT_SECTION_NONE),
	HEADING("Handle Allocated", TEXT_SECTION_NONE),
	HEADING("Object Deleted", TEXT_SECTION_NONE),
	/* Headings of other events: what follows them is not the subject. */
	HEADING("New Logon", TEXT_SECTION_OTHER),
	HEADING("Logon Information", TEXT_SECTION_OTHER),
	HEADING("Account Information", TEXT_SECTION_OTHER),
	HEADING("Account For Which Logon Failed", TEXT_SECTION_OTHER),
	HEADING("Failure Information", TEXT_SECTION_OTHER),
	HEADING("Detailed Authentication Information", TEXT_SECTION_OTHER),
	HEADING("Service Information", TEXT_SECTION_OTHER),
	HEADING("Additional Information", TEXT_SECTION_OTHER),
	HEADING("Application Information", TEXT_SECTION_OTHER),
	HEADING("Filter Information", TEXT_SECTION_OTHER),
	HEADING("Target Account", TEXT_SECTION_OTHER),
	HEADING("Target Subject", TEXT_SECTION_OTHER),
	HEADING("Cryptographic Parameters", TEXT_SECTION_OTHER),
	HEADING("Cryptographic Operation", TEXT_SECTION_OTHER),
	HEADING("Auditing Settings", TEXT_SECTION_OTHER),
};

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

/* Message titles: legacy ones from the Message Center templates, modern ones
 * from the docs pages' headings ("4663(S): An attempt was made to access an
 * object."). */
static const struct {
	const char *text;
	unsigned char len;
	uint16_t event_id;
} TITLES[] = {
#define TITLE(t, id) {t, sizeof(t) - 1, id}
	TITLE("Object Open for Delete:", 563),
	TITLE("Object Open:", 560),
	TITLE("Handle Allocated:", 561),
	TITLE("Handle Closed:", 562),
	TITLE("Object Deleted:", 564),
	TITLE("Object Access Attempt:", 567),
	TITLE("A handle to an object was requested.", 4656),
	TITLE("The handle to an object was closed.", 4658),
	TITLE("An object was deleted.", 4660),
	TITLE("An attempt was made to access an object.", 4663),
	TITLE("Permissions on an object were changed.", 4670),
	TITLE("An attempt was made to duplicate a handle to an object.", 4690),
	TITLE("A network share object was accessed.", 5140),
	TITLE("A network share object was checked to see whether client can be granted desired access.", 5145),
#undef TITLE
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const struct label_entry *entry_find(const char *label, size_t len, int kind)
{
	for (size_t i = 0; i < NELEM(ENTRIES); i++)
		if (ENTRIES[i].kind == kind && ENTRIES[i].len == len
		    && strncasecmp(ENTRIES[i].text, label, len) == 0)
			return &ENTRIES[i];
	return NULL;
}

static int is_legacy_event(uint32_t event_id)
{
	return event_id >= 560 && event_id <= 567;
}

const char *text_label_name_in(uint32_t event_id, enum text_section section,
			       const char *label, size_t len)
{
	if (!label)
		return NULL;
	while (len && is_blank(*label)) {
		label++;
		len--;
	}
	while (len && is_blank(label[len - 1]))
		len--;
	const struct label_entry *e = entry_find(label, len, ENTRY_LABEL);
	if (!e || !e->name)
		return NULL;
	const char *name = e->name;

	/* The subject block repeats in other sections with other meanings
	 * (4624 "New Logon: Account Name" is the account logged on). */
	if (strncmp(name, "Subject", 7) == 0 && section != TEXT_SECTION_NONE
	    && section != TEXT_SECTION_SUBJECT)
		return NULL;

	/* 4690 names the two handles by section as well as by label. */
	if (strcmp(name, "HandleId") == 0) {
		if (section == TEXT_SECTION_SOURCE_HANDLE)
			return "SourceHandleId";
		if (section == TEXT_SECTION_NEW_HANDLE)
			return "TargetHandleId";
	} else if (strcmp(name, "ProcessId") == 0) {
		if (section == TEXT_SECTION_SOURCE_HANDLE)
			return "SourceProcessId";
		if (section == TEXT_SECTION_NEW_HANDLE)
			return "TargetProcessId";
	} else if (strcmp(name, "AccessList") == 0 && is_legacy_event(event_id)) {
		/* Same slot in the store; the legacy insertion-string name keeps
		 * text records alike to EVT ones. */
		return "Accesses";
	}
	return name;
}

const char *text_label_name(uint32_t event_id, const char *label, size_t len)
{
	return text_label_name_in(event_id, TEXT_SECTION_NONE, label, len);
}

int text_label_at(const char *text, size_t len, struct text_label_hit *hit)
{
	const struct label_entry *best = NULL;
	size_t best_total = 0;
	if (!len)
		return 0;
	for (size_t i = 0; i < NELEM(ENTRIES); i++) {
		const struct label_entry *e = &ENTRIES[i];
		if (e->len > len || (best && e->len <= best->len)
		    || (e->text[0] | 0x20) != (text[0] | 0x20))
			continue;
		if (strncasecmp(text, e->text, e->len) != 0)
			continue;
		/* Blanks, then the colon: "Subject :" occurs in real Snare data. */
		size_t j = e->len;
		while (j < len && is_blank(text[j]))
			j++;
		if (j >= len || text[j] != ':')
			continue;
		best = e;
		best_total = j + 1;
	}
	if (!best)
		return 0;
	hit->label_len = best->len;
	hit->total_len = best_total;
	hit->heading = best->kind == ENTRY_HEADING;
	hit->section = hit->heading ? (enum text_section)best->section : TEXT_SECTION_NONE;
	return 1;
}

uint32_t text_title_event_id(const char *line, size_t len)
{
	while (len && (is_blank(*line) || *line == '\r' || *line == '\n')) {
		line++;
		len--;
	}
	for (size_t i = 0; i < NELEM(TITLES); i++)
		if (TITLES[i].len <= len && strncasecmp(line, TITLES[i].text, TITLES[i].len) == 0)
			return TITLES[i].event_id;
	return 0;
}
