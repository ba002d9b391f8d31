/* Directory watches for swapped files (see dir_watch.h). */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config/dir_watch.h"

int dir_watch_open(int *fd)
{
	*fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	return *fd < 0 ? -errno : 0;
}

int dir_watch_add_parent(int fd, const char *file_path)
{
	char *copy = strdup(file_path);
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	if (inotify_add_watch(fd, dirname(copy), DIR_WATCH_MASK) < 0)
		ret = -errno;
	free(copy);
	return ret;
}

int dir_watch_drain(int fd, dir_watch_filter_fn filter, void *ctx, bool *relevant)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;

			if ((ev->mask & IN_Q_OVERFLOW) || !filter || filter(ctx, ev))
				*relevant = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	return n < 0 && errno != EAGAIN ? -errno : 0;
}
