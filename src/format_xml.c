/* format_xml.c - one rendered Event XML record, parsed with expat.
 *
 * The text is first normalised for the ways people copy event XML, none of
 * which can occur in well-formed XML (where '<' in text must be escaped),
 * so the normalisation cannot change a well-formed event:
 *   - Event Viewer's XML view puts "- " before elements that have children
 *     ("- <System>"): a "- " directly before '<' at the start of a line is
 *     dropped;
 *   - the AWS FSx documentation has "< /EventID>", "< Data", "< /Data>":
 *     blanks between '<' and a '/' or a letter are dropped.
 * expat then reads the event as a stream of elements; a small stack says
 * which ones are leaves.  System/EventID, EventRecordID, Computer, Channel
 * and Keywords come from their text, Provider@Name and TimeCreated@SystemTime
 * from attributes; EventData/Data@Name pairs and UserData leaf elements
 * become the record's data in document order.  Values are kept as written
 * ("%%4416", names, "\\" as in the source): entity and character
 * references are resolved by expat, nothing else is changed.  Unnamed Data
 * of the legacy events 560-567 get the names of legacy_layout.h; other
 * unnamed Data are called Data1, Data2, ... by position.
 *
 * A DOCTYPE is refused (an event never has one, and a DTD is how entity
 * expansion bombs get in); elements nest at most EVENT_XML_MAX_DEPTH deep. */
#include "text_format.h"

#include <ctype.h>
#include <expat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "legacy_layout.h"
#include "timefmt.h"

#define EVENT_XML_MAX_DEPTH 32
#define KEYWORD_AUDIT_FAILURE_BIT (1ull << 52)
#define KEYWORD_AUDIT_SUCCESS_BIT (1ull << 53)

enum xml_section {
	SECTION_NONE,
	SECTION_SYSTEM,
	SECTION_EVENT_DATA,
	SECTION_USER_DATA,
	SECTION_RENDERING,
};

struct xml_state {
	XML_Parser parser;
	struct record *rec;
	struct arena *a;
	int depth;
	int has_child[EVENT_XML_MAX_DEPTH + 2];
	enum xml_section section;
	int is_event;            /* the root element is Event */
	int done;                /* the root element ended */
	int has_event_id;
	int unnamed;             /* Data without a Name were seen */
	int oom;
	const char *data_name;   /* Name of the Data element being read */
	int keyword_outcome;     /* from RenderingInfo/Keywords/Keyword */
	char *text;              /* character data since the last start tag */
	size_t tlen, tcap;
	char err[160];
};

static const char *xml_local_name(const char *name)
{
	const char *sep = strrchr(name, ' '); /* the namespace separator */
	return sep ? sep + 1 : name;
}

static const char *xml_attr(const XML_Char **attr, const char *name)
{
	for (int i = 0; attr[i]; i += 2)
		if (strcmp(xml_local_name(attr[i]), name) == 0)
			return attr[i + 1];
	return NULL;
}

static void xml_fail(struct xml_state *x, const char *message)
{
	if (!x->err[0])
		snprintf(x->err, sizeof x->err, "%s", message);
	XML_StopParser(x->parser, XML_FALSE);
}

