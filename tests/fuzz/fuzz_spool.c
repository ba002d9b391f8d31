/* libFuzzer target: the Kafka spool's start-up on a directory left by a
 * crash, a power loss or a bad disk (src/sink/spool_recover.c). Built and run
 * by test_spool_fuzz.sh (clang, ASan + UBSan).
 *
 * Input: a flags byte, the cursor's ack and sent offsets (u16 each), then
 * the bytes of the segments' record area (after a valid 64-byte header).
 * Flags: bit 0 write a cursor file (valid checksum), bit 1 two segments
 * (the area split between them), bit 2 ack and bit 3 sent in the second
 * segment, bit 4 the record checksums are fixed along the length chain (so
 * the lengths, not crc32, are what is explored).
 *
 * Invariants beyond "no crash, no UB, no hang": spool_open accepts the
 * directory; every pending record handed out has a valid checksum; records
 * appended after the start are read back next, intact and in order, and are
 * still pending at the following start (nothing a damaged directory holds
 * may hide or swallow new events). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "sink/spool.h"
#include "sink/spool_internal.h"

#define SEG_SIZE MIN_SEGMENT
#define NEW_RECORDS 3

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant broken: %s\n", what);
		abort();
	}
}

static void quiet(void *ctx, const char *msg)
{
	(void)ctx, (void)msg;
}

static void fix_checksums(uint8_t *seg)
{
	uint64_t off = SEG_HEADER;

	while (off + REC_HEADER <= SEG_SIZE) {
		uint32_t len, crc;
		memcpy(&len, seg + off, 4);
		if (len == 0 || len > SEG_SIZE - off - REC_HEADER)
			break;
		crc = (uint32_t)crc32(crc32(0, (const Bytef *)&len, 4), seg + off + REC_HEADER, len);
		memcpy(seg + off + 4, &crc, 4);
		off += (REC_HEADER + len + 7) & ~7ull;
	}
}

static void write_segment(const char *dir, uint64_t id, const uint8_t *area, size_t n, int fix)
{
	static uint8_t seg[SEG_SIZE];
	uint32_t version = SEG_VERSION, hsize = SEG_HEADER, crc;
	uint64_t size = SEG_SIZE;
	int64_t created = 1;
	char path[128], name[64];
	int fd;

	memset(seg, 0, sizeof(seg));
	memcpy(seg, SEG_MAGIC, 8);
	memcpy(seg + 8, &version, 4);
	memcpy(seg + 12, &hsize, 4);
	memcpy(seg + 16, &id, 8);
	memcpy(seg + 24, &size, 8);
	memcpy(seg + 32, &created, 8);
	crc = (uint32_t)crc32(0, seg, 40);
	memcpy(seg + 40, &crc, 4);
	if (n > SEG_SIZE - SEG_HEADER)
		n = SEG_SIZE - SEG_HEADER;
	memcpy(seg + SEG_HEADER, area, n);
	if (fix)
		fix_checksums(seg);
	spool_seg_name(id, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	check(fd >= 0 && write(fd, seg, sizeof(seg)) == (ssize_t)sizeof(seg), "write a segment");
	close(fd);
}

static void write_cursor(const char *dir, uint64_t ack, uint64_t sent)
{
	struct cursor_slot slots[2] = { { .magic = CURSOR_MAGIC, .gen = 1, .ack = ack, .sent = sent } };
	static uint8_t page[4096];
	char path[128];
	int fd;

	slots[0].crc = (uint32_t)crc32(0, (const Bytef *)&slots[0], offsetof(struct cursor_slot, crc));
	memset(page, 0, sizeof(page));
	memcpy(page, slots, sizeof(slots));
	snprintf(path, sizeof(path), "%s/%s", dir, CURSOR_FILE);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	check(fd >= 0 && write(fd, page, sizeof(page)) == (ssize_t)sizeof(page), "write the cursor");
	close(fd);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	check(d != NULL, "opendir");
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			check(unlinkat(dirfd(d), e->d_name, 0) == 0, "unlink a spool file");
	closedir(d);
	check(rmdir(dir) == 0, "rmdir");
}

static struct spool *open_spool(const char *dir)
{
	struct spool_config cfg = { .dir = dir, .max_bytes = 16 * SEG_SIZE, .segment_bytes = SEG_SIZE };
	struct spool *sp = NULL;
	char err[256];

	check(spool_open(&cfg, quiet, NULL, &sp, err, sizeof(err)) == 0, "spool_open accepts it");
	return sp;
}

/* Hand out every pending record (each with a valid checksum); returns how
 * many, and copies the last NEW_RECORDS lengths and first bytes to tail. */
