/* options.c - command line and config file (see options.h, README). */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"

static const char USAGE[] =
	"Usage: oaview [OPTION]... FILE...\n"
	"View Windows object-access audit events (EVTX, EVT).\n"
	"\n"
	"  -p, --print              print events instead of opening the viewer\n"
	"  -F, --follow             keep reading the files as they grow: the viewer\n"
	"                           shows new events live; with --print, each new\n"
	"                           event is printed as it arrives\n"
	"  -o, --format FMT         output format for --print: text, jsonl, csv\n"
	"      --summary            print the object activity: who did what to which\n"
	"                           object, when (text, jsonl or csv)\n"
	"      --coverage           print which auditing the logs show was on, what is\n"
	"                           missing and how to turn it on (text or jsonl)\n"
	"  -f, --filter EXPR        show only events matching EXPR (repeatable: ANDed)\n"
	"  -m, --volume-map DEV=DRV map a device to a drive, e.g. HarddiskVolume3=C:\n"
	"                           (repeatable)\n"
	"  -a, --all                keep events that are not object access too\n"
	"  -j, --threads N          decoding threads (default: number of CPUs)\n"
	"  -c, --config FILE        read settings from FILE\n"
	"                           (default: $XDG_CONFIG_HOME/oaview/config)\n"
	"  -q, --quiet              do not report damaged chunks and records\n"
	"      --no-color           no colour in the viewer (NO_COLOR works too)\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"\n"
	"Filter expressions: field:regex terms (user: name: object: process: type:\n"
	"computer: ...), id:4656,4663, outcome:failure, access:write; ! negates.\n"
	"See oaview(1) and the README for the full grammar.\n"
	"Exit status: 0 success, 2 bad usage, bad filter or unreadable file.\n";

static int options_add_filter(struct options *o, const char *expr)
{
	if (o->nfilters >= OPTIONS_MAX_FILTERS) {
		fprintf(stderr, "oaview: more than %d filters\n", OPTIONS_MAX_FILTERS);
		return -1;
	}
	o->filters[o->nfilters] = strdup(expr);
	if (!o->filters[o->nfilters])
		return -1;
	o->nfilters++;
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int options_read_config(struct options *o, const char *path, int must_exist, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char line[4096];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected 'key = value'", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		char msg[256];
		if (strcmp(key, "volume-map") == 0) {
			if (volume_map_add(&o->volumes, value, msg, sizeof msg) < 0) {
				snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
				rc = -1;
			}
		} else if (strcmp(key, "filter") == 0) {
			if (options_add_filter(o, value) < 0) {
				snprintf(err, errlen, "%s:%d: too many filters", path, lineno);
				rc = -1;
			}
		} else if (strcmp(key, "threads") == 0) {
			o->threads = atoi(value);
		} else if (strcmp(key, "format") == 0) {
			int fmt = print_format_parse(value);
			if (fmt < 0) {
				snprintf(err, errlen, "%s:%d: unknown format '%s'", path, lineno, value);
				rc = -1;
			} else {
				o->format = fmt;
			}
		} else if (strcmp(key, "color") == 0 || strcmp(key, "colour") == 0) {
			if (strcmp(value, "no") == 0 || strcmp(value, "never") == 0 || strcmp(value, "false") == 0)
				o->color = 0;
			else if (strcmp(value, "yes") == 0 || strcmp(value, "auto") == 0 || strcmp(value, "true") == 0)
				o->color = 1;
			else {
				snprintf(err, errlen, "%s:%d: color must be yes or no, not '%s'", path, lineno, value);
				rc = -1;
			}
		} else if (strcmp(key, "all") == 0) {
			o->keep_all = strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
		} else {
			snprintf(err, errlen, "%s:%d: unknown setting '%s'", path, lineno, key);
			rc = -1;
		}
	}
	fclose(f);
	return rc;
}

static const char *default_config(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(buf, len, "%s/oaview/config", xdg);
	else if (home && *home)
		snprintf(buf, len, "%s/.config/oaview/config", home);
	else
		return NULL;
	return buf;
}

enum options_result options_parse(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"print", no_argument, NULL, 'p'},
		{"follow", no_argument, NULL, 'F'},
		{"format", required_argument, NULL, 'o'},
		{"filter", required_argument, NULL, 'f'},
		{"volume-map", required_argument, NULL, 'm'},
		{"all", no_argument, NULL, 'a'},
		{"threads", required_argument, NULL, 'j'},
		{"config", required_argument, NULL, 'c'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"no-color", no_argument, NULL, 'C'},
		{"summary", no_argument, NULL, 'S'},
		{"coverage", no_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};
	static const char shortopts[] = "pFo:f:m:aj:c:qhV";
	memset(o, 0, sizeof *o);
	o->format = PRINT_TEXT;
	o->color = 1;

	/* The config file comes first so the command line can override it. */
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if (opt == 'c')
			o->config_path = optarg;
	char buf[4096], err[512];
	const char *cfg = o->config_path ? o->config_path : default_config(buf, sizeof buf);
	if (cfg && options_read_config(o, cfg, o->config_path != NULL, err, sizeof err) < 0) {
		fprintf(stderr, "oaview: %s\n", err);
		return OPTIONS_EXIT_USAGE;
	}

	optind = 1;
	opterr = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			o->print = 1;
			break;
		case 'F':
			o->follow = 1;
			break;
		case 'o': {
			int fmt = print_format_parse(optarg);
			if (fmt < 0) {
				fprintf(stderr, "oaview: unknown format '%s' (use text, jsonl or csv)\n", optarg);
				return OPTIONS_EXIT_USAGE;
			}
			o->format = fmt;
			break;
		}
		case 'f':
			if (options_add_filter(o, optarg) < 0)
				return OPTIONS_EXIT_USAGE;
			break;
		case 'm':
			if (volume_map_add(&o->volumes, optarg, err, sizeof err) < 0) {
				fprintf(stderr, "oaview: %s\n", err);
				return OPTIONS_EXIT_USAGE;
			}
			break;
		case 'a':
			o->keep_all = 1;
			break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 64) {
				fprintf(stderr, "oaview: --threads '%s': expected a number from 1 to 64\n", optarg);
				return OPTIONS_EXIT_USAGE;
			}
			o->threads = (int)n;
			break;
		}
		case 'c':
			break;
		case 'C':
			o->color = 0;
			break;
		case 'S':
			o->summary = 1;
			break;
		case 'R':
			o->coverage = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return OPTIONS_EXIT_OK;
		case 'V':
			puts("oaview " PACKAGE_VERSION);
			return OPTIONS_EXIT_OK;
		default:
			fputs("Try 'oaview --help' for more information.\n", stderr);
			return OPTIONS_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("oaview: no input file\nTry 'oaview --help' for more information.\n", stderr);
		return OPTIONS_EXIT_USAGE;
	}
	o->files = argv + optind;
	o->nfiles = (size_t)(argc - optind);
	return OPTIONS_RUN;
}

void options_free(struct options *o)
{
	for (size_t i = 0; i < o->nfilters; i++)
		free(o->filters[i]);
	o->nfilters = 0;
}
