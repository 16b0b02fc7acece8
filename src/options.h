/* options.h - command line and config file. */
#ifndef OAVIEW_OPTIONS_H
#define OAVIEW_OPTIONS_H

#include <stddef.h>

#include "names.h"

#define OPTIONS_MAX_FILTERS 32

struct options {
	int print;
	int format;                 /* enum print_format */
	int keep_all;
	int threads;
	int quiet;
	const char *config_path;    /* NULL = default location */
	char *filters[OPTIONS_MAX_FILTERS];
	size_t nfilters;
	struct volume_map volumes;
	char **files;
	size_t nfiles;
	int follow;                 /* --follow: keep reading as files grow */
	int color;                  /* 1 = when the terminal has it, 0 = never */
	int summary;                /* --summary: print the object activity */
	int coverage;               /* --coverage: print the audit-coverage report */
};

enum options_result {
	OPTIONS_RUN,
	OPTIONS_EXIT_OK,   /* --help, --version */
	OPTIONS_EXIT_USAGE,
};

/* Parse argv (after reading the config file, so the command line wins for
 * single values and adds to lists).  Messages go to stderr. */
enum options_result options_parse(struct options *o, int argc, char **argv);
void options_free(struct options *o);

/* Read one config file; a missing default file is not an error.  Returns 0
 * or -1 with err naming file and line. */
int options_read_config(struct options *o, const char *path, int must_exist, char *err, size_t errlen);

#endif
