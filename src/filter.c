/* filter.c - filter expressions over events (grammar in filter.h).
 *
 * filter_compile turns the text into a flat array of terms that must all
 * hold.  A term is one test on one field, optionally negated: a pcre2 regex
 * for text fields, a list of [lo, hi] ranges for numeric ones (event id,
 * record, handle, pid, logon), an outcome, or a set of access classes and
 * right names.  The terms are sorted by cost, so the integer compares reject
 * most events before any regex runs.  Everything matching has to write (the
 * pcre2 match data, the match context carrying the limits, the JIT stack, a
 * buffer for joined names, the limit-hit flag) lives in one scratch block
 * allocated at compile time: filter_match never allocates, and a filter is
 * used by one thread at a time. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "filter.h"

#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "event.h"
#include "store.h"

/* Backtracking bounds: enough for any sane pattern over a path, small enough
 * that a catastrophic one gives up in well under a millisecond per string. */
#define FILTER_MATCH_LIMIT 100000
#define FILTER_DEPTH_LIMIT 1000
#define FILTER_HEAP_LIMIT_KIB 8192
#define FILTER_JIT_STACK_MIN (32 * 1024)
#define FILTER_JIT_STACK_MAX (512 * 1024)

/* Joined names: "DOMAIN\user", or a 5145 share path (which store.c joins
 * in 4 KiB, so this leaves room for a longer drive mapping). */
#define FILTER_NAME_BUF 8192

/* At most 32 bits are set in a mask. */
#define FILTER_MAX_RIGHTS 32

enum filter_kind {
	KIND_REGEX,
	KIND_NUMBER,
	KIND_OUTCOME,
	KIND_ACCESS,
};

enum filter_field {
	FIELD_USER,
	FIELD_DOMAIN,
	FIELD_SID,
	FIELD_COMPUTER,
	FIELD_NAME,
	FIELD_OBJECT,
	FIELD_TYPE,
	FIELD_PROCESS,
	FIELD_SERVER,
	FIELD_SHARE,
	FIELD_IP,
	FIELD_ID,
	FIELD_OUTCOME,
	FIELD_ACCESS,
	FIELD_HANDLE,
	FIELD_PID,
	FIELD_LOGON,
	FIELD_SOURCE,
	FIELD_RECORD,
	FIELD_TEXT,
};

/* Cost classes decide evaluation order: integer compares, then the mask
 * decode, then one regex run, then two or a name resolution, then every
 * text field. */
enum filter_cost {
	COST_NUMBER,
	COST_ACCESS,
	COST_ONE_REGEX,
	COST_TWO_REGEX,
	COST_ALL_TEXT,
};

struct filter_field_info {
	const char *name;
	enum filter_field field;
	enum filter_kind kind;
	int str;             /* enum event_str of a one-string field, else -1 */
	enum filter_cost cost;
};

/* In the order filter.h lists them, which is the order the error for an
 * unknown field names them. */
static const struct filter_field_info filter_fields[] = {
	{ "user", FIELD_USER, KIND_REGEX, -1, COST_TWO_REGEX },
	{ "domain", FIELD_DOMAIN, KIND_REGEX, ES_DOMAIN, COST_ONE_REGEX },
	{ "sid", FIELD_SID, KIND_REGEX, ES_SID, COST_ONE_REGEX },
	{ "computer", FIELD_COMPUTER, KIND_REGEX, ES_COMPUTER, COST_ONE_REGEX },
	{ "name", FIELD_NAME, KIND_REGEX, ES_OBJECT_NAME, COST_ONE_REGEX },
	{ "object", FIELD_OBJECT, KIND_REGEX, -1, COST_TWO_REGEX },
	{ "type", FIELD_TYPE, KIND_REGEX, ES_OBJECT_TYPE, COST_ONE_REGEX },
	{ "process", FIELD_PROCESS, KIND_REGEX, ES_PROCESS_NAME, COST_ONE_REGEX },
	{ "server", FIELD_SERVER, KIND_REGEX, ES_OBJECT_SERVER, COST_ONE_REGEX },
	{ "share", FIELD_SHARE, KIND_REGEX, ES_SHARE_NAME, COST_ONE_REGEX },
	{ "ip", FIELD_IP, KIND_REGEX, ES_IP_ADDRESS, COST_ONE_REGEX },
	{ "id", FIELD_ID, KIND_NUMBER, -1, COST_NUMBER },
	{ "outcome", FIELD_OUTCOME, KIND_OUTCOME, -1, COST_NUMBER },
	{ "access", FIELD_ACCESS, KIND_ACCESS, -1, COST_ACCESS },
	{ "handle", FIELD_HANDLE, KIND_NUMBER, -1, COST_NUMBER },
	{ "pid", FIELD_PID, KIND_NUMBER, -1, COST_NUMBER },
	{ "logon", FIELD_LOGON, KIND_NUMBER, -1, COST_NUMBER },
	{ "source", FIELD_SOURCE, KIND_REGEX, -1, COST_ONE_REGEX },
	{ "record", FIELD_RECORD, KIND_NUMBER, -1, COST_NUMBER },
	{ "text", FIELD_TEXT, KIND_REGEX, -1, COST_ALL_TEXT },
};

