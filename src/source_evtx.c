/* source_evtx.c - EVTX files read chunk by chunk (see source_evtx.h).
 *
 * The unit of work is one 64 KiB chunk, decoded by evtx_decode_chunk: its
 * records are first walked by their own headers, and binxml_peek reads the
 * event id, so records that are not object access never cost a libevtx
 * parse; the wanted ones are read by a libevtx file object opened on the
 * decoder's buffer -- a synthetic file header plus this one chunk, through a
 * libbfio memory range -- so a bad chunk cannot spoil the open of the
 * others.  Data names (libevtx's string API gives values only) are learned
 * once per template GUID from one rendered XML record and kept in the
 * decoder.  In live mode (EVTX_DECODE_LIVE, for follow.c) the walk ignores
 * the chunk header, which a live log writes lazily, and the copy handed to
 * libevtx gets a header rebuilt from what was walked.
 *
 * evtx_read_file: pass 1 reads every chunk header, checks its signature and
 * CRCs and notes its record-id range; chunks are then sorted by first record
 * id, so a wrapped log comes out in record order.  Pass 2 decodes chunks in
 * batches, in parallel, one decoder per worker thread; the main thread
 * delivers each batch's chunks in order to the sink. */
#include "source_evtx.h"

#include <errno.h>
#include <stdarg.h>
#include <expat.h>
#include <fcntl.h>
#include <libbfio.h>
#include <libevtx.h>
#include <pthread.h>
#include <setjmp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "arena.h"
#include "binxml_peek.h"
#include "event.h"

#define CHUNK_HEADER_SIZE 512
#define RECORD_HEADER_SIZE 24
#define MAX_THREADS 8
#define BATCH_PER_THREAD 8
#define MAX_STRING 65536

static const unsigned char FILE_SIGNATURE[8] = "ElfFile";
static const unsigned char CHUNK_SIGNATURE[8] = "ElfChnk";

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void wr32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void wr64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int evtx_is_evtx(const unsigned char *head, size_t len)
{
	return len >= 8 && memcmp(head, FILE_SIGNATURE, 8) == 0;
}

int evtx_headless(int fd)
{
	unsigned char sig[8];
	return pread(fd, sig, sizeof sig, EVTX_FILE_HEADER_SIZE) == (ssize_t)sizeof sig
	       && memcmp(sig, CHUNK_SIGNATURE, sizeof sig) == 0;
}

/* ---- decoders and decoded chunks ----------------------------------- */

struct template_names {
	unsigned char guid[16];
	int nstrings;
	size_t nnames;
	char **names;
	char *channel;
};

struct evtx_decoder {
	int keep_all;
	unsigned char *buf;     /* synthetic file header + one chunk */
	struct template_names *templates;
	size_t ntemplates;
	struct arena names_arena;
	void *altstack;         /* signal stack for the libevtx guard */
};

static void chunk_diag(struct evtx_chunk *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void chunk_diag(struct evtx_chunk *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char **d = realloc(c->diags, (c->ndiags + 1) * sizeof *d);
	if (!d)
		return;
	c->diags = d;
	d[c->ndiags] = arena_strdup(&c->arena, msg);
	if (d[c->ndiags])
		c->ndiags++;
}

static struct record *chunk_new_record(struct evtx_chunk *c)
{
	if (c->nrecs == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct record *r = realloc(c->recs, cap * sizeof *r);
		if (!r)
			return NULL;
		c->recs = r;
		c->cap = cap;
	}
	struct record *rec = &c->recs[c->nrecs++];
	record_clear(rec);
	return rec;
}

void evtx_chunk_clear(struct evtx_chunk *c)
{
	free(c->recs);
	free(c->diags);
	arena_free(&c->arena);
	memset(c, 0, sizeof *c);
}

struct evtx_decoder *evtx_decoder_new(int keep_all)
{
	struct evtx_decoder *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->keep_all = keep_all;
	d->buf = malloc(EVTX_FILE_HEADER_SIZE + EVTX_CHUNK_SIZE);
	if (!d->buf) {
		free(d);
		return NULL;
	}
	return d;
}

void evtx_decoder_free(struct evtx_decoder *d)
{
	if (!d)
		return;
	free(d->buf);
	for (size_t k = 0; k < d->ntemplates; k++)
		free(d->templates[k].names);
	free(d->templates);
	arena_free(&d->names_arena);
	free(d->altstack);
	free(d);
}

unsigned char *evtx_decoder_chunk_buffer(struct evtx_decoder *d)
{
	return d->buf + EVTX_FILE_HEADER_SIZE;
}

/* ---- template names, learned from one rendered record --------------- */

struct xml_names {
	int depth;
	int in_event_data;      /* depth of EventData/UserData, 0 if outside */
	int in_channel;
	char **names;
	size_t n, cap;
	char channel[128];
	size_t channel_len;
	struct arena *arena;
};

static const char *local_name(const char *name)
{
	const char *sep = strrchr(name, ' '); /* expat namespace separator */
	return sep ? sep + 1 : name;
}

static void xml_names_add(struct xml_names *x, const char *name)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 32;
		char **n = realloc(x->names, cap * sizeof *n);
		if (!n)
			return;
		x->names = n;
		x->cap = cap;
	}
	char *copy = arena_strdup(x->arena, name);
	if (copy)
		x->names[x->n++] = copy;
}

