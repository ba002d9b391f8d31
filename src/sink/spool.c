/* The spool's segment log: layout and guarantees are described in spool.h;
 * start-up checks are in spool_recover.c, the cursor file in spool_cursor.c. */
#include <stdarg.h>
#include <sys/file.h>
#include <time.h>
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

int64_t spool_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void spool_notice(struct spool *sp, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sp->notice)
		sp->notice(sp->ctx, msg);
}

void spool_seg_name(uint64_t id, char *buf, size_t len)
{
	snprintf(buf, len, "seg-%016" PRIx64 ".log", id);
}

struct seg *spool_seg_find(struct spool *sp, uint64_t id)
{
	for (size_t i = 0; i < sp->nsegs; i++)
		if (sp->segs[i].id == id)
			return &sp->segs[i];
	return NULL;
}

/* ---- cursor file ---- */

static void map_drop(struct map *m)
{
	if (m->p)
		munmap(m->p, m->size);
	if (m->fd >= 0)
		close(m->fd);
	*m = (struct map){ .fd = -1 };
}

uint8_t *spool_map_get(struct spool *sp, uint64_t id)
{
	struct seg *s = spool_seg_find(sp, id);
	struct map *m = NULL;
	char name[64];

	for (int i = 0; i < 2; i++)
		if (sp->maps[i].id == id)
			return sp->maps[i].p;
	if (!s)
		return NULL;
	for (int i = 0; i < 2 && !m; i++)
		if (sp->maps[i].id != sp->rid && sp->maps[i].id != sp->wid)
			m = &sp->maps[i];
	if (!m)
		m = &sp->maps[0];
	map_drop(m);
	spool_seg_name(id, name, sizeof(name));
	m->fd = openat(sp->dirfd, name, O_RDWR | O_CLOEXEC);
	if (m->fd < 0)
		return NULL;
	/* The segment being written is faulted in at once (one call instead
	 * of a page fault per 4 KiB of appends). */
	m->p = mmap(NULL, s->size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | (id == sp->wid ? MAP_POPULATE : 0), m->fd, 0);
	if (m->p == MAP_FAILED) {
		m->p = NULL;
		map_drop(m);
		return NULL;
	}
	m->id = id;
	m->size = s->size;
	return m->p;
}

void spool_map_release(struct spool *sp, uint64_t id)
{
	for (int i = 0; i < 2; i++)
		if (sp->maps[i].id == id)
			map_drop(&sp->maps[i]);
}

/* ---- segments ---- */

