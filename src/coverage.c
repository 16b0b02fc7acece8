/* coverage.c - audit coverage diagnosis (see coverage.h).
 *
 * One pass over the store fills a struct coverage_host per computer
 * (looked up by strref in a small array: a log holds a handful of hosts):
 * per-subcategory success/failure counts with the event ids behind them,
 * and the counters the findings need.  A second pass over the hosts turns
 * counters into states and findings.  The facts about each subcategory
 * (GUID, events, auditpol command, SACL step) are one table. */
#include "coverage.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "export.h"
#include "print.h"
#include "sanitize.h"

/* GUIDs: Microsoft's auditing constants (Audit_ObjectAccess_FileSystem
 * {0CCE921D-...} and the ones after it); auditpol accepts them where the
 * subcategory names are localised. */
static const struct coverage_info INFO[COV_COUNT] = {
	[COV_FILE_SYSTEM] = {
		"File System", "{0CCE921D-69AE-11D9-BED3-505054503030}",
		"4656 4658 4660 4663 4664 4670 4985 5051",
		"opens, operations, deletions and permission changes on files and folders that have a SACL",
		"auditpol /set /subcategory:\"File System\" /success:enable /failure:enable",
		"a SACL on the folder: Explorer: Properties > Security > Advanced > Auditing > Add "
		"(Everyone, the rights to watch, this folder, subfolders and files); or PowerShell: "
		"$a = Get-Acl C:\\Data -Audit; $a.AddAuditRule((New-Object "
		"System.Security.AccessControl.FileSystemAuditRule('Everyone', "
		"'Write,Delete,ChangePermissions,TakeOwnership', 'ContainerInherit,ObjectInherit', "
		"'None', 'Success,Failure'))); Set-Acl C:\\Data $a",
	},
	[COV_HANDLE_MANIPULATION] = {
		"Handle Manipulation", "{0CCE9223-69AE-11D9-BED3-505054503030}", "4658 4690",
		"handle closes (4658) for the other object subcategories, and handle duplications",
		"auditpol /set /subcategory:\"Handle Manipulation\" /success:enable",
		"no SACL of its own: closes are logged for objects whose subcategory (File System, "
		"Registry, Kernel Object, SAM) is on and whose SACL matched when the handle was opened",
	},
	[COV_FILE_SHARE] = {
		"File Share", "{0CCE9224-69AE-11D9-BED3-505054503030}", "5140 5142 5143 5144 5168",
		"a client session reaching a share (once per session), shares added, changed, removed",
		"auditpol /set /subcategory:\"File Share\" /success:enable /failure:enable",
		"none needed: every session to a share is logged",
	},
	[COV_DETAILED_FILE_SHARE] = {
		"Detailed File Share", "{0CCE9244-69AE-11D9-BED3-505054503030}", "5145",
		"every file and folder a client opens through a share, with the rights asked for",
		"auditpol /set /subcategory:\"Detailed File Share\" /success:enable /failure:enable",
		"none needed: every access through a share is checked and logged (high volume on a "
		"file server)",
	},
	[COV_REGISTRY] = {
		"Registry", "{0CCE921E-69AE-11D9-BED3-505054503030}", "4656 4657 4658 4660 4663 4670 5039",
		"opens, value changes, deletions and permission changes on keys that have a SACL",
		"auditpol /set /subcategory:\"Registry\" /success:enable /failure:enable",
		"a SACL on the key: regedit: the key > Edit > Permissions > Advanced > Auditing; or "
		"PowerShell: $a = Get-Acl HKLM:\\SOFTWARE\\Demo -Audit; $a.AddAuditRule((New-Object "
		"System.Security.AccessControl.RegistryAuditRule('Everyone', "
		"'SetValue,CreateSubKey,Delete,ChangePermissions,TakeOwnership', 'ContainerInherit', "
		"'None', 'Success,Failure'))); Set-Acl HKLM:\\SOFTWARE\\Demo $a",
	},
	[COV_KERNEL_OBJECT] = {
		"Kernel Object", "{0CCE921F-69AE-11D9-BED3-505054503030}", "4656 4658 4660 4663",
		"access to processes, threads, tokens, mutexes, events, sections and other kernel objects "
		"that have a SACL",
		"auditpol /set /subcategory:\"Kernel Object\" /success:enable /failure:enable",
		"kernel objects are audited only when they carry a SACL; the security option \"Audit: "
		"Audit the access of global system objects\" gives named global objects a default SACL "
		"(after a restart)",
	},
	[COV_SAM] = {
		"SAM", "{0CCE9220-69AE-11D9-BED3-505054503030}", "4661 (and 4656 on SAM_* objects)",
		"handles to Security Account Manager objects: the domain, users, groups, aliases",
		"auditpol /set /subcategory:\"SAM\" /success:enable /failure:enable",
		"SAM objects get no SACL from Explorer or PowerShell: enabling the subcategory is the step",
	},
	[COV_OTHER_OBJECT] = {
		"Other Object Access Events", "{0CCE9227-69AE-11D9-BED3-505054503030}",
		"4656 4658 4691 4698-4702 5148 5149 5888-5890",
		"objects outside the subcategories above: services (SC Manager), scheduled tasks, COM+",
		"auditpol /set /subcategory:\"Other Object Access Events\" /success:enable /failure:enable",
		"the SACL comes with the object (for a service: the S: part of sc sdset)",
	},
	[COV_AUTHZ_POLICY] = {
		"Authorization Policy Change", "{0CCE9231-69AE-11D9-BED3-505054503030}", "4670 4703-4707",
		"permission changes (4670) on tokens and other non-file objects; user rights changes",
		"auditpol /set /subcategory:\"Authorization Policy Change\" /success:enable",
		"4670 needs a SACL entry for Change permissions / Take ownership on the object",
	},
	[COV_LEGACY] = {
		"Object Access (Windows 2000/XP/2003)", NULL, "560 562 563 564 567",
		"opens (560, with the rights granted), closes (562), deletions (564), operations (567, "
		"Windows Server 2003 and later, local access only)",
		"secpol.msc > Local Policies > Audit Policy > Audit object access: Success, Failure "
		"(or the same in a GPO)",
		"a SACL in Explorer: Properties > Security > Advanced > Auditing",
	},
};