/* The text of the current element, trimmed when trim is set. */
static const char *xml_text(struct xml_state *x, int trim)
{
	const char *s = x->text ? x->text : "";
	size_t n = x->tlen;
	if (trim) {
		while (n && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
	}
	char *copy = arena_strndup(x->a, s, n);
	if (!copy)
		x->oom = 1;
	return copy;
}

static void XMLCALL xml_start(void *ud, const XML_Char *el, const XML_Char **attr)
{
	struct xml_state *x = ud;
	const char *name = xml_local_name(el);
	if (x->done)
		return;
	if (x->depth >= EVENT_XML_MAX_DEPTH) {
		xml_fail(x, "XML: elements nested too deep");
		return;
	}
	x->has_child[x->depth] = 1;
	x->depth++;
	x->has_child[x->depth] = 0;
	x->tlen = 0;
	if (x->depth == 1) {
		if (strcmp(name, "Event") != 0) {
			XML_StopParser(x->parser, XML_FALSE);
			return;
		}
		x->is_event = 1;
		return;
	}
	if (x->depth == 2) {
		if (strcmp(name, "System") == 0)
			x->section = SECTION_SYSTEM;
		else if (strcmp(name, "EventData") == 0)
			x->section = SECTION_EVENT_DATA;
		else if (strcmp(name, "UserData") == 0)
			x->section = SECTION_USER_DATA;
		else if (strcmp(name, "RenderingInfo") == 0)
			x->section = SECTION_RENDERING;
		else
			x->section = SECTION_NONE;
		return;
	}
	struct record *rec = x->rec;
	if (x->section == SECTION_SYSTEM && x->depth == 3) {
		if (strcmp(name, "Provider") == 0) {
			const char *p = xml_attr(attr, "Name");
			if (!p)
				p = xml_attr(attr, "EventSourceName");
			if (p && !(rec->provider = arena_strdup(x->a, p)))
				x->oom = 1;
		} else if (strcmp(name, "TimeCreated") == 0) {
			const char *t = xml_attr(attr, "SystemTime");
			int64_t ft;
			if (t && timefmt_parse_iso(t, &ft))
				rec->time = ft;
		}
	} else if (x->section == SECTION_EVENT_DATA && x->depth == 3 && strcmp(name, "Data") == 0) {
		const char *n = xml_attr(attr, "Name");
		x->data_name = n ? arena_strdup(x->a, n) : NULL;
		if (n && !x->data_name)
			x->oom = 1;
	}
}

static void XMLCALL xml_end(void *ud, const XML_Char *el)
{
	struct xml_state *x = ud;
	const char *name = xml_local_name(el);
	if (x->done)
		return;
	int leaf = !x->has_child[x->depth];
	struct record *rec = x->rec;
	if (x->section == SECTION_SYSTEM && x->depth == 3 && leaf) {
		if (strcmp(name, "EventID") == 0) {
			const char *t = xml_text(x, 1);
			char *end;
			unsigned long v = t ? strtoul(t, &end, 10) : 0;
			if (!t || !*t || *end || v > UINT32_MAX) {
				xml_fail(x, "XML: EventID is not a number");
				return;
			}
			rec->event_id = (uint32_t)v;
			x->has_event_id = 1;
		} else if (strcmp(name, "EventRecordID") == 0) {
			const char *t = xml_text(x, 1);
			char *end;
			unsigned long long v = t ? strtoull(t, &end, 10) : 0;
			if (t && *t && !*end)
				rec->number = v;
		} else if (strcmp(name, "Computer") == 0) {
			rec->computer = xml_text(x, 1);
		} else if (strcmp(name, "Channel") == 0) {
			rec->channel = xml_text(x, 1);
		} else if (strcmp(name, "Keywords") == 0) {
			const char *t = xml_text(x, 1);
			char *end;
			unsigned long long k = t ? strtoull(t, &end, 16) : 0;
			if (t && *t && !*end) {
				if (k & KEYWORD_AUDIT_SUCCESS_BIT)
					rec->outcome = OUTCOME_SUCCESS;
				else if (k & KEYWORD_AUDIT_FAILURE_BIT)
					rec->outcome = OUTCOME_FAILURE;
			}
		}
	} else if (x->section == SECTION_EVENT_DATA && x->depth == 3 && strcmp(name, "Data") == 0) {
		const char *v = xml_text(x, 0);
		if (!x->data_name)
			x->unnamed = 1;
		if (v)
			record_add(rec, x->data_name, v);
		x->data_name = NULL;
	} else if (x->section == SECTION_USER_DATA && x->depth >= 4 && leaf) {
		/* UserData/<Wrapper>/<Field>: the field's element name. */
		const char *n = arena_strdup(x->a, name);
		const char *v = xml_text(x, 0);
		if (n && v)
			record_add(rec, n, v);
		else
			x->oom = 1;
	} else if (x->section == SECTION_RENDERING && x->depth == 4 && leaf
		   && strcmp(name, "Keyword") == 0) {
		const char *t = xml_text(x, 1);
		if (t && strcmp(t, "Audit Success") == 0)
			x->keyword_outcome = OUTCOME_SUCCESS;
		else if (t && strcmp(t, "Audit Failure") == 0)
			x->keyword_outcome = OUTCOME_FAILURE;
	}
	x->tlen = 0;
	if (x->depth == 2)
		x->section = SECTION_NONE;
	x->depth--;
	if (x->depth == 0) {
		/* Whatever follows the event (trailing text) is not ours. */
		x->done = 1;
		XML_StopParser(x->parser, XML_FALSE);
	}
}

static void XMLCALL xml_chars(void *ud, const XML_Char *s, int len)
{
	struct xml_state *x = ud;
	if (x->done || len <= 0)
		return;
	if (x->tlen + (size_t)len + 1 > x->tcap) {
		size_t cap = x->tcap ? x->tcap : 256;
		while (cap < x->tlen + (size_t)len + 1)
			cap *= 2;
		char *t = realloc(x->text, cap);
		if (!t) {
			x->oom = 1;
			xml_fail(x, "XML: out of memory");
			return;
		}
		x->text = t;
		x->tcap = cap;
	}
	memcpy(x->text + x->tlen, s, (size_t)len);
	x->tlen += (size_t)len;
}

static void XMLCALL xml_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	xml_fail(ud, "XML: a DOCTYPE is not allowed in an event");
}

