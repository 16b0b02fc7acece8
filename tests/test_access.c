/* test_access.c - unit tests of the access-rights table and decoder.
 *
 * One group per kind of table entry (each family's specific rights, first
 * and last bits; standard; generic; unknown bits; AccessReason codes), then
 * AccessList decoding (codes, names, mixes, what is not known), classes,
 * summaries, and values taken from the real samples in shared/data/samples
 * (record ids given so they can be checked with evtxexport -f xml).  A
 * collector copies every emitted right, because verbatim items only live
 * during the emit call. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "access.h"

#define MAX_GOT 64

struct got {
	size_t n;
	uint32_t bits[MAX_GOT];
	unsigned classes[MAX_GOT];
	char names[MAX_GOT][160];
	char shorts[MAX_GOT][160];
};

static void collect(void *ctx, const struct access_right *r)
{
	struct got *g = ctx;

	assert_non_null(r->name);
	assert_non_null(r->short_name);
	assert_true(g->n < MAX_GOT);
	g->bits[g->n] = r->bit;
	g->classes[g->n] = r->classes;
	snprintf(g->names[g->n], sizeof g->names[0], "%s", r->name);
	snprintf(g->shorts[g->n], sizeof g->shorts[0], "%s", r->short_name);
	g->n++;
}

static size_t decode_list(const char *list, const char *type, struct got *g)
{
	memset(g, 0, sizeof *g);
	size_t n = access_list_decode(list, type, collect, g);
	assert_int_equal(n, g->n);
	return n;
}

static uint32_t got_mask(const struct got *g)
{
	uint32_t m = 0;

	for (size_t i = 0; i < g->n; i++)
		m |= g->bits[i];
	return m;
}

/* The name a one-bit mask decodes to for type. */
static const char *bit_name(const char *type, uint32_t bit)
{
	struct access_right r;

	assert_int_equal(access_decode_mask(type, bit, &r, 1), 1);
	assert_int_equal(r.bit, bit);
	return r.name;
}

/* A %%code and a mask bit must agree: same name, and the code maps back to
 * the bit.  This is the check for every family's specific rights. */
static void assert_code_is_bit(const char *type, unsigned code, uint32_t bit, const char *name)
{
	assert_string_equal(access_code_name(code), name);
	assert_int_equal(access_code_bit(code), bit);
	assert_string_equal(bit_name(type, bit), name);
	/* Standard rights belong to every type, in their own family. */
	if (bit < 0x10000)
		assert_int_equal(access_code_family(code), access_type_family(type));
	else
		assert_int_equal(access_code_family(code), ACCESS_FAMILY_STANDARD);
}

