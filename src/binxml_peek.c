/* binxml_peek.c - event id, keywords and template GUID of an EVTX record,
 * read from its template instance without a BinXML parse (see binxml_peek.h).
 *
 * Layout (chunk-relative offsets; all little-endian):
 *   record: "**\0\0", u32 size, u64 id, u64 FILETIME, then BinXML at +24
 *   BinXML: fragment header 0f 01 01 00, template instance token 0c,
 *           1 byte, u32 template id, u32 template definition offset
 *   definition (inline when its offset is right here): u32 next, 16-byte
 *           GUID, u32 data size, data
 *   then u32 value count, count x (u16 size, u8 type, u8 pad), values.
 * The event's data usually sits in a value of type BinXml (0x21) holding a
 * template instance of its own; that inner template's GUID is the one that
 * identifies the data layout, so it is the GUID reported. */
#include "binxml_peek.h"

#include <string.h>

#define VALUE_TYPE_UINT16 0x06
#define VALUE_TYPE_HEXINT64 0x15
#define VALUE_TYPE_BINXML 0x21
#define SUBST_EVENT_ID 3
#define SUBST_KEYWORDS 5
#define SUBST_TIME_CREATED 6
#define SUBST_RECORD_ID 10
#define VALUE_TYPE_FILETIME 0x11
#define VALUE_TYPE_UINT64 0x0a
#define MAX_VALUES 4096

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Read a template instance at chunk[p..end): its GUID, and the offset of
 * its value count.  Returns 1 on success. */
static int template_at(const unsigned char *chunk, size_t chunk_len, size_t p, size_t end,
		       unsigned char *guid, size_t *values)
{
	if (p > end || end - p < 4 + 10 + 4)
		return 0;
	if (chunk[p] != 0x0f || chunk[p + 4] != 0x0c)
		return 0;
	p += 4 + 2;
	p += 4; /* template id */
	uint32_t def = rd32(chunk + p);
	p += 4;
	if (def == p) {
		if (end - p < 24)
			return 0;
		memcpy(guid, chunk + p + 4, 16);
		uint32_t size = rd32(chunk + p + 20);
		if (size > end - p - 24)
			return 0;
		p += 24 + size;
	} else {
		if (def < 512 || def > chunk_len - 24)
			return 0;
		memcpy(guid, chunk + def + 4, 16);
	}
	*values = p;
	return 1;
}

int binxml_peek_record(const unsigned char *chunk, size_t chunk_len, size_t record_offset,
		       size_t record_size, struct binxml_peek *out)
{
	memset(out, 0, sizeof *out);
	if (record_offset > chunk_len || record_size > chunk_len - record_offset || record_size < 24 + 4 + 10 + 4)
		return 0;
	size_t end = record_offset + record_size;
	size_t p;
	if (!template_at(chunk, chunk_len, record_offset + 24, end, out->guid, &p))
		return 0;
	out->has_guid = 1;
	if (end - p < 4)
		return 1;
	uint32_t n = rd32(chunk + p);
	p += 4;
	if (n > MAX_VALUES || (size_t)n * 4 > end - p)
		return 1;
	out->nvalues = n;
	size_t desc = p;
	size_t val = p + (size_t)n * 4;
	for (uint32_t i = 0; i < n; i++) {
		unsigned size = chunk[desc + 4 * i] | (unsigned)chunk[desc + 4 * i + 1] << 8;
		unsigned type = chunk[desc + 4 * i + 2];
		if (size > end - val)
			return 1;
		if (i == SUBST_EVENT_ID && type == VALUE_TYPE_UINT16 && size == 2) {
			out->event_id = chunk[val] | (uint32_t)chunk[val + 1] << 8;
			out->has_event_id = 1;
		} else if (i == SUBST_KEYWORDS && type == VALUE_TYPE_HEXINT64 && size == 8) {
			out->keywords = rd64(chunk + val);
			out->has_keywords = 1;
		} else if (i == SUBST_TIME_CREATED && type == VALUE_TYPE_FILETIME && size == 8) {
			out->time_created = (int64_t)rd64(chunk + val);
			out->has_time_created = out->time_created > 0;
		} else if (i == SUBST_RECORD_ID && type == VALUE_TYPE_UINT64 && size == 8) {
			out->record_id = rd64(chunk + val);
			out->has_record_id = 1;
		} else if (type == VALUE_TYPE_BINXML) {
			/* Security-Auditing and most providers nest EventData as a
			 * template of its own: its GUID names the data layout. */
			unsigned char inner[16];
			size_t ip;
			if (template_at(chunk, chunk_len, val, val + size, inner, &ip)) {
				memcpy(out->guid, inner, 16);
				break;
			}
		}
		val += size;
	}
	return 1;
}