static void XMLCALL xml_names_start(void *ud, const XML_Char *el, const XML_Char **attr)
{
	struct xml_names *x = ud;
	const char *name = local_name(el);
	x->depth++;
	if (!x->in_event_data && (strcmp(name, "EventData") == 0 || strcmp(name, "UserData") == 0)) {
		x->in_event_data = x->depth;
		return;
	}
	if (strcmp(name, "Channel") == 0)
		x->in_channel = 1;
	if (!x->in_event_data)
		return;
	if (strcmp(name, "Data") == 0) {
		const char *dname = NULL;
		for (int i = 0; attr[i]; i += 2)
			if (strcmp(attr[i], "Name") == 0)
				dname = attr[i + 1];
		char fallback[32];
		if (!dname) {
			snprintf(fallback, sizeof fallback, "Data%zu", x->n + 1);
			dname = fallback;
		}
		xml_names_add(x, dname);
	} else if (x->depth >= x->in_event_data + 2) {
		/* UserData/<Wrapper>/<Field>: the field's element name. */
		xml_names_add(x, name);
	}
}

static void XMLCALL xml_names_end(void *ud, const XML_Char *el)
{
	struct xml_names *x = ud;
	if (x->in_event_data == x->depth)
		x->in_event_data = 0;
	x->in_channel = 0;
	x->depth--;
	(void)el;
}

static void XMLCALL xml_names_text(void *ud, const XML_Char *s, int len)
{
	struct xml_names *x = ud;
	if (!x->in_channel)
		return;
	size_t room = sizeof x->channel - 1 - x->channel_len;
	size_t n = (size_t)len < room ? (size_t)len : room;
	memcpy(x->channel + x->channel_len, s, n);
	x->channel_len += n;
	x->channel[x->channel_len] = '\0';
}

/* Render rec's XML once and pull out the Data names in order. */
static struct template_names *decoder_learn(struct evtx_decoder *w, libevtx_record_t *rec,
					    const unsigned char *guid, int nstrings,
					    struct evtx_chunk *out)
{
	libevtx_error_t *error = NULL;
	size_t size = 0;
	if (libevtx_record_get_utf8_xml_string_size(rec, &size, &error) != 1 || size == 0 || size > (64u << 20)) {
		libevtx_error_free(&error);
		return NULL;
	}
	char *xml = malloc(size);
	if (!xml)
		return NULL;
	if (libevtx_record_get_utf8_xml_string(rec, (uint8_t *)xml, size, &error) != 1) {
		libevtx_error_free(&error);
		free(xml);
		return NULL;
	}
	struct xml_names x = {0};
	x.arena = &w->names_arena;
	XML_Parser p = XML_ParserCreateNS("UTF-8", ' ');
	if (!p) {
		free(xml);
		return NULL;
	}
	XML_SetUserData(p, &x);
	XML_SetElementHandler(p, xml_names_start, xml_names_end);
	XML_SetCharacterDataHandler(p, xml_names_text);
	int ok = XML_Parse(p, xml, (int)strnlen(xml, size), 1) == XML_STATUS_OK;
	if (!ok)
		chunk_diag(out, "chunk %u: cannot read the field names of a template: %s",
			   out->number, XML_ErrorString(XML_GetErrorCode(p)));
	XML_ParserFree(p);
	free(xml);
	if (!ok) {
		free(x.names);
		return NULL;
	}
	struct template_names *t = realloc(w->templates, (w->ntemplates + 1) * sizeof *t);
	if (!t) {
		free(x.names);
		return NULL;
	}
	w->templates = t;
	t = &w->templates[w->ntemplates];
	memset(t, 0, sizeof *t);
	if (guid)
		memcpy(t->guid, guid, 16);
	t->nstrings = nstrings;
	t->names = x.names;
	t->nnames = x.n;
	t->channel = x.channel_len ? arena_strdup(&w->names_arena, x.channel) : NULL;
	/* Without a GUID the names cannot be reused; the caller frees them. */
	if (guid)
		w->ntemplates++;
	return t;
}

static struct template_names *decoder_find(struct evtx_decoder *w, const unsigned char *guid, int nstrings)
{
	for (size_t i = 0; i < w->ntemplates; i++)
		if (w->templates[i].nstrings == nstrings && memcmp(w->templates[i].guid, guid, 16) == 0)
			return &w->templates[i];
	return NULL;
}

/* ---- decoding one chunk ---------------------------------------------- */

static void synthetic_header(unsigned char *h, uint64_t next_id)
{
	memset(h, 0, EVTX_FILE_HEADER_SIZE);
	memcpy(h, FILE_SIGNATURE, 8);
	wr64(h + 8, 0);          /* first chunk */
	wr64(h + 16, 0);         /* last chunk */
	wr64(h + 24, next_id);
	wr32(h + 32, 128);
	wr16(h + 36, 1);
	wr16(h + 38, 3);
	wr16(h + 40, EVTX_FILE_HEADER_SIZE);
	wr16(h + 42, 1);         /* one chunk */
	wr32(h + 120, 1);        /* dirty: do not trust the counts */
	wr32(h + 124, (uint32_t)crc32(0, h, 120));
}

static const char *utf8_string(libevtx_record_t *rec, int index, struct arena *a)
{
	libevtx_error_t *error = NULL;
	size_t size = 0;
	if (libevtx_record_get_utf8_string_size(rec, index, &size, &error) != 1) {
		libevtx_error_free(&error);
		return NULL;
	}
	if (size == 0)
		return "";
	if (size > MAX_STRING)
		size = MAX_STRING;
	char *s = arena_alloc(a, size);
	if (!s)
		return NULL;
	if (libevtx_record_get_utf8_string(rec, index, (uint8_t *)s, size, &error) != 1) {
		libevtx_error_free(&error);
		/* Too long for our cap, or undecodable: keep it visible as such. */
		return "(unreadable value)";
	}
	s[size - 1] = '\0';
	return s;
}