#define FILTER_NFIELDS (sizeof filter_fields / sizeof filter_fields[0])

static const char filter_field_list[] =
	"user, domain, sid, computer, name, object, type, process, server, "
	"share, ip, id, outcome, access, handle, pid, logon, source, record, text";

static const char filter_class_list[] =
	"read, write, delete, execute, perms, read_control, other";

struct filter_range {
	uint64_t lo;
	uint64_t hi;
};

struct filter_term {
	const struct filter_field_info *info;
	int negate;
	pcre2_code *re;                /* KIND_REGEX */
	int jit;                       /* re has JIT code: take the short path */
	struct filter_range *ranges;   /* KIND_NUMBER */
	size_t nranges;
	uint8_t outcome;               /* KIND_OUTCOME: enum outcome */
	unsigned access_classes;       /* KIND_ACCESS: enum access_class bits */
	char *access_text;             /* the value, commas turned into NULs */
	const char **access_names;     /* right names, pointing into access_text */
	size_t naccess_names;
};

/* What filter_match writes; reached through a pointer so that filter_match
 * can take a const filter, as every reader of a view does. */
/* A regex answer remembered per interned string: strings are interned,
 * so over a million events a field holds few distinct values, and a regex
 * runs once per value instead of once per event.  Keys are a strref, or a
 * pair of them (domain, user) in one 64-bit word; 0 is "empty". */
struct filter_memo {
	uint64_t *keys;
	uint8_t *answers;
	size_t cap, used;   /* cap: power of two */
};

#define FILTER_MEMO_MAX (1u << 22)
#define FILTER_GIVE_UP 64

struct filter_scratch;
static void filter_memo_clear(struct filter_scratch *s);

struct filter_scratch {
	pcre2_match_data *match_data;
	pcre2_match_context *match_context;
	pcre2_jit_stack *jit_stack;
	int limit_hit;
	unsigned limit_hits;               /* how many subjects hit a limit */
	char name_buf[FILTER_NAME_BUF];
	const struct store *memo_store;   /* answers are valid for this store */
	struct filter_memo *memo;          /* one per term */
	size_t nmemo;
};

struct filter {
	char *text;
	struct filter_term *terms;
	size_t nterms;
	struct filter_scratch *scratch;
};

/* --- small helpers ------------------------------------------------------ */

#if defined(__GNUC__) || defined(__clang__)
#define FILTER_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define FILTER_PRINTF(fmt, args)
#endif

static int filter_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char filter_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* ASCII-only on purpose: field, class and right names are ASCII, and the
 * C library's versions follow the locale. */
static int filter_equal_nocase(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++) {
		if (b[i] == '\0' || filter_lower(a[i]) != filter_lower(b[i]))
			return 0;
	}
	return b[i] == '\0';
}

/* Write "filter 'EXPR': MESSAGE" into err.  When the expression has more
 * than one term the bad term is named as well.  Control characters become
 * '?' so the message stays on one line whatever the user typed. */
FILTER_PRINTF(7, 8)
static void filter_error(char *err, size_t errlen, const char *expr,
			 const char *term, size_t termlen, int single_term,
			 const char *fmt, ...)
{
	char message[512];
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	if (term && !single_term)
		snprintf(err, errlen, "filter '%s': term '%.*s': %s", expr,
			 (int)(termlen > 4096 ? 4096 : termlen), term, message);
	else
		snprintf(err, errlen, "filter '%s': %s", expr, message);
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* --- values -------------------------------------------------------------- */

/* One number, "0x1a4" (hex) or "420" (decimal), the two ways Windows writes
 * handles and process ids.  Returns 0 when s[0..len) is not a number or
 * does not fit 64 bits. */
static int filter_parse_number(const char *s, size_t len, uint64_t *value)
{
	uint64_t v = 0;
	size_t i = 0;

	if (len == 0)
		return 0;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < len; i++) {
			unsigned d;
			char c = filter_lower(s[i]);
			if (c >= '0' && c <= '9')
				d = (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				d = (unsigned)(c - 'a' + 10);
			else
				return 0;
			if (v > (UINT64_MAX >> 4))
				return 0;
			v = (v << 4) | d;
		}
	} else {
		for (i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			unsigned d = (unsigned)(s[i] - '0');
			if (v > (UINT64_MAX - d) / 10)
				return 0;
			v = v * 10 + d;
		}
	}
	*value = v;
	return 1;
}

