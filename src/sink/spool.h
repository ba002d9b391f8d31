/* A durable FIFO of byte records on disk: the Kafka sink's spool.
 *
 * Storage: an append-only log of fixed-size segment files in one directory
 * (seg-<id>.log), preallocated with posix_fallocate and written through a
 * shared mapping, so an append is a memcpy into the page cache (no syscall
 * per record; a process killed at any instant leaves every appended record
 * in the file) and a full disk is an error at segment creation, never a
 * SIGBUS. Each record carries its length and a zlib crc32 of length and
 * payload; a zero length marks the end of the written part.
 *
 *   segment  = header (64 bytes) | record* | zeros
 *   header   = "RTSPOOL1" u32 version u32 header_size u64 id u64 size
 *              u64 created_wall_ns u32 crc32(previous bytes) pad
 *   record   = u32 len | u32 crc32(len, payload) | payload[len] | pad to 8
 *
 * Positions are (segment id << 32 | offset). Three cursors, in order:
 *   ack   every record before it was delivered (or given up, and counted)
 *   read  the next record to hand to the producer
 *   write where the next record is appended
 * A small "cursor" file (two checksummed slots, written alternately through
 * a shared mapping) keeps ack, and a "sent" mark that is always ahead of
 * read: after a crash, the records between ack and sent may have been
 * delivered already and are counted as possibly re-sent.
 * A segment is deleted when ack passes its end.
 *
 * Durability: a record is in the page cache when spool_append returns, which
 * survives the process (SIGKILL, OOM). Writeback to the device is started
 * (sync_file_range, no wait) by spool_sync(), which the Kafka sink calls
 * every second while records wait on disk; spool_close() waits for it
 * (fdatasync). While the broker keeps up, segments are deleted before the
 * kernel writes them back, so an idle spool costs no disk I/O. A power loss
 * can lose what was not yet written back; the checksums find the damage at
 * the next start.
 */
#ifndef RINGTAP_SPOOL_H
#define RINGTAP_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct spool;

struct spool_config {
	const char *dir;        /* created (0700) if missing */
	uint64_t max_bytes;     /* disk budget: segments never exceed it together */
	uint64_t segment_bytes; /* 0: max_bytes / 8, clamped to 64 KiB .. 8 MiB */
};

/* What spool_open found and did, and running totals. */
struct spool_stats {
	uint64_t bytes;          /* segment bytes on disk (allocated) */
	uint64_t segments;
	uint64_t recovered;      /* records found undelivered at open */
	uint64_t resend;         /* of those, possibly delivered before (between ack and sent) */
	uint64_t cut_bytes;      /* corrupt bytes cut at open (torn or garbage tails) */
	uint64_t cuts;           /* places where a cut happened */
	uint64_t full;           /* appends refused: budget reached */
	uint64_t disk_errors;    /* appends refused: the disk said no (ENOSPC, EIO) */
	int64_t oldest_wall_ns;  /* creation time of the oldest undelivered segment, 0: none */
};

/* Called for each problem found at open, with a sentence naming the file and
 * offset (the caller logs it). */
typedef void (*spool_notice_fn)(void *ctx, const char *msg);

/* Open (or create) the spool in cfg->dir, check every segment from the ack
 * cursor on and cut corrupt tails. The directory is locked (flock) for this
 * process: -EBUSY when another holds it. 0 or -errno with a reason in err. */
int spool_open(const struct spool_config *cfg, spool_notice_fn notice, void *ctx,
	       struct spool **out, char *err, size_t errlen);
/* Persist the cursors, wait for writeback, unmap. Accepts NULL. */
void spool_close(struct spool *sp);

/* Append one record (the concatenation of iov). *pos receives its position.
 * -ENOSPC when the budget is reached (counted in stats.full), -EMSGSIZE when
 * it cannot fit a segment, other -errno from the disk (counted). */
int spool_append(struct spool *sp, const struct iovec *iov, int iovcnt, uint64_t *pos);

/* The record at the read cursor: *data (valid until the next spool call),
 * *len, *pos. -ENODATA when read has reached write. */
int spool_peek(struct spool *sp, const void **data, uint32_t *len, uint64_t *pos);
/* Move read past the record at pos (the one peek returned, or the one just
 * appended when read was at write). */
void spool_consume(struct spool *sp, uint64_t pos);
/* Read cursor at write: nothing waits on disk. */
int spool_caught_up(const struct spool *sp);
uint64_t spool_read_pos(const struct spool *sp);

/* The record at pos (at or past read) was handed to the producer before
 * the drain reached it: move the sent mark past it, so that a crash counts
 * it as possibly re-sent. */
void spool_mark_sent(struct spool *sp, uint64_t pos);
/* Show every unread record (read .. write) to fn, in order, without
 * moving the read cursor. */
void spool_scan(struct spool *sp, void (*fn)(void *ctx, const void *data, uint32_t len, uint64_t pos),
		void *ctx);
uint64_t spool_write_pos(const struct spool *sp);

/* Everything before pos is delivered: persist, delete passed segments. */
void spool_ack(struct spool *sp, uint64_t pos);
/* Start writeback of dirty segment pages (no wait). */
void spool_sync(struct spool *sp);
/* Skip every unread record in segments created before cutoff_wall_ns (the
 * write segment is kept), showing each to fn first; returns how many. */
uint64_t spool_expire(struct spool *sp, int64_t cutoff_wall_ns,
		      void (*fn)(void *ctx, const void *data, uint32_t len), void *ctx);

void spool_stats(const struct spool *sp, struct spool_stats *out);
const char *spool_dir(const struct spool *sp);

#endif
