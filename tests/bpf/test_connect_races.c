/* A second thread races a blocking connect(2): (a) it rewrites the caller's
 * sockaddr (sa_family = AF_UNIX, another port) while connect blocks, (b) it
 * dup2()s a decoy socket, connected elsewhere, over the connecting fd. The
 * real connect must be reported with its real destination (or counted as
 * unreadable): never hidden, never with the decoy's address.
 *
 * The connect blocks on loopback because the listener's accept queue is
 * full (backlog 0, one connection pending): its SYN is dropped and resent
 * after ~1 s, by which time the racing thread has acted and accepted the
 * pending connection to make room. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "bpf_test.h"

#define RACE_DELAY_MS 200 /* the racing thread acts this long into the connect */
#define RELEASE_DELAY_MS 400 /* then makes room in the accept queue */

enum race { RACE_REWRITE_FAMILY, RACE_DUP2_DECOY };

struct race_report {
	int fd;		   /* the connecting fd */
	int ret;	   /* connect's result (0 or -errno) */
	int real_port;	   /* the listener connect was asked for */
	int decoy_port;	   /* the decoy's listener */
	int real_local;	   /* local port of the real socket */
	long blocked_ms;   /* how long connect blocked */
	int raced;	   /* the racing thread acted while connect blocked */
};

