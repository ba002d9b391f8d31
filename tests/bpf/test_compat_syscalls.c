/* 32-bit syscalls from a 64-bit process (int $0x80 on x86-64): the i386
 * table's open, openat, creat, a failed execve with 32-bit argv pointers,
 * and connect/accept through socketcall and the direct calls must all be
 * reported like their native counterparts. Without this a process hides
 * its opens, execs and connects from the sensor with one instruction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "bpf_test.h"

#if defined(__x86_64__)

/* i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
#define NR32_GETPID 20
#define NR32_OPEN 5
#define NR32_CREAT 8
#define NR32_EXECVE 11
#define NR32_SOCKETCALL 102
#define NR32_OPENAT 295
#define NR32_CONNECT 362
#define NR32_ACCEPT4 364
#define SC_CONNECT 3
#define SC_ACCEPT 5

static long int80(long nr, long a, long b, long c, long d)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* Memory a 32-bit pointer reaches: MAP_32BIT puts it below 2 GiB. */
struct low {
	char openat[64], open[64], creat[64];
	char exec_path[32], arg0[8], arg1[8];
	uint32_t argv[3];
	struct sockaddr_in dst;
	uint32_t words[3];
};

struct child_report {
	long openat_fd, open_fd, creat_fd, exec_ret;
	int listener, port;
	int sc_client, sc_client_port;
	long sc_connect_ret, sc_accepted;
	int direct_client;
	long direct_connect_ret, direct_accepted;
};

static int local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	return ntohs(a.sin_port);
}

static uint32_t lo32(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

static void child_main(struct low *m, int report_fd)
{
	struct child_report r;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);

	memset(&r, -1, sizeof(r));
	r.openat_fd = int80(NR32_OPENAT, AT_FDCWD, lo32(m->openat), O_RDONLY | O_CREAT, 0640);
	r.open_fd = int80(NR32_OPEN, lo32(m->open), O_WRONLY | O_CREAT, 0604, 0);
	r.creat_fd = int80(NR32_CREAT, lo32(m->creat), 0620, 0, 0);
	r.exec_ret = int80(NR32_EXECVE, lo32(m->exec_path), lo32(m->argv), 0, 0);

	r.listener = socket(AF_INET, SOCK_STREAM, 0);
	if (r.listener < 0 || bind(r.listener, (struct sockaddr *)&a, alen) || listen(r.listener, 4) ||
	    getsockname(r.listener, (struct sockaddr *)&a, &alen))
		_exit(20);
	r.port = ntohs(a.sin_port);
	m->dst = a;

	r.sc_client = socket(AF_INET, SOCK_STREAM, 0);
	m->words[0] = r.sc_client;
	m->words[1] = lo32(&m->dst);
	m->words[2] = sizeof(m->dst);
	r.sc_connect_ret = int80(NR32_SOCKETCALL, SC_CONNECT, lo32(m->words), 0, 0);
	r.sc_client_port = local_port(r.sc_client);
	m->words[0] = r.listener;
	m->words[1] = 0;
	m->words[2] = 0;
	r.sc_accepted = int80(NR32_SOCKETCALL, SC_ACCEPT, lo32(m->words), 0, 0);

	r.direct_client = socket(AF_INET, SOCK_STREAM, 0);
	r.direct_connect_ret = int80(NR32_CONNECT, r.direct_client, lo32(&m->dst), sizeof(m->dst), 0);
	r.direct_accepted = int80(NR32_ACCEPT4, r.listener, 0, 0, 0);

	if (write(report_fd, &r, sizeof(r)) != sizeof(r))
		_exit(22);
	_exit(0);
}

static void assert_open(const struct rec_list *l, pid_t pid, const char *path, long fd,
			uint32_t kind, uint32_t flags, uint32_t mode)
{
	const struct rt_header *h = rec_find_open(l, pid, path);
	const struct rt_open_body *b = h ? rec_body(h) : NULL;

	assert_non_null(b);
	assert_true(fd >= 0);
	assert_int_equal(b->ret, fd);
	assert_int_equal(b->syscall, kind);
	assert_int_equal(b->flags, flags);
	assert_int_equal(b->mode, mode);
	assert_int_equal(b->dirfd, AT_FDCWD);
}

static const struct rt_connect_body *find_connect(const struct rec_list *l, pid_t pid, int fd)
{
	const struct rt_header *h;
	int i;

	for (i = 0; (h = rec_find(l, RT_EVENT_CONNECT, pid, i)); i++)
		if (((const struct rt_connect_body *)rec_body(h))->fd == fd)
			return rec_body(h);
	return NULL;
}