static const char *utf8_computer(libevtx_record_t *rec, struct arena *a)
{
	libevtx_error_t *error = NULL;
	size_t size = 0;
	if (libevtx_record_get_utf8_computer_name_size(rec, &size, &error) != 1 || size == 0 || size > 1024) {
		libevtx_error_free(&error);
		return NULL;
	}
	char *s = arena_alloc(a, size);
	if (!s || libevtx_record_get_utf8_computer_name(rec, (uint8_t *)s, size, &error) != 1) {
		libevtx_error_free(&error);
		return NULL;
	}
	return s;
}

static const char *utf8_provider(libevtx_record_t *rec, struct arena *a)
{
	libevtx_error_t *error = NULL;
	size_t size = 0;
	if (libevtx_record_get_utf8_source_name_size(rec, &size, &error) != 1 || size == 0 || size > 1024) {
		libevtx_error_free(&error);
		return NULL;
	}
	char *s = arena_alloc(a, size);
	if (!s || libevtx_record_get_utf8_source_name(rec, (uint8_t *)s, size, &error) != 1) {
		libevtx_error_free(&error);
		return NULL;
	}
	return s;
}

static void libevtx_message(libevtx_error_t *error, char *buf, size_t len)
{
	buf[0] = '\0';
	if (error) {
		libevtx_error_sprint(error, buf, len);
		/* keep the last line: it is the most specific */
		char *nl;
		while ((nl = strrchr(buf, '\n')) && nl[1] == '\0')
			*nl = '\0';
		if ((nl = strrchr(buf, '\n')))
			memmove(buf, nl + 1, strlen(nl + 1) + 1);
	}
	if (!buf[0])
		snprintf(buf, len, "unknown libevtx error");
}

struct walked {
	size_t offset;          /* in chunk */
	uint32_t size;
	uint64_t id;
	int64_t time;
	struct binxml_peek peek;
	int wanted;
};

/* Fill rec from the libevtx record. Returns 0, or -1 if it cannot. */
static int decode_record(struct evtx_decoder *d, struct evtx_chunk *out, libevtx_record_t *lr,
			 const struct walked *wk, struct record *rec)
{
	libevtx_error_t *error = NULL;
	uint32_t id = 0;
	if (libevtx_record_get_event_identifier(lr, &id, &error) != 1) {
		libevtx_error_free(&error);
		return -1;
	}
	rec->event_id = id & 0xffff;
	rec->computer = utf8_computer(lr, &out->arena);
	rec->provider = utf8_provider(lr, &out->arena);
	if (wk->peek.has_keywords) {
		if (wk->peek.keywords & KEYWORD_AUDIT_SUCCESS)
			rec->outcome = OUTCOME_SUCCESS;
		else if (wk->peek.keywords & KEYWORD_AUDIT_FAILURE)
			rec->outcome = OUTCOME_FAILURE;
	}
	int nstrings = 0;
	if (libevtx_record_get_number_of_strings(lr, &nstrings, &error) != 1) {
		libevtx_error_free(&error);
		nstrings = 0;
	}
	struct template_names *t = NULL;
	int owned = 0;
	if (wk->peek.has_guid)
		t = decoder_find(d, wk->peek.guid, nstrings);
	if (!t) {
		t = decoder_learn(d, lr, wk->peek.has_guid ? wk->peek.guid : NULL, nstrings, out);
		owned = t && !wk->peek.has_guid;
	}
	if (t)
		rec->channel = t->channel ? arena_strdup(&out->arena, t->channel) : NULL;
	for (int i = 0; i < nstrings && i < RECORD_MAX_DATA; i++) {
		const char *value = utf8_string(lr, i, &out->arena);
		if (!value)
			continue;
		const char *name;
		if (t && (size_t)i < t->nnames) {
			name = arena_strdup(&out->arena, t->names[i]);
		} else {
			char buf[32];
			snprintf(buf, sizeof buf, "Data%d", i + 1);
			name = arena_strdup(&out->arena, buf);
		}
		record_add(rec, name, value);
	}
	if (owned)
		free(t->names);
	return 0;
}

/* Is there a complete record at chunk[off..limit)?  Its size is returned,
 * or 0: no record signature, or a size out of range or not repeated in the
 * record's last four bytes (a record still being written looks like that). */
static uint32_t record_at(const unsigned char *chunk, size_t off, size_t limit)
{
	if (off + RECORD_HEADER_SIZE > limit || memcmp(chunk + off, "**\0\0", 4) != 0)
		return 0;
	uint32_t size = rd32(chunk + off + 4);
	if (size < RECORD_HEADER_SIZE + 4 || size > limit - off || rd32(chunk + off + size - 4) != size)
		return 0;
	return size;
}

/* Walk the records of chunk[512..limit).  Read mode: until the first record
 * that is not sound, which is reported (the rest of the chunk is lost).
 * Live mode: while records are complete and their ids go up; stopping is
 * normal there (the writer's position), so it is not reported. */
/* Not inlined: its locals must not live in evtx_decode_chunk's frame,
 * which a guarded libevtx crash jumps back into. */