/* "4656,4663,560-567" into ranges.  On error returns 0 with the bad item in
 * *bad / *badlen. */
static int filter_parse_ranges(const char *value, struct filter_range **out, size_t *nout,
			       const char **bad, size_t *badlen)
{
	size_t n = 1;
	const char *p;
	struct filter_range *ranges;

	for (p = value; *p; p++)
		if (*p == ',')
			n++;
	ranges = calloc(n, sizeof *ranges);
	if (!ranges) {
		*bad = NULL;
		return 0;
	}
	p = value;
	for (size_t i = 0; i < n; i++) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *dash = memchr(p, '-', len);
		int ok;

		if (dash)
			ok = filter_parse_number(p, (size_t)(dash - p), &ranges[i].lo) &&
			     filter_parse_number(dash + 1, len - (size_t)(dash - p) - 1, &ranges[i].hi) &&
			     ranges[i].lo <= ranges[i].hi;
		else
			ok = filter_parse_number(p, len, &ranges[i].lo);
		if (!ok) {
			free(ranges);
			*bad = p;
			*badlen = len;
			return 0;
		}
		if (!dash)
			ranges[i].hi = ranges[i].lo;
		p += len + 1;
	}
	*out = ranges;
	*nout = n;
	return 1;
}

/* Smart case, as less and vim do it: a pattern with an upper-case letter is
 * meant as typed, one without is caseless.  Letters that are regex syntax
 * rather than text do not count: escapes (\S, \D, \pL, \cA, \x4F), the
 * insides of \p{Lu}, \x{1F}, \N{U+...}, \k<Name>, option settings such as
 * (?U) or (?-i:...), group names in (?<Name>...), (?P=Name), (?&Name),
 * (?R), callouts and verbs such as (*UTF).  Only ASCII letters are looked
 * at: deciding case for other scripts needs the locale's tables. */
static int filter_pattern_has_upper(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		char c = p[i];
		char close = 0;

		if (c == '\\' && i + 1 < len) {
			char e = p[i + 1];
			i += 2;
			if (i >= len)
				break;
			if (strchr("pPxoNgk", e) && p[i] == '{')
				close = '}';
			else if ((e == 'k' || e == 'g') && (p[i] == '<' || p[i] == '\''))
				close = p[i] == '<' ? '>' : '\'';
			else if (e == 'p' || e == 'P' || e == 'c')
				i++;
			else if (e == 'x')
				for (int k = 0; k < 2 && i < len && strchr("0123456789abcdefABCDEF", p[i]); k++)
					i++;
			if (close)
				i++;
		} else if (c == '(' && i + 1 < len && p[i + 1] == '*') {
			close = ')';
			i += 2;
		} else if (c == '(' && i + 2 < len && p[i + 1] == '?') {
			char q0 = p[i + 2];
			char q1 = i + 3 < len ? p[i + 3] : '\0';
			i += 2;
			if (q0 == '<' && q1 != '=' && q1 != '!')
				close = '>';
			else if (q0 == '\'')
				close = '\'';
			else if (q0 == 'P')
				close = q1 == '<' ? '>' : ')';
			else if (q0 == '&' || q0 == 'C' || q0 == 'R' ||
				 (q0 == '(' && q1 != '?' && q1 != '*'))
				close = ')';
			if (!close) {
				while (i < len && ((p[i] >= 'a' && p[i] <= 'z') ||
						   (p[i] >= 'A' && p[i] <= 'Z') ||
						   p[i] == '-' || p[i] == '^'))
					i++;
				continue;
			}
			i++;
		} else {
			if (c >= 'A' && c <= 'Z')
				return 1;
			i++;
			continue;
		}
		if (close) {
			while (i < len && p[i] != close)
				i++;
			i++;
		}
	}
	return 0;
}

/* --- compiling -------------------------------------------------------------- */

struct filter_parse {
	const char *expr;
	char *err;
	size_t errlen;
	int single_term;
	const char *term;      /* the term as written, for messages */
	size_t termlen;
};

FILTER_PRINTF(2, 3)
static void filter_parse_error(const struct filter_parse *ps, const char *fmt, ...)
{
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	filter_error(ps->err, ps->errlen, ps->expr, ps->term, ps->termlen,
		     ps->single_term, "%s", message);
}

