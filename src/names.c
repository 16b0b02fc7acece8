/* names.c - device paths to drive letters, and the 5145 share path join
 * (see names.h). */
#include "names.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char DEVICE_PREFIX[] = "\\Device\\";

int volume_map_add(struct volume_map *map, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	if (!eq || eq == spec || !eq[1]) {
		snprintf(err, errlen, "volume map '%s': expected DEVICE=DRIVE, e.g. HarddiskVolume3=C:", spec);
		return -1;
	}
	const char *dev = spec;
	size_t devlen = (size_t)(eq - spec);
	if (devlen > strlen(DEVICE_PREFIX) && strncasecmp(dev, DEVICE_PREFIX, strlen(DEVICE_PREFIX)) == 0) {
		dev += strlen(DEVICE_PREFIX);
		devlen -= strlen(DEVICE_PREFIX);
	}
	while (devlen && dev[devlen - 1] == '\\')
		devlen--;
	const char *drive = eq + 1;
	size_t drivelen = strlen(drive);
	while (drivelen && drive[drivelen - 1] == '\\')
		drivelen--;
	if (!devlen || !drivelen || devlen >= sizeof map->device[0] || drivelen >= sizeof map->drive[0]
	    || memchr(dev, '\\', devlen)) {
		snprintf(err, errlen, "volume map '%s': bad device or drive name", spec);
		return -1;
	}
	if (map->count >= VOLUME_MAP_MAX) {
		snprintf(err, errlen, "volume map '%s': more than %d mappings", spec, VOLUME_MAP_MAX);
		return -1;
	}
	memcpy(map->device[map->count], dev, devlen);
	map->device[map->count][devlen] = '\0';
	memcpy(map->drive[map->count], drive, drivelen);
	map->drive[map->count][drivelen] = '\0';
	map->count++;
	return 0;
}

static void names_copy(char *out, size_t outlen, const char *a, size_t alen, const char *b)
{
	if (!outlen)
		return;
	snprintf(out, outlen, "%.*s%s", (int)alen, a, b);
}

int volume_map_apply(const struct volume_map *map, const char *name, char *out, size_t outlen)
{
	size_t plen = strlen(DEVICE_PREFIX);
	if (map && strncasecmp(name, DEVICE_PREFIX, plen) == 0) {
		const char *dev = name + plen;
		for (size_t i = 0; i < map->count; i++) {
			size_t dlen = strlen(map->device[i]);
			if (strncasecmp(dev, map->device[i], dlen) == 0 && (dev[dlen] == '\\' || dev[dlen] == '\0')) {
				names_copy(out, outlen, map->drive[i], strlen(map->drive[i]),
					   dev[dlen] ? dev + dlen : "\\");
				return 1;
			}
		}
	}
	names_copy(out, outlen, "", 0, name);
	return 0;
}

size_t names_join_share_path(const char *share_local_path, const char *relative,
			     char *out, size_t outlen)
{
	if (!outlen)
		return 0;
	const char *base = share_local_path ? share_local_path : "";
	if (strncmp(base, "\\??\\", 4) == 0)
		base += 4;
	size_t blen = strlen(base);
	while (blen && base[blen - 1] == '\\')
		blen--;
	const char *rel = relative ? relative : "";
	while (*rel == '\\')
		rel++;
	int n;
	if (*rel)
		n = snprintf(out, outlen, "%.*s\\%s", (int)blen, base, rel);
	else
		n = snprintf(out, outlen, "%.*s\\", (int)blen, base);
	if (n < 0)
		return 0;
	return (size_t)n < outlen ? (size_t)n : outlen - 1;
}
