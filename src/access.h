/* access.h - access masks and %%NNNN message codes decoded into right names.
 *
 * The facts live in data/access-rights.txt (a readable table, one right per
 * line, from Microsoft's documentation); the build turns it into
 * access_table.c, so the program carries it compiled in.  A mask is decoded
 * by object type: bits 0-15 are specific to the type (File, Key, Process,
 * ...), bits 16-25 are the standard rights, 28-31 the generic rights. */
#ifndef OAVIEW_ACCESS_H
#define OAVIEW_ACCESS_H

#include <stddef.h>
#include <stdint.h>

enum access_class {
	ACCESS_CLASS_READ = 1u << 0,
	ACCESS_CLASS_WRITE = 1u << 1,    /* data, EA, attributes, append */
	ACCESS_CLASS_DELETE = 1u << 2,   /* DELETE, DeleteChild */
	ACCESS_CLASS_EXECUTE = 1u << 3,
	ACCESS_CLASS_PERMS = 1u << 4,    /* WRITE_DAC, WRITE_OWNER, ACCESS_SYS_SEC */
	ACCESS_CLASS_READ_CONTROL = 1u << 5,
	ACCESS_CLASS_OTHER = 1u << 6,
};

/* One decoded right. */
struct access_right {
	uint32_t bit;          /* the mask bit, e.g. 0x2 */
	const char *name;      /* documented name: "WriteData (or AddFile)" */
	const char *short_name;/* one word for lists: "WriteData" */
	unsigned classes;      /* enum access_class bits */
};

/* Object type string as in events ("File", "Key", "Process", "Directory",
 * "SAM_DOMAIN", ...) to the table's type family; unknown types decode only
 * standard and generic rights plus "unknown specific access (bit N)".
 * Case is ignored.  "Directory" is the object-manager directory (codes
 * 4368+): Windows logs file-system folders as "File". */
int access_type_family(const char *object_type);

/* Decode every set bit of mask for object_type into out[0..max).
 * Returns the number of set bits (may exceed max: then out is truncated).
 * Unknown bits get the name "unknown specific access (bit N)". */
size_t access_decode_mask(const char *object_type, uint32_t mask,
			  struct access_right *out, size_t max);

/* Name for a %%NNNN message code (4416 -> "ReadData (or ListDirectory)"),
 * or NULL when the code is not in the table. Codes of AccessReason values
 * (e.g. %%1801 "Granted by") are included. */
const char *access_code_name(unsigned code);

/* Mask bit a %%NNNN code stands for, with its type family; 0 if unknown or
 * the code is not a right (e.g. an AccessReason code). */
uint32_t access_code_bit(unsigned code);

/* Decode an AccessList text: %%codes separated by any whitespace, or names
 * as forwarders render them (possibly with whitespace collapsed, so multi-
 * word names are matched longest-first), or a mix.  Calls emit for each right
 * found, in order.  Returns the number emitted.
 * A %%code is looked up whatever object_type says (codes are unique); for a
 * name the longest match in any family wins, object_type's family breaking
 * ties.  What is not
 * known is still emitted, verbatim, with bit 0 and class OTHER: an unknown
 * %%code as "%%NNNN", unknown words as one item per run of words separated
 * by single spaces (a tab, newline, ',' or ';' ends a run).  For those
 * verbatim items r->name and r->short_name point into a buffer that is only
 * valid during the emit call; table rights point to static strings.  A lone
 * "-" (the empty field) emits nothing. */
size_t access_list_decode(const char *list, const char *object_type,
			  void (*emit)(void *ctx, const struct access_right *r), void *ctx);

/* The union of enum access_class bits of every right in mask. */
unsigned access_mask_classes(const char *object_type, uint32_t mask);

/* "read", "write", "delete", "execute", "perms", "read_control", "other"
 * to its class bit; 0 if unknown. */
unsigned access_class_from_name(const char *name);

/* Comma-joined short names of mask's rights ("WriteData,AppendData") into
 * buf; returns the length (truncated to buflen-1). */
size_t access_mask_summary(const char *object_type, uint32_t mask, char *buf, size_t buflen);

/* The table family of a %%code (as access_type_family numbers them), or -1
 * when the code is not in the table. */
int access_code_family(unsigned code);

/* A family's name in data/access-rights.txt ("file", "objdir", ...), or NULL
 * when out of range; family 0 ("none") is an unknown object type. */
const char *access_family_name(int family);

/* --- The compiled table ---------------------------------------------------
 * Generated into access_table.c by src/access-table.awk from
 * data/access-rights.txt; only access.c (and its tests) should need it.
 * Family ids 0-4 are fixed, the object families follow in file order. */
enum access_family {
	ACCESS_FAMILY_NONE = 0,     /* unknown object type */
	ACCESS_FAMILY_STANDARD = 1, /* bits 16-25, every type */
	ACCESS_FAMILY_GENERIC = 2,  /* bits 28-31, every type */
	ACCESS_FAMILY_UNKNOWN = 3,  /* %%1552+bit: a bit Windows has no name for */
	ACCESS_FAMILY_REASON = 4,   /* AccessReason results, not rights */
};

struct access_entry {
	uint16_t family;
	uint16_t code;          /* %%NNNN message id, 0 if none */
	uint32_t bit;           /* 0 for AccessReason results */
	unsigned classes;       /* enum access_class bits */
	const char *constant;   /* "FILE_WRITE_DATA", or NULL */
	const char *short_name;
	const char *name;
};

struct access_type_entry {
	const char *object_type;
	uint16_t family;
};

extern const struct access_entry access_table[];
extern const size_t access_table_len;
extern const char *const access_family_names[];
extern const size_t access_family_count;
/* [family][bit]: row of access_table, standard/generic rows merged in; -1 none */
extern const int16_t access_family_bits[][32];
extern const struct access_type_entry access_types[];
extern const size_t access_types_len;
extern const uint16_t access_by_code[];   /* rows with a code, by code */
extern const size_t access_by_code_len;
extern const uint16_t access_by_name[];   /* all rows, longest name first */
extern const size_t access_by_name_len;

#endif
