/* access.c - access masks and %%NNNN codes decoded into right names.
 *
 * All the facts are in the const tables that the build generates from
 * data/access-rights.txt (see access.h and src/access-table.awk).  They are
 * laid out so that the per-event work is cheap and allocation-free:
 *   - a mask is decoded with one lookup per set bit in the object family's
 *     32-slot array (standard and generic rights are merged into each);
 *   - a %%code is found by binary search over the rows sorted by code;
 *   - names in an AccessList are matched against the rows sorted longest
 *     name first, so "Query key value" wins over "Query".
 * Bits the table does not name get static "unknown specific access (bit N)"
 * strings; only verbatim echoes of unknown list items use a stack buffer. */
#include "access.h"

#include <string.h>

#define U(n) "unknown specific access (bit " #n ")"
static const char *const unknown_names[32] = {
	U(0), U(1), U(2), U(3), U(4), U(5), U(6), U(7),
	U(8), U(9), U(10), U(11), U(12), U(13), U(14), U(15),
	U(16), U(17), U(18), U(19), U(20), U(21), U(22), U(23),
	U(24), U(25), U(26), U(27), U(28), U(29), U(30), U(31),
};
#undef U

#define S(n) "bit" #n
static const char *const unknown_shorts[32] = {
	S(0), S(1), S(2), S(3), S(4), S(5), S(6), S(7),
	S(8), S(9), S(10), S(11), S(12), S(13), S(14), S(15),
	S(16), S(17), S(18), S(19), S(20), S(21), S(22), S(23),
	S(24), S(25), S(26), S(27), S(28), S(29), S(30), S(31),
};
#undef S

static const struct {
	const char *name;
	unsigned bit;
} class_names[] = {
	{ "read", ACCESS_CLASS_READ },
	{ "write", ACCESS_CLASS_WRITE },
	{ "delete", ACCESS_CLASS_DELETE },
	{ "execute", ACCESS_CLASS_EXECUTE },
	{ "perms", ACCESS_CLASS_PERMS },
	{ "read_control", ACCESS_CLASS_READ_CONTROL },
	{ "other", ACCESS_CLASS_OTHER },
};

/* ASCII-only case folding: names are ASCII, and the C library's versions
 * follow the locale (a Turkish locale folds 'I' differently). */
static int lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : (unsigned char)c;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int str_eq_nocase(const char *a, const char *b)
{
	while (*a != '\0' && lower(*a) == lower(*b)) {
		a++;
		b++;
	}
	return lower(*a) == lower(*b);
}

/* Longest verbatim echo of an unknown AccessList item; longer ones are cut. */
#define ACCESS_VERBATIM_MAX 128

int access_type_family(const char *object_type)
{
	if (object_type == NULL)
		return ACCESS_FAMILY_NONE;
	/* A dozen entries: a scan is as fast as anything cleverer.  Case is
	 * ignored because forwarders and legacy text do not all agree. */
	for (size_t i = 0; i < access_types_len; i++)
		if (str_eq_nocase(access_types[i].object_type, object_type))
			return access_types[i].family;
	return ACCESS_FAMILY_NONE;
}

const char *access_family_name(int family)
{
	if (family < 0 || (size_t)family >= access_family_count)
		return NULL;
	return access_family_names[family];
}

static void right_from_entry(struct access_right *r, const struct access_entry *e)
{
	r->bit = e->bit;
	r->name = e->name;
	r->short_name = e->short_name;
	r->classes = e->classes;
}

/* The right for bit b (0-31) of family fam: the table's, or an unknown one. */
static void right_for_bit(struct access_right *r, int fam, unsigned b)
{
	int idx = access_family_bits[fam][b];

	if (idx >= 0) {
		right_from_entry(r, &access_table[idx]);
		return;
	}
	r->bit = UINT32_C(1) << b;
	r->name = unknown_names[b];
	r->short_name = unknown_shorts[b];
	r->classes = ACCESS_CLASS_OTHER;
}

size_t access_decode_mask(const char *object_type, uint32_t mask,
			  struct access_right *out, size_t max)
{
	int fam = access_type_family(object_type);
	size_t n = 0;

	for (unsigned b = 0; b < 32; b++) {
		if (!(mask & (UINT32_C(1) << b)))
			continue;
		if (out != NULL && n < max)
			right_for_bit(&out[n], fam, b);
		n++;
	}
	return n;
}