static void assert_summary(const char *type, uint32_t mask, const char *want)
{
	char buf[256];
	size_t n = access_mask_summary(type, mask, buf, sizeof buf);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

/* --- object types ----------------------------------------------------------- */

static void test_type_names_map_to_their_families(void **state)
{
	(void)state;
	assert_string_equal(access_family_name(access_type_family("File")), "file");
	assert_string_equal(access_family_name(access_type_family("Key")), "key");
	assert_string_equal(access_family_name(access_type_family("Process")), "process");
	assert_string_equal(access_family_name(access_type_family("Thread")), "thread");
	assert_string_equal(access_family_name(access_type_family("Token")), "token");
	assert_string_equal(access_family_name(access_type_family("Section")), "section");
	assert_string_equal(access_family_name(access_type_family("Event")), "event");
	assert_string_equal(access_family_name(access_type_family("Mutant")), "mutant");
	assert_string_equal(access_family_name(access_type_family("Semaphore")), "semaphore");
	assert_string_equal(access_family_name(access_type_family("SERVICE OBJECT")), "service");
}

static void test_type_directory_is_the_object_manager_directory(void **state)
{
	(void)state;
	/* File-system folders are logged as "File"; "Directory" is the kernel
	 * object directory, whose rights are 4368+. */
	assert_string_equal(access_family_name(access_type_family("Directory")), "objdir");
	assert_int_not_equal(access_type_family("Directory"), access_type_family("File"));
	assert_string_equal(bit_name("Directory", 0x1), "Query directory");
	assert_string_equal(bit_name("File", 0x1), "ReadData (or ListDirectory)");
}

static void test_type_unknown_or_null_is_family_none(void **state)
{
	(void)state;
	assert_int_equal(access_type_family("SAM_USER"), ACCESS_FAMILY_NONE);
	assert_int_equal(access_type_family(""), ACCESS_FAMILY_NONE);
	assert_int_equal(access_type_family(NULL), ACCESS_FAMILY_NONE);
	assert_string_equal(access_family_name(ACCESS_FAMILY_NONE), "none");
	assert_null(access_family_name(-1));
	assert_null(access_family_name(10000));
}

static void test_type_lookup_ignores_case(void **state)
{
	(void)state;
	assert_int_equal(access_type_family("file"), access_type_family("File"));
	assert_int_equal(access_type_family("KEY"), access_type_family("Key"));
	assert_int_equal(access_type_family("Service Object"), access_type_family("SERVICE OBJECT"));
}

/* --- File --------------------------------------------------------------- */

static void test_file_mask_0x1_decodes_read_data(void **state)
{
	(void)state;
	assert_code_is_bit("File", 4416, 0x1, "ReadData (or ListDirectory)");
}

static void test_file_mask_0x6_decodes_write_and_append(void **state)
{
	struct access_right r[4];

	(void)state;
	assert_int_equal(access_decode_mask("File", 0x6, r, 4), 2);
	assert_int_equal(r[0].bit, 0x2);
	assert_string_equal(r[0].name, "WriteData (or AddFile)");
	assert_string_equal(r[0].short_name, "WriteData");
	assert_int_equal(r[1].bit, 0x4);
	assert_string_equal(r[1].name, "AppendData (or AddSubdirectory or CreatePipeInstance)");
	assert_string_equal(r[1].short_name, "AppendData");
}

static void test_file_mask_0x100_decodes_write_attributes(void **state)
{
	(void)state;
	assert_code_is_bit("File", 4424, 0x100, "WriteAttributes");
}

static void test_file_codes_4416_to_4424_are_base_plus_bit(void **state)
{
	static const char *const names[9] = {
		"ReadData (or ListDirectory)", "WriteData (or AddFile)",
		"AppendData (or AddSubdirectory or CreatePipeInstance)", "ReadEA",
		"WriteEA", "Execute/Traverse", "DeleteChild", "ReadAttributes",
		"WriteAttributes",
	};

	(void)state;
	for (unsigned i = 0; i < 9; i++)
		assert_code_is_bit("File", 4416 + i, UINT32_C(1) << i, names[i]);
}

static void test_file_bit_0x200_is_an_unknown_specific_access(void **state)
{
	(void)state;
	assert_string_equal(bit_name("File", 0x200), "unknown specific access (bit 9)");
}

/* --- Key ----------------------------------------------------------------- */

static void test_key_mask_0x1_decodes_query_key_value(void **state)
{
	(void)state;
	assert_code_is_bit("Key", 4432, 0x1, "Query key value");
	assert_code_is_bit("Key", 4433, 0x2, "Set key value");
	assert_code_is_bit("Key", 4435, 0x8, "Enumerate sub-keys");
}

static void test_key_mask_0x20_decodes_create_link(void **state)
{
	(void)state;
	assert_code_is_bit("Key", 4437, 0x20, "Create Link");
}

static void test_key_wow64_bits_decode_to_4440_and_4441(void **state)
{
	(void)state;
	assert_code_is_bit("Key", 4440, 0x100, "Enable 64(or 32) bit application to open 64 bit key");
	assert_code_is_bit("Key", 4441, 0x200, "Enable 64(or 32) bit application to open 32 bit key");
	assert_string_equal(bit_name("Key", 0x40), "unknown specific access (bit 6)");
}

/* --- Process, Thread, Token ----------------------------------------------- */

static void test_process_first_and_last_bits(void **state)
{
	(void)state;
	assert_code_is_bit("Process", 4480, 0x1, "Force process termination");
	assert_code_is_bit("Process", 4484, 0x10, "Read from process memory");
	assert_code_is_bit("Process", 4490, 0x400, "Query process information");
	assert_code_is_bit("Process", 4495, 0x8000, "Undefined Access (no effect) Bit 15");
}

static void test_process_short_names_follow_the_sdk_constants(void **state)
{
	(void)state;
	/* Bit 12 renders as "Undefined Access ..." but is today's
	 * PROCESS_QUERY_LIMITED_INFORMATION: the summary says what it does. */
	assert_summary("Process", 0x1410, "VmRead,QueryInformation,QueryLimitedInformation");
}

static void test_thread_first_and_last_bits(void **state)
{
	(void)state;
	assert_code_is_bit("Thread", 4560, 0x1, "Force thread termination");
	assert_code_is_bit("Thread", 4563, 0x8, "Get thread context");
	assert_code_is_bit("Thread", 4569, 0x200, "Directly impersonate this thread");
	assert_string_equal(bit_name("Thread", 0x400), "unknown specific access (bit 10)");
}

static void test_token_first_and_last_bits(void **state)
{
	(void)state;
	assert_code_is_bit("Token", 4592, 0x1, "AssignAsPrimary");
	assert_code_is_bit("Token", 4597, 0x20, "AdjustPrivileges");
	assert_code_is_bit("Token", 4600, 0x100, "AdjustSessionID");
}

/* --- Section, Event, Mutant, Semaphore, object Directory, SCM ----------- */

static void test_section_first_and_last_bits(void **state)
{
	(void)state;
	assert_code_is_bit("Section", 4512, 0x1, "Query section state");
	assert_code_is_bit("Section", 4514, 0x4, "Map section for read");
	assert_code_is_bit("Section", 4516, 0x10, "Extend size");
}

static void test_event_query_and_modify(void **state)
{
	(void)state;
	assert_code_is_bit("Event", 4384, 0x1, "Query event state");
	assert_code_is_bit("Event", 4385, 0x2, "Modify event state");
}

static void test_mutant_has_only_query_state(void **state)
{
	(void)state;
	assert_code_is_bit("Mutant", 4448, 0x1, "Query mutant state");
	assert_string_equal(bit_name("Mutant", 0x2), "unknown specific access (bit 1)");
}

static void test_semaphore_query_and_modify(void **state)
{
	(void)state;
	assert_code_is_bit("Semaphore", 4528, 0x1, "Query semaphore state");
	assert_code_is_bit("Semaphore", 4529, 0x2, "Modify semaphore state");
}

static void test_object_directory_first_and_last_bits(void **state)
{
	(void)state;
	assert_code_is_bit("Directory", 4368, 0x1, "Query directory");
	assert_code_is_bit("Directory", 4371, 0x8, "Create sub-directory");
}

static void test_service_objects_seen_in_real_data(void **state)
{
	(void)state;
	/* OTRF covenant_sharpsc: SC_MANAGER 0x5 = %%7168 %%7170, SERVICE
	 * 0x1c = %%7186 %%7187 %%7188. */
	assert_code_is_bit("SC_MANAGER OBJECT", 7168, 0x1, "Connect to service controller");
	assert_code_is_bit("SC_MANAGER OBJECT", 7170, 0x4, "Enumerate services");
	assert_code_is_bit("SERVICE OBJECT", 7186, 0x4, "Query status of service");
	assert_code_is_bit("SERVICE OBJECT", 7189, 0x20, "Stop the service");
	assert_summary("SERVICE OBJECT", 0x1c, "QueryStatus,EnumerateDependents,Start");
}

static void test_sam_domain_seen_in_real_data(void **state)
{
	(void)state;
	/* OTRF empire_shell_samr_EnumDomainUsers: a 4661 on SAM_DOMAIN, mask
	 * 0xF01FF, AccessList %%5392-%%5400, rendered with these names. */
	assert_string_equal(access_family_name(access_type_family("SAM_DOMAIN")), "sam_domain");
	assert_code_is_bit("SAM_DOMAIN", 5392, 0x1, "ReadPasswordParameters");
	assert_code_is_bit("SAM_DOMAIN", 5396, 0x10, "CreateUser");
	assert_code_is_bit("SAM_DOMAIN", 5398, 0x40, "CreateLocalGroup");
	assert_code_is_bit("SAM_DOMAIN", 5400, 0x100, "ListAccounts");
	assert_summary("SAM_DOMAIN", 0x101, "ReadPasswordParameters,ListAccounts");
	/* bits not seen rendered stay unknown: mdc_ID472 has SAM_DOMAIN
	 * AccessMask 0x211 (%%5392 %%5396 %%5401) */
	struct access_right r[4];
	assert_int_equal(access_decode_mask("SAM_DOMAIN", 0x211, r, 4), 3);
	assert_string_equal(r[0].name, "ReadPasswordParameters");
	assert_string_equal(r[1].name, "CreateUser");
	assert_string_equal(r[2].name, "unknown specific access (bit 9)");
	assert_null(access_code_name(5401));
}

/* A real 4661 on SAM_DOMAIN (OTRF empire_shell_samr_EnumDomainUsers): its
 * AccessList codes, and the names its Message renders for them, decode to
 * the same rights, and together make up its AccessMask 0xF01FF. */
static void test_sam_domain_codes_and_rendered_names_agree(void **state)
{
	(void)state;
	static const char codes[] = "%%1537\r\n\t\t\t\t%%1538\r\n\t\t\t\t%%1539\r\n\t\t\t\t%%1540\r\n"
				    "\t\t\t\t%%5392\r\n\t\t\t\t%%5393\r\n\t\t\t\t%%5394\r\n\t\t\t\t%%5395"
				    "\r\n\t\t\t\t%%5396\r\n\t\t\t\t%%5397\r\n\t\t\t\t%%5398\r\n\t\t\t\t"
				    "%%5399\r\n\t\t\t\t%%5400\r\n\t\t\t\t";
	static const char rendered[] = "DELETE\r\n\t\t\t\tREAD_CONTROL\r\n\t\t\t\tWRITE_DAC\r\n\t\t\t\t"
				       "WRITE_OWNER\r\n\t\t\t\tReadPasswordParameters\r\n\t\t\t\t"
				       "WritePasswordParameters\r\n\t\t\t\tReadOtherParameters\r\n\t\t\t\t"
				       "WriteOtherParameters\r\n\t\t\t\tCreateUser\r\n\t\t\t\tCreateGlobalGroup"
				       "\r\n\t\t\t\tCreateLocalGroup\r\n\t\t\t\tGetLocalGroupMembership\r\n"
				       "\t\t\t\tListAccounts\r\n\t\t\t\t";
	struct got by_code, by_name;
	assert_int_equal(decode_list(codes, "SAM_DOMAIN", &by_code), 13);
	assert_int_equal(decode_list(rendered, "SAM_DOMAIN", &by_name), 13);
	for (size_t i = 0; i < 13; i++) {
		assert_string_equal(by_code.names[i], by_name.names[i]);
		assert_int_equal(by_code.bits[i], by_name.bits[i]);
	}
	assert_int_equal(got_mask(&by_code), 0xF01FF);
}

/* --- standard and generic rights --------------------------------------------- */

static void test_standard_rights_have_codes_1537_to_1543(void **state)
{
	(void)state;
	assert_code_is_bit("File", 1537, 0x10000, "DELETE");
	assert_code_is_bit("File", 1538, 0x20000, "READ_CONTROL");
	assert_code_is_bit("File", 1539, 0x40000, "WRITE_DAC");
	assert_code_is_bit("File", 1540, 0x80000, "WRITE_OWNER");
	assert_code_is_bit("File", 1541, 0x100000, "SYNCHRONIZE");
	assert_code_is_bit("File", 1542, 0x1000000, "ACCESS_SYS_SEC");
	assert_code_is_bit("File", 1543, 0x2000000, "MAX_ALLOWED");
	assert_int_equal(access_code_family(1537), ACCESS_FAMILY_STANDARD);
}

static void test_standard_rights_decode_for_every_type(void **state)
{
	static const char *const types[] = {
		"File", "Key", "Process", "Thread", "Token", "Section", "Event",
		"Mutant", "Semaphore", "Directory", "SAM_USER", NULL,
	};

	(void)state;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		assert_string_equal(bit_name(types[i], 0x10000), "DELETE");
		assert_string_equal(bit_name(types[i], 0x100000), "SYNCHRONIZE");
		assert_string_equal(bit_name(types[i], 0x1000000), "ACCESS_SYS_SEC");
	}
}

