/* event.c - facts about event ids, and number parsing shared by readers. */
#include "event.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct event_kind {
	uint16_t id;
	const char *verb;
	const char *title;
};

/* Titles are the events' documented message titles. */
static const struct event_kind EVENT_KINDS[] = {
	{560, "open", "Object Open"},
	{561, "alloc", "Handle Allocated"},
	{562, "close", "Handle Closed"},
	{563, "opndel", "Object Open for Delete"},
	{564, "delete", "Object Deleted"},
	{565, "dsopen", "Object Open (Active Directory)"},
	{566, "dsop", "Object Operation (Active Directory)"},
	{567, "access", "Object Access Attempt"},
	{4656, "open", "A handle to an object was requested"},
	{4657, "regval", "A registry value was modified"},
	{4658, "close", "The handle to an object was closed"},
	{4659, "opndel", "A handle to an object was requested with intent to delete"},
	{4660, "delete", "An object was deleted"},
	{4661, "open", "A handle to an object was requested (SAM/DS)"},
	{4662, "dsop", "An operation was performed on an object"},
	{4663, "access", "An attempt was made to access an object"},
	{4664, "hlink", "An attempt was made to create a hard link"},
	{4670, "perms", "Permissions on an object were changed"},
	{4690, "dup", "An attempt was made to duplicate a handle to an object"},
	{4691, "indir", "Indirect access to an object was requested"},
	{4907, "sacl", "Auditing settings on object were changed"},
	{4985, "txn", "The state of a transaction has changed"},
	{5140, "share", "A network share object was accessed"},
	{5142, "share+", "A network share object was added"},
	{5143, "share~", "A network share object was modified"},
	{5144, "share-", "A network share object was deleted"},
	{5145, "check", "A network share object was checked for access"},
};

static const struct event_kind *event_kind_find(uint32_t id)
{
	size_t lo = 0, hi = sizeof EVENT_KINDS / sizeof EVENT_KINDS[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (EVENT_KINDS[mid].id == id)
			return &EVENT_KINDS[mid];
		if (EVENT_KINDS[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int event_is_object_access(uint32_t event_id)
{
	return event_kind_find(event_id) != NULL;
}

int event_success_only(uint32_t event_id)
{
	switch (event_id) {
	case 4657: case 4658: case 4659: case 4660: case 4663: case 4664:
	case 4670: case 4690: case 4985: case 5142: case 5143: case 5144:
		return 1;
	default:
		return 0;
	}
}

const char *event_id_verb(uint32_t event_id)
{
	const struct event_kind *k = event_kind_find(event_id);
	return k ? k->verb : "event";
}

const char *event_id_title(uint32_t event_id)
{
	const struct event_kind *k = event_kind_find(event_id);
	return k ? k->title : "Event";
}

int event_parse_number(const char *text, uint64_t *value)
{
	if (!text)
		return 0;
	while (isspace((unsigned char)*text))
		text++;
	if (!*text || *text == '-')
		return 0;
	/* Legacy logon ids are written "(0x0,0x13388)": high and low parts. */
	if (*text == '(') {
		char *end;
		unsigned long long hi = strtoull(text + 1, &end, 0);
		if (*end != ',')
			return 0;
		unsigned long long lo = strtoull(end + 1, &end, 0);
		if (*end != ')' || hi > UINT32_MAX || lo > UINT32_MAX)
			return 0;
		*value = (uint64_t)hi << 32 | lo;
		return 1;
	}
	int base = 10;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		text += 2;
		if (!isxdigit((unsigned char)*text))
			return 0;
	} else if (!isdigit((unsigned char)*text)) {
		return 0;
	}
	errno = 0;
	char *end;
	unsigned long long v = strtoull(text, &end, base);
	if (errno)
		return 0;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return 0;
	*value = v;
	return 1;
}