static int filter_compile_regex(const struct filter_parse *ps, struct filter_term *t,
				const char *value, size_t len)
{
	uint32_t options = PCRE2_UTF | PCRE2_UCP;
	int code;
	PCRE2_SIZE offset;

#ifdef PCRE2_MATCH_INVALID_UTF
	/* Log text is not always valid UTF-8 (forwarders mangle it): match what
	 * is there rather than fail every such string. */
	options |= PCRE2_MATCH_INVALID_UTF;
#endif
	if (!filter_pattern_has_upper(value, len))
		options |= PCRE2_CASELESS;
	t->re = pcre2_compile((PCRE2_SPTR)value, len, options, &code, &offset, NULL);
	if (!t->re) {
		PCRE2_UCHAR message[256];
		if (pcre2_get_error_message(code, message, sizeof message) < 0)
			snprintf((char *)message, sizeof message, "pcre2 error %d", code);
		filter_parse_error(ps, "%s at offset %zu", (const char *)message, (size_t)offset);
		return -1;
	}
	/* Without JIT (not built in, or no executable memory) the interpreter
	 * gives the same answers, only slower.  OAVIEW_NO_JIT turns it off for
	 * valgrind, which cannot follow JIT code's wide reads. */
	t->jit = !getenv("OAVIEW_NO_JIT") && pcre2_jit_compile(t->re, PCRE2_JIT_COMPLETE) == 0;
	return 0;
}

static int filter_compile_numbers(const struct filter_parse *ps, struct filter_term *t,
				  const char *value)
{
	const char *bad = NULL;
	size_t badlen = 0;

	if (!filter_parse_ranges(value, &t->ranges, &t->nranges, &bad, &badlen)) {
		if (!bad) {
			filter_parse_error(ps, "out of memory");
		} else if (t->info->field == FIELD_ID) {
			filter_parse_error(ps, "'%.*s' is not an event id or range "
					   "(id:4656,4663 or id:560-567)", (int)badlen, bad);
		} else {
			filter_parse_error(ps, "'%.*s' is not a number or range "
					   "(%s:0x1a4, %s:420, %s:100-200)", (int)badlen, bad,
					   t->info->name, t->info->name, t->info->name);
		}
		return -1;
	}
	if (t->info->field == FIELD_ID) {
		for (size_t i = 0; i < t->nranges; i++) {
			if (t->ranges[i].hi > UINT16_MAX) {
				filter_parse_error(ps, "event id %llu is out of range (0-65535)",
						   (unsigned long long)t->ranges[i].hi);
				return -1;
			}
		}
	}
	return 0;
}

static int filter_compile_outcome(const struct filter_parse *ps, struct filter_term *t,
				  const char *value)
{
	if (filter_equal_nocase(value, strlen(value), "success")) {
		t->outcome = OUTCOME_SUCCESS;
		return 0;
	}
	if (filter_equal_nocase(value, strlen(value), "failure")) {
		t->outcome = OUTCOME_FAILURE;
		return 0;
	}
	filter_parse_error(ps, "outcome is success or failure, not '%s'", value);
	return -1;
}

static int filter_is_right_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

static int filter_compile_access(const struct filter_parse *ps, struct filter_term *t,
				 const char *value)
{
	size_t n = 1;

	t->access_text = strdup(value);
	for (const char *p = value; *p; p++)
		if (*p == ',')
			n++;
	t->access_names = calloc(n, sizeof *t->access_names);
	if (!t->access_text || !t->access_names) {
		filter_parse_error(ps, "out of memory");
		return -1;
	}
	char *item = t->access_text;
	for (size_t i = 0; i < n; i++) {
		char *comma = strchr(item, ',');
		char lower[32];
		size_t len;
		unsigned cls = 0;

		if (comma)
			*comma = '\0';
		len = strlen(item);
		/* access_class_from_name knows the lower-case spelling only. */
		if (len < sizeof lower) {
			for (size_t k = 0; k <= len; k++)
				lower[k] = filter_lower(item[k]);
			cls = access_class_from_name(lower);
		}
		if (cls) {
			t->access_classes |= cls;
		} else if (filter_is_right_name(item)) {
			t->access_names[t->naccess_names++] = item;
		} else {
			filter_parse_error(ps, "'%s' is neither an access class (%s) "
					   "nor a right name such as WriteData", item,
					   filter_class_list);
			return -1;
		}
		if (comma)
			item = comma + 1;
	}
	return 0;
}

/* Where the term starting at p ends: at the first whitespace outside
 * double quotes (see filter_read_value for the quoting rules). */
static const char *filter_term_end(const char *p)
{
	int quoted = 0;

	while (*p && (quoted || !filter_is_space(*p))) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '"')
			quoted = !quoted;
		p++;
	}
	return p;
}

/* Read the value that starts at *pp into out (which has room for the rest of
 * the expression): up to unquoted whitespace, double quotes removed.  A
 * backslash and the character after it are copied as they are, inside or
 * outside quotes, so Windows paths need no extra escaping beyond the
 * regex's own, \" keeps a quote inside a quoted value, and "\ " is a
 * space.  Returns the length, or -1 for an unterminated quote. */
