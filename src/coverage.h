/* coverage.h - which object-access audit subcategories the loaded logs show
 * to be on, what is evidently missing and what that costs, and how to turn
 * each on.
 *
 * Evidence is inferred from the events present, per computer: each event is
 * attributed to the subcategory that logs it, by event id and object type
 * (its own, else its opener's): File -> File System, Key -> Registry,
 * Process/Thread/Token/... -> Kernel Object, SAM_* -> SAM, other types
 * (services, "Security" objects) -> Other Object Access Events; 4658 and
 * 4690 -> Handle Manipulation (a 4658 also counts for its object's
 * subcategory: Handle Manipulation only adds closes to it); 5140-5144 ->
 * File Share; 5145 -> Detailed File Share; 4670 on objects other than files
 * and keys -> Authorization Policy Change; 560-567 -> the legacy Object
 * Access category.  (EVTX records carry the subcategory as their Task, but
 * the store does not keep it and forwarded text often lacks it, so the
 * attribution is the same for every input.)
 *
 * A subcategory with events is "on" (or "failures only"); one without is
 * "no evidence": off and idle look the same, and the report says so.  Only
 * where other events prove the subcategory would have logged something is
 * it "evidently off" (4656 opens with no 4658 at all: Handle Manipulation).
 * Findings name the gap, the evidence and the cost.  Curses-free: the
 * viewer shows coverage_lines, --print uses coverage_print. */
#ifndef OAVIEW_COVERAGE_H
#define OAVIEW_COVERAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "print.h"
#include "store.h"

enum coverage_subcategory {
	COV_FILE_SYSTEM,
	COV_HANDLE_MANIPULATION,
	COV_FILE_SHARE,
	COV_DETAILED_FILE_SHARE,
	COV_REGISTRY,
	COV_KERNEL_OBJECT,
	COV_SAM,
	COV_OTHER_OBJECT,        /* shown only with evidence */
	COV_AUTHZ_POLICY,        /* Authorization Policy Change; evidence only */
	COV_LEGACY,              /* Windows 2000/XP/2003 "Audit object access" */
	COV_COUNT
};
#define COV_ALWAYS_SHOWN 7   /* the first seven are listed even when idle */

enum coverage_state {
	COVERAGE_NO_EVIDENCE,
	COVERAGE_ON,             /* success events seen */
	COVERAGE_FAILURE_ONLY,   /* only failure events */
	COVERAGE_OFF,            /* other events prove it would have logged */
};

/* Fixed facts about a subcategory. */
struct coverage_info {
	const char *name;        /* "File System" */
	const char *guid;        /* "{0CCE921D-69AE-11D9-BED3-505054503030}", or NULL */
	const char *events;      /* "4656 4658 4660 4663 4664 4670 4985 5051" */
	const char *gives;       /* what it logs, one line */
	const char *enable;      /* the auditpol (or secpol) step */
	const char *sacl;        /* the SACL step, or why none is needed */
};

#define COVERAGE_IDS_MAX 10
struct coverage_sub {
	enum coverage_state state;
	uint32_t success, failure;
	uint16_t ids[COVERAGE_IDS_MAX];    /* event ids seen, with counts */
	uint32_t id_counts[COVERAGE_IDS_MAX];
	uint8_t nids;
};

enum coverage_finding_kind {
	FINDING_HANDLE_OFF,        /* opens, no close at all */
	FINDING_NO_OPENS,          /* 4663 without any 4656 */
	FINDING_NO_USES,           /* successful opens, no 4663 */
	FINDING_UNLINKED,          /* closes/deletes/dups with no opener in view */
	FINDING_LEGACY_NO_567,     /* 560/562 pairs without 567 */
	FINDING_FAILURE_ONLY,      /* a subcategory with only failures */
	FINDING_NO_FAILURES,       /* successes everywhere, never a failure */
	FINDING_SHARE_NO_DETAIL,   /* 5140 without 5145 */
	FINDING_DETAIL_NO_SHARE,   /* 5145 without 5140 */
	FINDING_NETWORK_ONLY,      /* share events, no File System events */
	FINDING_NOT_DECODABLE,     /* records the reader could not decode */
};

struct coverage_finding {
	enum coverage_finding_kind kind;
	int subcategory;           /* enum coverage_subcategory, or -1 */
	char text[320];            /* the gap and its evidence */
	const char *cost;          /* what it costs the analysis */
};

#define COVERAGE_FINDINGS_MAX 16
struct coverage_host {
	strref computer;           /* store pool; 0 = records with no computer */
	uint32_t events;           /* object-access events attributed here */
	uint32_t unattributed;     /* no object type known (4658 with no opener) */
	struct coverage_sub subs[COV_COUNT];
	struct coverage_finding findings[COVERAGE_FINDINGS_MAX];
	size_t nfindings;
	/* counters behind the findings */
	uint32_t opens_ok, uses, closes, dups, deletes, unlinked;
	uint32_t legacy_opens, legacy_closes, legacy_uses, legacy_client_opens;
	uint32_t shares, share_checks;
};

#define COVERAGE_HOSTS_MAX 256
struct coverage {
	struct coverage_host *hosts;
	size_t nhosts;
	int hosts_merged;          /* more computers than COVERAGE_HOSTS_MAX:
				    * the rest are counted in the last host */
	uint64_t not_decodable;
	uint64_t records_seen;
};

const struct coverage_info *coverage_info(enum coverage_subcategory sub);

/* "on", "failures only", "no evidence", "evidently off". */
const char *coverage_state_name(enum coverage_state state);

/* Diagnose the store (correlated: opener types are used).  Returns 0 or
 * -1 on allocation failure. */
int coverage_build(struct coverage *cov, const struct store *st);
void coverage_free(struct coverage *cov);

/* The report as lines for a viewer, each with its kind (for colour and
 * indentation; text carries its own indentation).  Text from the log
 * (computer names) is sanitised.  Returns the number of lines. */
enum coverage_line {
	COVERAGE_LINE_TITLE,
	COVERAGE_LINE_HOST,
	COVERAGE_LINE_ON,          /* a subcategory that is on */
	COVERAGE_LINE_PARTIAL,     /* failures only */
	COVERAGE_LINE_NONE,        /* no evidence */
	COVERAGE_LINE_OFF,         /* evidently off */
	COVERAGE_LINE_HOW,         /* auditpol / SACL steps */
	COVERAGE_LINE_FINDING,
	COVERAGE_LINE_COST,
	COVERAGE_LINE_NOTE,
};
size_t coverage_lines(const struct coverage *cov, const struct store *st,
		      void (*emit)(void *ctx, enum coverage_line kind, const char *text),
		      void *ctx);

/* Print the report: jsonl (one object per subcategory and per finding,
 * each with "computer"), else text (the lines above; csv prints text too,
 * the report is not a table).  Returns 0, or -1 when the stream failed. */
int coverage_print(FILE *out, enum print_format format, const struct coverage *cov,
		   const struct store *st);

#endif