static void test_generic_rights_decode_without_codes(void **state)
{
	struct access_right r[4];

	(void)state;
	assert_int_equal(access_decode_mask("Key", 0xf0000000u, r, 4), 4);
	assert_string_equal(r[0].name, "GENERIC_ALL");
	assert_string_equal(r[1].name, "GENERIC_EXECUTE");
	assert_string_equal(r[2].name, "GENERIC_WRITE");
	assert_string_equal(r[3].name, "GENERIC_READ");
	assert_int_equal(r[3].bit, 0x80000000u);
	assert_string_equal(bit_name("SAM_DOMAIN", 0x40000000u), "GENERIC_WRITE");
}

static void test_reserved_standard_bits_are_unknown(void **state)
{
	(void)state;
	assert_string_equal(bit_name("File", 0x200000), "unknown specific access (bit 21)");
	assert_string_equal(bit_name("File", 0x4000000), "unknown specific access (bit 26)");
}

/* --- unknown types and bits ---------------------------------------------------- */

static void test_unknown_type_decodes_specific_bits_as_unknown(void **state)
{
	struct access_right r[4];

	(void)state;
	/* a type the table has no names for (SAM_USER) */
	assert_int_equal(access_decode_mask("SAM_USER", 0x211, r, 4), 3);
	assert_string_equal(r[0].name, "unknown specific access (bit 0)");
	assert_string_equal(r[1].name, "unknown specific access (bit 4)");
	assert_string_equal(r[2].name, "unknown specific access (bit 9)");
	assert_int_equal(r[2].bit, 0x200);
	assert_string_equal(r[2].short_name, "bit9");
	assert_int_equal(r[2].classes, ACCESS_CLASS_OTHER);
}

