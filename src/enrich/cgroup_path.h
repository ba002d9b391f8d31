/* cgroup id -> cgroup path on cgroup v2.
 *
 * A v2 cgroup's id is its kernfs node id, which is also the directory's
 * inode number and its file handle (type FILEID_KERNFS). So a lookup is
 * open_by_handle_at() + readlink of /proc/self/fd/N: two syscalls, no walk.
 * open_by_handle_at needs CAP_DAC_READ_SEARCH; without it (EPERM) the lookup
 * walks the hierarchy comparing inode numbers, which costs one stat per
 * cgroup on the node. A cgroup that is already removed cannot be found
 * either way (-ENOENT): its path is gone with it.
 */
#ifndef RINGTAP_CGROUP_PATH_H
#define RINGTAP_CGROUP_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>

struct cgroup_fs {
	int root_fd;
	char root[PATH_MAX];
	bool use_handles; /* cleared after the first EPERM/EOPNOTSUPP */
	uint64_t walks;   /* lookups that fell back to a walk */
};

/* Open the hierarchy mounted at root. 0 or -errno. */
int cgroup_fs_open(struct cgroup_fs *fs, const char *root);
void cgroup_fs_close(struct cgroup_fs *fs);

/* Path of cgroup id, relative to the root and starting with "/" ("/" for the
 * root itself). 0, -ENOENT (no such cgroup, or removed), -ENAMETOOLONG. */
int cgroup_path_lookup(struct cgroup_fs *fs, uint64_t id, char *out, size_t outlen);

/* The id of the cgroup directory at path (absolute). 0 or -errno. */
int cgroup_path_id(const char *path, uint64_t *id);

#endif
