/* names.h - object-name rewriting: device paths to drive letters, and the
 * 5145 share path join.
 *
 * A volume map is a short list of "HarddiskVolume3=C:" pairs the user gives
 * (per host; --volume-map or the config file).  A name that starts with
 * \Device\<volume>\ is rewritten to <drive>\...; any other name is left as is. */
#ifndef OAVIEW_NAMES_H
#define OAVIEW_NAMES_H

#include <stddef.h>

#define VOLUME_MAP_MAX 64

struct volume_map {
	size_t count;
	char device[VOLUME_MAP_MAX][64]; /* "HarddiskVolume3" */
	char drive[VOLUME_MAP_MAX][16];  /* "C:" */
};

/* Parse "HarddiskVolume3=C:" (also "\Device\HarddiskVolume3=C:") and add it.
 * Returns 0, or -1 with a message in err. */
int volume_map_add(struct volume_map *map, const char *spec, char *err, size_t errlen);

/* Rewrite name into out.  Returns 1 if a mapping applied, 0 if out holds the
 * name unchanged.  out is always NUL-terminated (truncated if too small). */
int volume_map_apply(const struct volume_map *map, const char *name, char *out, size_t outlen);

/* 5145: ShareLocalPath without a leading \??\ , then '\', then
 * RelativeTargetName; "\" as the relative name means the share root.
 * Returns the length written (truncated to outlen-1). */
size_t names_join_share_path(const char *share_local_path, const char *relative,
			     char *out, size_t outlen);

#endif
