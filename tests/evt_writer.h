/* evt_writer.h - a small TEST-ONLY writer of legacy EVT (Windows 2000/XP/2003
 * event log) files.
 *
 * No real Security log with 560/562/567 events is public, so the tests build
 * their own from the documented layouts: the file format as described in
 * libevt's "Windows Event Log (EVT) format" and Microsoft's EVENTLOGHEADER /
 * EVENTLOGRECORD / ELF_EOF_RECORD pages, the insertion strings as in
 * src/legacy_layout.c.  The writer lays records out one after the other from
 * offset 0x30 (no wrap, no user SID, no binary data) and closes the file with
 * an end-of-file record and a clean (not dirty) header.
 *
 * Usage:
 *	struct evt_writer *w = evt_writer_open("/tmp/x.evt");
 *	const char *s[] = { "Security", "20084", "4", ... };
 *	evt_writer_add(w, 1, 1100000000, 567, EVT_WRITER_AUDIT_SUCCESS,
 *		       "Security", "DC1", 7, s);
 *	evt_writer_close(w);   (writes header and EOF record, frees w)
 */
#ifndef OAVIEW_TEST_EVT_WRITER_H
#define OAVIEW_TEST_EVT_WRITER_H

#include <stddef.h>
#include <stdint.h>

/* EVT event types (EVENTLOGRECORD.EventType). */
#define EVT_WRITER_ERROR 0x0001
#define EVT_WRITER_WARNING 0x0002
#define EVT_WRITER_INFORMATION 0x0004
#define EVT_WRITER_AUDIT_SUCCESS 0x0008
#define EVT_WRITER_AUDIT_FAILURE 0x0010

/* Offset of the first record: right after the 0x30-byte file header. */
#define EVT_WRITER_FIRST_OFFSET 0x30

struct evt_writer;

/* Create (truncate) path and reserve room for the file header.
 * Returns NULL on error (errno set). */
struct evt_writer *evt_writer_open(const char *path);

/* Append one event record.  record_number should grow by one per call, as
 * Windows writes them; time_posix is used for both the generated and the
 * written time; event_id is written as given (legacy Security events use the
 * bare id, e.g. 560).  source, computer and strings are UTF-8 (ASCII and the
 * BMP are what matters; other characters become surrogate pairs).  A NULL
 * string is written as an empty one.  Returns 0, or -1 on error (the writer
 * then refuses further records and evt_writer_close reports the failure). */
int evt_writer_add(struct evt_writer *w, uint32_t record_number, uint32_t time_posix,
		   uint32_t event_id, uint16_t event_type, const char *source,
		   const char *computer, size_t nstrings, const char *const *strings);

/* Offset at which the next record will start (tests use it to corrupt a
 * chosen record).  */
uint32_t evt_writer_offset(const struct evt_writer *w);

/* Write the end-of-file record and the file header, close and free.
 * Returns 0, or -1 if anything failed since open. */
int evt_writer_close(struct evt_writer *w);

#endif
