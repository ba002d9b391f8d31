/* The other ways in: openat2 (flags and mode from struct open_how), open and
 * creat where the architecture has them, IPv6 connect/accept, a UDP
 * connect, a refused connect and a non-blocking one (-EINPROGRESS). One
 * child does it all and reports what it saw; every record must agree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bpf_test.h"

/* What the child did, written to the parent through a pipe. */
struct child_report {
	int openat2_fd, open_fd, creat_fd;
	int v6_listener, v6_port, v6_client, v6_client_port, v6_accepted;
	int udp_fd, udp_port;
	int refused_fd, refused_port, refused_ret;
	int nb_fd, nb_port, nb_ret;
	int exec_ret;
};

#define LONG_ARG_LEN 5999 /* one argument longer than the whole argv bound */

struct paths {
	char openat2[64], open[64], creat[64];
};

static int tcp_listener(int family, int *port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr *a = family == AF_INET6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4;
	socklen_t len = family == AF_INET6 ? sizeof(a6) : sizeof(a4);
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, a, len) || listen(fd, 4) || getsockname(fd, a, &len))
		return -1;
	*port = ntohs(family == AF_INET6 ? a6.sin6_port : a4.sin_port);
	return fd;
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
}

/* connect() to 127.0.0.1:port on fd; returns 0 or -errno. */
static int connect4(int fd, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	return connect(fd, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
}

static void child_main(const struct paths *p, int report_fd)
{
	struct child_report r;
	struct open_how how = { .flags = O_RDONLY | O_CREAT, .mode = 0600 };
	struct sockaddr_in6 dst6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int tmp, nb_listener;

	memset(&r, -1, sizeof(r));
	r.openat2_fd = syscall(SYS_openat2, AT_FDCWD, p->openat2, &how, sizeof(how));
#ifdef SYS_open
	r.open_fd = syscall(SYS_open, p->open, O_WRONLY | O_CREAT, 0604);
#endif
#ifdef SYS_creat
	r.creat_fd = syscall(SYS_creat, p->creat, 0620);
#endif

	r.v6_listener = tcp_listener(AF_INET6, &r.v6_port);
	r.v6_client = socket(AF_INET6, SOCK_STREAM, 0);
	dst6.sin6_port = htons(r.v6_port);
	if (connect(r.v6_client, (struct sockaddr *)&dst6, sizeof(dst6)))
		_exit(20);
	r.v6_client_port = local_port(r.v6_client);
	r.v6_accepted = accept4(r.v6_listener, NULL, NULL, SOCK_CLOEXEC);

	r.udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (connect4(r.udp_fd, 9)) /* UDP: no handshake, nothing listening needed */
		_exit(21);
	r.udp_port = local_port(r.udp_fd);

	tmp = tcp_listener(AF_INET, &r.refused_port); /* a port that then closes */
	close(tmp);
	r.refused_fd = socket(AF_INET, SOCK_STREAM, 0);
	r.refused_ret = connect4(r.refused_fd, r.refused_port);

	nb_listener = tcp_listener(AF_INET, &r.nb_port);
	r.nb_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r.nb_ret = connect4(r.nb_fd, r.nb_port);
	(void)nb_listener;

	{
		static char long_arg[LONG_ARG_LEN + 1];
		char *argv[] = { long_arg, NULL };

		memset(long_arg, 'a', LONG_ARG_LEN);
		execve("/nonexistent/x", argv, NULL);
		r.exec_ret = -errno;
	}

	if (write(report_fd, &r, sizeof(r)) != sizeof(r))
		_exit(22);
	_exit(0);
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

static void assert_open(const struct rec_list *l, pid_t pid, const char *path, int fd,
			uint32_t syscall_kind, uint32_t flags, uint32_t mode)
{
	const struct rt_header *h = rec_find_open(l, pid, path);
	const struct rt_open_body *b;

	assert_non_null(h);
	b = rec_body(h);
	assert_true(fd >= 0);
	assert_int_equal(b->ret, fd);
	assert_int_equal(b->syscall, syscall_kind);
	assert_int_equal(b->flags, flags);
	assert_int_equal(b->mode, mode);
	assert_int_equal(b->dirfd, AT_FDCWD);
}

static void assert_v4(const struct rt_sockaddr *a, int port)
{
	const uint8_t lo[4] = { 127, 0, 0, 1 };

	assert_int_equal(a->family, AF_INET);
	assert_memory_equal(a->addr, lo, 4);
	assert_int_equal(a->port, port);
}

static void assert_v6_loopback(const struct rt_sockaddr *a, int port)
{
	assert_int_equal(a->family, AF_INET6);
	assert_memory_equal(a->addr, &in6addr_loopback, 16);
	assert_int_equal(a->port, port);
}

static void test_syscall_variants(void **state)
{
	struct source_config cfg = { 0 };
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	struct child_report r;
	struct paths p;
	const struct rt_connect_body *c;
	const struct rt_header *h;
	int go[2], rep[2], status;
	char ch;
	pid_t child;

	(void)state;
	snprintf(p.openat2, sizeof(p.openat2), "/tmp/ringtap-openat2-%d", (int)getpid());
	snprintf(p.open, sizeof(p.open), "/tmp/ringtap-open-%d", (int)getpid());
	snprintf(p.creat, sizeof(p.creat), "/tmp/ringtap-creat-%d", (int)getpid());
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(rep), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (read(go[0], &ch, 1) != 1)
			_exit(90);
		child_main(&p, rep[1]);
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

	assert_open(&recs, child, p.openat2, r.openat2_fd, RT_OPEN_OPENAT2, O_RDONLY | O_CREAT, 0600);
#ifdef SYS_open
	assert_open(&recs, child, p.open, r.open_fd, RT_OPEN_OPEN, O_WRONLY | O_CREAT, 0604);
#endif
#ifdef SYS_creat
	assert_open(&recs, child, p.creat, r.creat_fd, RT_OPEN_CREAT, O_CREAT | O_WRONLY | O_TRUNC, 0620);
#endif

	/* IPv6: both ends in one process. */
	c = find_connect(&recs, child, r.v6_client);
	assert_non_null(c);
	assert_int_equal(c->ret, 0);
	assert_int_equal(c->protocol, IPPROTO_TCP);
	assert_v6_loopback(&c->dst, r.v6_port);
	assert_v6_loopback(&c->src, r.v6_client_port);
	h = rec_find(&recs, RT_EVENT_ACCEPT, child, 0);
	assert_non_null(h);
	{
		const struct rt_accept_body *a = rec_body(h);

		assert_int_equal(a->ret, r.v6_accepted);
		assert_int_equal(a->listen_fd, r.v6_listener);
		assert_v6_loopback(&a->local, r.v6_port);
		assert_v6_loopback(&a->peer, r.v6_client_port);
	}
	assert_null(rec_find(&recs, RT_EVENT_ACCEPT, child, 1));

	/* UDP: a connect without a handshake still binds a local port. */
	c = find_connect(&recs, child, r.udp_fd);
	assert_non_null(c);
	assert_int_equal(c->ret, 0);
	assert_int_equal(c->protocol, IPPROTO_UDP);
	assert_v4(&c->dst, 9);
	assert_v4(&c->src, r.udp_port);

	/* Refused, and non-blocking: the result as the caller saw it. */
	c = find_connect(&recs, child, r.refused_fd);
	assert_non_null(c);
	assert_int_equal(r.refused_ret, -ECONNREFUSED);
	assert_int_equal(c->ret, -ECONNREFUSED);
	assert_v4(&c->dst, r.refused_port);
	c = find_connect(&recs, child, r.nb_fd);
	assert_non_null(c);
	assert_int_equal(r.nb_ret, -EINPROGRESS);
	assert_int_equal(c->ret, -EINPROGRESS);
	assert_v4(&c->dst, r.nb_port);
	assert_int_equal(c->src.family, AF_INET);
	assert_true(c->src.port > 0);

	/* A failed exec whose one argument overflows argv: cut and flagged. */
	assert_int_equal(r.exec_ret, -ENOENT);
	h = rec_find(&recs, RT_EVENT_EXEC, child, 0);
	assert_non_null(h);
	{
		const struct rt_exec_body *e = rec_body(h);
		struct source_type_stats st[RT_EVENT_MAX];

		assert_int_equal(e->ret, -ENOENT);
		assert_int_equal(e->argc, 1);
		assert_int_equal(e->argv_len, RT_ARGV_MAX);
		assert_true(h->flags & RT_FLAG_TRUNCATED);
		assert_int_equal(src->ops->stats(src, st, RT_EVENT_MAX), 0);
		assert_true(st[RT_EVENT_EXEC].truncated >= 1);
	}

	rec_list_free(&recs);
	source_destroy(src);
	unlink(p.openat2);
	unlink(p.open);
	unlink(p.creat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscall_variants),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
