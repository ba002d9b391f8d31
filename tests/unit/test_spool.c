/* The spool's segment log (src/sink/spool.c) without a broker: order, the
 * budget, recovery after a crash, and corrupt tails cut at open. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "sink/spool.h"

static char dir[64];
static int notices;
static char last_notice[512];

static void on_notice(void *ctx, const char *msg)
{
	(void)ctx;
	notices++;
	snprintf(last_notice, sizeof(last_notice), "%s", msg);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/ringtap-spool-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	notices = 0;
	last_notice[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static struct spool *open_spool(uint64_t max_bytes)
{
	struct spool_config cfg = { .dir = dir, .max_bytes = max_bytes, .segment_bytes = 64 * 1024 };
	struct spool *sp = NULL;
	char err[256];

	assert_int_equal(spool_open(&cfg, on_notice, NULL, &sp, err, sizeof(err)), 0);
	return sp;
}

static int append_n(struct spool *sp, int first, int n, uint64_t *pos)
{
	char buf[200];
	int rc = 0;

	for (int i = first; i < first + n && !rc; i++) {
		memset(buf, 'a' + i % 26, sizeof(buf));
		int len = snprintf(buf, sizeof(buf), "record %d ", i);
		buf[len] = ' ';
		struct iovec iov = { buf, 100 + (size_t)(i % 100) };
		rc = spool_append(sp, &iov, 1, &pos[i]);
	}
	return rc;
}

/* Read the next record and check it is record i. */
static void expect_record(struct spool *sp, int i)
{
	const void *d;
	uint32_t len;
	uint64_t pos;
	char want[32];

	assert_int_equal(spool_peek(sp, &d, &len, &pos), 0);
	snprintf(want, sizeof(want), "record %d ", i);
	assert_int_equal(len, 100 + i % 100);
	assert_memory_equal(d, want, strlen(want));
	spool_consume(sp, pos);
}

static void test_fifo_across_segments(void **state)
{
	static uint64_t pos[2000];
	struct spool *sp = open_spool(1024 * 1024);
	struct spool_stats st;

	(void)state;
	assert_true(spool_caught_up(sp));
	assert_int_equal(append_n(sp, 0, 2000, pos), 0); /* ~360 KB: several segments */
	spool_stats(sp, &st);
	assert_true(st.segments > 3);
	for (int i = 0; i < 2000; i++)
		expect_record(sp, i);
	assert_true(spool_caught_up(sp));
	/* Delivered: every segment but the one written is deleted. */
	spool_ack(sp, spool_read_pos(sp));
	spool_stats(sp, &st);
	assert_int_equal(st.segments, 1);
	spool_close(sp);
}

static void test_budget_refuses_then_recovers(void **state)
{
	static uint64_t pos[20000];
	struct spool *sp = open_spool(256 * 1024); /* four 64 KiB segments */
	struct spool_stats st;
	int i = 0;

	(void)state;
	while (append_n(sp, i, 1, pos) == 0)
		i++;
	assert_int_equal(append_n(sp, i, 1, pos), -ENOSPC);
	spool_stats(sp, &st);
	assert_true(st.bytes <= 256 * 1024);
	assert_int_equal(st.full, 2);
	/* Deliver the first half: room comes back, order is kept. */
	for (int k = 0; k < i / 2; k++)
		expect_record(sp, k);
	spool_ack(sp, spool_read_pos(sp));
	assert_int_equal(append_n(sp, i, 1, pos), 0);
	for (int k = i / 2; k <= i; k++)
		expect_record(sp, k);
	spool_close(sp);
}

/* A process that dies without spool_close (no cursor flush, no fdatasync)
 * leaves every appended record; the next open finds what was not acked and
 * counts what may have been sent as possibly re-sent. */