static long filter_read_value(const char **pp, char *out)
{
	const char *p = *pp;
	size_t n = 0;
	int quoted = 0;

	while (*p && (quoted || !filter_is_space(*p))) {
		if (*p == '\\' && p[1]) {
			out[n++] = p[0];
			out[n++] = p[1];
			p += 2;
		} else if (*p == '"') {
			quoted = !quoted;
			p++;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	*pp = p;
	return quoted ? -1 : (long)n;
}

static const struct filter_field_info *filter_find_field(const char *name, size_t len)
{
	for (size_t i = 0; i < FILTER_NFIELDS; i++)
		if (filter_equal_nocase(name, len, filter_fields[i].name))
			return &filter_fields[i];
	return NULL;
}

static void filter_term_free(struct filter_term *t)
{
	pcre2_code_free(t->re);
	free(t->ranges);
	free(t->access_text);
	free(t->access_names);
}

/* Parse the term at *pp into t.  Returns 0 or -1 (message in ps->err). */
static int filter_parse_term(struct filter_parse *ps, const char **pp, struct filter_term *t,
			     char *value)
{
	const char *p = *pp;
	const char *name;
	const char *value_start;
	long len;

	ps->term = p;
	ps->termlen = (size_t)(filter_term_end(p) - p);

	if (*p == '!') {
		t->negate = 1;
		p++;
		if (*p == '\0' || filter_is_space(*p)) {
			filter_parse_error(ps, "'!' must be followed by a term");
			return -1;
		}
	}
	/* A field name is a bare word right before the first ':'.  Anything
	 * else, a quoted term included, is a regex over every text field. */
	name = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')
		p++;
	if (p > name && *p == ':') {
		t->info = filter_find_field(name, (size_t)(p - name));
		if (!t->info) {
			filter_parse_error(ps, "unknown field '%.*s' (fields: %s; quote a "
					   "regex that contains ':')", (int)(p - name), name,
					   filter_field_list);
			return -1;
		}
		p++;
	} else {
		t->info = filter_find_field("text", 4);
		p = name;
	}

	value_start = p;
	len = filter_read_value(&p, value);
	*pp = p;
	if (len < 0) {
		filter_parse_error(ps, "unterminated quote");
		return -1;
	}
	if (len == 0) {
		if (value_start == name)
			filter_parse_error(ps, "empty regex");
		else
			filter_parse_error(ps, "'%s:' needs a value%s", t->info->name,
					   t->info->kind == KIND_REGEX ?
					   " (^$ finds an empty field)" : "");
		return -1;
	}

	switch (t->info->kind) {
	case KIND_REGEX:
		return filter_compile_regex(ps, t, value, (size_t)len);
	case KIND_NUMBER:
		return filter_compile_numbers(ps, t, value);
	case KIND_OUTCOME:
		return filter_compile_outcome(ps, t, value);
	case KIND_ACCESS:
		return filter_compile_access(ps, t, value);
	}
	return -1;
}

static struct filter_scratch *filter_scratch_new(void)
{
	struct filter_scratch *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	/* One ovector pair is enough: a return of 0 ("ovector too small")
	 * still means the pattern matched, and only that is asked. */
	s->match_data = pcre2_match_data_create(1, NULL);
	s->match_context = pcre2_match_context_create(NULL);
	if (!s->match_data || !s->match_context) {
		pcre2_match_data_free(s->match_data);
		pcre2_match_context_free(s->match_context);
		free(s);
		return NULL;
	}
	pcre2_set_match_limit(s->match_context, FILTER_MATCH_LIMIT);
	pcre2_set_depth_limit(s->match_context, FILTER_DEPTH_LIMIT);
	pcre2_set_heap_limit(s->match_context, FILTER_HEAP_LIMIT_KIB);
	/* JIT code runs on its own stack; give it a bounded one of its own
	 * rather than the default 32 KiB on the machine stack.  NULL when JIT
	 * is absent, which leaves the default in place. */
	s->jit_stack = pcre2_jit_stack_create(FILTER_JIT_STACK_MIN, FILTER_JIT_STACK_MAX, NULL);
	if (s->jit_stack)
		pcre2_jit_stack_assign(s->match_context, NULL, s->jit_stack);
	return s;
}

static void filter_scratch_free(struct filter_scratch *s)
{
	if (!s)
		return;
	pcre2_match_data_free(s->match_data);
	pcre2_match_context_free(s->match_context);
	pcre2_jit_stack_free(s->jit_stack);
	filter_memo_clear(s);
	free(s->memo);
	free(s);
}

/* Stable insertion sort by cost: the terms are few, and keeping the written
 * order within a cost class keeps behaviour predictable. */
static void filter_sort_terms(struct filter_term *terms, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct filter_term t = terms[i];
		size_t j = i;
		while (j > 0 && terms[j - 1].info->cost > t.info->cost) {
			terms[j] = terms[j - 1];
			j--;
		}
		terms[j] = t;
	}
}

struct filter *filter_compile(const char *expr, char *err, size_t errlen)
{
	struct filter_parse ps = { expr ? expr : "", err, errlen, 0, NULL, 0 };
	struct filter *f = NULL;
	char *value = NULL;
	const char *p;
	const char *first;
	const char *last;
	size_t maxterms = 0;
	size_t exprlen;

	if (err && errlen)
		err[0] = '\0';
	exprlen = strlen(ps.expr);
	first = ps.expr;
	while (filter_is_space(*first))
		first++;
	if (*first == '\0') {
		if (err && errlen)
			snprintf(err, errlen, "empty filter");
		return NULL;
	}
	last = ps.expr + exprlen;
	while (last > first && filter_is_space(last[-1]))
		last--;

	/* Every term takes at least one character and one separator. */
	for (p = first; p < last; p++)
		if (!filter_is_space(*p) && (p == first || filter_is_space(p[-1])))
			maxterms++;

	f = calloc(1, sizeof *f);
	value = malloc(exprlen + 1);
	if (!f || !value)
		goto oom;
	f->text = strdup(ps.expr);
	f->terms = calloc(maxterms, sizeof *f->terms);
	f->scratch = filter_scratch_new();
	if (!f->text || !f->terms || !f->scratch)
		goto oom;

	p = first;
	while (*p) {

		while (filter_is_space(*p))
			p++;
		if (*p == '\0')
			break;
		/* Terms end at whitespace, so there are never more of them
		 * than words counted above (a quoted value makes fewer). */
		if (f->nterms >= maxterms)
			break;
		/* A lone term spanning the whole expression needs no second
		 * name in its messages. */
		ps.single_term = p == first && filter_term_end(p) >= last;
		if (filter_parse_term(&ps, &p, &f->terms[f->nterms], value) < 0) {
			filter_term_free(&f->terms[f->nterms]);
			goto fail;
		}
		f->nterms++;
	}
	free(value);
	filter_sort_terms(f->terms, f->nterms);
	f->scratch->memo = calloc(f->nterms ? f->nterms : 1, sizeof *f->scratch->memo);
	if (!f->scratch->memo)
		goto oom;
	f->scratch->nmemo = f->nterms;
	return f;

oom:
	filter_error(err, errlen, ps.expr, NULL, 0, 1, "out of memory");
fail:
	free(value);
	filter_free(f);
	return NULL;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nterms; i++)
		filter_term_free(&f->terms[i]);
	free(f->terms);
	filter_scratch_free(f->scratch);
	free(f->text);
	free(f);
}

