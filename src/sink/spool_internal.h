/* Internals of the spool (spool.c, spool_cursor.c, spool_recover.c):
 * on-disk constants, the in-memory state, helpers shared by those files.
 * Not a public API: see spool.h. */
#ifndef RINGTAP_SPOOL_INTERNAL_H
#define RINGTAP_SPOOL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
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

int64_t spool_wall_ns(void);
/* Hand a sentence about a problem found to the caller's notice callback. */
void spool_notice(struct spool *sp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void spool_seg_name(uint64_t id, char *buf, size_t len);
struct seg *spool_seg_find(struct spool *sp, uint64_t id);
int spool_segs_push(struct spool *sp, const struct seg *s);
/* The mapping of segment id (at most two are kept: read and write). */
uint8_t *spool_map_get(struct spool *sp, uint64_t id);
void spool_map_release(struct spool *sp, uint64_t id);

/* cursor file (spool_cursor.c): two checksummed slots, written alternately */
int spool_cursor_open(struct spool *sp);
void spool_cursor_write(struct spool *sp);

/* spool_recover.c: load the segments from the ack cursor on, check their
 * records, cut corrupt tails; sets the read and write cursors. */
int spool_recover(struct spool *sp);

#endif