static void test_recovery_after_crash(void **state)
{
	static uint64_t pos[1000];
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct spool_config cfg = { .dir = dir, .max_bytes = 1 << 20, .segment_bytes = 64 * 1024 };
		struct spool *sp = NULL;
		char err[256];
		const void *d;
		uint32_t len;
		uint64_t p;
		if (spool_open(&cfg, NULL, NULL, &sp, err, sizeof(err)) || append_n(sp, 0, 1000, pos))
			_exit(1);
		for (int i = 0; i < 300; i++) { /* "sent" 300, "delivered" 100 */
			if (spool_peek(sp, &d, &len, &p))
				_exit(2);
			spool_consume(sp, p);
		}
		spool_ack(sp, pos[100]);
		_exit(0); /* no spool_close: a crash */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);

	struct spool *sp = open_spool(1 << 20);
	struct spool_stats st;
	spool_stats(sp, &st);
	assert_int_equal(st.recovered, 900);
	assert_true(st.resend >= 200 && st.resend <= 900);
	assert_int_equal(st.cuts, 0);
	for (int i = 100; i < 1000; i++)
		expect_record(sp, i);
	assert_true(spool_caught_up(sp));
	spool_close(sp);
}

struct scan_seen {
	int n;
	uint64_t last;
	int in_order;
};

static void on_scan(void *ctx, const void *data, uint32_t len, uint64_t pos)
{
	struct scan_seen *seen = ctx;
	char want[32];

	snprintf(want, sizeof(want), "record %d ", 100 + seen->n);
	seen->in_order &= pos > seen->last && len > strlen(want) && !memcmp(data, want, strlen(want));
	seen->last = pos;
	seen->n++;
}

/* spool_scan shows every unread record, across segments, and leaves read
 * where it was. */
static void test_scan_leaves_read(void **state)
{
	static uint64_t pos[2000];
	struct spool *sp = open_spool(1024 * 1024);
	struct scan_seen seen = { .in_order = 1 };

	(void)state;
	assert_int_equal(append_n(sp, 0, 2000, pos), 0);
	for (int i = 0; i < 100; i++)
		expect_record(sp, i);
	uint64_t read = spool_read_pos(sp);
	spool_scan(sp, on_scan, &seen);
	assert_int_equal(seen.n, 1900);
	assert_true(seen.in_order);
	assert_int_equal(spool_read_pos(sp), read);
	for (int i = 100; i < 2000; i++)
		expect_record(sp, i);
	assert_true(spool_caught_up(sp));
	spool_close(sp);
}

/* A record marked sent ahead of read (a spill) counts as possibly re-sent
 * after a crash, with everything before it. */
static void test_mark_sent_ahead_of_read(void **state)
{
	static uint64_t pos[1000];
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct spool_config cfg = { .dir = dir, .max_bytes = 1 << 20, .segment_bytes = 64 * 1024 };
		struct spool *sp = NULL;
		char err[256];
		if (spool_open(&cfg, NULL, NULL, &sp, err, sizeof(err)) || append_n(sp, 0, 1000, pos))
			_exit(1);
		spool_mark_sent(sp, pos[900]); /* nothing read: 0..900 may have been sent */
		_exit(0); /* no spool_close: a crash */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);

	struct spool *sp = open_spool(1 << 20);
	struct spool_stats st;
	spool_stats(sp, &st);
	assert_int_equal(st.recovered, 1000);
	assert_true(st.resend >= 901);
	spool_close(sp);
}

static void last_segment(char *path, size_t len)
{
	char cmd[160];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls '%s'/seg-*.log | tail -n 1", dir);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(path, (int)len, f));
	path[strcspn(path, "\n")] = '\0';
	pclose(f);
}

/* A flipped byte inside the last record: cut there, the rest kept. */
static void test_corrupt_record_is_cut(void **state)
{
	static uint64_t pos[50];
	char path[256];
	struct spool *sp = open_spool(1 << 20);
	struct spool_stats st;

	(void)state;
	assert_int_equal(append_n(sp, 0, 50, pos), 0);
	spool_close(sp);
	last_segment(path, sizeof(path));
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	off_t at = (off_t)(pos[49] & 0xffffffffu) + 20;
	char c;
	assert_int_equal(pread(fd, &c, 1, at), 1);
	c ^= 0x40;
	assert_int_equal(pwrite(fd, &c, 1, at), 1);
	close(fd);

	sp = open_spool(1 << 20);
	spool_stats(sp, &st);
	assert_int_equal(st.recovered, 49);
	assert_int_equal(st.cuts, 1);
	assert_true(st.cut_bytes > 100);
	assert_non_null(strstr(last_notice, "a bad checksum at offset"));
	assert_non_null(strstr(last_notice, path + strlen(dir) + 1));
	for (int i = 0; i < 49; i++)
		expect_record(sp, i);
	assert_true(spool_caught_up(sp));
	/* Appends go where the cut was, and survive the next open. */
	assert_int_equal(append_n(sp, 49, 1, pos), 0);
	spool_close(sp);
	sp = open_spool(1 << 20);
	spool_stats(sp, &st);
	assert_int_equal(st.recovered, 50);
	assert_int_equal(st.cuts, 0);
	spool_close(sp);
}