int spool_segs_push(struct spool *sp, const struct seg *s)
{
	if (sp->nsegs == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 16;
		struct seg *n = realloc(sp->segs, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		sp->segs = n;
		sp->cap = cap;
	}
	sp->segs[sp->nsegs++] = *s;
	sp->st.bytes += s->size;
	sp->st.segments++;
	return 0;
}

static void seg_delete(struct spool *sp, size_t i)
{
	char name[64];

	spool_map_release(sp, sp->segs[i].id);
	spool_seg_name(sp->segs[i].id, name, sizeof(name));
	unlinkat(sp->dirfd, name, 0);
	sp->st.bytes -= sp->segs[i].size;
	sp->st.segments--;
	memmove(&sp->segs[i], &sp->segs[i + 1], (sp->nsegs - i - 1) * sizeof(*sp->segs));
	sp->nsegs--;
}

static void header_fill(uint8_t h[SEG_HEADER], const struct seg *s)
{
	uint32_t version = SEG_VERSION, hsize = SEG_HEADER, crc;

	memset(h, 0, SEG_HEADER);
	memcpy(h, SEG_MAGIC, 8);
	memcpy(h + 8, &version, 4);
	memcpy(h + 12, &hsize, 4);
	memcpy(h + 16, &s->id, 8);
	memcpy(h + 24, &s->size, 8);
	memcpy(h + 32, &s->created, 8);
	crc = (uint32_t)crc32(0, h, 40);
	memcpy(h + 40, &crc, 4);
}

/* A new write segment, within the budget. */
static int seg_create(struct spool *sp)
{
	struct seg s = { .id = sp->nsegs ? sp->segs[sp->nsegs - 1].id + 1 : 1,
			 .size = sp->seg_bytes, .created = spool_wall_ns() };
	uint8_t h[SEG_HEADER];
	char name[64];
	int fd, rc;

	if (sp->st.bytes + s.size > sp->max_bytes)
		return -ENOSPC;
	spool_seg_name(s.id, name, sizeof(name));
	fd = openat(sp->dirfd, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* Blocks reserved now: a full disk is this error, not a SIGBUS later. */
	rc = -posix_fallocate(fd, 0, (off_t)s.size);
	header_fill(h, &s);
	if (!rc && pwrite(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		rc = errno ? -errno : -EIO;
	close(fd);
	if (!rc)
		rc = spool_segs_push(sp, &s);
	if (rc) {
		unlinkat(sp->dirfd, name, 0);
		return rc;
	}
	sp->wid = s.id;
	sp->woff = SEG_HEADER;
	if (!spool_map_get(sp, s.id))
		return -errno ? -errno : -EIO;
	return 0;
}

static int lock_dir(struct spool *sp)
{
	sp->lockfd = openat(sp->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (sp->lockfd < 0)
		return -errno;
	if (flock(sp->lockfd, LOCK_EX | LOCK_NB))
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	return 0;
}

static int mkdir_p(const char *dir)
{
	char *p, *copy = strdup(dir);
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (p = copy + 1; *p && !rc; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) && errno != EEXIST)
			rc = -errno;
		*p = '/';
	}
	if (!rc && mkdir(copy, 0700) && errno != EEXIST)
		rc = -errno;
	free(copy);
	return rc;
}

int spool_open(const struct spool_config *cfg, spool_notice_fn fn, void *ctx, struct spool **out,
	       char *err, size_t errlen)
{
	struct spool *sp = calloc(1, sizeof(*sp));
	const char *step = "";
	int rc;

	*out = NULL;
	if (!sp)
		return -ENOMEM;
	sp->dirfd = sp->lockfd = sp->cfd = -1;
	sp->maps[0].fd = sp->maps[1].fd = -1;
	sp->notice = fn;
	sp->ctx = ctx;
	sp->max_bytes = cfg->max_bytes;
	sp->seg_bytes = cfg->segment_bytes ? cfg->segment_bytes : cfg->max_bytes / 8;
	if (sp->seg_bytes < MIN_SEGMENT)
		sp->seg_bytes = MIN_SEGMENT;
	if (sp->seg_bytes > MAX_SEGMENT)
		sp->seg_bytes = MAX_SEGMENT;
	sp->seg_bytes &= ~4095ull;
	sp->dir = strdup(cfg->dir);
	if (!sp->dir) {
		rc = -ENOMEM;
		goto cleanup;
	}
	if (cfg->max_bytes < sp->seg_bytes) {
		step = "max_bytes is below one segment (64 KiB)";
		rc = -EINVAL;
		goto cleanup;
	}
	step = "cannot create it";
	if ((rc = mkdir_p(cfg->dir)))
		goto cleanup;
	step = "cannot open it";
	sp->dirfd = open(cfg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->dirfd < 0) {
		rc = -errno;
		goto cleanup;
	}
	step = "cannot lock it";
	if ((rc = lock_dir(sp))) {
		if (rc == -EBUSY)
			step = "another sink or process uses it";
		goto cleanup;
	}
	step = "cannot open its cursor file";
	if ((rc = spool_cursor_open(sp)))
		goto cleanup;
	step = "cannot read its segments";
	if ((rc = spool_recover(sp)))
		goto cleanup;
	if (sp->sent < sp->ack)
		sp->sent = sp->ack;
	sp->st.oldest_wall_ns = sp->nsegs ? sp->segs[0].created : 0;
	*out = sp;
	sp = NULL;
cleanup:
	if (rc)
		snprintf(err, errlen, "%s: %s (%s)", cfg->dir, step, strerror(-rc));
	spool_close(sp);
	return rc;
}

void spool_close(struct spool *sp)
{
	if (!sp)
		return;
	spool_cursor_write(sp);
	for (int i = 0; i < 2; i++) {
		if (sp->maps[i].fd >= 0)
			fdatasync(sp->maps[i].fd);
		map_drop(&sp->maps[i]);
	}
	if (sp->cmap) {
		msync(sp->cmap, 4096, MS_SYNC);
		munmap(sp->cmap, 4096);
	}
	if (sp->cfd >= 0)
		close(sp->cfd);
	if (sp->lockfd >= 0)
		close(sp->lockfd);
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	free(sp->segs);
	free(sp->dir);
	free(sp);
}

int spool_append(struct spool *sp, const struct iovec *iov, int iovcnt, uint64_t *pos)
{
	size_t len = 0;
	uint8_t *p;
	int rc;

	for (int i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	uint64_t need = (REC_HEADER + len + 7) & ~7ull;
	if (len == 0 || need > sp->seg_bytes - SEG_HEADER)
		return -EMSGSIZE;
	if (!sp->wid || sp->woff + need > spool_seg_find(sp, sp->wid)->size) {
		rc = seg_create(sp);
		if (rc) {
			if (rc == -ENOSPC && sp->st.bytes + sp->seg_bytes > sp->max_bytes)
				sp->st.full++;
			else
				sp->st.disk_errors++;
			return rc;
		}
		if (sp->nsegs == 1) {
			/* The spool was empty: read from here. */
			sp->rid = sp->wid;
			sp->roff = SEG_HEADER;
			sp->st.oldest_wall_ns = sp->segs[0].created;
		}
	}
	p = spool_map_get(sp, sp->wid);
	if (!p) {
		sp->st.disk_errors++;
		return -EIO;
	}
	uint8_t *rec = p + sp->woff, *q = rec + REC_HEADER;
	for (int i = 0; i < iovcnt; i++) {
		memcpy(q, iov[i].iov_base, iov[i].iov_len);
		q += iov[i].iov_len;
	}
	uint32_t len32 = (uint32_t)len;
	uint32_t crc = (uint32_t)crc32(crc32(0, (const Bytef *)&len32, 4), rec + REC_HEADER, len32);
	memcpy(rec + 4, &crc, 4);
	/* The length last: a record is complete once it is non-zero. */
	__atomic_store_n((uint32_t *)rec, len32, __ATOMIC_RELEASE);
	*pos = POS(sp->wid, sp->woff);
	sp->woff += need;
	spool_seg_find(sp, sp->wid)->n_records++;
	return 0;
}

int spool_caught_up(const struct spool *sp)
{
	return !sp->wid || (sp->rid == sp->wid && sp->roff >= sp->woff);
}

uint64_t spool_read_pos(const struct spool *sp)
{
	return POS(sp->rid, sp->roff);
}

/* The next segment after id, or 0. */
static uint64_t seg_next(const struct spool *sp, uint64_t id)
{
	for (size_t i = 0; i < sp->nsegs; i++)
		if (sp->segs[i].id > id)
			return sp->segs[i].id;
	return 0;
}

int spool_peek(struct spool *sp, const void **data, uint32_t *len, uint64_t *pos)
{
	for (;;) {
		if (spool_caught_up(sp))
			return -ENODATA;
		struct seg *s = spool_seg_find(sp, sp->rid);
		uint8_t *p = s ? spool_map_get(sp, sp->rid) : NULL;
		uint32_t l = 0;
		if (p && sp->roff + REC_HEADER <= s->size)
			memcpy(&l, p + sp->roff, 4);
		if (l == 0 || l > s->size - sp->roff - REC_HEADER) {
			/* This segment's end: on to the next one. */
			uint64_t next = seg_next(sp, sp->rid);
			if (!next)
				return -ENODATA;
			uint64_t old = sp->rid;
			sp->rid = next;
			sp->roff = SEG_HEADER;
			if (old != sp->wid)
				spool_map_release(sp, old);
			continue;
		}
		*data = p + sp->roff + REC_HEADER;
		*len = l;
		*pos = POS(sp->rid, sp->roff);
		return 0;
	}
}

void spool_consume(struct spool *sp, uint64_t pos)
{
	struct seg *s = spool_seg_find(sp, POS_ID(pos));
	uint8_t *p;
	uint32_t len;

	if (pos != POS(sp->rid, sp->roff)) {
		/* pos may open the next segment while read sits at the end of
		 * the previous one: peek moves read there. */
		const void *d;
		uint32_t l;
		uint64_t at;
		if (spool_peek(sp, &d, &l, &at) || at != pos)
			return;
	}
	if (!s || !(p = spool_map_get(sp, sp->rid)))
		return;
	memcpy(&len, p + sp->roff, 4);
	sp->roff += (REC_HEADER + len + 7) & ~7ull;
	if (POS(sp->rid, sp->roff) > sp->sent) {
		/* Lease the next SENT_LEASE bytes ahead of time: one cursor
		 * write per lease, and a crash can only over-count re-sends. */
		uint64_t end = sp->roff + SENT_LEASE;
		sp->sent = POS(sp->rid, end < s->size ? end : s->size);
		spool_cursor_write(sp);
	}
}

void spool_mark_sent(struct spool *sp, uint64_t pos)
{
	struct seg *s = spool_seg_find(sp, POS_ID(pos));

	if (pos < sp->sent || !s)
		return;
	/* Leased like spool_consume's: one cursor write per SENT_LEASE. */
	uint64_t end = POS_OFF(pos) + SENT_LEASE;
	sp->sent = POS(POS_ID(pos), end < s->size ? end : s->size);
	spool_cursor_write(sp);
}

uint64_t spool_write_pos(const struct spool *sp)
{
	return POS(sp->wid, sp->woff);
}

void spool_scan(struct spool *sp, void (*fn)(void *ctx, const void *data, uint32_t len, uint64_t pos),
		void *ctx)
{
	uint64_t rid = sp->rid, roff = sp->roff;
	const void *d;
	uint32_t len;
	uint64_t pos;

	/* peek moves read across segment ends; read is put back afterwards. */
	while (!spool_peek(sp, &d, &len, &pos)) {
		fn(ctx, d, len, pos);
		sp->roff += (REC_HEADER + len + 7) & ~7ull;
	}
	if (sp->rid != rid && sp->rid != sp->wid)
		spool_map_release(sp, sp->rid);
	sp->rid = rid;
	sp->roff = roff;
}

void spool_ack(struct spool *sp, uint64_t pos)
{
	if (pos <= sp->ack)
		return;
	sp->ack = pos;
	spool_cursor_write(sp);
	while (sp->nsegs > 1 && sp->segs[0].id < POS_ID(pos) && sp->segs[0].id != sp->wid &&
	       sp->segs[0].id != sp->rid)
		seg_delete(sp, 0);
	sp->st.oldest_wall_ns = sp->nsegs ? sp->segs[0].created : 0;
}

void spool_sync(struct spool *sp)
{
	for (int i = 0; i < 2; i++)
		if (sp->maps[i].fd >= 0)
			sync_file_range(sp->maps[i].fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

uint64_t spool_expire(struct spool *sp, int64_t cutoff_wall_ns,
		      void (*fn)(void *ctx, const void *data, uint32_t len), void *ctx)
{
	uint64_t skipped = 0;

	for (;;) {
		struct seg *s = spool_seg_find(sp, sp->rid);
		if (!s || s->id == sp->wid || s->created >= cutoff_wall_ns)
			return skipped;
		/* Count the unread records left in this segment, then skip it. */
		const void *d;
		uint32_t len;
		uint64_t pos, id = sp->rid;
		while (sp->rid == id && !spool_peek(sp, &d, &len, &pos) && sp->rid == id) {
			if (fn)
				fn(ctx, d, len);
			spool_consume(sp, pos);
			skipped++;
		}
		if (sp->rid == id)
			return skipped;
	}
}

void spool_stats(const struct spool *sp, struct spool_stats *out)
{
	*out = sp->st;
}

const char *spool_dir(const struct spool *sp)
{
	return sp->dir;
}
