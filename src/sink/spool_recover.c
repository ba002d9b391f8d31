/* Spool start-up: find the segments, check every record from the ack
 * cursor on with its crc32, cut what is torn or foreign (counted, and told to
 * the caller with the file and offset). */
#include <dirent.h>
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

static int all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

/* Where the bytes after a cut end: the last non-zero byte. */
static uint64_t used_end(const uint8_t *p, uint64_t from, uint64_t size)
{
	while (size > from && p[size - 1] == 0)
		size--;
	return size;
}

/* Check one segment's records, cut a corrupt tail, count what is pending.
 * Returns the end of its valid records; *first_pending gets the offset of
 * the first record at or past the ack mark (that end when none is). */
static uint64_t seg_scan(struct spool *sp, struct seg *s, uint8_t *p, uint64_t *first_pending)
{
	uint64_t off = SEG_HEADER;
	int pending = 0;
	const char *why = NULL;
	char name[64];

	s->n_records = 0;
	while (off + REC_HEADER <= s->size) {
		uint32_t len, crc;
		memcpy(&len, p + off, 4);
		memcpy(&crc, p + off + 4, 4);
		if (len == 0) {
			if (!all_zero(p + off, s->size - off))
				why = "an unfinished record";
			break;
		}
		if (len > s->size - off - REC_HEADER) {
			why = "a record length past the segment's end";
			break;
		}
		uint32_t c = (uint32_t)crc32(crc32(0, (const Bytef *)&len, 4), p + off + REC_HEADER, len);
		if (c != crc) {
			why = "a bad checksum";
			break;
		}
		uint64_t pos = POS(s->id, off);
		if (pos >= sp->ack) {
			if (!pending++)
				*first_pending = off;
			sp->st.recovered++;
			if (pos < sp->sent)
				sp->st.resend++;
		}
		s->n_records++;
		off += (REC_HEADER + len + 7) & ~7ull;
	}
	if (why) {
		uint64_t end = used_end(p, off, s->size);
		spool_seg_name(s->id, name, sizeof(name));
		sp->st.cuts++;
		sp->st.cut_bytes += end - off;
		spool_notice(sp, "%s/%s: %s at offset %" PRIu64 "; cut %" PRIu64 " bytes there "
		       "(%" PRIu64 " good records before it are kept)",
		       sp->dir, name, why, off, end - off, s->n_records);
		memset(p + off, 0, s->size - off);
	}
	if (!pending)
		*first_pending = off;
	return off;
}

/* Load one segment file found at open. 0, or -errno: the file was set aside. */
static int seg_load(struct spool *sp, uint64_t id)
{
	char name[64];
	uint8_t h[SEG_HEADER];
	struct seg s = { .id = id };
	struct stat stbuf;
	uint32_t crc;
	int fd, rc = 0;

	spool_seg_name(id, name, sizeof(name));
	fd = openat(sp->dirfd, name, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &stbuf) || pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		rc = -EBADMSG;
		goto cleanup;
	}
	memcpy(&s.size, h + 24, 8);
	memcpy(&s.created, h + 32, 8);
	memcpy(&crc, h + 40, 4);
	if (memcmp(h, SEG_MAGIC, 8) || crc != (uint32_t)crc32(0, h, 40) ||
	    s.size < SEG_HEADER + REC_HEADER || s.size > UINT32_MAX) {
		rc = -EBADMSG;
		goto cleanup;
	}
	if ((uint64_t)stbuf.st_size > s.size) {
		sp->st.cuts++;
		sp->st.cut_bytes += (uint64_t)stbuf.st_size - s.size;
		spool_notice(sp, "%s/%s: %" PRIu64 " bytes past the segment's end at offset %" PRIu64 "; cut",
		       sp->dir, name, (uint64_t)stbuf.st_size - s.size, s.size);
		if (ftruncate(fd, (off_t)s.size)) {
			rc = -errno;
			goto cleanup;
		}
	} else if ((uint64_t)stbuf.st_size < s.size && (rc = -posix_fallocate(fd, 0, (off_t)s.size))) {
		goto cleanup;
	}
	rc = spool_segs_push(sp, &s);
cleanup:
	close(fd);
	if (rc == -EBADMSG) {
		sp->st.cuts++;
		sp->st.cut_bytes += (uint64_t)stbuf.st_size;
		spool_notice(sp, "%s/%s: not a spool segment (bad header at offset 0); set aside as %s.bad",
		       sp->dir, name, name);
		char bad[80];
		snprintf(bad, sizeof(bad), "%s.bad", name);
		renameat(sp->dirfd, name, sp->dirfd, bad);
	}
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int load_segments(struct spool *sp)
{
	DIR *d = fdopendir(dup(sp->dirfd));
	uint64_t *ids = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int rc = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		uint64_t id;
		char tail[8];
		if (sscanf(e->d_name, "seg-%16" SCNx64 ".%7s", &id, tail) != 2 || strcmp(tail, "log") ||
		    id == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			uint64_t *nids = realloc(ids, cap * sizeof(*ids));
			if (!nids) {
				rc = -ENOMEM;
				goto cleanup;
			}
			ids = nids;
		}
		ids[n++] = id;
	}
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_u64);
	for (size_t i = 0; i < n; i++) {
		if (ids[i] < POS_ID(sp->ack)) {
			/* Delivered; the deletion did not happen before a crash. */
			char name[64];
			spool_seg_name(ids[i], name, sizeof(name));
			unlinkat(sp->dirfd, name, 0);
			continue;
		}
		rc = seg_load(sp, ids[i]);
		if (rc == -ENOMEM)
			goto cleanup;
		rc = 0;
	}
cleanup:
	free(ids);
	closedir(d);
	return rc;
}

static int scan_segments(struct spool *sp)
{
	/* Read from the ack cursor, or the first segment after it. */
	sp->roff = SEG_HEADER;
	for (size_t i = 0; i < sp->nsegs; i++) {
		struct seg *s = &sp->segs[i];
		sp->rid = s->id; /* keep its mapping while scanning */
		uint8_t *p = spool_map_get(sp, s->id);
		if (!p)
			return -errno ? -errno : -EIO;
		uint64_t first_pending;
		uint64_t end = seg_scan(sp, s, p, &first_pending);
		/* The first record at or past ack, not the mark itself: the cursor
		 * file and the segment reach the disk independently, and after a
		 * power loss the mark can point past the records left. */
		if (i == 0 && s->id == POS_ID(sp->ack))
			sp->roff = first_pending;
		if (i == sp->nsegs - 1) {
			sp->wid = s->id;
			sp->woff = end;
		} else {
			spool_map_release(sp, s->id);
		}
	}
	sp->rid = sp->nsegs ? sp->segs[0].id : 0;
	/* Marks past the records that exist would also call delivered what is
	 * appended there after this start: pull them back to the write cursor,
	 * and say so in the cursor file before anything is appended. */
	uint64_t wpos = sp->nsegs ? POS(sp->wid, sp->woff) : 0;
	if (sp->ack > wpos || sp->sent > wpos) {
		if (sp->ack > wpos)
			sp->ack = wpos;
		if (sp->sent > wpos)
			sp->sent = wpos;
		spool_cursor_write(sp);
	}
	return 0;
}

int spool_recover(struct spool *sp)
{
	int rc = load_segments(sp);

	return rc ? rc : scan_segments(sp);
}