static void test_decode_mask_returns_all_set_bits_when_out_is_short(void **state)
{
	struct access_right r[2];

	(void)state;
	memset(r, 0, sizeof r);
	assert_int_equal(access_decode_mask("File", 0x0013019f, r, 2), 10);
	assert_int_equal(r[0].bit, 0x1);
	assert_int_equal(r[1].bit, 0x2);
	assert_int_equal(access_decode_mask("File", 0x0013019f, NULL, 0), 10);
	assert_int_equal(access_decode_mask("File", 0, r, 2), 0);
	assert_int_equal(access_decode_mask("File", 0xffffffffu, NULL, 0), 32);
}

static void test_unknown_specific_access_codes_are_1552_plus_bit(void **state)
{
	(void)state;
	/* mdc SystemNightMare: ObjectType "Security", mask 0x2, list %%1553. */
	assert_string_equal(access_code_name(1553), "Unknown specific access (bit 1)");
	assert_int_equal(access_code_bit(1553), 0x2);
	assert_int_equal(access_code_bit(1552), 0x1);
	assert_int_equal(access_code_bit(1567), 0x8000);
	assert_int_equal(access_code_family(1553), ACCESS_FAMILY_UNKNOWN);
}

/* --- code lookup ---------------------------------------------------------------- */

static void test_code_lookup_of_unknown_codes_is_null(void **state)
{
	(void)state;
	assert_null(access_code_name(0));
	assert_null(access_code_name(1536));
	assert_null(access_code_name(4425));
	assert_null(access_code_name(5401));
	assert_null(access_code_name(99999));
	assert_int_equal(access_code_bit(99999), 0);
	assert_int_equal(access_code_family(99999), -1);
}

static void test_access_reason_codes_have_names_but_no_bit(void **state)
{
	(void)state;
	assert_string_equal(access_code_name(1801), "Granted by");
	assert_string_equal(access_code_name(1802), "Denied by");
	assert_string_equal(access_code_name(1805), "Not granted");
	assert_string_equal(access_code_name(1811), "Granted by ACE on parent folder");
	assert_int_equal(access_code_bit(1801), 0);
	assert_int_equal(access_code_family(1801), ACCESS_FAMILY_REASON);
}

static void test_every_table_code_round_trips(void **state)
{
	(void)state;
	for (size_t i = 0; i < access_table_len; i++) {
		const struct access_entry *e = &access_table[i];

		if (e->code == 0)
			continue;
		assert_ptr_equal(access_code_name(e->code), e->name);
		assert_int_equal(access_code_bit(e->code), e->bit);
		assert_int_equal(access_code_family(e->code), e->family);
	}
}

static void test_generated_name_index_is_longest_first(void **state)
{
	(void)state;
	assert_int_equal(access_by_name_len, access_table_len);
	for (size_t i = 1; i < access_by_name_len; i++)
		assert_true(strlen(access_table[access_by_name[i - 1]].name) >=
			    strlen(access_table[access_by_name[i]].name));
}

/* --- AccessList: %%codes ---------------------------------------------------------- */

static void test_list_codes_separated_by_crlf_and_tabs(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("%%4484\r\n\t\t\t\t%%4490\r\n\t\t\t\t%%4492\r\n\t\t\t\t", "Process", &g), 3);
	assert_string_equal(g.names[0], "Read from process memory");
	assert_string_equal(g.names[1], "Query process information");
	assert_string_equal(g.names[2], "Undefined Access (no effect) Bit 12");
	assert_int_equal(got_mask(&g), 0x1410);
}

static void test_list_codes_separated_by_single_spaces(void **state)
{
	struct got g;

	(void)state;
	/* The 4663 documentation example: AccessList "%%4417 %%4418", mask 0x6. */
	assert_int_equal(decode_list("%%4417 %%4418", "File", &g), 2);
	assert_int_equal(got_mask(&g), 0x6);
	assert_string_equal(g.shorts[0], "WriteData");
	assert_string_equal(g.shorts[1], "AppendData");
}