static __attribute__((noinline)) struct walked *walk_records(struct evtx_decoder *d, const unsigned char *chunk, size_t limit,
				   uint64_t min_sequence, unsigned flags, struct evtx_chunk *out,
				   size_t *nwalk_out, size_t *nwanted_out)
{
	struct walked *walk = NULL;
	size_t nwalk = 0, walk_cap = 0, nwanted = 0;
	int live = (flags & EVTX_DECODE_LIVE) != 0;
	/* A live chunk re-initialised after a wrap still holds records of the
	 * previous round behind its header until they are overwritten. */
	uint64_t floor = live ? rd64(chunk + 24) : 0;
	size_t off = CHUNK_HEADER_SIZE;
	while (off + RECORD_HEADER_SIZE <= limit) {
		if (memcmp(chunk + off, "**\0\0", 4) != 0)
			break;
		uint32_t size = record_at(chunk, off, limit);
		if (!size) {
			if (!live)
				chunk_diag(out, "chunk %u (offset %llu): record at chunk offset %zu has a bad size; "
					   "the rest of the chunk is skipped", out->number,
					   (unsigned long long)out->offset, off);
			break;
		}
		uint64_t id = rd64(chunk + off + 8);
		if (live && (id < floor || (nwalk && id <= walk[nwalk - 1].id)))
			break;
		if (nwalk == walk_cap) {
			walk_cap = walk_cap ? walk_cap * 2 : 128;
			struct walked *nw = realloc(walk, walk_cap * sizeof *nw);
			if (!nw)
				break;
			walk = nw;
		}
		struct walked *wk = &walk[nwalk++];
		wk->offset = off;
		wk->size = size;
		wk->id = id;
		wk->time = (int64_t)rd64(chunk + off + 16);
		binxml_peek_record(chunk, EVTX_CHUNK_SIZE, off, size, &wk->peek);
		wk->wanted = id >= min_sequence
			&& (d->keep_all || !wk->peek.has_event_id || event_is_object_access(wk->peek.event_id));
		nwanted += wk->wanted;
		off += size;
	}
	out->walk_end = (uint32_t)off;
	*nwalk_out = nwalk;
	*nwanted_out = nwanted;
	return walk;
}

static uint32_t chunk_header_crc(const unsigned char *h)
{
	uint32_t crc = (uint32_t)crc32(0, h, 120);
	return (uint32_t)crc32(crc, h + 128, CHUNK_HEADER_SIZE - 128);
}

/* Make the chunk in the decoder's buffer say what the walk found, so that
 * libevtx reads exactly the records walked: a live log's header lags behind
 * its records and its CRCs are wrong while it is written. */
static void rebuild_chunk_header(unsigned char *chunk, const struct walked *walk, size_t nwalk,
				 size_t end)
{
	memset(chunk + end, 0, EVTX_CHUNK_SIZE - end);
	uint64_t first = nwalk ? walk[0].id : 0, last = nwalk ? walk[nwalk - 1].id : 0;
	wr64(chunk + 8, first);
	wr64(chunk + 16, last);
	wr64(chunk + 24, first);
	wr64(chunk + 32, last);
	wr32(chunk + 40, 128);
	wr32(chunk + 44, nwalk ? (uint32_t)walk[nwalk - 1].offset : 0);
	wr32(chunk + 48, (uint32_t)end);
	wr32(chunk + 52, (uint32_t)crc32(0, chunk + CHUNK_HEADER_SIZE, (uInt)(end - CHUNK_HEADER_SIZE)));
	wr32(chunk + 124, chunk_header_crc(chunk));
}

/* ---- a guard around libevtx -------------------------------------------
 * libevtx 20181227 can crash (SIGSEGV) on some corrupted BinXML (seen on a
 * chunk with bad CRCs).  A hostile log must not take the viewer down, so
 * every call into libevtx for a chunk runs with a per-thread jump buffer:
 * the signal handler jumps back, that chunk's libevtx objects are
 * abandoned (leaked: their state is unknown), and the crashing record and
 * the rest of the chunk are listed as not decodable and named.  Signals
 * outside a guarded call keep their default action.  Each thread gets an
 * alternate signal stack, so a stack overflow inside libevtx is caught too. */

