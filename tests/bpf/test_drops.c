/* A deliberately small ring and an openat storm from one child: the ring
 * overflows, and the kernel counters must account for every call exactly
 * (emitted + dropped == calls) while the records delivered == emitted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bpf_test.h"

#define STORM_CALLS 200000

static void test_openat_storm_counts_every_drop(void **state)
{
	struct source_config cfg = { .ring_bytes = 16384 };
	struct source_type_stats st[RT_EVENT_MAX];
	struct event_source *src = NULL;
	struct rec_list recs = { .count_only = true };
	int go[2], half[2], status, i;
	uint64_t opens;
	char c;
	pid_t child;

	(void)state;
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(half), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(90);
		for (i = 0; i < STORM_CALLS; i++) {
			int fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);

			if (fd < 0)
				_exit(91);
			close(fd);
			/* Halfway: tell the parent, which has not read the ring
			 * yet, so the first half overflowed it whatever the
			 * machine's load; the second half runs against a
			 * concurrent reader, as in the daemon. */
			if (i == STORM_CALLS / 2 && write(half[1], "h", 1) != 1)
				_exit(92);
		}
		_exit(0);
	}
	cfg.target_tgid = child;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	rec_list_watch(&recs, child);
	assert_int_equal(write(go[1], "g", 1), 1);

	assert_int_equal(read(half[0], &c, 1), 1);
	/* Drain while the rest of the storm runs, as the daemon would. */
	while (waitpid(child, &status, WNOHANG) == 0)
		assert_int_equal(rec_drain_until(src, &recs, NULL, NULL, 5), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(rec_drain_until(src, &recs, NULL, NULL, 50), 0);

	assert_int_equal(src->ops->stats(src, st, RT_EVENT_MAX), 0);
	opens = recs.kept[RT_EVENT_OPEN];
	printf("# open: emitted %llu dropped %llu consumed %llu of %d calls\n",
	       (unsigned long long)st[RT_EVENT_OPEN].emitted,
	       (unsigned long long)st[RT_EVENT_OPEN].dropped, (unsigned long long)opens, STORM_CALLS);
	assert_true(st[RT_EVENT_OPEN].dropped > 0);
	assert_int_equal(st[RT_EVENT_OPEN].emitted + st[RT_EVENT_OPEN].dropped, STORM_CALLS);
	assert_int_equal(opens, st[RT_EVENT_OPEN].emitted);
	assert_int_equal(st[RT_EVENT_OPEN].truncated, 0);
	/* The child's exit record went through the same ring, counted too. */
	assert_int_equal(st[RT_EVENT_EXIT].emitted + st[RT_EVENT_EXIT].dropped, 1);

	rec_list_free(&recs);
	source_destroy(src);
	close(go[0]);
	close(go[1]);
	close(half[0]);
	close(half[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openat_storm_counts_every_drop),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
