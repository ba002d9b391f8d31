#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include "enrich/cgroup_watch.h"
#include "enrich/pod_cgroup_parse.h"

#define WATCH_MASK (IN_CREATE | IN_ONLYDIR | IN_DONT_FOLLOW)
#define SCAN_DEPTH 8

static void remember(struct cgroup_watch *w, uint64_t id, const char *rel)
{
	char *copy = strdup(rel);

	if (!copy)
		return;
	pthread_mutex_lock(&w->lock);
	struct cgroup_watch_entry *e = &w->recent[w->next];
	free(e->path);
	e->id = id;
	e->path = copy;
	w->next = (w->next + 1) % CGROUP_WATCH_RECENT;
	w->seen++;
	pthread_mutex_unlock(&w->lock);
}

/* Directories worth a watch: under kubepods and above container level. */
static int wants_watch(const char *rel)
{
	struct pod_cgroup pc;

	if (!strstr(rel, "kubepods"))
		return 0;
	return pod_cgroup_parse(rel, &pc) != 0 || pc.container_id[0] == '\0';
}

static void add_watch(struct cgroup_watch *w, const char *rel)
{
	char abs[PATH_MAX * 2];

	snprintf(abs, sizeof(abs), "%s%s", w->root, strcmp(rel, "/") ? rel : "");
	int wd = inotify_add_watch(w->ifd, abs, WATCH_MASK);
	if (wd < 0)
		return; /* gone already, or out of watches: lookups still work while it exists */
	for (size_t i = 0; i < w->n_dirs; i++)
		if (w->dirs[i].wd == wd)
			return;
	if (w->n_dirs == w->cap_dirs) {
		size_t cap = w->cap_dirs ? 2 * w->cap_dirs : 64;
		struct cgroup_watch_dir *d = realloc(w->dirs, cap * sizeof(*d));
		if (!d)
			return;
		w->dirs = d;
		w->cap_dirs = cap;
	}
	char *copy = strdup(rel);
	if (!copy)
		return;
	w->dirs[w->n_dirs++] = (struct cgroup_watch_dir){ .wd = wd, .path = copy };
}

static const char *dir_of(struct cgroup_watch *w, int wd)
{
	for (size_t i = 0; i < w->n_dirs; i++)
		if (w->dirs[i].wd == wd)
			return w->dirs[i].path;
	return NULL;
}

static void forget_dir(struct cgroup_watch *w, int wd)
{
	for (size_t i = 0; i < w->n_dirs; i++) {
		if (w->dirs[i].wd == wd) {
			free(w->dirs[i].path);
			w->dirs[i] = w->dirs[--w->n_dirs];
			return;
		}
	}
}

/* A new directory rel: remember its id, watch it if it may hold pods, and
 * scan it (children made before the watch existed would be missed). */
static void on_new_dir(struct cgroup_watch *w, const char *rel, int depth)
{
	char abs[PATH_MAX * 2];
	struct stat st;

	snprintf(abs, sizeof(abs), "%s%s", w->root, rel);
	if (stat(abs, &st) < 0)
		return;
	remember(w, st.st_ino, rel);
	if (depth >= SCAN_DEPTH || !wants_watch(rel))
		return;
	add_watch(w, rel);
	DIR *d = opendir(abs);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		char child[PATH_MAX];
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", rel, e->d_name) < sizeof(child))
			on_new_dir(w, child, depth + 1);
	}
	closedir(d);
}

/* Start: the root, and every kubepods subtree already there. */
static void scan(struct cgroup_watch *w, const char *rel, int depth)
{
	char abs[PATH_MAX * 2];

	snprintf(abs, sizeof(abs), "%s%s", w->root, rel);
	DIR *d = opendir(abs);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		char child[PATH_MAX];
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", rel, e->d_name) >= sizeof(child))
			continue;
		if (strstr(e->d_name, "kubepods"))
			on_new_dir(w, child, depth + 1);
		else if (depth < 3) /* nested nodes: system.slice/docker-<id>.scope/kubepods */
			scan(w, child, depth + 1);
	}
	closedir(d);
}

static void *run(void *arg)
{
	struct cgroup_watch *w = arg;
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd pfd[2] = { { .fd = w->ifd, .events = POLLIN }, { .fd = w->stop_fd[0], .events = POLLIN } };

	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		ssize_t n = read(w->ifd, buf, sizeof(buf));
		if (n <= 0)
			continue;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				w->overflows++;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				forget_dir(w, ev->wd);
				continue;
			}
			const char *parent = dir_of(w, ev->wd);
			if (!parent || !(ev->mask & IN_ISDIR) || !ev->len)
				continue;
			char rel[PATH_MAX];
			if ((size_t)snprintf(rel, sizeof(rel), "%s/%s", strcmp(parent, "/") ? parent : "",
					     ev->name) >= sizeof(rel))
				continue;
			if (strcmp(parent, "/") || strstr(ev->name, "kubepods"))
				on_new_dir(w, rel, 1);
		}
	}
	return NULL;
}

int cgroup_watch_start(struct cgroup_watch *w, const char *root)
{
	int err;

	memset(w, 0, sizeof(*w));
	w->ifd = w->stop_fd[0] = w->stop_fd[1] = -1;
	pthread_mutex_init(&w->lock, NULL);
	snprintf(w->root, sizeof(w->root), "%s", root);
	size_t n = strlen(w->root);
	while (n > 1 && w->root[n - 1] == '/')
		w->root[--n] = '\0';
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd < 0 || pipe2(w->stop_fd, O_CLOEXEC) < 0) {
		err = -errno;
		goto cleanup;
	}
	add_watch(w, "/");
	scan(w, "", 0);
	err = -pthread_create(&w->thread, NULL, run, w);
	if (err)
		goto cleanup;
	w->running = 1;
	return 0;
cleanup:
	cgroup_watch_stop(w);
	return err;
}

void cgroup_watch_stop(struct cgroup_watch *w)
{
	if (w->running) {
		ssize_t rc = write(w->stop_fd[1], "x", 1);
		(void)rc;
		pthread_join(w->thread, NULL);
		w->running = 0;
	}
	for (int i = 0; i < 2; i++)
		if (w->stop_fd[i] >= 0)
			close(w->stop_fd[i]);
	if (w->ifd >= 0)
		close(w->ifd);
	w->ifd = w->stop_fd[0] = w->stop_fd[1] = -1;
	for (size_t i = 0; i < w->n_dirs; i++)
		free(w->dirs[i].path);
	free(w->dirs);
	w->dirs = NULL;
	w->n_dirs = w->cap_dirs = 0;
	for (size_t i = 0; i < CGROUP_WATCH_RECENT; i++) {
		free(w->recent[i].path);
		w->recent[i].path = NULL;
	}
	pthread_mutex_destroy(&w->lock);
}

int cgroup_watch_find(struct cgroup_watch *w, uint64_t id, char *out, size_t outlen)
{
	int err = -ENOENT;

	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < CGROUP_WATCH_RECENT; i++) {
		if (w->recent[i].path && w->recent[i].id == id) {
			err = (size_t)snprintf(out, outlen, "%s", w->recent[i].path) < outlen ? 0 : -ENAMETOOLONG;
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return err;
}
