/* The spool's segment log: layout and guarantees are described in spool.h. */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "sink/spool.h"

#define SEG_MAGIC "RTSPOOL1"
#define SEG_VERSION 1
#define SEG_HEADER 64
#define REC_HEADER 8
#define CURSOR_MAGIC 0x52545350434f5231ull /* "RTSPCOR1" */
#define CURSOR_FILE "cursor"
#define MIN_SEGMENT (64u * 1024)
#define MAX_SEGMENT (8u * 1024 * 1024)
#define SENT_LEASE (256u * 1024)

#define POS(id, off) (((uint64_t)(id) << 32) | (uint64_t)(off))
#define POS_ID(p) ((p) >> 32)
#define POS_OFF(p) ((p) & 0xffffffffu)

struct seg {
	uint64_t id;
	uint64_t size;
	int64_t created;
	uint64_t n_records;
};

struct map {
	uint64_t id; /* 0: unused */
	int fd;
	uint8_t *p;
	uint64_t size;
};

struct cursor_slot {
	uint64_t magic, gen, ack, sent;
	uint32_t crc, pad;
};

struct spool {
	char *dir;
	int dirfd, lockfd, cfd;
	struct cursor_slot *cmap; /* two slots, mapped */
	uint64_t cgen;
	uint64_t max_bytes, seg_bytes;
	struct seg *segs; /* ascending id; the last one is written */
	size_t nsegs, cap;
	struct map maps[2];
	uint64_t wid, woff; /* write cursor; wid 0: no segment yet */
	uint64_t rid, roff; /* read cursor */
	uint64_t ack, sent;
	spool_notice_fn notice;
	void *ctx;
	struct spool_stats st;
};

static int64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void notice(struct spool *sp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void notice(struct spool *sp, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sp->notice)
		sp->notice(sp->ctx, msg);
}

static void seg_name(uint64_t id, char *buf, size_t len)
{
	snprintf(buf, len, "seg-%016" PRIx64 ".log", id);
}

static struct seg *seg_find(struct spool *sp, uint64_t id)
{
	for (size_t i = 0; i < sp->nsegs; i++)
		if (sp->segs[i].id == id)
			return &sp->segs[i];
	return NULL;
}

/* ---- cursor file ---- */

static uint32_t slot_crc(const struct cursor_slot *c)
{
	return (uint32_t)crc32(0, (const Bytef *)c, offsetof(struct cursor_slot, crc));
}

static void cursor_write(struct spool *sp)
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

static int cursor_open(struct spool *sp)
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

static void map_drop(struct map *m)
{
	if (m->p)
		munmap(m->p, m->size);
	if (m->fd >= 0)
		close(m->fd);
	*m = (struct map){ .fd = -1 };
}

static uint8_t *map_get(struct spool *sp, uint64_t id)
{
	struct seg *s = seg_find(sp, id);
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
	seg_name(id, name, sizeof(name));
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

static void map_release(struct spool *sp, uint64_t id)
{
	for (int i = 0; i < 2; i++)
		if (sp->maps[i].id == id)
			map_drop(&sp->maps[i]);
}

/* ---- segments ---- */

static int segs_push(struct spool *sp, const struct seg *s)
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

	map_release(sp, sp->segs[i].id);
	seg_name(sp->segs[i].id, name, sizeof(name));
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
			 .size = sp->seg_bytes, .created = wall_ns() };
	uint8_t h[SEG_HEADER];
	char name[64];
	int fd, rc;

	if (sp->st.bytes + s.size > sp->max_bytes)
		return -ENOSPC;
	seg_name(s.id, name, sizeof(name));
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
		rc = segs_push(sp, &s);
	if (rc) {
		unlinkat(sp->dirfd, name, 0);
		return rc;
	}
	sp->wid = s.id;
	sp->woff = SEG_HEADER;
	if (!map_get(sp, s.id))
		return -errno ? -errno : -EIO;
	return 0;
}

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
 * Returns the end of its valid records. */
