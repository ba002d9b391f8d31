/* Remembers kubelet cgroups as they are created, so a container whose
 * cgroup is removed before its first event is read is still attributed.
 *
 * A cgroup id names a directory only while it exists. Runtimes create a
 * container's cgroup before starting its process and remove it soon after
 * the process exits: a container that lives 50 ms can be gone before the
 * pipeline reads its events. This thread watches (inotify) the kubepods
 * part of the hierarchy, stats each new directory at once and keeps
 * (id -> path) for the most recent CGROUP_WATCH_RECENT of them. Watched:
 * every directory whose path contains "kubepods" down to pod level (the
 * kubepods root, QoS and pod directories; not containers), found by a scan
 * at start and followed as they appear. A kubepods root created later at
 * the top of the hierarchy is picked up too (the root is watched).
 */
#ifndef RINGTAP_CGROUP_WATCH_H
#define RINGTAP_CGROUP_WATCH_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>

#define CGROUP_WATCH_RECENT 4096

struct cgroup_watch_entry {
	uint64_t id;
	char *path; /* relative to the root, "/"-prefixed */
};

struct cgroup_watch_dir {
	int wd;
	char *path;
};

struct cgroup_watch {
	char root[PATH_MAX];
	int ifd;
	int stop_fd[2];
	pthread_t thread;
	int running;
	pthread_mutex_t lock; /* recent[] */
	struct cgroup_watch_entry recent[CGROUP_WATCH_RECENT];
	size_t next;          /* ring position */
	struct cgroup_watch_dir *dirs; /* watcher thread only after start */
	size_t n_dirs, cap_dirs;
	uint64_t seen, overflows;
};

/* Scan root and start watching. 0, or -errno with nothing left to stop. */
int cgroup_watch_start(struct cgroup_watch *w, const char *root);
/* Only after a successful start. */
void cgroup_watch_stop(struct cgroup_watch *w);

/* The path of a cgroup created since start (or found by the start scan),
 * even if it is gone now. 0, or -ENOENT. */
int cgroup_watch_find(struct cgroup_watch *w, uint64_t id, char *out, size_t outlen);

#endif
