/* explain.h - what an object-access event means, field by field, and what
 * it cannot tell.
 *
 * Two tables of plain strings, written for oaview from Microsoft's event
 * documentation (the security-auditing event pages and the legacy
 * Windows 2003 event descriptions): one entry per event id (title, the audit
 * subcategory that logs it, its meaning, its fields in the order the event
 * carries them, its limits), and one entry per field name shared by every
 * event that carries it.  explain_event_lines renders them for a selected
 * event with that event's own values and notes that depend on it (denied,
 * opener not in view, close not audited, share open by a client...).
 * Curses-free: the viewer shows the lines, a test or --print can print
 * them. */
#ifndef OAVIEW_EXPLAIN_H
#define OAVIEW_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct explain_event {
	uint16_t id;
	const char *title;
	const char *logged_by;   /* audit subcategory (or legacy category) */
	const char *meaning;
	const char *fields;      /* field names, space-separated, event order */
	const char *limits;      /* what the event cannot tell */
};

/* The entry for an event id, or NULL when oaview has none. */
const struct explain_event *explain_event_find(uint32_t event_id);

/* What a field is ("HandleId" -> "The handle the process got ..."), or
 * NULL for a name the table does not know.  Case is ignored. */
const char *explain_field(const char *name);

enum explain_line {
	EXPLAIN_TITLE,
	EXPLAIN_HEADING,
	EXPLAIN_TEXT,
	EXPLAIN_FIELD,        /* "  HandleId: 0xf0" */
	EXPLAIN_FIELD_TEXT,   /* the field's description, indented */
	EXPLAIN_NOTE,         /* about this very event */
};

/* The explanation of the event at index, wrapped to width columns (0 = no
 * wrapping), one emit per line.  Values from the log are sanitised for
 * the terminal.  Returns the number of lines. */
size_t explain_event_lines(const struct store *st, uint32_t index, size_t width,
			   void (*emit)(void *ctx, enum explain_line kind, const char *text),
			   void *ctx);

/* The same for an event id alone (no values, no notes). */
size_t explain_id_lines(uint32_t event_id, size_t width,
			void (*emit)(void *ctx, enum explain_line kind, const char *text),
			void *ctx);

#endif
