#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include "enrich/cgroup_path.h"

#define FILEID_KERNFS 0xfe

int cgroup_fs_open(struct cgroup_fs *fs, const char *root)
{
	memset(fs, 0, sizeof(*fs));
	fs->root_fd = -1;
	if ((size_t)snprintf(fs->root, sizeof(fs->root), "%s", root) >= sizeof(fs->root))
		return -ENAMETOOLONG;
	fs->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs->root_fd < 0)
		return -errno;
	fs->use_handles = true;
	return 0;
}

void cgroup_fs_close(struct cgroup_fs *fs)
{
	if (fs->root_fd >= 0)
		close(fs->root_fd);
	fs->root_fd = -1;
}

int cgroup_path_id(const char *path, uint64_t *id)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	*id = st.st_ino;
	return 0;
}

/* Make an absolute path under fs->root relative to it ("/" for the root). */
static int relativize(const struct cgroup_fs *fs, const char *abs, char *out, size_t outlen)
{
	size_t rlen = strlen(fs->root);

	while (rlen > 1 && fs->root[rlen - 1] == '/')
		rlen--;
	if (strncmp(abs, fs->root, rlen) || (abs[rlen] && abs[rlen] != '/'))
		return -ENOENT; /* outside our mount (another cgroup namespace view) */
	const char *rel = abs[rlen] ? abs + rlen : "/";
	return (size_t)snprintf(out, outlen, "%s", rel) < outlen ? 0 : -ENAMETOOLONG;
}

static int lookup_by_handle(struct cgroup_fs *fs, uint64_t id, char *out, size_t outlen)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS }, .id = id };
	char link[64], abs[PATH_MAX];
	int fd, err = 0;

	fd = open_by_handle_at(fs->root_fd, &h.fh, O_RDONLY | O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ESTALE ? -ENOENT : -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, abs, sizeof(abs) - 1);
	if (n < 0) {
		err = -errno;
		goto cleanup;
	}
	abs[n] = '\0';
	err = relativize(fs, abs, out, outlen);
cleanup:
	close(fd);
	return err;
}

/* Depth-first search for a directory whose inode is id. rel is the path
 * built so far (relative, "/"-prefixed) and has room for PATH_MAX. */
static int walk(int fd, uint64_t id, char *rel, size_t rlen, size_t cap)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	int err = -ENOENT;

	if (!d) {
		close(fd);
		return -ENOENT;
	}
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		size_t n = strlen(e->d_name);
		if (rlen + 1 + n + 1 > cap)
			continue;
		rel[rlen] = '/';
		memcpy(rel + rlen + 1, e->d_name, n + 1);
		if (e->d_ino == id) {
			err = 0;
			break;
		}
		int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0 && walk(sub, id, rel, rlen + 1 + n, cap) == 0) {
			err = 0;
			break;
		}
		rel[rlen] = '\0';
	}
	closedir(d);
	return err;
}

static int lookup_by_walk(struct cgroup_fs *fs, uint64_t id, char *out, size_t outlen)
{
	char rel[PATH_MAX] = "";
	struct stat st;

	fs->walks++;
	if (fstat(fs->root_fd, &st) == 0 && st.st_ino == id)
		return (size_t)snprintf(out, outlen, "/") < outlen ? 0 : -ENAMETOOLONG;
	int fd = openat(fs->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int err = walk(fd, id, rel, 0, sizeof(rel));
	if (err)
		return err;
	return (size_t)snprintf(out, outlen, "%s", rel) < outlen ? 0 : -ENAMETOOLONG;
}

int cgroup_path_lookup(struct cgroup_fs *fs, uint64_t id, char *out, size_t outlen)
{
	if (fs->use_handles) {
		int err = lookup_by_handle(fs, id, out, outlen);
		if (err != -EPERM && err != -EOPNOTSUPP && err != -EINVAL)
			return err;
		fs->use_handles = false; /* no CAP_DAC_READ_SEARCH: walk from now on */
	}
	return lookup_by_walk(fs, id, out, outlen);
}
