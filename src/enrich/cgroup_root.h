/* Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup on unified hosts,
 * /sys/fs/cgroup/unified on hybrid (v1 + v2) hosts. */
#ifndef RINGTAP_CGROUP_ROOT_H
#define RINGTAP_CGROUP_ROOT_H

#include <stddef.h>

/* Is path the root of a cgroup2 mount? 0, -ENOTDIR (some other fs) or -errno. */
int cgroup_root_check(const char *path);

/* Find the cgroup v2 mount. With override (non-NULL, non-empty) only checks
 * that and, if it is not cgroup2, override/unified (a host's hybrid
 * /sys/fs/cgroup mounted into a pod). Writes the path into out. 0, -ENOENT (none found), -ENAMETOOLONG,
 * or the error cgroup_root_check gave for the override. */
int cgroup_root_detect(const char *override, char *out, size_t outlen);

#endif