static void test_list_code_is_found_whatever_the_object_type(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("%%4484", "File", &g), 1);
	assert_string_equal(g.names[0], "Read from process memory");
	assert_int_equal(decode_list("%%4432", NULL, &g), 1);
	assert_string_equal(g.names[0], "Query key value");
}

static void test_list_unknown_codes_are_kept_verbatim(void **state)
{
	struct got g;

	(void)state;
	/* mdc_ID472: SAM_ALIAS AccessList "%%5424 %%5425 %%5426 %%5427". */
	assert_int_equal(decode_list("%%4416\n\t%%5424 %%99999\n", "SAM_ALIAS", &g), 3);
	assert_string_equal(g.names[0], "ReadData (or ListDirectory)");
	assert_string_equal(g.names[1], "%%5424");
	assert_string_equal(g.shorts[1], "%%5424");
	assert_int_equal(g.bits[1], 0);
	assert_int_equal(g.classes[1], ACCESS_CLASS_OTHER);
	assert_string_equal(g.names[2], "%%99999");
}

static void test_list_overlong_code_is_kept_and_bounded(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("%%123456789012345678901234567890", "File", &g), 1);
	assert_true(strncmp(g.names[0], "%%1234567890", 12) == 0);
	assert_true(strlen(g.names[0]) < 32);
}

static void test_list_code_with_colon_as_in_access_reason(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("%%1541:", "File", &g), 1);
	assert_string_equal(g.names[0], "SYNCHRONIZE");
}

static void test_list_empty_dash_or_null_emits_nothing(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("", "File", &g), 0);
	assert_int_equal(decode_list("-", "File", &g), 0);
	assert_int_equal(decode_list(" \r\n\t ", "File", &g), 0);
	assert_int_equal(access_list_decode(NULL, "File", collect, &g), 0);
}

/* --- AccessList: names ----------------------------------------------------------- */

static void test_list_names_one_per_line(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("WriteData (or AddFile)\r\n\t\t\t\tAppendData (or AddSubdirectory or CreatePipeInstance)\r\n", "File", &g), 2);
	assert_int_equal(got_mask(&g), 0x6);
	assert_string_equal(g.names[1], "AppendData (or AddSubdirectory or CreatePipeInstance)");
}

static void test_list_names_with_whitespace_collapsed(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("READ_CONTROL SYNCHRONIZE ReadData (or ListDirectory) "
				     "WriteData (or AddFile) AppendData (or AddSubdirectory or "
				     "CreatePipeInstance) ReadEA WriteEA ReadAttributes WriteAttributes",
				     "File", &g), 9);
	assert_int_equal(got_mask(&g), 0x12019f);
}

static void test_list_names_with_runs_of_spaces_inside(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("Query   key    value", "Key", &g), 1);
	assert_string_equal(g.names[0], "Query key value");
}

static void test_list_names_match_longest_first(void **state)
{
	struct got g;

	(void)state;
	/* "Query" is a Token right and a prefix of the Key right. */
	assert_int_equal(decode_list("Query key value Enumerate sub-keys Notify about changes to keys", "Key", &g), 3);
	assert_int_equal(got_mask(&g), 0x19);
	assert_int_equal(decode_list("Query key value", "Token", &g), 1);
	assert_string_equal(g.names[0], "Query key value");
	assert_int_equal(decode_list("Query QuerySource", "Token", &g), 2);
	assert_int_equal(got_mask(&g), 0x18);
}

static void test_list_names_prefer_the_object_family(void **state)
{
	struct got g;

	(void)state;
	/* "Traverse" is only an object-directory name; a File names it
	 * "Execute/Traverse", which must not be split. */
	assert_int_equal(decode_list("Execute/Traverse", "File", &g), 1);
	assert_int_equal(g.bits[0], 0x20);
	assert_int_equal(decode_list("Traverse", "Directory", &g), 1);
	assert_int_equal(g.bits[0], 0x2);
}

static void test_list_names_ignore_case(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("readdata (OR listdirectory) write_dac", "File", &g), 2);
	assert_int_equal(got_mask(&g), 0x40001);
}

static void test_list_names_separated_by_commas(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("ReadData (or ListDirectory), WriteEA;DELETE", "File", &g), 3);
	assert_int_equal(got_mask(&g), 0x10011);
}

static void test_list_mixes_codes_and_names(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("%%1538 ReadData (or ListDirectory)\r\n\t%%4423 SYNCHRONIZE", "File", &g), 4);
	assert_int_equal(got_mask(&g), 0x120081);
	assert_string_equal(g.names[0], "READ_CONTROL");
	assert_string_equal(g.names[1], "ReadData (or ListDirectory)");
	assert_string_equal(g.names[2], "ReadAttributes");
}

static void test_list_unknown_words_are_kept_as_one_item_per_line(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("Frobnicate the widget\r\n\t\tPoke it\r\n\t\t%%4417", "File", &g), 3);
	assert_string_equal(g.names[0], "Frobnicate the widget");
	assert_string_equal(g.names[1], "Poke it");
	assert_int_equal(g.bits[1], 0);
	assert_string_equal(g.names[2], "WriteData (or AddFile)");
}

static void test_list_unknown_words_stop_at_a_known_name(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("Frobnicate the widget ReadEA", "File", &g), 2);
	assert_string_equal(g.names[0], "Frobnicate the widget");
	assert_string_equal(g.names[1], "ReadEA");
}