const struct coverage_info *coverage_info(enum coverage_subcategory sub)
{
	return sub < COV_COUNT ? &INFO[sub] : NULL;
}

const char *coverage_state_name(enum coverage_state state)
{
	switch (state) {
	case COVERAGE_ON: return "on";
	case COVERAGE_FAILURE_ONLY: return "failures only";
	case COVERAGE_OFF: return "evidently off";
	default: return "no evidence";
	}
}

/* Kernel object types, as the 4656 and 4663 pages list them. */
static const char *const KERNEL_TYPES[] = {
	"Process", "Thread", "Token", "Event", "Mutant", "Semaphore", "Section", "SymbolicLink",
	"Job", "Directory", "Timer", "Desktop", "WindowStation", "Device", "Driver",
	"IoCompletion", "KeyedEvent", "Callback", "Type", "DebugObject", "EventPair", "Port",
	"ALPC Port", "WaitablePort", "FilterConnectionPort", "FilterCommunicationPort",
	"Controller", "Adapter", "Profile", "WmiGuid",
};

static int sub_for_type(const char *type)
{
	if (!*type)
		return -1;
	if (strcasecmp(type, "File") == 0)
		return COV_FILE_SYSTEM;
	if (strcasecmp(type, "Key") == 0)
		return COV_REGISTRY;
	if (strncasecmp(type, "SAM_", 4) == 0)
		return COV_SAM;
	for (size_t i = 0; i < sizeof KERNEL_TYPES / sizeof KERNEL_TYPES[0]; i++)
		if (strcasecmp(type, KERNEL_TYPES[i]) == 0)
			return COV_KERNEL_OBJECT;
	return COV_OTHER_OBJECT;
}

static const char *event_type(const struct store *st, const struct event *ev)
{
	if (ev->str[ES_OBJECT_TYPE])
		return store_str(st, ev, ES_OBJECT_TYPE);
	if (ev->open_ref != EVENT_NONE)
		return store_str(st, store_event(st, ev->open_ref), ES_OBJECT_TYPE);
	return "";
}

static void sub_count(struct coverage_sub *s, const struct event *ev)
{
	if (ev->outcome == OUTCOME_FAILURE)
		s->failure++;
	else
		s->success++;
	for (uint8_t i = 0; i < s->nids; i++) {
		if (s->ids[i] == ev->event_id) {
			s->id_counts[i]++;
			return;
		}
	}
	if (s->nids < COVERAGE_IDS_MAX) {
		s->ids[s->nids] = ev->event_id;
		s->id_counts[s->nids++] = 1;
	}
}

