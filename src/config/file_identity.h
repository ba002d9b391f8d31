/* What a path resolved to (through symlinks) when it was last read: a change
 * to any of these means new content, or a new file, to read. Used by the
 * policy reload and the Kafka credential rotation, which both watch files a
 * Kubernetes volume may swap under them (the ..data symlink). */
#ifndef RINGTAP_FILE_IDENTITY_H
#define RINGTAP_FILE_IDENTITY_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct file_identity {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	bool exists;
};

/* stat(path) into id; a path that cannot be stat'ed reads as !exists. */
void file_identity_of(const char *path, struct file_identity *id);
bool file_identity_equal(const struct file_identity *a, const struct file_identity *b);

#endif