const char *filter_text(const struct filter *f)
{
	return f ? f->text : "";
}

int filter_limit_hit(const struct filter *f)
{
	return f && f->scratch ? f->scratch->limit_hit : 0;
}

/* --- matching ------------------------------------------------------------ */

static int filter_regex_match(const struct filter_term *t, struct filter_scratch *s,
			      const char *subject)
{
	int rc;

	/* Each subject is bounded by the match limit, but a million distinct
	 * subjects each running to the limit would still take minutes: after
	 * FILTER_GIVE_UP subjects hit it, the regex stops matching at all and
	 * the user is told (filter_limit_hit). */
	if (s->limit_hits >= FILTER_GIVE_UP)
		return 0;
	/* pcre2_jit_match skips pcre2_match's argument checks, a fair share of
	 * the cost on short strings; the UTF check it also skips is not needed
	 * with PCRE2_MATCH_INVALID_UTF. */
#ifdef PCRE2_MATCH_INVALID_UTF
	if (t->jit)
		rc = pcre2_jit_match(t->re, (PCRE2_SPTR)subject, strlen(subject), 0, 0,
				     s->match_data, s->match_context);
	else
#endif
		rc = pcre2_match(t->re, (PCRE2_SPTR)subject, strlen(subject), 0, 0,
				 s->match_data, s->match_context);

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
		s->limit_hit = 1;
		s->limit_hits++;
	}
	return 0;
}

static int filter_in_ranges(const struct filter_term *t, uint64_t v)
{
	for (size_t i = 0; i < t->nranges; i++)
		if (v >= t->ranges[i].lo && v <= t->ranges[i].hi)
			return 1;
	return 0;
}

/* "DOMAIN\user" into buf, or NULL when there is no domain or it does not
 * fit (no real account name comes near the buffer's size). */
static const char *filter_join_user(const char *domain, const char *user, char *buf,
				    size_t buflen)
{
	size_t dl = strlen(domain);
	size_t ul = strlen(user);

	if (dl == 0 || ul == 0 || dl + ul + 2 > buflen)
		return NULL;
	memcpy(buf, domain, dl);
	buf[dl] = '\\';
	memcpy(buf + dl + 1, user, ul + 1);
	return buf;
}

