#include <errno.h>
#include <stdio.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "enrich/cgroup_root.h"

int cgroup_root_check(const char *path)
{
	struct statfs st;

	if (statfs(path, &st) < 0)
		return -errno;
	return st.f_type == CGROUP2_SUPER_MAGIC ? 0 : -ENOTDIR;
}

int cgroup_root_detect(const char *override, char *out, size_t outlen)
{
	static const char *const candidates[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };

	if (override && *override) {
		/* a host's /sys/fs/cgroup mounted elsewhere may itself be hybrid */
		int err = cgroup_root_check(override);
		if (err == -ENOTDIR) {
			char unified[4096];
			snprintf(unified, sizeof(unified), "%s/unified", override);
			if (cgroup_root_check(unified) == 0)
				return (size_t)snprintf(out, outlen, "%s", unified) < outlen ? 0 : -ENAMETOOLONG;
		}
		if (err)
			return err;
		return (size_t)snprintf(out, outlen, "%s", override) < outlen ? 0 : -ENAMETOOLONG;
	}
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (!cgroup_root_check(candidates[i]))
			return (size_t)snprintf(out, outlen, "%s", candidates[i]) < outlen ? 0 : -ENAMETOOLONG;
	return -ENOENT;
}