static uint64_t seg_scan(struct spool *sp, struct seg *s, uint8_t *p)
{
	uint64_t off = SEG_HEADER;
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
			sp->st.recovered++;
			if (pos < sp->sent)
				sp->st.resend++;
		}
		s->n_records++;
		off += (REC_HEADER + len + 7) & ~7ull;
	}
	if (why) {
		uint64_t end = used_end(p, off, s->size);
		seg_name(s->id, name, sizeof(name));
		sp->st.cuts++;
		sp->st.cut_bytes += end - off;
		notice(sp, "%s/%s: %s at offset %" PRIu64 "; cut %" PRIu64 " bytes there "
		       "(%" PRIu64 " good records before it are kept)",
		       sp->dir, name, why, off, end - off, s->n_records);
		memset(p + off, 0, s->size - off);
	}
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

	seg_name(id, name, sizeof(name));
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
		notice(sp, "%s/%s: %" PRIu64 " bytes past the segment's end at offset %" PRIu64 "; cut",
		       sp->dir, name, (uint64_t)stbuf.st_size - s.size, s.size);
		if (ftruncate(fd, (off_t)s.size)) {
			rc = -errno;
			goto cleanup;
		}
	} else if ((uint64_t)stbuf.st_size < s.size && (rc = -posix_fallocate(fd, 0, (off_t)s.size))) {
		goto cleanup;
	}
	rc = segs_push(sp, &s);
cleanup:
	close(fd);
	if (rc == -EBADMSG) {
		sp->st.cuts++;
		sp->st.cut_bytes += (uint64_t)stbuf.st_size;
		notice(sp, "%s/%s: not a spool segment (bad header at offset 0); set aside as %s.bad",
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
			seg_name(ids[i], name, sizeof(name));
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
	for (size_t i = 0; i < sp->nsegs; i++) {
		struct seg *s = &sp->segs[i];
		sp->rid = s->id; /* keep its mapping while scanning */
		uint8_t *p = map_get(sp, s->id);
		if (!p)
			return -errno ? -errno : -EIO;
		uint64_t end = seg_scan(sp, s, p);
		if (i == sp->nsegs - 1) {
			sp->wid = s->id;
			sp->woff = end;
		} else {
			map_release(sp, s->id);
		}
	}
	/* Read from the ack cursor, or the first segment after it. */
	sp->rid = sp->nsegs ? sp->segs[0].id : 0;
	sp->roff = SEG_HEADER;
	if (sp->nsegs && sp->segs[0].id == POS_ID(sp->ack) && POS_OFF(sp->ack) >= SEG_HEADER)
		sp->roff = POS_OFF(sp->ack);
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
	if ((rc = cursor_open(sp)))
		goto cleanup;
	step = "cannot read its segments";
	if ((rc = load_segments(sp)) || (rc = scan_segments(sp)))
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
	cursor_write(sp);
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
	if (!sp->wid || sp->woff + need > seg_find(sp, sp->wid)->size) {
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
	p = map_get(sp, sp->wid);
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
	seg_find(sp, sp->wid)->n_records++;
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
		struct seg *s = seg_find(sp, sp->rid);
		uint8_t *p = s ? map_get(sp, sp->rid) : NULL;
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
				map_release(sp, old);
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
	struct seg *s = seg_find(sp, POS_ID(pos));
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
	if (!s || !(p = map_get(sp, sp->rid)))
		return;
	memcpy(&len, p + sp->roff, 4);
	sp->roff += (REC_HEADER + len + 7) & ~7ull;
	if (POS(sp->rid, sp->roff) > sp->sent) {
		/* Lease the next SENT_LEASE bytes ahead of time: one cursor
		 * write per lease, and a crash can only over-count re-sends. */
		uint64_t end = sp->roff + SENT_LEASE;
		sp->sent = POS(sp->rid, end < s->size ? end : s->size);
		cursor_write(sp);
	}
}

void spool_ack(struct spool *sp, uint64_t pos)
{
	if (pos <= sp->ack)
		return;
	sp->ack = pos;
	cursor_write(sp);
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
		struct seg *s = seg_find(sp, sp->rid);
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