/* A right answers to its short name and to the other meanings its
 * documented name lists: "AppendData (or AddSubdirectory or
 * CreatePipeInstance)" also answers to AddSubdirectory. */
static int filter_right_name_is(const struct access_right *r, const char *want)
{
	size_t wantlen = strlen(want);
	const char *alt;

	if (r->short_name && filter_equal_nocase(want, wantlen, r->short_name))
		return 1;
	if (!r->name || (alt = strstr(r->name, " (or ")) == NULL)
		return 0;
	alt += 5;
	for (;;) {
		size_t len = strcspn(alt, " )");
		if (len == wantlen && filter_equal_nocase(alt, len, want))
			return 1;
		alt += len;
		if (strncmp(alt, " or ", 4) != 0)
			return 0;
		alt += 4;
	}
}

/* store.c rebuilds the mask from an AccessList when an event carries only
 * the list, so the mask is all there is to look at. */
static int filter_access_match(const struct filter_term *t, const struct store *st,
			       const struct event *ev)
{
	struct access_right rights[FILTER_MAX_RIGHTS];
	const char *type;
	size_t n;

	if (!(ev->flags & EVENT_HAS_MASK))
		return 0;
	type = store_str(st, ev, ES_OBJECT_TYPE);
	if (t->access_classes && (access_mask_classes(type, ev->access_mask) & t->access_classes))
		return 1;
	if (t->naccess_names == 0)
		return 0;
	n = access_decode_mask(type, ev->access_mask, rights, FILTER_MAX_RIGHTS);
	if (n > FILTER_MAX_RIGHTS)
		n = FILTER_MAX_RIGHTS;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < t->naccess_names; k++)
			if (filter_right_name_is(&rights[i], t->access_names[k]))
				return 1;
	return 0;
}

static void filter_memo_clear(struct filter_scratch *s)
{
	for (size_t i = 0; i < s->nmemo; i++) {
		free(s->memo[i].keys);
		free(s->memo[i].answers);
		memset(&s->memo[i], 0, sizeof s->memo[i]);
	}
}

/* The remembered answer for key: 0 or 1, or -1 when unknown. */
static int filter_memo_get(const struct filter_memo *m, uint64_t key)
{
	if (!m->cap)
		return -1;
	for (size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & (m->cap - 1); m->keys[i];
	     i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return m->answers[i];
	return -1;
}

static void filter_memo_put(struct filter_memo *m, uint64_t key, int answer)
{
	if ((m->used + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		if (cap > FILTER_MEMO_MAX)
			return; /* too many distinct values: just compute */
		uint64_t *keys = calloc(cap, sizeof *keys);
		uint8_t *answers = malloc(cap);
		if (!keys || !answers) {
			free(keys);
			free(answers);
			return;
		}
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->keys[i])
				continue;
			size_t j = (size_t)(m->keys[i] * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
			while (keys[j])
				j = (j + 1) & (cap - 1);
			keys[j] = m->keys[i];
			answers[j] = m->answers[i];
		}
		free(m->keys);
		free(m->answers);
		m->keys = keys;
		m->answers = answers;
		m->cap = cap;
	}
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i])
		m->used++;
	m->keys[i] = key;
	m->answers[i] = (uint8_t)answer;
}

/* The regex of term t on text, remembered under key (a strref or a pair
 * of them; text is only read when the answer is not known yet). */
static int filter_regex_key(const struct filter_term *t, struct filter_scratch *s,
			    const struct store *st, uint64_t key, const char *text, size_t term)
{
	if (s->memo_store != st) {
		filter_memo_clear(s);
		s->memo_store = st;
	}
	struct filter_memo *m = term < s->nmemo ? &s->memo[term] : NULL;
	int known = m && key ? filter_memo_get(m, key) : -1;
	if (known >= 0)
		return known;
	int limit_before = s->limit_hit;
	int r = filter_regex_match(t, s, text);
	/* an answer cut short by a match limit is not worth remembering */
	if (m && key && s->limit_hit == limit_before)
		filter_memo_put(m, key, r);
	return r;
}

static int filter_regex_ref(const struct filter_term *t, struct filter_scratch *s,
			    const struct store *st, strref ref, size_t term)
{
	return filter_regex_key(t, s, st, ref, strpool_get(&st->pool, ref), term);
}

/* The interned string of the resolved name, or 0 (a joined share path). */
static strref filter_resolved_ref(const struct store *st, const struct event *ev)
{
	if (ev->str[ES_OBJECT_NAME])
		return ev->str[ES_OBJECT_NAME];
	if (ev->open_ref != EVENT_NONE && store_event(st, ev->open_ref)->str[ES_OBJECT_NAME])
		return store_event(st, ev->open_ref)->str[ES_OBJECT_NAME];
	return 0;
}

