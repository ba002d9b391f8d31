/* Test helper: cgroup directories laid out the way the kubelet and the
 * container runtimes lay them out, created in a real cgroup v2 hierarchy
 * (or any directory tree), plus moving a process into one.
 *
 * Header-only so unit tests and the live BPF test can both include it:
 *   #include "../k8s/kubelet_cgroup.h"
 */
#ifndef RINGTAP_TEST_KUBELET_CGROUP_H
#define RINGTAP_TEST_KUBELET_CGROUP_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

enum kubelet_layout {
	KL_SYSTEMD_CONTAINERD, /* kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod<u_i_d>.slice/cri-containerd-<id>.scope */
	KL_SYSTEMD_CRIO,       /* kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<u_i_d>.slice/crio-<id>.scope */
	KL_SYSTEMD_DOCKER,     /* kubepods.slice/kubepods-pod<u_i_d>.slice/docker-<id>.scope (guaranteed QoS) */
	KL_CGROUPFS,           /* kubepods/besteffort/pod<uid>/<id> (containerd, cgroupfs driver) */
	KL_CGROUPFS_CRIO,      /* kubepods/burstable/pod<uid>/crio-<id> */
	KL_K3S,                /* k3s in a container (k3d): system.slice/docker-<node>.scope/kubepods/besteffort/pod<uid>/<id> */
	KL_COUNT,
};

static inline const char *kubelet_layout_name(enum kubelet_layout l)
{
	static const char *const names[] = { "systemd/containerd", "systemd/cri-o", "systemd/docker",
					     "cgroupfs/containerd", "cgroupfs/cri-o", "k3s" };
	return names[l];
}

/* Relative path (no leading '/') of container cid of pod uid in layout l. */
static inline int kubelet_cgroup_path(enum kubelet_layout l, const char *uid, const char *cid,
				      char *out, size_t outlen)
{
	char u[64];
	size_t i;
	int n;

	for (i = 0; uid[i] && i < sizeof(u) - 1; i++)
		u[i] = uid[i] == '-' ? '_' : uid[i];
	u[i] = '\0';
	switch (l) {
	case KL_SYSTEMD_CONTAINERD:
		n = snprintf(out, outlen, "kubepods.slice/kubepods-besteffort.slice/"
			     "kubepods-besteffort-pod%s.slice/cri-containerd-%s.scope", u, cid);
		break;
	case KL_SYSTEMD_CRIO:
		n = snprintf(out, outlen, "kubepods.slice/kubepods-burstable.slice/"
			     "kubepods-burstable-pod%s.slice/crio-%s.scope", u, cid);
		break;
	case KL_SYSTEMD_DOCKER:
		n = snprintf(out, outlen, "kubepods.slice/kubepods-pod%s.slice/docker-%s.scope", u, cid);
		break;
	case KL_CGROUPFS:
		n = snprintf(out, outlen, "kubepods/besteffort/pod%s/%s", uid, cid);
		break;
	case KL_CGROUPFS_CRIO:
		n = snprintf(out, outlen, "kubepods/burstable/pod%s/crio-%s", uid, cid);
		break;
	case KL_K3S:
		n = snprintf(out, outlen, "system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope/"
			     "kubepods/besteffort/pod%s/%s", uid, cid);
		break;
	default:
		return -EINVAL;
	}
	return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

/* mkdir -p base/rel. 0 or -errno. */
static inline int kubelet_cgroup_mkdirs(const char *base, const char *rel)
{
	char p[4096];

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", base, rel) >= sizeof(p))
		return -ENAMETOOLONG;
	for (char *s = p + strlen(base) + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return -errno;
			*s = c;
			if (!c)
				return 0;
		}
	}
}

/* rmdir base/rel and each parent up to (not including) base. A cgroup with
 * processes left in it cannot be removed (EBUSY): move them out first. */
static inline int kubelet_cgroup_rmdirs(const char *base, const char *rel)
{
	char p[4096];
	size_t blen = strlen(base);
	int err = 0;

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", base, rel) >= sizeof(p))
		return -ENAMETOOLONG;
	while (strlen(p) > blen) {
		if (rmdir(p) < 0 && errno != ENOENT && errno != ENOTEMPTY && !err)
			err = -errno;
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	return err;
}

/* Move pid into the cgroup directory dir (cgroup v2). 0 or -errno. */
static inline int kubelet_cgroup_move(const char *dir, pid_t pid)
{
	char p[4096], buf[32];
	int fd, err = 0;

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	if (write(fd, buf, (size_t)n) != n)
		err = -errno;
	close(fd);
	return err;
}

#endif