static int drain(struct spool *sp, uint32_t tail[NEW_RECORDS][2])
{
	const void *d;
	uint32_t len;
	uint64_t pos;
	int n = 0;

	while (spool_peek(sp, &d, &len, &pos) == 0) {
		uint32_t stored_len, stored_crc;
		memcpy(&stored_len, (const uint8_t *)d - 8, 4);
		memcpy(&stored_crc, (const uint8_t *)d - 4, 4);
		check(stored_len == len && len <= SEG_SIZE, "a record's length");
		check(stored_crc == (uint32_t)crc32(crc32(0, (const Bytef *)&len, 4), d, len),
		      "a handed-out record has a valid checksum");
		memmove(tail[0], tail[1], sizeof(tail[0]) * (NEW_RECORDS - 1));
		tail[NEW_RECORDS - 1][0] = len;
		tail[NEW_RECORDS - 1][1] = len ? *(const uint8_t *)d : 0;
		spool_consume(sp, pos);
		check(++n <= (int)(16 * SEG_SIZE / REC_HEADER), "the read cursor ends");
	}
	check(spool_caught_up(sp), "caught up once nothing more is handed out");
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/ringtap-fuzz-spool.XXXXXX";
	uint32_t tail[NEW_RECORDS][2] = { { 0 } };
	uint8_t payload[NEW_RECORDS][40];
	struct spool *sp;
	unsigned flags;
	uint16_t ack_off, sent_off;

	if (size < 5)
		return 0;
	flags = data[0];
	memcpy(&ack_off, data + 1, 2);
	memcpy(&sent_off, data + 3, 2);
	data += 5, size -= 5;
	check(mkdtemp(dir) != NULL, "mkdtemp");
	if (flags & 2) {
		write_segment(dir, 1, data, size / 2, flags & 16);
		write_segment(dir, 2, data + size / 2, size - size / 2, flags & 16);
	} else {
		write_segment(dir, 1, data, size, flags & 16);
	}
	if (flags & 1)
		write_cursor(dir, POS(flags & 4 ? 2 : 1, ack_off), POS(flags & 8 ? 2 : 1, sent_off));

	sp = open_spool(dir);
	drain(sp, tail);
	for (int i = 0; i < NEW_RECORDS; i++) {
		struct iovec iov = { payload[i], 17 + 7 * i };
		uint64_t pos;
		memset(payload[i], 'A' + i, sizeof(payload[i]));
		check(spool_append(sp, &iov, 1, &pos) == 0, "an append after the start");
	}
	check(drain(sp, tail) == NEW_RECORDS, "the appended records are read next");
	for (int i = 0; i < NEW_RECORDS; i++)
		check(tail[i][0] == 17u + 7 * i && tail[i][1] == (uint32_t)('A' + i),
		      "the appended records, intact and in order");
	spool_close(sp);

	/* Not acknowledged: all still pending at the next start, last. */
	sp = open_spool(dir);
	memset(tail, 0, sizeof(tail));
	check(drain(sp, tail) >= NEW_RECORDS, "the appended records survive a restart");
	for (int i = 0; i < NEW_RECORDS; i++)
		check(tail[i][0] == 17u + 7 * i && tail[i][1] == (uint32_t)('A' + i),
		      "the appended records survive a restart, in order");
	spool_close(sp);
	remove_dir(dir);
	return 0;
}