static int filter_user_match(const struct filter_term *t, struct filter_scratch *s,
			     const struct store *st, const struct event *ev, size_t term)
{
	const char *user = store_str(st, ev, ES_USER);
	const char *joined;

	if (filter_regex_key(t, s, st, ev->str[ES_USER], user, term))
		return 1;
	joined = filter_join_user(store_str(st, ev, ES_DOMAIN), user, s->name_buf,
				  sizeof s->name_buf);
	return joined && filter_regex_key(t, s, st, (uint64_t)ev->str[ES_DOMAIN] << 32 | ev->str[ES_USER],
					  joined, term);
}

static int filter_text_match(const struct filter_term *t, struct filter_scratch *s,
			     const struct store *st, const struct event *ev, uint32_t index, size_t term)
{
	const char *own_name = "";
	const char *joined;
	const char *resolved;

	for (int k = 0; k < ES_COUNT; k++) {
		const char *v = store_str(st, ev, (enum event_str)k);
		if (k == ES_OBJECT_NAME)
			own_name = v;
		if (*v && filter_regex_ref(t, s, st, ev->str[k], term))
			return 1;
	}
	joined = filter_join_user(store_str(st, ev, ES_DOMAIN), store_str(st, ev, ES_USER),
				  s->name_buf, sizeof s->name_buf);
	if (joined && filter_regex_key(t, s, st, (uint64_t)ev->str[ES_DOMAIN] << 32 | ev->str[ES_USER],
				       joined, term))
		return 1;
	/* The name borrowed from the opener or joined from the share path is
	 * text the viewer shows for this event, so it is searched too. */
	resolved = store_resolved_name(st, index, NULL, s->name_buf, sizeof s->name_buf);
	if (resolved && *resolved && resolved != own_name && strcmp(resolved, own_name) != 0)
		return filter_regex_key(t, s, st, filter_resolved_ref(st, ev), resolved, term);
	return 0;
}

static int filter_term_match(const struct filter_term *t, struct filter_scratch *s,
			     const struct store *st, const struct event *ev, uint32_t index, size_t term)
{
	const char *text;

	switch (t->info->field) {
	case FIELD_ID:
		return filter_in_ranges(t, ev->event_id);
	case FIELD_OUTCOME:
		return ev->outcome == t->outcome;
	case FIELD_RECORD:
		return filter_in_ranges(t, ev->record);
	case FIELD_HANDLE:
		/* A 4690's duplicated handle is a second name of the same
		 * lifetime, so it answers to the handle filter too. */
		return ((ev->flags & EVENT_HAS_HANDLE) && filter_in_ranges(t, ev->handle_id)) ||
		       ((ev->flags & EVENT_HAS_TARGET) && filter_in_ranges(t, ev->target_handle_id));
	case FIELD_PID:
		return ((ev->flags & EVENT_HAS_PROCESS) && filter_in_ranges(t, ev->process_id)) ||
		       ((ev->flags & EVENT_HAS_TARGET) && filter_in_ranges(t, ev->target_process_id));
	case FIELD_LOGON:
		return (ev->flags & EVENT_HAS_LOGON) && filter_in_ranges(t, ev->logon_id);
	case FIELD_ACCESS:
		return filter_access_match(t, st, ev);
	case FIELD_USER:
		return filter_user_match(t, s, st, ev, term);
	case FIELD_OBJECT:
		text = store_resolved_name(st, index, NULL, s->name_buf, sizeof s->name_buf);
		return filter_regex_key(t, s, st, filter_resolved_ref(st, ev), text ? text : "", term);
	case FIELD_SOURCE:
		text = ev->source < st->nsources && st->sources[ev->source] ?
			st->sources[ev->source] : "";
		return filter_regex_match(t, s, text);
	case FIELD_TEXT:
		return filter_text_match(t, s, st, ev, index, term);
	case FIELD_DOMAIN:
	case FIELD_SID:
	case FIELD_COMPUTER:
	case FIELD_NAME:
	case FIELD_TYPE:
	case FIELD_PROCESS:
	case FIELD_SERVER:
	case FIELD_SHARE:
	case FIELD_IP:
		/* an absent field is "" and still answers the regex (name:^$) */
		if (!ev->str[t->info->str])
			return filter_regex_match(t, s, "");
		return filter_regex_ref(t, s, st, ev->str[t->info->str], term);
	}
	return 0;
}

int filter_match(const struct filter *f, const struct store *st, uint32_t index)
{
	const struct event *ev;

	if (!f || !st || index >= st->count)
		return 0;
	ev = store_event(st, index);
	for (size_t i = 0; i < f->nterms; i++) {
		const struct filter_term *t = &f->terms[i];
		if (filter_term_match(t, f->scratch, st, ev, index, i) == t->negate)
			return 0;
	}
	return 1;
}
