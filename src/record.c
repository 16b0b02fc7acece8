/* record.c - the small helpers of struct record (see record.h). */
#include "record.h"

#include <string.h>

void record_clear(struct record *rec)
{
	rec->number = 0;
	rec->sequence = 0;
	rec->time = 0;
	rec->event_id = 0;
	rec->outcome = OUTCOME_UNKNOWN;
	rec->flags = 0;
	rec->computer = NULL;
	rec->channel = NULL;
	rec->provider = NULL;
	rec->raw_offset = 0;
	rec->raw_size = 0;
	rec->ndata = 0;
}

void record_add(struct record *rec, const char *name, const char *value)
{
	if (rec->ndata >= RECORD_MAX_DATA)
		return;
	rec->data[rec->ndata].name = name;
	rec->data[rec->ndata].value = value;
	rec->ndata++;
}

const char *record_get(const struct record *rec, const char *name)
{
	for (size_t i = 0; i < rec->ndata; i++)
		if (rec->data[i].name && strcmp(rec->data[i].name, name) == 0)
			return rec->data[i].value;
	return NULL;
}