static void test_list_overlong_unknown_text_is_bounded(void **state)
{
	char list[700];
	struct got g;

	(void)state;
	memset(list, 'x', 300);
	list[300] = ' ';
	memset(list + 301, 'y', 300);
	list[601] = '\0';
	assert_int_equal(decode_list(list, "File", &g), 2);
	assert_true(strlen(g.names[0]) < 128);
	assert_int_equal(g.names[0][0], 'x');
	assert_int_equal(g.names[1][0], 'y');
}

/* --- classes ------------------------------------------------------------------- */

static void test_class_names_map_to_bits(void **state)
{
	(void)state;
	assert_int_equal(access_class_from_name("read"), ACCESS_CLASS_READ);
	assert_int_equal(access_class_from_name("write"), ACCESS_CLASS_WRITE);
	assert_int_equal(access_class_from_name("delete"), ACCESS_CLASS_DELETE);
	assert_int_equal(access_class_from_name("execute"), ACCESS_CLASS_EXECUTE);
	assert_int_equal(access_class_from_name("perms"), ACCESS_CLASS_PERMS);
	assert_int_equal(access_class_from_name("read_control"), ACCESS_CLASS_READ_CONTROL);
	assert_int_equal(access_class_from_name("other"), ACCESS_CLASS_OTHER);
	assert_int_equal(access_class_from_name("Write"), ACCESS_CLASS_WRITE);
	assert_int_equal(access_class_from_name("readwrite"), 0);
	assert_int_equal(access_class_from_name(""), 0);
	assert_int_equal(access_class_from_name(NULL), 0);
}

static void test_file_mask_classes(void **state)
{
	(void)state;
	assert_int_equal(access_mask_classes("File", 0x6), ACCESS_CLASS_WRITE);
	assert_int_equal(access_mask_classes("File", 0x89), ACCESS_CLASS_READ);
	assert_int_equal(access_mask_classes("File", 0x20), ACCESS_CLASS_EXECUTE);
	assert_int_equal(access_mask_classes("File", 0x40), ACCESS_CLASS_DELETE);
	assert_int_equal(access_mask_classes("File", 0x10000), ACCESS_CLASS_DELETE);
	assert_int_equal(access_mask_classes("File", 0x20000), ACCESS_CLASS_READ_CONTROL);
	assert_int_equal(access_mask_classes("File", 0xc0000), ACCESS_CLASS_PERMS);
	assert_int_equal(access_mask_classes("File", 0x1000000), ACCESS_CLASS_PERMS);
	assert_int_equal(access_mask_classes("File", 0x100000), ACCESS_CLASS_OTHER);
	assert_int_equal(access_mask_classes("File", 0), 0);
}

static void test_other_family_mask_classes(void **state)
{
	(void)state;
	assert_int_equal(access_mask_classes("Process", 0x10), ACCESS_CLASS_READ);
	assert_int_equal(access_mask_classes("Process", 0x28), ACCESS_CLASS_WRITE);
	assert_int_equal(access_mask_classes("Key", 0x2), ACCESS_CLASS_WRITE);
	assert_int_equal(access_mask_classes("SAM_USER", 0x30), ACCESS_CLASS_OTHER);
	assert_int_equal(access_mask_classes("SAM_USER", 0x60030), ACCESS_CLASS_OTHER | ACCESS_CLASS_READ_CONTROL | ACCESS_CLASS_PERMS);
	assert_int_equal(access_mask_classes("Key", 0x10000000),
			 ACCESS_CLASS_READ | ACCESS_CLASS_WRITE | ACCESS_CLASS_DELETE |
			 ACCESS_CLASS_EXECUTE | ACCESS_CLASS_PERMS | ACCESS_CLASS_READ_CONTROL);
	assert_int_equal(access_mask_classes("Key", 0x80000000u), ACCESS_CLASS_READ);
}

/* --- summary ----------------------------------------------------------------- */

static void test_summary_joins_short_names_in_bit_order(void **state)
{
	(void)state;
	assert_summary("File", 0x6, "WriteData,AppendData");
	assert_summary("File", 0x120089, "ReadData,ReadEA,ReadAttributes,READ_CONTROL,SYNCHRONIZE");
	assert_summary("File", 0x200, "bit9");
	assert_summary("SAM_USER", 0x80000211u, "bit0,bit4,bit9,GENERIC_READ");
	assert_summary("File", 0, "");
}

static void test_summary_truncates_to_buflen(void **state)
{
	char buf[12];

	(void)state;
	memset(buf, '#', sizeof buf);
	assert_int_equal(access_mask_summary("File", 0x6, buf, sizeof buf), 11);
	assert_string_equal(buf, "WriteData,A");
	assert_int_equal(access_mask_summary("File", 0x6, buf, 10), 9);
	assert_string_equal(buf, "WriteData");
	assert_int_equal(access_mask_summary("File", 0x6, buf, 11), 10);
	assert_string_equal(buf, "WriteData,");
	assert_int_equal(access_mask_summary("File", 0x6, buf, 1), 0);
	assert_string_equal(buf, "");
	buf[0] = '#';
	assert_int_equal(access_mask_summary("File", 0x6, buf, 0), 0);
	assert_int_equal(buf[0], '#');
	assert_int_equal(access_mask_summary("File", 0x6, NULL, 10), 0);
}

/* --- real data ----------------------------------------------------------------- */

/* mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx, record 67793:
 * 4656, ObjectType Process, AccessMask 0x00001410.  The OTRF NXLog sample
 * of the same kind of access renders these codes (its "Message"). */