static const struct rt_accept_body *find_accept(const struct rec_list *l, pid_t pid, long fd)
{
	const struct rt_header *h;
	int i;

	for (i = 0; (h = rec_find(l, RT_EVENT_ACCEPT, pid, i)); i++)
		if (((const struct rt_accept_body *)rec_body(h))->ret == fd)
			return rec_body(h);
	return NULL;
}

static void test_compat_syscalls(void **state)
{
	struct source_config cfg = { 0 };
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	struct child_report r;
	const struct rt_connect_body *c;
	const struct rt_accept_body *acc;
	const struct rt_header *h;
	const struct rt_exec_body *e;
	struct low *m;
	int go[2], rep[2], status;
	char ch;
	pid_t child;

	(void)state;
	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		 -1, 0);
	assert_true(m != MAP_FAILED);
	assert_true((uintptr_t)m + sizeof(*m) < (1ull << 32));
	snprintf(m->openat, sizeof(m->openat), "/tmp/ringtap-c32-openat-%d", (int)getpid());
	snprintf(m->open, sizeof(m->open), "/tmp/ringtap-c32-open-%d", (int)getpid());
	snprintf(m->creat, sizeof(m->creat), "/tmp/ringtap-c32-creat-%d", (int)getpid());
	strcpy(m->exec_path, "/nonexistent/c32");
	strcpy(m->arg0, "c32");
	strcpy(m->arg1, "-x");
	m->argv[0] = lo32(m->arg0);
	m->argv[1] = lo32(m->arg1);
	m->argv[2] = 0;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(rep), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (read(go[0], &ch, 1) != 1)
			_exit(90);
		child_main(m, rep[1]);
	}
	cfg.target_tgid = child;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	rec_list_watch(&recs, child);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(rep[0], &r, sizeof(r)), sizeof(r));
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 5000), 0);

	assert_open(&recs, child, m->openat, r.openat_fd, RT_OPEN_OPENAT, O_RDONLY | O_CREAT, 0640);
	assert_open(&recs, child, m->open, r.open_fd, RT_OPEN_OPEN, O_WRONLY | O_CREAT, 0604);
	assert_open(&recs, child, m->creat, r.creat_fd, RT_OPEN_CREAT, O_CREAT | O_WRONLY | O_TRUNC, 0620);

	/* The failed execve: filename and both 32-bit argv entries. */
	assert_int_equal(r.exec_ret, -ENOENT);
	h = rec_find(&recs, RT_EVENT_EXEC, child, 0);
	assert_non_null(h);
	e = rec_body(h);
	assert_int_equal(e->ret, -ENOENT);
	assert_int_equal(e->filename_len, strlen(m->exec_path));
	assert_memory_equal(e + 1, m->exec_path, e->filename_len);
	assert_int_equal(e->argc, 2);
	assert_int_equal(e->argv_len, 7);
	assert_memory_equal((const char *)(e + 1) + e->filename_len, "c32\0-x\0", 7);

	/* socketcall(SYS_CONNECT) and socketcall(SYS_ACCEPT). */
	assert_int_equal(r.sc_connect_ret, 0);
	c = find_connect(&recs, child, r.sc_client);
	assert_non_null(c);
	assert_int_equal(c->ret, 0);
	assert_int_equal(c->dst.family, AF_INET);
	assert_int_equal(c->dst.port, r.port);
	assert_int_equal(c->src.port, r.sc_client_port);
	assert_true(r.sc_accepted >= 0);
	acc = find_accept(&recs, child, r.sc_accepted);
	assert_non_null(acc);
	assert_int_equal(acc->listen_fd, r.listener);
	assert_int_equal(acc->peer.port, r.sc_client_port);

	/* The direct i386 connect and accept4. */
	assert_int_equal(r.direct_connect_ret, 0);
	c = find_connect(&recs, child, r.direct_client);
	assert_non_null(c);
	assert_int_equal(c->dst.port, r.port);
	assert_true(r.direct_accepted >= 0);
	acc = find_accept(&recs, child, r.direct_accepted);
	assert_non_null(acc);
	assert_int_equal(acc->listen_fd, r.listener);

	rec_list_free(&recs);
	source_destroy(src);
	unlink(m->openat);
	unlink(m->open);
	unlink(m->creat);
	munmap(m, sizeof(*m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compat_syscalls),
	};

	bpf_test_require_or_skip();
	if (int80(NR32_GETPID, 0, 0, 0, 0) != getpid()) {
		printf("SKIPPED: this kernel runs no 32-bit syscalls (CONFIG_IA32_EMULATION off "
		       "or ia32_emulation=0)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

int main(void)
{
	printf("SKIPPED: 32-bit syscalls are decoded on x86-64 only (aarch32 is counted)\n");
	return 77;
}

#endif