/* Power loss after the cursor reached the disk but the segment's records
 * did not (the two are written back independently): the ack mark points
 * past the records left. Nothing before it is pending, and what is appended
 * after the restart is read back from its first record, not from the old
 * mark (which would skip it, or land inside a record). */
static void test_ack_past_the_records_left(void **state)
{
	static uint64_t pos[40];
	static char zeros[64 * 1024 - 64];
	char path[256];
	struct spool *sp = open_spool(1 << 20);
	struct spool_stats st;

	(void)state;
	assert_int_equal(append_n(sp, 0, 30, pos), 0);
	for (int i = 0; i < 30; i++)
		expect_record(sp, i);
	spool_ack(sp, spool_read_pos(sp)); /* all 30 delivered; the cursor says so */
	spool_close(sp);
	last_segment(path, sizeof(path));
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	/* the records never hit the disk: zeros after the 64-byte header */
	assert_int_equal(pwrite(fd, zeros, sizeof(zeros), 64), (ssize_t)sizeof(zeros));
	close(fd);

	sp = open_spool(1 << 20);
	spool_stats(sp, &st);
	assert_int_equal(st.recovered, 0);
	assert_int_equal(st.cuts, 0); /* a clean end, not damage */
	assert_true(spool_caught_up(sp));
	/* Fewer and shorter records than before: they end before the old mark. */
	assert_int_equal(append_n(sp, 30, 5, pos), 0);
	for (int i = 30; i < 35; i++)
		expect_record(sp, i);
	assert_true(spool_caught_up(sp));
	spool_close(sp);
	sp = open_spool(1 << 20);
	spool_stats(sp, &st);
	assert_int_equal(st.recovered, 5);
	for (int i = 30; i < 35; i++)
		expect_record(sp, i);
	spool_close(sp);
}

/* A file that is not a segment is set aside, not trusted, not fatal. */
static void test_bad_header_is_set_aside(void **state)
{
	char path[256];
	struct spool_stats st;

	(void)state;
	snprintf(path, sizeof(path), "%s/seg-0000000000000005.log", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a spool segment at all, but long enough to have a header.............", f);
	fclose(f);
	struct spool *sp = open_spool(1 << 20);
	spool_stats(sp, &st);
	assert_int_equal(st.cuts, 1);
	assert_int_equal(st.recovered, 0);
	assert_non_null(strstr(last_notice, "bad header at offset 0"));
	spool_close(sp);
	strcat(path, ".bad");
	assert_int_equal(access(path, F_OK), 0);
}

static void test_second_open_is_refused(void **state)
{
	struct spool_config cfg = { .dir = dir, .max_bytes = 1 << 20 };
	struct spool *a = open_spool(1 << 20), *b = NULL;
	char err[256];

	(void)state;
	assert_int_equal(spool_open(&cfg, NULL, NULL, &b, err, sizeof(err)), -EBUSY);
	assert_null(b);
	assert_non_null(strstr(err, "another sink or process uses it"));
	spool_close(a);
}

static void test_unusable_dir(void **state)
{
	struct spool_config cfg = { .dir = "/proc/ringtap-no/spool", .max_bytes = 1 << 20 };
	struct spool *sp = NULL;
	char err[256];

	(void)state;
	assert_true(spool_open(&cfg, NULL, NULL, &sp, err, sizeof(err)) < 0);
	assert_null(sp);
	assert_non_null(strstr(err, "/proc/ringtap-no/spool: cannot create it"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fifo_across_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_refuses_then_recovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recovery_after_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_leaves_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mark_sent_ahead_of_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_record_is_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_past_the_records_left, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_header_is_set_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_open_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unusable_dir, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