/* Row of access_table for code, or NULL. */
static const struct access_entry *entry_by_code(unsigned code)
{
	size_t lo = 0, hi = access_by_code_len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct access_entry *e = &access_table[access_by_code[mid]];

		if (e->code == code)
			return e;
		if (e->code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *access_code_name(unsigned code)
{
	const struct access_entry *e = entry_by_code(code);

	return e != NULL ? e->name : NULL;
}

uint32_t access_code_bit(unsigned code)
{
	const struct access_entry *e = entry_by_code(code);

	return e != NULL ? e->bit : 0;
}

int access_code_family(unsigned code)
{
	const struct access_entry *e = entry_by_code(code);

	return e != NULL ? e->family : -1;
}

unsigned access_mask_classes(const char *object_type, uint32_t mask)
{
	int fam = access_type_family(object_type);
	unsigned classes = 0;

	for (unsigned b = 0; b < 32; b++) {
		if (!(mask & (UINT32_C(1) << b)))
			continue;
		int idx = access_family_bits[fam][b];
		classes |= idx >= 0 ? access_table[idx].classes : ACCESS_CLASS_OTHER;
	}
	return classes;
}

unsigned access_class_from_name(const char *name)
{
	if (name == NULL)
		return 0;
	for (size_t i = 0; i < sizeof class_names / sizeof class_names[0]; i++)
		if (str_eq_nocase(class_names[i].name, name))
			return class_names[i].bit;
	return 0;
}

size_t access_mask_summary(const char *object_type, uint32_t mask, char *buf, size_t buflen)
{
	int fam = access_type_family(object_type);
	size_t len = 0;

	if (buf == NULL || buflen == 0)
		return 0;
	buf[0] = '\0';
	for (unsigned b = 0; b < 32 && len < buflen - 1; b++) {
		struct access_right r;

		if (!(mask & (UINT32_C(1) << b)))
			continue;
		right_for_bit(&r, fam, b);
		/* The loop test keeps len < buflen - 1 here, so the ','
		 * fits and the terminator always has its byte. */
		if (len > 0)
			buf[len++] = ',';
		for (const char *s = r.short_name; *s != '\0' && len < buflen - 1; s++)
			buf[len++] = *s;
	}
	buf[len] = '\0';
	return len;
}

/* --- AccessList decoding -------------------------------------------------- */

/* Between items: whitespace, or the ',' / ';' some forwarders join with. */
static int is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f' || c == ',' || c == ';';
}

/* A separator that cannot sit inside a rendered name: Windows puts each
 * right on its own line ("\r\n\t\t\t\t"), names only hold single spaces. */
static int is_hard_sep(char c)
{
	return c != ' ' && is_sep(c);
}

/* Does name match text at p?  Case is ignored and a space in the name
 * matches a run of spaces (collapsed or not); the match must end at a
 * separator or the end.  Returns the length of text matched, or 0. */
static size_t name_match(const char *p, const char *name)
{
	const char *t = p;

	for (const char *n = name; *n != '\0'; n++) {
		if (*n == ' ') {
			if (*t != ' ')
				return 0;
			while (*t == ' ')
				t++;
			continue;
		}
		if (lower(*t) != lower(*n))
			return 0;
		t++;
	}
	if (*t != '\0' && !is_sep(*t))
		return 0;
	return (size_t)(t - p);
}

/* Rights that belong with an object of family fam: its own and the shared ones. */
static int family_preferred(int row_family, int fam)
{
	return row_family == fam || row_family == ACCESS_FAMILY_STANDARD ||
	       row_family == ACCESS_FAMILY_GENERIC || row_family == ACCESS_FAMILY_UNKNOWN ||
	       row_family == ACCESS_FAMILY_REASON;
}

/* The longest known name at p; between names of the same length (the same
 * text in two families) the object's own family, or a right every type
 * shares, wins.  A shorter name of the object's family does not beat a
 * longer one: "Query key value" is one right even for a Token.  Returns the
 * row, or NULL. */
static const struct access_entry *name_lookup(const char *p, int fam, size_t *len)
{
	const struct access_entry *best = NULL;
	size_t best_name_len = 0;
	int first = lower(*p);

	for (size_t i = 0; i < access_by_name_len; i++) {
		const struct access_entry *e = &access_table[access_by_name[i]];

		if (best != NULL && strlen(e->name) < best_name_len)
			break;
		if (lower(e->name[0]) != first)
			continue;
		size_t n = name_match(p, e->name);
		if (n == 0)
			continue;
		if (best == NULL) {
			best = e;
			best_name_len = strlen(e->name);
			*len = n;
		} else if (family_preferred(e->family, fam)) {
			best = e;
			*len = n;
		}
		if (family_preferred(best->family, fam))
			break;
	}
	return best;
}

struct verbatim {
	char buf[ACCESS_VERBATIM_MAX];
	size_t len;
};

static size_t verbatim_flush(struct verbatim *v,
			     void (*emit)(void *ctx, const struct access_right *r), void *ctx)
{
	struct access_right r;

	if (v->len == 0)
		return 0;
	v->buf[v->len] = '\0';
	r.bit = 0;
	r.name = v->buf;
	r.short_name = v->buf;
	r.classes = ACCESS_CLASS_OTHER;
	emit(ctx, &r);
	v->len = 0;
	return 1;
}

/* Append one word (len bytes) to the pending run, a space between words;
 * a run that would not fit is emitted first, a word too long is cut. */
static size_t verbatim_add(struct verbatim *v, const char *w, size_t len,
			   void (*emit)(void *ctx, const struct access_right *r), void *ctx)
{
	size_t emitted = 0;

	if (v->len > 0 && v->len + 1 + len > sizeof v->buf - 1)
		emitted = verbatim_flush(v, emit, ctx);
	if (v->len > 0)
		v->buf[v->len++] = ' ';
	if (len > sizeof v->buf - 1 - v->len)
		len = sizeof v->buf - 1 - v->len;
	memcpy(v->buf + v->len, w, len);
	v->len += len;
	return emitted;
}

/* A %%code at p ("%%4416", optionally followed by ':' as in AccessReason):
 * returns its length and sets *code (0 when too large to be a code), or 0
 * when p does not hold one. */
static size_t code_at(const char *p, unsigned *code)
{
	size_t i = 2;
	unsigned long v = 0;

	if (p[0] != '%' || p[1] != '%' || !is_digit(p[2]))
		return 0;
	while (is_digit(p[i])) {
		if (v <= 65535)
			v = v * 10 + (unsigned long)(p[i] - '0');
		i++;
	}
	*code = v <= 65535 ? (unsigned)v : 0;
	if (p[i] == ':')
		i++;
	if (p[i] != '\0' && !is_sep(p[i]))
		return 0;
	return i;
}

size_t access_list_decode(const char *list, const char *object_type,
			  void (*emit)(void *ctx, const struct access_right *r), void *ctx)
{
	int fam = access_type_family(object_type);
	struct verbatim pending = { .len = 0 };
	const char *p = list;
	size_t count = 0;

	if (list == NULL || emit == NULL)
		return 0;
	for (;;) {
		int hard = 0;

		while (*p != '\0' && is_sep(*p))
			hard |= is_hard_sep(*p++);
		if (hard)
			count += verbatim_flush(&pending, emit, ctx);
		if (*p == '\0')
			break;

		unsigned code;
		size_t n = code_at(p, &code);
		if (n > 0) {
			const struct access_entry *e = entry_by_code(code);
			struct access_right r;
			char text[24];

			count += verbatim_flush(&pending, emit, ctx);
			if (e != NULL) {
				right_from_entry(&r, e);
			} else {
				/* Unresolved: keep "%%NNNN" as it came, never drop it. */
				size_t k = n;
				if (p[k - 1] == ':')
					k--;
				if (k > sizeof text - 1)
					k = sizeof text - 1;
				memcpy(text, p, k);
				text[k] = '\0';
				r.bit = 0;
				r.name = text;
				r.short_name = text;
				r.classes = ACCESS_CLASS_OTHER;
			}
			emit(ctx, &r);
			count++;
			p += n;
			continue;
		}

		if (p[0] == '-' && (p[1] == '\0' || is_sep(p[1]))) {
			p++;
			continue;
		}

		const struct access_entry *e = name_lookup(p, fam, &n);
		if (e != NULL) {
			struct access_right r;

			count += verbatim_flush(&pending, emit, ctx);
			right_from_entry(&r, e);
			emit(ctx, &r);
			count++;
			p += n;
			continue;
		}

		/* Not known: one word joins the pending verbatim run. */
		const char *w = p;
		while (*p != '\0' && !is_sep(*p))
			p++;
		count += verbatim_add(&pending, w, (size_t)(p - w), emit, ctx);
	}
	count += verbatim_flush(&pending, emit, ctx);
	return count;
}
