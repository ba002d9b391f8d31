/* File events from 32-bit syscalls (int $0x80 on x86-64): the i386 table's
 * unlink, rename, 16-bit chown (0xffff = unchanged) and chown32 must be
 * reported like their native counterparts, or one instruction hides them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "bpf_test.h"

#if defined(__x86_64__)

#define NR32_UNLINK 10
#define NR32_RENAME 38
#define NR32_CHOWN16 182
#define NR32_CHOWN32 212

static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

struct low {
	char a[64], b[64], c[64];
};

static void assert_path(const void *data, uint32_t len, const char *want)
{
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
}

static void test_compat_file_events(void **state)
{
	unsigned char enabled[RT_EVENT_MAX];
	struct policy_compiled *policy = bpf_test_permissive_policy(42);
	struct source_config cfg = { .ring_bytes = 8u << 20, .policy = policy, .event_enabled = enabled };
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	struct low *m;
	int go[2], status;
	char ignored;
	pid_t child;

	(void)state;
	memset(enabled, 1, sizeof(enabled));
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	assert_true(m != MAP_FAILED);
	snprintf(m->a, sizeof(m->a), "/tmp/ringtap-c32-%d-a", (int)getpid());
	snprintf(m->b, sizeof(m->b), "/tmp/ringtap-c32-%d-b", (int)getpid());
	close(open(m->a, O_WRONLY | O_CREAT, 0600));
	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (read(go[0], &ignored, 1) != 1)
			_exit(90);
		/* each call's result must be what the record will say */
		if (int80(NR32_CHOWN16, (long)(uintptr_t)m->a, 0xffff, 77) != 0 ||
		    int80(NR32_CHOWN32, (long)(uintptr_t)m->a, 1234567, -1) != 0 ||
		    int80(NR32_RENAME, (long)(uintptr_t)m->a, (long)(uintptr_t)m->b, 0) != 0 ||
		    int80(NR32_UNLINK, (long)(uintptr_t)m->b, 0, 0) != 0 ||
		    int80(NR32_UNLINK, (long)(uintptr_t)m->b, 0, 0) != -ENOENT)
			_exit(91);
		_exit(0);
	}
	rec_list_watch(&recs, child);
	if (source_bpf_ops.create(&cfg, &src))
		fail_msg("create: %s", src ? src->ops->last_error(src) : "?");
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 10000), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	const struct rt_chown_body *c16 = rec_body(rec_find(&recs, RT_EVENT_CHOWN, child, 0));
	const struct rt_chown_body *c32 = rec_body(rec_find(&recs, RT_EVENT_CHOWN, child, 1));
	assert_int_equal(c16->syscall, RT_CHOWN_CHOWN);
	assert_int_equal(c16->uid, (uint32_t)-1);
	assert_int_equal(c16->gid, 77);
	assert_int_equal(c16->ret, 0);
	assert_path(c16 + 1, c16->path_len, m->a);
	assert_int_equal(c32->uid, 1234567);
	assert_int_equal(c32->gid, (uint32_t)-1);

	const struct rt_rename_body *r = rec_body(rec_find(&recs, RT_EVENT_RENAME, child, 0));
	assert_int_equal(r->syscall, RT_RENAME_RENAME);
	assert_int_equal(r->old_dirfd, -100);
	assert_path(r + 1, r->old_len, m->a);
	assert_path((const char *)(r + 1) + r->old_len, r->new_len, m->b);

	const struct rt_unlink_body *u = rec_body(rec_find(&recs, RT_EVENT_UNLINK, child, 0));
	assert_int_equal(u->ret, 0);
	assert_path(u + 1, u->path_len, m->b);
	u = rec_body(rec_find(&recs, RT_EVENT_UNLINK, child, 1));
	assert_int_equal(u->ret, -ENOENT);
	assert_int_equal(rec_count(&recs, RT_EVENT_UNLINK, child), 2);

	source_destroy(src);
	rec_list_free(&recs);
	free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compat_file_events),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
int main(void)
{
	printf("SKIPPED: 32-bit syscalls are decoded on x86-64 only (aarch32 callers are counted)\n");
	return 77;
}
#endif