static struct coverage_host *host_for(struct coverage *cov, strref computer)
{
	for (size_t i = 0; i < cov->nhosts; i++)
		if (cov->hosts[i].computer == computer)
			return &cov->hosts[i];
	if (cov->nhosts == COVERAGE_HOSTS_MAX) {
		cov->hosts_merged = 1;
		return &cov->hosts[cov->nhosts - 1];
	}
	struct coverage_host *h = realloc(cov->hosts, (cov->nhosts + 1) * sizeof *h);
	if (!h)
		return NULL;
	cov->hosts = h;
	h = &cov->hosts[cov->nhosts++];
	memset(h, 0, sizeof *h);
	h->computer = computer;
	return h;
}

static void count_event(struct coverage_host *h, const struct store *st, const struct event *ev)
{
	uint32_t id = ev->event_id;
	int ok = ev->outcome != OUTCOME_FAILURE;
	int sub = -1;
	h->events++;
	switch (id) {
	case 4690:
		sub_count(&h->subs[COV_HANDLE_MANIPULATION], ev);
		h->dups++;
		if (ev->open_ref == EVENT_NONE)
			h->unlinked++;
		return;
	case 5140: case 5142: case 5143: case 5144: case 5168:
		sub_count(&h->subs[COV_FILE_SHARE], ev);
		if (id == 5140)
			h->shares++;
		return;
	case 5145:
		sub_count(&h->subs[COV_DETAILED_FILE_SHARE], ev);
		h->share_checks++;
		return;
	case 560: case 561: case 562: case 563: case 564: case 565: case 566: case 567:
		sub_count(&h->subs[COV_LEGACY], ev);
		if (id == 560 && ok) {
			h->legacy_opens++;
			if (ev->str[ES_PRIMARY_USER])
				h->legacy_client_opens++;
		} else if (id == 562) {
			h->legacy_closes++;
		} else if (id == 567) {
			h->legacy_uses++;
		}
		return;
	case 4661:
		sub = COV_SAM;
		break;
	case 4670:
		sub = sub_for_type(event_type(st, ev));
		if (sub != COV_FILE_SYSTEM && sub != COV_REGISTRY)
			sub = COV_AUTHZ_POLICY;
		break;
	case 4657:
		sub = COV_REGISTRY;
		break;
	case 4691:
		sub = COV_OTHER_OBJECT;
		break;
	case 4985: case 4664:
		sub = COV_FILE_SYSTEM;
		break;
	default:
		sub = sub_for_type(event_type(st, ev));
		break;
	}
	switch (id) {
	case 4656:
		if (ok && ev->handle_id && sub != COV_OTHER_OBJECT)
			h->opens_ok++;
		break;
	case 4663:
		h->uses++;
		break;
	case 4658:
		h->closes++;
		sub_count(&h->subs[COV_HANDLE_MANIPULATION], ev);
		break;
	case 4660:
		h->deletes++;
		break;
	default:
		break;
	}
	if ((id == 4658 || id == 4660) && ev->open_ref == EVENT_NONE)
		h->unlinked++;
	if (sub >= 0)
		sub_count(&h->subs[sub], ev);
	else if (id != 4658)
		h->unattributed++;
}

static void finding_add(struct coverage_host *h, enum coverage_finding_kind kind, int sub,
			const char *cost, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void finding_add(struct coverage_host *h, enum coverage_finding_kind kind, int sub,
			const char *cost, const char *fmt, ...)
{
	if (h->nfindings >= COVERAGE_FINDINGS_MAX)
		return;
	struct coverage_finding *f = &h->findings[h->nfindings++];
	f->kind = kind;
	f->subcategory = sub;
	f->cost = cost;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof f->text, fmt, ap);
	va_end(ap);
}