static void test_real_lsass_4656_mask_and_list_agree(void **state)
{
	static const char *const want[] = {
		"Read from process memory", "Query process information",
		"Undefined Access (no effect) Bit 12",
	};
	struct access_right r[8];
	struct got g;

	(void)state;
	assert_int_equal(access_decode_mask("Process", 0x00001410, r, 8), 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(r[i].name, want[i]);

	assert_int_equal(decode_list("%%4484\n\t\t\t\t%%4490\n\t\t\t\t%%4492\n\t\t\t\t", "Process", &g), 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(g.names[i], want[i]);
	assert_int_equal(got_mask(&g), 0x1410);

	assert_int_equal(decode_list("Read from process memory\r\n\t\t\t\tQuery process information\r\n"
				     "\t\t\t\tUndefined Access (no effect) Bit 12\r\n\t\t\t\t", "Process", &g), 3);
	assert_int_equal(got_mask(&g), 0x1410);
	assert_int_equal(decode_list("Read from process memory Query process information "
				     "Undefined Access (no effect) Bit 12", "Process", &g), 3);
	assert_int_equal(got_mask(&g), 0x1410);
}

/* mdc_ID4656-Failed_sethc_replacement_by_CMD.evtx: failed 4656s on File.
 * Each AccessList must decode to exactly the rights of its AccessMask. */
static void test_real_sethc_file_masks_match_their_lists(void **state)
{
	static const struct {
		unsigned record;
		uint32_t mask;
		const char *list;
	} cases[] = {
		{ 465460, 0x00120196, "%%1538\n\t\t\t\t%%1541\n\t\t\t\t%%4417\n\t\t\t\t%%4418\n\t\t\t\t%%4420\n\t\t\t\t%%4423\n\t\t\t\t%%4424\n\t\t\t\t" },
		{ 465472, 0x00120197, "%%1538\n\t\t\t\t%%1541\n\t\t\t\t%%4416\n\t\t\t\t%%4417\n\t\t\t\t%%4418\n\t\t\t\t%%4420\n\t\t\t\t%%4423\n\t\t\t\t%%4424\n\t\t\t\t" },
		{ 465459, 0x0013019f, "%%1537\n\t\t\t\t%%1538\n\t\t\t\t%%1541\n\t\t\t\t%%4416\n\t\t\t\t%%4417\n\t\t\t\t%%4418\n\t\t\t\t%%4419\n\t\t\t\t%%4420\n\t\t\t\t%%4423\n\t\t\t\t%%4424\n\t\t\t\t" },
		{ 465464, 0x00170197, "%%1537\n\t\t\t\t%%1538\n\t\t\t\t%%1539\n\t\t\t\t%%1541\n\t\t\t\t%%4416\n\t\t\t\t%%4417\n\t\t\t\t%%4418\n\t\t\t\t%%4420\n\t\t\t\t%%4423\n\t\t\t\t%%4424\n\t\t\t\t" },
		{ 465471, 0x00160196, "%%1538\n\t\t\t\t%%1539\n\t\t\t\t%%1541\n\t\t\t\t%%4417\n\t\t\t\t%%4418\n\t\t\t\t%%4420\n\t\t\t\t%%4423\n\t\t\t\t%%4424\n\t\t\t\t" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct access_right r[32];
		struct got g;
		size_t n = access_decode_mask("File", cases[i].mask, r, 32);

		assert_int_equal(decode_list(cases[i].list, "File", &g), n);
		assert_int_equal(got_mask(&g), cases[i].mask);
		/* Same names, whatever the order (lists put 15xx first). */
		for (size_t k = 0; k < n; k++) {
			size_t j = 0;
			while (j < g.n && strcmp(g.names[j], r[k].name) != 0)
				j++;
			assert_true(j < g.n);
		}
	}
	assert_summary("File", 0x00170197,
		       "ReadData,WriteData,AppendData,WriteEA,ReadAttributes,WriteAttributes,"
		       "DELETE,READ_CONTROL,WRITE_DAC,SYNCHRONIZE");
	assert_int_equal(access_mask_classes("File", 0x00170197),
			 ACCESS_CLASS_READ | ACCESS_CLASS_WRITE | ACCESS_CLASS_DELETE |
			 ACCESS_CLASS_READ_CONTROL | ACCESS_CLASS_PERMS | ACCESS_CLASS_OTHER);
}

/* OTRF covenant_sharpsc NXLog: 5145 on \\*\IPC$ svcctl, AccessMask 0x12019F,
 * rendered "Accesses:" one name per line. */
static void test_real_5145_rendered_names_decode_to_the_mask(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("READ_CONTROL\r\n\t\t\t\tSYNCHRONIZE\r\n\t\t\t\t"
				     "ReadData (or ListDirectory)\r\n\t\t\t\tWriteData (or AddFile)\r\n\t\t\t\t"
				     "AppendData (or AddSubdirectory or CreatePipeInstance)\r\n\t\t\t\t"
				     "ReadEA\r\n\t\t\t\tWriteEA\r\n\t\t\t\tReadAttributes\r\n\t\t\t\t"
				     "WriteAttributes\r\n\t\t\t\t\r\n", "File", &g), 9);
	assert_int_equal(got_mask(&g), 0x12019f);
}

/* OTRF NXLog 4656 on Key: AccessMask 0x20019, AccessList
 * "%%1538 %%4432 %%4435 %%4436", rendered "READ_CONTROL / Query key value /
 * Enumerate sub-keys / Notify about changes to keys". */
static void test_real_key_4656_codes_and_names_agree(void **state)
{
	struct got a, b;

	(void)state;
	assert_int_equal(decode_list("%%1538\r\n\t\t\t\t%%4432\r\n\t\t\t\t%%4435\r\n\t\t\t\t%%4436\r\n\t\t\t\t", "Key", &a), 4);
	assert_int_equal(decode_list("READ_CONTROL Query key value Enumerate sub-keys Notify about changes to keys", "Key", &b), 4);
	assert_int_equal(got_mask(&a), 0x20019);
	assert_int_equal(got_mask(&b), 0x20019);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(a.names[i], b.names[i]);
}

/* mdc SystemNightMare: ObjectType "Security" (no table family), AccessMask
 * 0x2, AccessList "%%1553". */
static void test_real_unknown_type_code_and_mask_agree(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_list("%%1553\n\t\t\t\t", "Security", &g), 1);
	assert_int_equal(g.bits[0], 0x2);
	assert_string_equal(g.names[0], "Unknown specific access (bit 1)");
	assert_string_equal(bit_name("Security", 0x2), "unknown specific access (bit 1)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_names_map_to_their_families),
		cmocka_unit_test(test_type_directory_is_the_object_manager_directory),
		cmocka_unit_test(test_type_unknown_or_null_is_family_none),
		cmocka_unit_test(test_type_lookup_ignores_case),
		cmocka_unit_test(test_file_mask_0x1_decodes_read_data),
		cmocka_unit_test(test_file_mask_0x6_decodes_write_and_append),
		cmocka_unit_test(test_file_mask_0x100_decodes_write_attributes),
		cmocka_unit_test(test_file_codes_4416_to_4424_are_base_plus_bit),
		cmocka_unit_test(test_file_bit_0x200_is_an_unknown_specific_access),
		cmocka_unit_test(test_key_mask_0x1_decodes_query_key_value),
		cmocka_unit_test(test_key_mask_0x20_decodes_create_link),
		cmocka_unit_test(test_key_wow64_bits_decode_to_4440_and_4441),
		cmocka_unit_test(test_process_first_and_last_bits),
		cmocka_unit_test(test_process_short_names_follow_the_sdk_constants),
		cmocka_unit_test(test_thread_first_and_last_bits),
		cmocka_unit_test(test_token_first_and_last_bits),
		cmocka_unit_test(test_section_first_and_last_bits),
		cmocka_unit_test(test_event_query_and_modify),
		cmocka_unit_test(test_mutant_has_only_query_state),
		cmocka_unit_test(test_semaphore_query_and_modify),
		cmocka_unit_test(test_object_directory_first_and_last_bits),
		cmocka_unit_test(test_service_objects_seen_in_real_data),
		cmocka_unit_test(test_sam_domain_seen_in_real_data),
		cmocka_unit_test(test_sam_domain_codes_and_rendered_names_agree),
		cmocka_unit_test(test_standard_rights_have_codes_1537_to_1543),
		cmocka_unit_test(test_standard_rights_decode_for_every_type),
		cmocka_unit_test(test_generic_rights_decode_without_codes),
		cmocka_unit_test(test_reserved_standard_bits_are_unknown),
		cmocka_unit_test(test_unknown_type_decodes_specific_bits_as_unknown),
		cmocka_unit_test(test_decode_mask_returns_all_set_bits_when_out_is_short),
		cmocka_unit_test(test_unknown_specific_access_codes_are_1552_plus_bit),
		cmocka_unit_test(test_code_lookup_of_unknown_codes_is_null),
		cmocka_unit_test(test_access_reason_codes_have_names_but_no_bit),
		cmocka_unit_test(test_every_table_code_round_trips),
		cmocka_unit_test(test_generated_name_index_is_longest_first),
		cmocka_unit_test(test_list_codes_separated_by_crlf_and_tabs),
		cmocka_unit_test(test_list_codes_separated_by_single_spaces),
		cmocka_unit_test(test_list_code_is_found_whatever_the_object_type),
		cmocka_unit_test(test_list_unknown_codes_are_kept_verbatim),
		cmocka_unit_test(test_list_overlong_code_is_kept_and_bounded),
		cmocka_unit_test(test_list_code_with_colon_as_in_access_reason),
		cmocka_unit_test(test_list_empty_dash_or_null_emits_nothing),
		cmocka_unit_test(test_list_names_one_per_line),
		cmocka_unit_test(test_list_names_with_whitespace_collapsed),
		cmocka_unit_test(test_list_names_with_runs_of_spaces_inside),
		cmocka_unit_test(test_list_names_match_longest_first),
		cmocka_unit_test(test_list_names_prefer_the_object_family),
		cmocka_unit_test(test_list_names_ignore_case),
		cmocka_unit_test(test_list_names_separated_by_commas),
		cmocka_unit_test(test_list_mixes_codes_and_names),
		cmocka_unit_test(test_list_unknown_words_are_kept_as_one_item_per_line),
		cmocka_unit_test(test_list_unknown_words_stop_at_a_known_name),
		cmocka_unit_test(test_list_overlong_unknown_text_is_bounded),
		cmocka_unit_test(test_class_names_map_to_bits),
		cmocka_unit_test(test_file_mask_classes),
		cmocka_unit_test(test_other_family_mask_classes),
		cmocka_unit_test(test_summary_joins_short_names_in_bit_order),
		cmocka_unit_test(test_summary_truncates_to_buflen),
		cmocka_unit_test(test_real_lsass_4656_mask_and_list_agree),
		cmocka_unit_test(test_real_sethc_file_masks_match_their_lists),
		cmocka_unit_test(test_real_5145_rendered_names_decode_to_the_mask),
		cmocka_unit_test(test_real_key_4656_codes_and_names_agree),
		cmocka_unit_test(test_real_unknown_type_code_and_mask_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
