/* The spool's cursor file: the delivered (ack) and sent marks, in two
 * checksummed slots of a shared mapping written alternately, so a crash in
 * the middle of an update leaves the other slot valid. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "sink/spool_internal.h"

static uint32_t slot_crc(const struct cursor_slot *c)
{
	return (uint32_t)crc32(0, (const Bytef *)c, offsetof(struct cursor_slot, crc));
}

void spool_cursor_write(struct spool *sp)
{
	struct cursor_slot *c;

	if (!sp->cmap)
		return;
	/* Write the older slot: a crash in the middle leaves the other valid. */
	c = &sp->cmap[(sp->cgen + 1) & 1];
	c->magic = CURSOR_MAGIC;
	c->gen = sp->cgen + 1;
	c->ack = sp->ack;
	c->sent = sp->sent;
	c->crc = slot_crc(c);
	sp->cgen++;
}

int spool_cursor_open(struct spool *sp)
{
	const size_t size = 4096;
	int fd = openat(sp->dirfd, CURSOR_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	void *p;
	int rc = 0;

	if (fd < 0)
		return -errno;
	if ((rc = posix_fallocate(fd, 0, size))) {
		rc = -rc;
		goto cleanup;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto cleanup;
	}
	sp->cmap = p;
	sp->cfd = fd;
	fd = -1;
	for (int i = 0; i < 2; i++) {
		const struct cursor_slot *c = &sp->cmap[i];
		if (c->magic == CURSOR_MAGIC && c->crc == slot_crc(c) && c->gen >= sp->cgen) {
			sp->cgen = c->gen;
			sp->ack = c->ack;
			sp->sent = c->sent;
		}
	}
cleanup:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ---- mappings (at most two: the read and the write segment) ---- */