static void host_diagnose(struct coverage_host *h)
{
	uint32_t success = 0, failure = 0;
	for (int s = 0; s < COV_COUNT; s++) {
		struct coverage_sub *c = &h->subs[s];
		success += c->success;
		failure += c->failure;
		if (c->success)
			c->state = COVERAGE_ON;
		else if (c->failure)
			c->state = COVERAGE_FAILURE_ONLY;
	}
	uint32_t opens_all = 0;
	for (int s = 0; s < COV_COUNT; s++)
		for (uint8_t i = 0; i < h->subs[s].nids; i++)
			if (h->subs[s].ids[i] == 4656)
				opens_all += h->subs[s].id_counts[i];

	if (h->opens_ok && !h->closes && !h->dups) {
		h->subs[COV_HANDLE_MANIPULATION].state = COVERAGE_OFF;
		finding_add(h, FINDING_HANDLE_OFF, COV_HANDLE_MANIPULATION,
			    "closes are not audited: every handle reads \"close not seen\", and how "
			    "long a handle stayed open cannot be told",
			    "%u successful 4656 opens and not one 4658 close: Handle Manipulation is "
			    "evidently off (or the log ends before any handle closed)", h->opens_ok);
	}
	if (h->uses && !opens_all)
		finding_add(h, FINDING_NO_OPENS, COV_HANDLE_MANIPULATION,
			    "events that carry no name (4658 closes, 4660 deletes) cannot be named; "
			    "denied attempts are invisible (4663 is never a failure, only a 4656 is); "
			    "rights granted but not used are unknown",
			    "%u 4663 operations and no 4656: handle requests are not logged (Handle "
			    "Manipulation off, or the log is a filtered extract)", h->uses);
	if (h->opens_ok && !h->uses)
		finding_add(h, FINDING_NO_USES, -1,
			    "for these objects the Objects view can only say \"could have\": 4663 is "
			    "logged when a right the SACL audits is used, and none was",
			    "%u successful 4656 opens and no 4663: no audited right was seen used",
			    h->opens_ok);
	if (h->unlinked)
		finding_add(h, FINDING_UNLINKED, -1,
			    "their object is unknown unless a 4663 of the same handle names it; the "
			    "Objects view counts them as unresolved",
			    "%u closes, deletions or duplications have no opener in view (the handle "
			    "was opened before the log starts, or its open was not logged)", h->unlinked);
	if (h->legacy_opens && !h->legacy_uses)
		finding_add(h, FINDING_LEGACY_NO_567, COV_LEGACY,
			    "567 is logged only for local access, never through a share, and not at all "
			    "before Windows Server 2003: the 560 rights say only what could have been done",
			    "%u 560 opens (%u on behalf of a network client) and %u 562 closes, no 567: "
			    "normal for share access", h->legacy_opens, h->legacy_client_opens,
			    h->legacy_closes);
	for (int s = 0; s < COV_COUNT; s++)
		if (h->subs[s].state == COVERAGE_FAILURE_ONLY)
			finding_add(h, FINDING_FAILURE_ONLY, s,
				    "successful access is invisible: only denied attempts show",
				    "%s: only failure events (%u): Success auditing is probably off for "
				    "it, or the SACL audits only failures", INFO[s].name, h->subs[s].failure);
	if (success >= 1 && !failure)
		finding_add(h, FINDING_NO_FAILURES, -1,
			    "denied attempts (someone probing files they may not open) would not show",
			    "no failure events at all: Failure auditing may be off, or nothing was denied");
	if (h->shares && !h->share_checks)
		finding_add(h, FINDING_SHARE_NO_DETAIL, COV_DETAILED_FILE_SHARE,
			    "which files and folders were opened through the share, with which rights, "
			    "is unknown: only that a session reached it",
			    "%u 5140 share sessions and no 5145: Detailed File Share shows no evidence",
			    h->shares);
	if (h->share_checks && !h->shares)
		finding_add(h, FINDING_DETAIL_NO_SHARE, COV_FILE_SHARE,
			    "little: 5145 names the share too; only the per-session record is missing",
			    "%u 5145 checks and no 5140: File Share shows no evidence (or the sessions "
			    "began before the log)", h->share_checks);
	struct coverage_sub *fs = &h->subs[COV_FILE_SYSTEM];
	if ((h->shares || h->share_checks) && !fs->success && !fs->failure)
		finding_add(h, FINDING_NETWORK_ONLY, COV_FILE_SYSTEM,
			    "5145 says what a client asked for, not what it did: writes, deletions and "
			    "renames through the share need File System auditing and a SACL on the "
			    "shared folder",
			    "share access seen (%u 5140, %u 5145) but no File System event",
			    h->shares, h->share_checks);
}

int coverage_build(struct coverage *cov, const struct store *st)
{
	memset(cov, 0, sizeof *cov);
	cov->not_decodable = st->not_decodable;
	cov->records_seen = st->records_seen;
	for (size_t i = 0; i < st->count; i++) {
		const struct event *ev = store_event(st, (uint32_t)i);
		if (!event_is_object_access(ev->event_id)
		    || (ev->flags & (EVENT_NOT_DECODABLE | EVENT_UNPARSED)))
			continue;
		struct coverage_host *h = host_for(cov, ev->str[ES_COMPUTER]);
		if (!h) {
			coverage_free(cov);
			return -1;
		}
		count_event(h, st, ev);
	}
	for (size_t i = 0; i < cov->nhosts; i++)
		host_diagnose(&cov->hosts[i]);
	return 0;
}

