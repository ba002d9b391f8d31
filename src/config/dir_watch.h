/* Watching the directory a file lives in, not the file: Kubernetes swaps a
 * mounted ConfigMap or Secret by renaming its `..data` symlink, which a watch
 * on the file itself never sees. Used by the policy reload and the Kafka
 * credential rotation. */
#ifndef RINGTAP_DIR_WATCH_H
#define RINGTAP_DIR_WATCH_H

#include <stdbool.h>
#include <sys/inotify.h>

/* Everything that can mean new content under a name: in-place writes, renames
 * into or out of the directory (editors, the ..data swap), creations (ln -sf),
 * deletions, attribute changes. */
#define DIR_WATCH_MASK                                                                    \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)

/* A non-blocking, close-on-exec inotify descriptor in *fd. */
int dir_watch_open(int *fd);

/* Watch the directory that holds file_path. */
int dir_watch_add_parent(int fd, const char *file_path);

/* Decides whether one event concerns the watcher; NULL takes every event. */
typedef bool (*dir_watch_filter_fn)(void *ctx, const struct inotify_event *ev);

/* Read every pending event; *relevant is set when filter accepted one (or
 * the kernel's queue overflowed, when events were lost). */
int dir_watch_drain(int fd, dir_watch_filter_fn filter, void *ctx, bool *relevant);

#endif
