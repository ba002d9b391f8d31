#include <string.h>
#include <sys/stat.h>
#include "config/file_identity.h"

void file_identity_of(const char *path, struct file_identity *id)
{
	struct stat sb;

	memset(id, 0, sizeof(*id));
	if (stat(path, &sb))
		return;
	id->exists = true;
	id->dev = sb.st_dev;
	id->ino = sb.st_ino;
	id->size = sb.st_size;
	id->mtime = sb.st_mtim;
	id->ctime = sb.st_ctim;
}

bool file_identity_equal(const struct file_identity *a, const struct file_identity *b)
{
	return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec && a->ctime.tv_sec == b->ctime.tv_sec &&
	       a->ctime.tv_nsec == b->ctime.tv_nsec;
}