void coverage_free(struct coverage *cov)
{
	free(cov->hosts);
	memset(cov, 0, sizeof *cov);
}

/* ---- the report ------------------------------------------------------ */

static void sub_evidence(const struct coverage_sub *s, char *buf, size_t buflen)
{
	size_t len = 0;
	buf[0] = '\0';
	for (uint8_t i = 0; i < s->nids && len < buflen; i++) {
		int n = snprintf(buf + len, buflen - len, "%s%u x%u", i ? ", " : "", s->ids[i],
				 s->id_counts[i]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	if (len < buflen && (s->success || s->failure))
		snprintf(buf + len, buflen - len, " (%u success, %u failure)", s->success, s->failure);
}

static int sub_shown(const struct coverage_host *h, int s)
{
	return s < COV_ALWAYS_SHOWN || h->subs[s].success || h->subs[s].failure;
}

size_t coverage_lines(const struct coverage *cov, const struct store *st,
		      void (*emit)(void *ctx, enum coverage_line kind, const char *text), void *ctx)
{
	char line[1536], name[512], ev[512];
	size_t n = 0;
#define EMIT(kind) (emit(ctx, (kind), line), n++)
	snprintf(line, sizeof line, "Audit coverage, inferred from the object-access events in the loaded logs");
	EMIT(COVERAGE_LINE_TITLE);
	snprintf(line, sizeof line, "A subcategory with no events may be off, or on with nothing "
		 "audited to log: the two look the same.");
	EMIT(COVERAGE_LINE_NOTE);
	if (cov->not_decodable) {
		snprintf(line, sizeof line, "%llu of %llu records could not be decoded: the counts "
			 "below may be low.", (unsigned long long)cov->not_decodable,
			 (unsigned long long)cov->records_seen);
		EMIT(COVERAGE_LINE_NOTE);
	}
	if (!cov->nhosts) {
		snprintf(line, sizeof line, "No object-access events: object access auditing is off, "
			 "or no audited object was touched. See doc/audit-setup.md.");
		EMIT(COVERAGE_LINE_NOTE);
	}
	for (size_t i = 0; i < cov->nhosts; i++) {
		const struct coverage_host *h = &cov->hosts[i];
		const char *comp = strpool_get(&st->pool, h->computer);
		sanitize_text(comp, strlen(comp), name, sizeof name, NULL);
		snprintf(line, sizeof line, "%s%s: %u object-access events", name[0] ? name : "(no computer name)",
			 cov->hosts_merged && i + 1 == cov->nhosts ? " and further computers" : "",
			 h->events);
		EMIT(COVERAGE_LINE_HOST);
		for (int s = 0; s < COV_COUNT; s++) {
			if (!sub_shown(h, s))
				continue;
			const struct coverage_sub *c = &h->subs[s];
			sub_evidence(c, ev, sizeof ev);
			if (!ev[0])
				snprintf(ev, sizeof ev, "(would log %s)", INFO[s].events);
			snprintf(line, sizeof line, "  %-14s %-27s %s", coverage_state_name(c->state),
				 INFO[s].name, ev);
			enum coverage_line kind = c->state == COVERAGE_ON ? COVERAGE_LINE_ON
				: c->state == COVERAGE_FAILURE_ONLY ? COVERAGE_LINE_PARTIAL
				: c->state == COVERAGE_OFF ? COVERAGE_LINE_OFF : COVERAGE_LINE_NONE;
			EMIT(kind);
			if (c->state == COVERAGE_ON)
				continue;
			snprintf(line, sizeof line, "      gives: %s", INFO[s].gives);
			EMIT(COVERAGE_LINE_HOW);
			snprintf(line, sizeof line, "      enable: %s", INFO[s].enable);
			EMIT(COVERAGE_LINE_HOW);
			if (INFO[s].guid) {
				snprintf(line, sizeof line, "      (localised Windows: /subcategory:%s)",
					 INFO[s].guid);
				EMIT(COVERAGE_LINE_HOW);
			}
			snprintf(line, sizeof line, "      SACL: %s", INFO[s].sacl);
			EMIT(COVERAGE_LINE_HOW);
		}
		if (h->unattributed) {
			snprintf(line, sizeof line, "  %u events name no object type and have no opener in "
				 "view: not attributed to a subcategory", h->unattributed);
			EMIT(COVERAGE_LINE_NOTE);
		}
		for (size_t f = 0; f < h->nfindings; f++) {
			snprintf(line, sizeof line, "  ! %s", h->findings[f].text);
			EMIT(COVERAGE_LINE_FINDING);
			snprintf(line, sizeof line, "      cost: %s", h->findings[f].cost);
			EMIT(COVERAGE_LINE_COST);
		}
	}
#undef EMIT
	return n;
}

struct print_ctx {
	FILE *out;
};

static void print_line(void *ctx, enum coverage_line kind, const char *text)
{
	(void)kind;
	struct print_ctx *p = ctx;
	fputs(text, p->out);
	putc('\n', p->out);
}

static const char *const FINDING_KEYS[] = {
	[FINDING_HANDLE_OFF] = "handle_manipulation_off",
	[FINDING_NO_OPENS] = "operations_without_opens",
	[FINDING_NO_USES] = "opens_without_operations",
	[FINDING_UNLINKED] = "events_without_opener",
	[FINDING_LEGACY_NO_567] = "legacy_opens_without_567",
	[FINDING_FAILURE_ONLY] = "failures_only",
	[FINDING_NO_FAILURES] = "no_failures",
	[FINDING_SHARE_NO_DETAIL] = "share_sessions_without_detail",
	[FINDING_DETAIL_NO_SHARE] = "share_checks_without_sessions",
	[FINDING_NETWORK_ONLY] = "network_access_only",
	[FINDING_NOT_DECODABLE] = "not_decodable",
};

static void json_str_or_null(FILE *out, const char *s)
{
	if (s)
		print_json_string(out, s);
	else
		fputs("null", out);
}

static void print_jsonl(FILE *out, const struct coverage *cov, const struct store *st)
{
	if (cov->not_decodable)
		fprintf(out, "{\"computer\":null,\"finding\":\"%s\",\"records\":%llu,\"of\":%llu}\n",
			FINDING_KEYS[FINDING_NOT_DECODABLE], (unsigned long long)cov->not_decodable,
			(unsigned long long)cov->records_seen);
	for (size_t i = 0; i < cov->nhosts; i++) {
		const struct coverage_host *h = &cov->hosts[i];
		const char *comp = strpool_get(&st->pool, h->computer);
		for (int s = 0; s < COV_COUNT; s++) {
			if (!sub_shown(h, s))
				continue;
			const struct coverage_sub *c = &h->subs[s];
			fputs("{\"computer\":", out);
			print_json_string(out, comp);
			fputs(",\"subcategory\":", out);
			print_json_string(out, INFO[s].name);
			fputs(",\"guid\":", out);
			json_str_or_null(out, INFO[s].guid);
			fprintf(out, ",\"state\":\"%s\",\"success\":%u,\"failure\":%u,\"events\":{",
				coverage_state_name(c->state), c->success, c->failure);
			for (uint8_t k = 0; k < c->nids; k++)
				fprintf(out, "%s\"%u\":%u", k ? "," : "", c->ids[k], c->id_counts[k]);
			fputs("},\"enable\":", out);
			print_json_string(out, INFO[s].enable);
			fputs(",\"sacl\":", out);
			print_json_string(out, INFO[s].sacl);
			fputs("}\n", out);
		}
		for (size_t f = 0; f < h->nfindings; f++) {
			const struct coverage_finding *x = &h->findings[f];
			fputs("{\"computer\":", out);
			print_json_string(out, comp);
			fprintf(out, ",\"finding\":\"%s\",\"subcategory\":", FINDING_KEYS[x->kind]);
			json_str_or_null(out, x->subcategory >= 0 ? INFO[x->subcategory].name : NULL);
			fputs(",\"text\":", out);
			print_json_string(out, x->text);
			fputs(",\"cost\":", out);
			print_json_string(out, x->cost);
			fputs("}\n", out);
		}
	}
}

int coverage_print(FILE *out, enum print_format format, const struct coverage *cov,
		   const struct store *st)
{
	if (format == PRINT_JSONL) {
		print_jsonl(out, cov, st);
	} else {
		struct print_ctx p = {out};
		coverage_lines(cov, st, print_line, &p);
	}
	return ferror(out) ? -1 : 0;
}