static __thread sigjmp_buf *guard_jmp;
#define GUARD_STACK_SIZE (1 << 16)
static const int GUARD_SIGNALS[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
#define GUARD_NSIGNALS (sizeof GUARD_SIGNALS / sizeof GUARD_SIGNALS[0])
/* what was there before us, called for signals outside a guarded call */
static struct sigaction guard_prev[GUARD_NSIGNALS];
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;

static void guard_handler(int sig, siginfo_t *info, void *uctx)
{
	if (guard_jmp)
		siglongjmp(*guard_jmp, sig);
	for (size_t i = 0; i < GUARD_NSIGNALS; i++) {
		if (GUARD_SIGNALS[i] != sig)
			continue;
		if (guard_prev[i].sa_flags & SA_SIGINFO) {
			if (guard_prev[i].sa_sigaction) {
				guard_prev[i].sa_sigaction(sig, info, uctx);
				return;
			}
		} else if (guard_prev[i].sa_handler != SIG_DFL && guard_prev[i].sa_handler != SIG_IGN) {
			guard_prev[i].sa_handler(sig);
			return;
		}
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* (Re)install the handler when something (a test harness, a sanitizer)
 * put its own in place since; theirs is kept and called for signals that
 * do not come from a guarded call. */
static void guard_install(void)
{
	pthread_mutex_lock(&guard_lock);
	for (size_t i = 0; i < GUARD_NSIGNALS; i++) {
		struct sigaction cur;
		if (sigaction(GUARD_SIGNALS[i], NULL, &cur) != 0)
			continue;
		if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == guard_handler)
			continue;
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = guard_handler;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		if (sigaction(GUARD_SIGNALS[i], &sa, &guard_prev[i]) != 0)
			memset(&guard_prev[i], 0, sizeof guard_prev[i]);
	}
	pthread_mutex_unlock(&guard_lock);
}

/* Put the decoder's signal stack in place for this thread, unless the
 * thread has one already (a sanitizer runtime's); returns 1 when it did,
 * so guard_leave takes it away again before the decoder can be freed. */
static int guard_enter(struct evtx_decoder *d)
{
	guard_install();
	stack_t old;
	if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
		return 0;
	if (!d->altstack)
		d->altstack = malloc(GUARD_STACK_SIZE);
	if (!d->altstack)
		return 0;
	stack_t ss = {.ss_sp = d->altstack, .ss_size = GUARD_STACK_SIZE, .ss_flags = 0};
	return sigaltstack(&ss, NULL) == 0;
}

static void guard_leave(int installed)
{
	guard_jmp = NULL;
	if (installed) {
		stack_t ss = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
		sigaltstack(&ss, NULL);
	}
}

/* Where the guarded work was when a signal came: kept in volatile
 * storage, since locals are unreliable after siglongjmp. */
struct guard_state {
	volatile size_t walk_index;   /* the record being decoded */
	volatile size_t nrecs;        /* out->nrecs before it */
	volatile int in_loop;
};

/* List the wanted records walk[from..nwalk) as not decodable, with what
 * their own headers and the BinXML peek tell.  Returns how many. */
static size_t list_not_decodable(struct evtx_chunk *out, const struct walked *walk, size_t from,
				 size_t nwalk, uint64_t offset)
{
	size_t n = 0;
	for (size_t i = from; i < nwalk; i++) {
		const struct walked *wk = &walk[i];
		if (!wk->wanted)
			continue;
		struct record *rec = chunk_new_record(out);
		if (!rec)
			break;
		rec->number = wk->peek.has_record_id ? wk->peek.record_id : wk->id;
		rec->sequence = wk->id;
		rec->time = wk->peek.has_time_created ? wk->peek.time_created : wk->time;
		rec->raw_offset = offset + wk->offset;
		rec->raw_size = wk->size;
		if (wk->peek.has_event_id)
			rec->event_id = wk->peek.event_id;
		rec->flags |= RECORD_NOT_DECODABLE;
		n++;
	}
	return n;
}

static int chunk_checksums_ok(const unsigned char *chunk, size_t limit)
{
	if (chunk_header_crc(chunk) != rd32(chunk + 124))
		return 0;
	return (uint32_t)crc32(0, chunk + CHUNK_HEADER_SIZE, (uInt)(limit - CHUNK_HEADER_SIZE)) == rd32(chunk + 52);
}

#define TRIAL_MEMORY_LIMIT (1024ull << 20)

/* Decode the chunk in a child process first: 1 when that ended well. */
static int chunk_trial_ok(struct evtx_decoder *d, unsigned char *chunk, size_t len, uint32_t number,
			  uint64_t offset, uint64_t min_sequence)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
#if !defined(__SANITIZE_ADDRESS__)
		/* (AddressSanitizer reserves terabytes of address space, and its
		 * red zones make the over-read fault anyway.) */
		struct rlimit rl = {TRIAL_MEMORY_LIMIT, TRIAL_MEMORY_LIMIT};
		setrlimit(RLIMIT_AS, &rl);
#endif
		struct evtx_chunk scratch;
		memset(&scratch, 0, sizeof scratch);
		evtx_decode_chunk(d, chunk, len, number, offset, min_sequence, EVTX_DECODE_UNCHECKED, &scratch);
		/* clean only if libevtx decoded every record: a crash caught by
		 * the guard, or an allocation refused by the limit, shows as
		 * records that are not decodable */
		for (size_t i = 0; i < scratch.nrecs; i++)
			if (scratch.recs[i].flags & RECORD_NOT_DECODABLE)
				_exit(1);
		_exit(0);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void evtx_decode_chunk(struct evtx_decoder *d, const unsigned char *chunk_in, size_t len,
		       uint32_t number, uint64_t offset, uint64_t min_sequence, unsigned flags,
		       struct evtx_chunk *out)
{
	unsigned char *chunk = evtx_decoder_chunk_buffer(d);
	evtx_chunk_clear(out);
	out->number = number;
	out->offset = offset;
	if (len > EVTX_CHUNK_SIZE)
		len = EVTX_CHUNK_SIZE;
	if (chunk_in != chunk)
		memcpy(chunk, chunk_in, len);
	memset(chunk + len, 0, EVTX_CHUNK_SIZE - len);
	if (len < CHUNK_HEADER_SIZE)
		return;

	/* Walk the records by their own headers. */
	int live = (flags & EVTX_DECODE_LIVE) != 0;
	size_t limit = len;
	uint32_t free_off = rd32(chunk + 48);
	if (!live && free_off >= CHUNK_HEADER_SIZE && free_off <= limit)
		limit = free_off;
	size_t nwalk = 0, nwanted = 0;
	struct walked *walk = walk_records(d, chunk, limit, min_sequence, flags, out, &nwalk, &nwanted);
	out->nwalked = nwalk;
	if (nwalk) {
		out->first_id = walk[0].id;
		out->last_id = walk[nwalk - 1].id;
	}

	/* A chunk whose checksums do not match is damaged (live chunks being
	 * written are handled above).  On damaged BinXML libevtx can read past
	 * its buffer and then ask for gigabytes instead of faulting, which no
	 * signal guard catches; so such a chunk is first decoded in a child
	 * process with a memory limit, and only handed to libevtx here if that
	 * trial ends well. */
	if (!live && !(flags & EVTX_DECODE_UNCHECKED) && nwanted && !getenv("OAVIEW_NO_TRIAL")
	    && !chunk_checksums_ok(chunk, limit)) {
		if (!chunk_trial_ok(d, chunk, len, number, offset, min_sequence)) {
			size_t lost = list_not_decodable(out, walk, 0, nwalk, offset);
			chunk_diag(out, "chunk %u (offset %llu) is damaged (checksum mismatch) and libevtx "
				   "fails on it; its %zu records are listed as not decodable", number,
				   (unsigned long long)offset, lost);
			free(walk);
			return;
		}
	}

	libevtx_file_t *volatile file = NULL;
	libbfio_handle_t *volatile io = NULL;
	volatile int nlib = 0;
	char msg[256] = "";
	static __thread struct guard_state gs;
	sigjmp_buf env;
	gs.walk_index = 0;
	gs.nrecs = out->nrecs;
	gs.in_loop = 0;
	int sig = 0;
	volatile int own_stack = 0;
	if (nwanted) {
		own_stack = guard_enter(d);
		sig = sigsetjmp(env, 1);
		if (sig)
			goto crashed;
		guard_jmp = &env;
	}
	if (nwanted) {
		libevtx_error_t *error = NULL;
		libbfio_error_t *berr = NULL;
		if (live)
			rebuild_chunk_header(chunk, walk, nwalk, out->walk_end);
		synthetic_header(d->buf, nwalk ? walk[nwalk - 1].id + 1 : 1);
		libbfio_handle_t *h = NULL;
		int io_ok = libbfio_memory_range_initialize(&h, &berr) == 1;
		io = h;
		if (!io_ok || libbfio_memory_range_set(h, d->buf, EVTX_FILE_HEADER_SIZE + EVTX_CHUNK_SIZE, &berr) != 1) {
			libbfio_error_free(&berr);
			snprintf(msg, sizeof msg, "cannot set up memory I/O");
		} else {
			libevtx_file_t *f = NULL;
			int n = 0;
			if (libevtx_file_initialize(&f, &error) != 1
			    || libevtx_file_open_file_io_handle(f, h, LIBEVTX_OPEN_READ, &error) != 1) {
				libevtx_message(error, msg, sizeof msg);
				libevtx_error_free(&error);
				if (f)
					libevtx_file_free(&f, NULL);
				f = NULL;
			} else if (libevtx_file_get_number_of_records(f, &n, &error) != 1) {
				libevtx_error_free(&error);
				n = 0;
			}
			file = f;
			nlib = n;
		}
		if (!file)
			chunk_diag(out, "chunk %u (offset %llu): libevtx cannot read it (%s); its %zu records "
				   "are listed as not decodable", number,
				   (unsigned long long)offset, msg, nwanted);
	}

	size_t undecodable = 0;
	gs.in_loop = 1;
	for (size_t i = 0; i < nwalk; i++) {
		struct walked *wk = &walk[i];
		if (!wk->wanted)
			continue;
		gs.walk_index = i;
		gs.nrecs = out->nrecs;
		struct record *rec = chunk_new_record(out);
		if (!rec)
			break;
		/* The number users see (Event Viewer's EventRecordID) can differ
		 * from the record header's id in exported logs. */
		uint64_t recnum = wk->peek.has_record_id ? wk->peek.record_id : wk->id;
		rec->number = recnum;
		rec->sequence = wk->id;
		/* TimeCreated is what Event Viewer shows; the header's time is
		 * when the record was written, and can be 0. */
		int64_t when = wk->peek.has_time_created ? wk->peek.time_created : wk->time;
		rec->time = when;
		rec->raw_offset = offset + wk->offset;
		rec->raw_size = wk->size;
		if (wk->peek.has_event_id)
			rec->event_id = wk->peek.event_id;
		libevtx_record_t *lr = NULL;
		libevtx_error_t *error = NULL;
		int ok = 0;
		libevtx_file_t *lf = file;
		if (lf && (int)i < nlib && libevtx_file_get_record_by_index(lf, (int)i, &lr, &error) == 1) {
			uint64_t lid = 0;
			if (libevtx_record_get_identifier(lr, &lid, NULL) == 1 && lid == wk->id)
				ok = decode_record(d, out, lr, wk, rec) == 0;
			libevtx_record_free(&lr, NULL);
		}
		libevtx_error_free(&error);
		if (!ok) {
			/* Keep what the header tells; drop any half-filled data. */
			uint32_t eid = rec->event_id;
			record_clear(rec);
			rec->number = recnum;
			rec->sequence = wk->id;
			rec->time = when;
			rec->raw_offset = offset + wk->offset;
			rec->raw_size = wk->size;
			rec->event_id = eid;
			rec->flags |= RECORD_NOT_DECODABLE;
			if (file)
				undecodable++;
		}
	}
	if (undecodable)
		chunk_diag(out, "chunk %u (offset %llu): libevtx could not decode %zu of its records; "
			   "they are listed as not decodable", number,
			   (unsigned long long)offset, undecodable);
	if (file) {
		libevtx_file_t *f = file;
		libevtx_file_close(f, NULL);
		libevtx_file_free(&f, NULL);
	}
	guard_leave(own_stack);
	if (io) {
		libbfio_handle_t *h = io;
		libbfio_handle_free(&h, NULL);
	}
	free(walk);
	return;

crashed:
	/* libevtx took a signal: abandon its objects, keep what was decoded,
	 * and list the rest of the chunk from the crashing record on. */
	guard_leave(own_stack);
	{
		size_t from = gs.in_loop ? gs.walk_index : 0;
		out->nrecs = gs.in_loop ? gs.nrecs : out->nrecs;
		size_t lost = list_not_decodable(out, walk, from, nwalk, offset);
		chunk_diag(out, "chunk %u (offset %llu): libevtx crashed (signal %d) on the record at chunk "
			   "offset %zu; it and the %zu wanted records after it are listed as not decodable",
			   number, (unsigned long long)offset, sig, nwalk ? walk[from < nwalk ? from : 0].offset : 0,
			   lost ? lost - 1 : 0);
	}
	free(walk);
}

/* ---- the whole file: pass 1 reads chunk headers, pass 2 decodes ------ */

struct chunk_info {
	uint32_t number;        /* position in the file */
	uint64_t offset;        /* file offset */
	uint32_t length;        /* bytes present (short for a truncated file) */
	uint64_t first_id, last_id;
};

struct chunk_job {
	const struct chunk_info *info;
	struct evtx_chunk chunk;
};

struct evtx_reader {
	const char *path;
	int fd;
	int keep_all;
	struct chunk_info *chunks;
	size_t nchunks;
	struct chunk_job *jobs;
	size_t njobs;
	size_t next_job;
	pthread_mutex_t lock;
};

struct worker {
	struct evtx_reader *reader;
	struct evtx_decoder *decoder;
	pthread_t thread;
};

static void read_chunk(struct worker *w, struct chunk_job *job)
{
	const struct chunk_info *info = job->info;
	unsigned char *chunk = evtx_decoder_chunk_buffer(w->decoder);
	ssize_t got = pread(w->reader->fd, chunk, info->length, (off_t)info->offset);
	if (got < (ssize_t)CHUNK_HEADER_SIZE) {
		evtx_chunk_clear(&job->chunk);
		job->chunk.number = info->number;
		chunk_diag(&job->chunk, "chunk %u (offset %llu): cannot read: %s", info->number,
			   (unsigned long long)info->offset, got < 0 ? strerror(errno) : "short read");
		return;
	}
	evtx_decode_chunk(w->decoder, chunk, (size_t)got, info->number, info->offset, 0, 0, &job->chunk);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct evtx_reader *r = w->reader;
	for (;;) {
		pthread_mutex_lock(&r->lock);
		size_t j = r->next_job < r->njobs ? r->next_job++ : r->njobs;
		pthread_mutex_unlock(&r->lock);
		if (j >= r->njobs)
			break;
		read_chunk(w, &r->jobs[j]);
	}
	return NULL;
}

static int chunk_cmp(const void *a, const void *b)
{
	const struct chunk_info *x = a, *y = b;
	if (x->first_id != y->first_id)
		return x->first_id < y->first_id ? -1 : 1;
	return x->number < y->number ? -1 : x->number > y->number;
}

static int is_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void sink_diag(const struct record_sink *sink, const char *path, const char *msg)
{
	if (!sink->diag)
		return;
	char line[768];
	snprintf(line, sizeof line, "%s: %s", path, msg);
	sink->diag(sink->ctx, line);
}

static int scan_chunks(struct evtx_reader *r, uint64_t file_size, const struct record_sink *sink,
		       char *err, size_t errlen)
{
	uint64_t body = file_size - EVTX_FILE_HEADER_SIZE;
	size_t slots = (size_t)((body + EVTX_CHUNK_SIZE - 1) / EVTX_CHUNK_SIZE);
	r->chunks = calloc(slots ? slots : 1, sizeof *r->chunks);
	if (!r->chunks) {
		snprintf(err, errlen, "%s: out of memory", r->path);
		return -1;
	}
	unsigned char h[CHUNK_HEADER_SIZE];
	char msg[512];
	for (size_t i = 0; i < slots; i++) {
		uint64_t off = EVTX_FILE_HEADER_SIZE + (uint64_t)i * EVTX_CHUNK_SIZE;
		uint64_t length = file_size - off < EVTX_CHUNK_SIZE ? file_size - off : EVTX_CHUNK_SIZE;
		memset(h, 0, sizeof h);
		ssize_t got = pread(r->fd, h, sizeof h, (off_t)off);
		if (got < 0) {
			snprintf(msg, sizeof msg, "chunk %zu (offset %llu): cannot read: %s", i,
				 (unsigned long long)off, strerror(errno));
			sink_diag(sink, r->path, msg);
			continue;
		}
		if (memcmp(h, CHUNK_SIGNATURE, 8) != 0) {
			/* Empty space a live log has preallocated is all zeros:
			 * normal, not worth a word. */
			if (!is_zero(h, (size_t)got)) {
				snprintf(msg, sizeof msg, "chunk %zu (offset %llu) has no chunk signature; skipped",
					 i, (unsigned long long)off);
				sink_diag(sink, r->path, msg);
			}
			continue;
		}
		if (chunk_header_crc(h) != rd32(h + 124)) {
			snprintf(msg, sizeof msg, "chunk %zu (offset %llu): header checksum mismatch; "
				 "reading its records anyway", i, (unsigned long long)off);
			sink_diag(sink, r->path, msg);
		}
		if (length < EVTX_CHUNK_SIZE) {
			snprintf(msg, sizeof msg, "chunk %zu (offset %llu) is cut short at %llu of %d bytes "
				 "(truncated file); reading what is there", i, (unsigned long long)off,
				 (unsigned long long)length, EVTX_CHUNK_SIZE);
			sink_diag(sink, r->path, msg);
		}
		struct chunk_info *c = &r->chunks[r->nchunks++];
		c->number = (uint32_t)i;
		c->offset = off;
		c->length = (uint32_t)length;
		c->first_id = rd64(h + 24);
		c->last_id = rd64(h + 32);
	}
	qsort(r->chunks, r->nchunks, sizeof *r->chunks, chunk_cmp);
	return 0;
}

static int cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (n > MAX_THREADS ? MAX_THREADS : (int)n);
}

int evtx_read_file(const char *path, const struct evtx_options *opt,
		   const struct record_sink *sink, char *err, size_t errlen)
{
	struct evtx_reader r = {0};
	r.path = path;
	r.keep_all = opt ? opt->keep_all : 0;
	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	struct stat sb;
	unsigned char head[EVTX_FILE_HEADER_SIZE];
	if (fstat(r.fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(r.fd);
		return -1;
	}
	ssize_t got = pread(r.fd, head, sizeof head, 0);
	if (got < 8 || !evtx_is_evtx(head, (size_t)got)) {
		if (!evtx_headless(r.fd)) {
			snprintf(err, errlen, "%s: not an EVTX file (no ElfFile signature at offset 0)", path);
			close(r.fd);
			return -1;
		}
		/* The chunks are what matters; the file header is never trusted. */
		sink_diag(sink, path, "the file header is damaged (no ElfFile signature at offset 0), "
			  "but chunks follow it at offset 4096: reading them");
	}
	if ((uint64_t)sb.st_size <= EVTX_FILE_HEADER_SIZE) {
		snprintf(err, errlen, "%s: EVTX file has no chunks (%lld bytes)", path, (long long)sb.st_size);
		close(r.fd);
		return -1;
	}
	if (scan_chunks(&r, (uint64_t)sb.st_size, sink, err, errlen) < 0) {
		close(r.fd);
		return -1;
	}

	int nthreads = opt && opt->threads > 0 ? opt->threads : cpu_count();
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	struct worker workers[MAX_THREADS];
	memset(workers, 0, sizeof workers);
	int status = 0;
	for (int t = 0; t < nthreads; t++) {
		workers[t].reader = &r;
		workers[t].decoder = evtx_decoder_new(r.keep_all);
		if (!workers[t].decoder) {
			snprintf(err, errlen, "%s: out of memory", path);
			status = -1;
		}
	}
	pthread_mutex_init(&r.lock, NULL);
	size_t batch = (size_t)nthreads * BATCH_PER_THREAD;
	r.jobs = calloc(batch, sizeof *r.jobs);
	if (!r.jobs) {
		snprintf(err, errlen, "%s: out of memory", path);
		status = -1;
	}
	uint64_t last_id = 0;
	int have_last = 0;
	/* newest first: batches from the end; ids must stay below every id
	 * delivered by the (newer) batches before */
	int backwards = opt && opt->newest_first;
	uint64_t upper = UINT64_MAX;
	size_t nbatches = (r.nchunks + batch - 1) / batch;
	for (size_t b = 0; status == 0 && b < nbatches; b++) {
		size_t base = backwards ? (nbatches - 1 - b) * batch : b * batch;
		r.njobs = r.nchunks - base < batch ? r.nchunks - base : batch;
		if (backwards) {
			have_last = 0;
			last_id = 0;
		}
		uint64_t batch_min = UINT64_MAX;
		r.next_job = 0;
		for (size_t j = 0; j < r.njobs; j++) {
			evtx_chunk_clear(&r.jobs[j].chunk);
			r.jobs[j].info = &r.chunks[base + j];
		}
		int started = 0;
		for (int t = 1; t < nthreads && (size_t)t < r.njobs; t++)
			if (pthread_create(&workers[t].thread, NULL, worker_main, &workers[t]) == 0)
				started = t;
		worker_main(&workers[0]);
		for (int t = 1; t <= started; t++)
			pthread_join(workers[t].thread, NULL);

		for (size_t j = 0; j < r.njobs; j++) {
			struct evtx_chunk *c = &r.jobs[j].chunk;
			for (size_t d = 0; d < c->ndiags; d++)
				sink_diag(sink, path, c->diags[d]);
			size_t dup = 0;
			for (size_t k = 0; status == 0 && k < c->nrecs; k++) {
				/* A stale copy of a rewritten chunk repeats ids. */
				if ((have_last && c->recs[k].sequence <= last_id) || c->recs[k].sequence >= upper) {
					dup++;
					continue;
				}
				last_id = c->recs[k].sequence;
				if (last_id < batch_min)
					batch_min = last_id;
				have_last = 1;
				if (sink->record(sink->ctx, &c->recs[k]))
					status = 1;
			}
			if (dup) {
				char msg[256];
				snprintf(msg, sizeof msg, "chunk %u: %zu records repeat ids already read; skipped",
					 r.jobs[j].info->number, dup);
				sink_diag(sink, path, msg);
			}
			evtx_chunk_clear(c);
		}
		if (backwards && batch_min < upper)
			upper = batch_min;
	}
	for (size_t j = 0; r.jobs && j < batch; j++)
		evtx_chunk_clear(&r.jobs[j].chunk);
	for (int t = 0; t < nthreads; t++)
		evtx_decoder_free(workers[t].decoder);
	pthread_mutex_destroy(&r.lock);
	free(r.jobs);
	free(r.chunks);
	close(r.fd);
	return status;
}
