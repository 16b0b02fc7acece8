/* fuzz_filter.c - libFuzzer target: the filter-expression parser and
 * matcher.  Any input must compile or fail with a message, and a compiled
 * filter must match a few events without crashing or hanging. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "store.h"

static struct store st;

static void add_event(uint32_t id, const char *user, const char *name, const char *handle)
{
	struct record rec;
	record_clear(&rec);
	rec.number = id;
	rec.event_id = id;
	rec.outcome = OUTCOME_SUCCESS;
	rec.computer = "HOST";
	record_add(&rec, "SubjectUserName", user);
	record_add(&rec, "SubjectDomainName", "CORP");
	record_add(&rec, "ObjectType", "File");
	record_add(&rec, "ObjectName", name);
	record_add(&rec, "HandleId", handle);
	record_add(&rec, "ProcessId", "0x1f4");
	record_add(&rec, "AccessMask", "0x6");
	store_append(&st, &rec, 0, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!st.count) {
		store_init(&st);
		store_add_source(&st, "fuzz");
		add_event(4656, "alice", "C:\\Finance\\Q3.xlsx", "0x1a4");
		add_event(4663, "bob", "C:\\aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "0x8");
		add_event(5145, "\xff\xfe", "", "-");
	}
	char *expr = malloc(size + 1);
	if (!expr)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';
	char err[512];
	struct filter *f = filter_compile(expr, err, sizeof err);
	if (f) {
		for (uint32_t i = 0; i < st.count; i++)
			filter_match(f, &st, i);
		filter_free(f);
	}
	free(expr);
	return 0;
}