struct racer {
	enum race kind;
	struct sockaddr_in *sa;
	int fd, decoy_fd, listener;
	int decoy_port;
	volatile int acted;
	volatile int *connect_done;
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int listener_on_loopback(int backlog, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, backlog) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static int connect_to_port(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return fd;
}

static void *racer_main(void *arg)
{
	struct racer *r = arg;
	struct sockaddr_in decoy = { .sin_family = AF_INET, .sin_port = htons(r->decoy_port),
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	sleep_ms(RACE_DELAY_MS);
	if (!*r->connect_done) {
		if (r->kind == RACE_REWRITE_FAMILY) {
			memcpy(r->sa, &decoy, sizeof(decoy));
			r->sa->sin_family = AF_UNIX;
		} else {
			dup2(r->decoy_fd, r->fd);
		}
		r->acted = !*r->connect_done;
	}
	sleep_ms(RELEASE_DELAY_MS - RACE_DELAY_MS);
	close(accept(r->listener, NULL, NULL)); /* room for the blocked SYN's retry */
	return NULL;
}

/* In the child: one blocking connect raced by kind. */
static int run_race(enum race kind, struct race_report *rep)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in local;
	socklen_t len = sizeof(local);
	volatile int done = 0;
	struct racer r = { .kind = kind, .sa = &sa, .connect_done = &done };
	int decoy_listener, filler, real_sock;
	pthread_t th;
	long t0;

	memset(rep, 0, sizeof(*rep));
	r.listener = listener_on_loopback(0, &rep->real_port);
	decoy_listener = listener_on_loopback(8, &rep->decoy_port);
	if (r.listener < 0 || decoy_listener < 0)
		return -1;
	r.decoy_port = rep->decoy_port;
	r.decoy_fd = connect_to_port(rep->decoy_port);
	filler = connect_to_port(rep->real_port); /* fills the accept queue */
	if (r.decoy_fd < 0 || filler < 0)
		return -1;
	sleep_ms(50);
	real_sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	r.fd = rep->fd = real_sock;
	sa.sin_port = htons(rep->real_port);
	if (pthread_create(&th, NULL, racer_main, &r))
		return -1;
	t0 = bpf_test_now_ms();
	/* Keep a reference to the real socket: dup2 replaces the fd, not the
	 * socket connect is using. */
	int keep = dup(real_sock);
	rep->ret = connect(real_sock, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	done = 1;
	rep->blocked_ms = bpf_test_now_ms() - t0;
	pthread_join(th, NULL);
	rep->raced = r.acted;
	if (keep >= 0 && !getsockname(keep, (struct sockaddr *)&local, &len))
		rep->real_local = ntohs(local.sin_port);
	return 0;
}

/* Fork a child that runs the race; its report comes through *report_fd. */
static pid_t race_start(enum race kind, int *report_fd)
{
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct race_report r;

		close(p[0]);
		if (run_race(kind, &r))
			_exit(2);
		if (write(p[1], &r, sizeof(r)) != sizeof(r))
			_exit(3);
		_exit(0);
	}
	close(p[1]);
	*report_fd = p[0];
	return pid;
}

/* The child's report, once it has exited (reaped here). */
static void race_finish(pid_t pid, int report_fd, struct race_report *rep)
{
	int status;

	assert_int_equal(read(report_fd, rep, sizeof(*rep)), sizeof(*rep));
	close(report_fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static bool child_exited(const struct rec_list *l, void *arg)
{
	return rec_find(l, RT_EVENT_EXIT, (uint32_t)(uintptr_t)arg, 0) != NULL;
}

static uint64_t connect_unsupported(struct event_source *src)
{
	struct source_type_stats st[RT_EVENT_MAX];

	assert_int_equal(src->ops->stats(src, st, RT_EVENT_MAX), 0);
	return st[RT_EVENT_CONNECT].unsupported;
}

static void check_race(enum race kind)
{
	struct event_source *src = NULL;
	struct source_config cfg = { 0 };
	struct rec_list recs = { 0 };
	struct race_report rep;
	const struct rt_header *h;
	uint64_t unsupported_before;
	int i, real = 0, report_fd;
	pid_t child;

	bpf_test_require_or_skip();
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	unsupported_before = connect_unsupported(src);
	child = race_start(kind, &report_fd);
	/* Read the ring while the race runs (about a second): the source sees
	 * the whole machine, and a busy neighbour would overflow it meanwhile. */
	rec_list_watch(&recs, child);
	assert_int_equal(rec_drain_until(src, &recs, child_exited, (void *)(uintptr_t)child, 10000), 0);
	race_finish(child, report_fd, &rep);
	printf("# race %d: connect blocked %ld ms, ret %d, raced %d, real port %d, decoy port %d\n",
	       kind, rep.blocked_ms, rep.ret, rep.raced, rep.real_port, rep.decoy_port);
	/* The scenario itself, or the test proves nothing. */
	assert_true(rep.raced);
	assert_int_equal(rep.ret, 0);

	for (i = 0; (h = rec_find(&recs, RT_EVENT_CONNECT, child, i)); i++) {
		const struct rt_connect_body *b = rec_body(h);

		if (b->fd != rep.fd)
			continue; /* the setup's own connects */
		/* Never the decoy's address. */
		assert_int_not_equal(b->dst.port, rep.decoy_port);
		if (b->dst.port == rep.real_port && b->dst.family == AF_INET && b->ret == 0) {
			uint8_t lo[4] = { 127, 0, 0, 1 };

			assert_memory_equal(b->dst.addr, lo, 4);
			/* The local end, when given, is the real socket's. */
			if (b->src.family)
				assert_int_equal(b->src.port, rep.real_local);
			real++;
		}
	}
	/* Reported with its real destination, or counted as unreadable. */
	if (real != 1)
		assert_true(connect_unsupported(src) > unsupported_before);
	assert_true(real <= 1);
	printf("# race %d: %d record(s) with the real destination\n", kind, real);
	assert_int_equal(real, 1); /* this sensor reports it (the hooks saw it) */
	rec_list_free(&recs);
	source_destroy(src);
}

static void test_rewritten_family_is_still_reported(void **state)
{
	(void)state;
	check_race(RACE_REWRITE_FAMILY);
}

static void test_dup2_decoy_is_not_reported(void **state)
{
	(void)state;
	check_race(RACE_DUP2_DECOY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewritten_family_is_still_reported),
		cmocka_unit_test(test_dup2_decoy_is_not_reported),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
