/* ABI 4 events from 32-bit syscalls (int $0x80 on x86-64): the i386
 * table's 16-bit setresuid (0xffff = unchanged) and setuid32, memfd_create,
 * unshare, kill, ptrace, dup2 and mount must be reported like their native
 * counterparts, or one instruction hides them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "bpf_test.h"

#if defined(__x86_64__)

#define NR32_SETRESUID16 164
#define NR32_SETUID32 213
#define NR32_MEMFD_CREATE 356
#define NR32_UNSHARE 310
#define NR32_KILL 37
#define NR32_PTRACE 26
#define NR32_DUP2 63
#define NR32_MOUNT 21

static long int80(long nr, long a, long b, long c, long d)
{
	long ret;

	/* the fifth argument (edi) is 0: mount's data pointer */
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(0L)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

struct low {
	char name[32], src[32], target[32], fstype[32];
};

static void assert_str(const void *data, uint32_t len, const char *want)
{
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
}

static int tcp_client(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || c < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &len) || connect(c, (void *)&a, sizeof(a)))
		return -1;
	return c;
}

static void test_compat_proc_events(void **state)
{
	unsigned char enabled[RT_EVENT_MAX];
	struct policy_compiled *policy = bpf_test_permissive_policy(42);
	struct source_config cfg = { .ring_bytes = 8u << 20, .policy = policy, .event_enabled = enabled };
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	struct low *m;
	int go[2], status;
	char ignored;
	pid_t child, me = getpid();

	(void)state;
	memset(enabled, 1, sizeof(enabled));
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	assert_true(m != MAP_FAILED);
	strcpy(m->name, "c32-memfd");
	strcpy(m->src, "none");
	strcpy(m->target, "/nonexistent-ringtap32");
	strcpy(m->fstype, "tmpfs");
	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int sock = tcp_client();

		if (sock < 0 || read(go[0], &ignored, 1) != 1)
			_exit(90);
		/* each call's result must be what the record will say: the
		 * exit code names the first call that did otherwise */
		long got[8] = {
			int80(NR32_SETRESUID16, 0xffff, 0xffff, 0xffff, 0),
			int80(NR32_SETUID32, 0, 0, 0, 0),
			int80(NR32_MEMFD_CREATE, (long)(uintptr_t)m->name, 1, 0, 0) >= 0 ? 0 : -1,
			int80(NR32_UNSHARE, 0x1, 0, 0, 0),
			int80(NR32_KILL, me, 0, 0, 0),
			int80(NR32_PTRACE, PTRACE_ATTACH, 999999999, 0, 0),
			int80(NR32_DUP2, sock, 0, 0, 0),
			int80(NR32_MOUNT, (long)(uintptr_t)m->src, (long)(uintptr_t)m->target,
			      (long)(uintptr_t)m->fstype, 0),
		};
		const long want[8] = { 0, 0, 0, -EINVAL, 0, -ESRCH, 0, -ENOENT };

		for (int i = 0; i < 8; i++)
			if (got[i] != want[i])
				_exit(100 + i);
		_exit(0);
	}
	rec_list_watch(&recs, child);
	if (source_bpf_ops.create(&cfg, &src))
		fail_msg("create: %s", src ? src->ops->last_error(src) : "?");
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 10000), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the 32-bit caller failed: status %#x", status);

	const struct rt_cred_body *c16 = rec_body(rec_find(&recs, RT_EVENT_CRED, child, 0));
	assert_int_equal(c16->syscall, RT_CRED_SETRESUID);
	assert_int_equal(c16->req[0], (uint32_t)-1);
	assert_int_equal(c16->req[1], (uint32_t)-1);
	assert_int_equal(c16->req[2], (uint32_t)-1);
	assert_int_equal(c16->ret, 0);
	const struct rt_cred_body *c32 = rec_body(rec_find(&recs, RT_EVENT_CRED, child, 1));
	assert_int_equal(c32->syscall, RT_CRED_SETUID);
	assert_int_equal(c32->req[0], 0);
	assert_int_equal(c32->uid, 0);

	const struct rt_memfd_body *mf = rec_body(rec_find(&recs, RT_EVENT_MEMFD, child, 0));
	assert_true(mf->ret >= 0);
	assert_int_equal(mf->flags, 1);
	assert_str(mf + 1, mf->name_len, "c32-memfd");

	const struct rt_namespace_body *ns = rec_body(rec_find(&recs, RT_EVENT_NAMESPACE, child, 0));
	assert_int_equal(ns->syscall, RT_NS_UNSHARE);
	assert_int_equal(ns->flags, 0x1);
	assert_int_equal(ns->ret, -EINVAL);

	const struct rt_signal_body *sg = rec_body(rec_find(&recs, RT_EVENT_SIGNAL, child, 0));
	assert_int_equal(sg->syscall, RT_SIGNAL_KILL);
	assert_int_equal(sg->target_pid, me);
	assert_int_equal(sg->sig, 0);

	const struct rt_ptrace_body *pt = rec_body(rec_find(&recs, RT_EVENT_PTRACE, child, 0));
	assert_int_equal(pt->request, PTRACE_ATTACH);
	assert_int_equal(pt->target_pid, 999999999);
	assert_int_equal(pt->ret, -ESRCH);

	const struct rt_dup_body *dp = rec_body(rec_find(&recs, RT_EVENT_DUP, child, 0));
	assert_int_equal(dp->syscall, RT_DUP_DUP2);
	assert_int_equal(dp->newfd, 0);
	assert_int_equal(dp->family, AF_INET);
	assert_int_equal(dp->ret, 0);

	const struct rt_mount_body *mt = rec_body(rec_find(&recs, RT_EVENT_MOUNT, child, 0));
	const char *data = (const char *)(mt + 1);
	assert_int_equal(mt->syscall, RT_MOUNT_MOUNT);
	assert_int_equal(mt->ret, -ENOENT);
	assert_str(data, mt->fstype_len, "tmpfs");
	assert_str(data + mt->fstype_len, mt->source_len, "none");
	assert_str(data + mt->fstype_len + mt->source_len, mt->target_len, "/nonexistent-ringtap32");

	source_destroy(src);
	rec_list_free(&recs);
	free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compat_proc_events),
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