/* Copy text with the copy-and-paste damage undone (see the top). */
static char *xml_normalise(const char *text, size_t len, size_t *outlen, struct arena *a)
{
	char *out = arena_alloc(a, len + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	int line_start = 1;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (line_start && c == '-' && i + 2 < len && text[i + 1] == ' ' && text[i + 2] == '<') {
			i++; /* drop "- " */
			line_start = 0;
			continue;
		}
		if (c == '<') {
			size_t j = i + 1;
			while (j < len && (text[j] == ' ' || text[j] == '\t'))
				j++;
			if (j > i + 1 && j < len && (text[j] == '/' || isalpha((unsigned char)text[j]))) {
				out[o++] = '<';
				i = j - 1;
				line_start = 0;
				continue;
			}
		}
		out[o++] = c;
		if (c == '\n')
			line_start = 1;
		else if (c != ' ' && c != '\t' && c != '\r')
			line_start = 0;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

int text_parse_xml(const char *text, size_t len, struct record *rec, struct arena *a,
		   char *err, size_t errlen)
{
	size_t n;
	char *doc = xml_normalise(text, len, &n, a);
	if (!doc) {
		snprintf(err, errlen, "XML: out of memory");
		return -1;
	}
	size_t start = 0;
	while (start < n && (isspace((unsigned char)doc[start]) || doc[start] == '-'))
		start++;
	if (n - start < 7 || memcmp(doc + start, "<Event", 6) != 0
	    || !doc[start + 6] || !strchr(" \t\r\n>/", doc[start + 6]) || n - start > INT_MAX)
		return 0;

	struct xml_state x;
	memset(&x, 0, sizeof x);
	x.rec = rec;
	x.a = a;
	x.parser = XML_ParserCreateNS(NULL, ' ');
	if (!x.parser) {
		snprintf(err, errlen, "XML: out of memory");
		return -1;
	}
	XML_SetUserData(x.parser, &x);
	XML_SetElementHandler(x.parser, xml_start, xml_end);
	XML_SetCharacterDataHandler(x.parser, xml_chars);
	XML_SetStartDoctypeDeclHandler(x.parser, xml_doctype);
	enum XML_Status st = XML_Parse(x.parser, doc + start, (int)(n - start), 1);
	int rc = 1;
	if (x.err[0]) {
		snprintf(err, errlen, "%s", x.err);
		rc = -1;
	} else if (st == XML_STATUS_ERROR && !x.done && x.is_event) {
		snprintf(err, errlen, "XML: %s at line %lu, column %lu",
			 XML_ErrorString(XML_GetErrorCode(x.parser)),
			 (unsigned long)XML_GetCurrentLineNumber(x.parser),
			 (unsigned long)XML_GetCurrentColumnNumber(x.parser) + 1);
		rc = -1;
	} else if (!x.is_event) {
		rc = st == XML_STATUS_ERROR && XML_GetErrorCode(x.parser) != XML_ERROR_ABORTED ? -1 : 0;
		if (rc < 0)
			snprintf(err, errlen, "XML: %s at line %lu, column %lu",
				 XML_ErrorString(XML_GetErrorCode(x.parser)),
				 (unsigned long)XML_GetCurrentLineNumber(x.parser),
				 (unsigned long)XML_GetCurrentColumnNumber(x.parser) + 1);
	} else if (x.oom) {
		snprintf(err, errlen, "XML: out of memory");
		rc = -1;
	} else if (!x.has_event_id) {
		snprintf(err, errlen, "XML: the event has no System/EventID");
		rc = -1;
	}
	XML_ParserFree(x.parser);
	free(x.text);
	if (rc != 1)
		return rc;

	if (rec->outcome == OUTCOME_UNKNOWN)
		rec->outcome = (uint8_t)x.keyword_outcome;
	if (x.unnamed) {
		size_t count = 0;
		const char *const *names = legacy_layout_names(rec->event_id, rec->ndata, &count);
		if (names)
			rec->flags |= RECORD_LEGACY;
		for (size_t i = 0; i < rec->ndata; i++) {
			if (rec->data[i].name)
				continue;
			if (names && i < count) {
				rec->data[i].name = names[i];
			} else {
				char buf[32];
				snprintf(buf, sizeof buf, "Data%zu", i + 1);
				rec->data[i].name = arena_strdup(a, buf);
				if (!rec->data[i].name) {
					snprintf(err, errlen, "XML: out of memory");
					return -1;
				}
			}
		}
	}
	return 1;
}
