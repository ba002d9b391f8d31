/* Live probes, end to end: a child first fails an execve, then execs
 * prog_actor, which opens a file, connects over TCP to our listener, forks a
 * grandchild that exits 7, and exits 3; a second child accepts the
 * connection. Every record these processes cause is checked field by field,
 * decoded straight from the ABI structs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bpf_test.h"

#define FAIL_PATH "/nonexistent/ringtap-no-such-program"

struct actor_report {
	int open_fd, sock_fd, local_port, grandchild;
};

static void parse_report(FILE *f, struct actor_report *r)
{
	char key[32];
	int val;

	memset(r, -1, sizeof(*r));
	while (fscanf(f, "%31s %d", key, &val) == 2) {
		if (!strcmp(key, "open_fd"))
			r->open_fd = val;
		else if (!strcmp(key, "sock_fd"))
			r->sock_fd = val;
		else if (!strcmp(key, "local_port"))
			r->local_port = val;
		else if (!strcmp(key, "grandchild"))
			r->grandchild = val;
	}
}

struct waitfor {
	pid_t actor, grandchild, acceptor;
};

/* Done once all three processes' exit records are in. */
static bool all_exited(const struct rec_list *l, void *arg)
{
	const struct waitfor *w = arg;

	return rec_find(l, RT_EVENT_EXIT, w->actor, 0) && rec_find(l, RT_EVENT_EXIT, w->acceptor, 0) &&
	       (w->grandchild <= 0 || rec_find(l, RT_EVENT_EXIT, w->grandchild, 0));
}

static void assert_header(const struct rt_header *h, uint16_t type, pid_t tgid, pid_t ppid,
			  const char *comm)
{
	assert_non_null(h);
	assert_int_equal(h->type, type);
	assert_int_equal(h->abi_version, RT_ABI_VERSION);
	assert_int_equal(h->tgid, tgid);
	assert_int_equal(h->tid, tgid); /* single-threaded processes */
	assert_int_equal(h->ppid, ppid);
	assert_int_equal(h->uid, getuid());
	assert_int_equal(h->gid, getgid());
	assert_int_equal(h->flags, 0);
	assert_int_equal(h->policy_gen, 42);
	assert_true(h->ts_ns > 0);
	assert_true(h->start_ns > 0 && h->start_ns <= h->ts_ns);
	assert_true(h->cgroup_id > 0);
	assert_string_equal(h->comm, comm);
}

static void assert_sockaddr(const struct rt_sockaddr *a, const char *ip, int port)
{
	struct in_addr want;

	inet_pton(AF_INET, ip, &want);
	assert_int_equal(a->family, AF_INET);
	assert_memory_equal(a->addr, &want, 4);
	assert_int_equal(a->port, port);
}

static void test_live_events(void **state)
{
	unsigned char enabled[RT_EVENT_MAX];
	struct policy_compiled *policy = bpf_test_permissive_policy(42);
	struct source_config cfg = { .ring_bytes = 8u << 20, .policy = policy, .event_enabled = enabled };
	char actor[4096], cwd[4096], path[64], port_s[16], self_comm[RT_COMM_LEN] = "", ignored;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t alen = sizeof(addr);
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	struct actor_report rep;
	struct waitfor w = { 0 };
	int go[2], out[2], acc[2], listener, port, status, accepted_fd = -1;
	const struct rt_header *h;
	const char *build = getenv("RINGTAP_BUILD");
	FILE *f;
	pid_t self = getpid();

	(void)state;
	assert_non_null(policy);
	memset(enabled, 1, sizeof(enabled));
	assert_non_null(build);
	snprintf(actor, sizeof(actor), "%s/tests/prog_actor", build);
	assert_int_equal(access(actor, X_OK), 0);
	snprintf(path, sizeof(path), "/tmp/ringtap-live-%d", (int)self);
	unlink(path);
	f = fopen("/proc/self/comm", "r");
	assert_non_null(f);
	assert_non_null(fgets(self_comm, sizeof(self_comm), f));
	fclose(f);
	self_comm[strcspn(self_comm, "\n")] = '\0';

	listener = socket(AF_INET, SOCK_STREAM, 0);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(listener, 4), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &alen), 0);
	port = ntohs(addr.sin_port);
	snprintf(port_s, sizeof(port_s), "%d", port);

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(acc), 0);

	/* The actor: blocked until the probes are attached. */
	w.actor = fork();
	assert_true(w.actor >= 0);
	if (w.actor == 0) {
		char *fail_argv[] = { "nope", "x1", NULL };
		char *argv[] = { "prog_actor", path, port_s, "alpha", "beta gamma", NULL };

		if (read(go[0], &ignored, 1) != 1)
			_exit(90);
		dup2(out[1], STDOUT_FILENO);
		execv(FAIL_PATH, fail_argv); /* fails: ENOENT, recorded as such */
		execv(actor, argv);
		_exit(91);
	}

	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	rec_list_watch(&recs, w.actor);

	/* The acceptor: a process of its own, since ringtap's is never traced. */
	w.acceptor = fork();
	assert_true(w.acceptor >= 0);
	if (w.acceptor == 0) {
		int fd = accept(listener, NULL, NULL);

		if (write(acc[1], &fd, sizeof(fd)) != sizeof(fd))
			_exit(92);
		close(fd);
		_exit(0);
	}
	rec_list_watch(&recs, w.acceptor);
	close(listener);

	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(w.actor, &status, 0), w.actor);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	assert_int_equal(waitpid(w.acceptor, &status, 0), w.acceptor);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(read(acc[0], &accepted_fd, sizeof(accepted_fd)), sizeof(accepted_fd));
	close(out[1]);
	f = fdopen(out[0], "r");
	parse_report(f, &rep);
	fclose(f);
	assert_true(rep.open_fd >= 0 && rep.sock_fd >= 0 && rep.local_port > 0 && rep.grandchild > 0);
	w.grandchild = rep.grandchild;
	rec_list_watch(&recs, w.grandchild);

	assert_int_equal(rec_drain_until(src, &recs, all_exited, &w, 10000), 0);

	/* The failed exec, reported at sys_exit from the caller's memory. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	h = rec_find(&recs, RT_EVENT_EXEC, w.actor, 0);
	assert_header(h, RT_EVENT_EXEC, w.actor, self, self_comm);
	{
		const struct rt_exec_body *b = rec_body(h);
		const char *data = (const char *)(b + 1);

		assert_int_equal(b->ret, -ENOENT);
		assert_int_equal(b->filename_len, strlen(FAIL_PATH));
		assert_memory_equal(data, FAIL_PATH, b->filename_len);
		assert_int_equal(b->argc, 2);
		assert_int_equal(b->argv_len, sizeof("nope\0x1"));
		assert_memory_equal(data + b->filename_len, "nope\0x1", b->argv_len);
		/* the cwd follows argv: the actor's, which is ours */
		assert_int_equal(b->cwd_len, strlen(cwd));
		assert_memory_equal(data + b->filename_len + b->argv_len, cwd, b->cwd_len);
		assert_int_equal(b->cwd_flags, 0);
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->filename_len + b->argv_len +
					  b->cwd_len);
	}

	/* The successful exec, from sched_process_exec: new comm, new argv. */
	h = rec_find(&recs, RT_EVENT_EXEC, w.actor, 1);
	assert_header(h, RT_EVENT_EXEC, w.actor, self, "prog_actor");
	{
		const struct rt_exec_body *b = rec_body(h);
		const char *data = (const char *)(b + 1);
		char want[256];
		int n = snprintf(want, sizeof(want), "prog_actor%c%s%c%s%calpha%cbeta gamma", 0, path, 0,
				 port_s, 0, 0) + 1;

		assert_int_equal(b->ret, 0);
		assert_int_equal(b->filename_len, strlen(actor));
		assert_memory_equal(data, actor, b->filename_len);
		assert_int_equal(b->argc, 5);
		assert_int_equal(b->argv_len, n);
		assert_memory_equal(data + b->filename_len, want, n);
		assert_int_equal(b->cwd_len, strlen(cwd));
		assert_memory_equal(data + b->filename_len + b->argv_len, cwd, b->cwd_len);
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->filename_len + b->argv_len +
					  b->cwd_len);
	}
	assert_null(rec_find(&recs, RT_EVENT_EXEC, w.actor, 2));

	/* The open: exact path, flags, mode and the fd the actor got. The
	 * dynamic loader opens libraries first, so look for the path. */
	{
		const struct rt_open_body *b = NULL;
		int i;

		for (i = 0; (h = rec_find(&recs, RT_EVENT_OPEN, w.actor, i)); i++) {
			b = rec_body(h);
			if (b->path_len == strlen(path) && !memcmp(b + 1, path, b->path_len))
				break;
		}
		assert_non_null(h);
		assert_header(h, RT_EVENT_OPEN, w.actor, self, "prog_actor");
		assert_int_equal(b->ret, rep.open_fd);
		assert_int_equal(b->flags, O_RDONLY | O_CREAT | O_CLOEXEC);
		assert_int_equal(b->mode, 0640);
		assert_int_equal(b->dirfd, AT_FDCWD);
		assert_int_equal(b->syscall, RT_OPEN_OPENAT);
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + b->path_len);
	}

	/* connect: dst as asked, src from the socket after the call. */
	h = rec_find(&recs, RT_EVENT_CONNECT, w.actor, 0);
	assert_header(h, RT_EVENT_CONNECT, w.actor, self, "prog_actor");
	{
		const struct rt_connect_body *b = rec_body(h);

		assert_int_equal(h->size, sizeof(*h) + sizeof(*b));
		assert_int_equal(b->ret, 0);
		assert_int_equal(b->fd, rep.sock_fd);
		assert_int_equal(b->protocol, IPPROTO_TCP);
		assert_sockaddr(&b->dst, "127.0.0.1", port);
		assert_sockaddr(&b->src, "127.0.0.1", rep.local_port);
	}
	assert_null(rec_find(&recs, RT_EVENT_CONNECT, w.actor, 1));

	/* accept: by the acceptor child (comm inherited from this test). */
	h = rec_find(&recs, RT_EVENT_ACCEPT, w.acceptor, 0);
	assert_header(h, RT_EVENT_ACCEPT, w.acceptor, self, self_comm);
	{
		const struct rt_accept_body *b = rec_body(h);

		assert_int_equal(h->size, sizeof(*h) + sizeof(*b));
		assert_int_equal(b->ret, accepted_fd);
		assert_int_equal(b->listen_fd, listener);
		assert_sockaddr(&b->local, "127.0.0.1", port);
		assert_sockaddr(&b->peer, "127.0.0.1", rep.local_port);
	}

	/* fork: the actor's new process. (Under ASan, LeakSanitizer's exit-time
	 * tracer is a process too, so look for the grandchild's pid.) */
	{
		int i;

		for (i = 0; (h = rec_find(&recs, RT_EVENT_FORK, w.actor, i)); i++)
			if (((const struct rt_fork_body *)rec_body(h))->child_pid == (uint32_t)w.grandchild)
				break;
		assert_header(h, RT_EVENT_FORK, w.actor, self, "prog_actor");
	}

	/* exits: grandchild 7, actor 3, acceptor 0; one record per process. */
	h = rec_find(&recs, RT_EVENT_EXIT, w.grandchild, 0);
	assert_header(h, RT_EVENT_EXIT, w.grandchild, w.actor, "prog_actor");
	assert_int_equal(((const struct rt_exit_body *)rec_body(h))->code, 7);
	assert_int_equal(((const struct rt_exit_body *)rec_body(h))->signal, 0);
	h = rec_find(&recs, RT_EVENT_EXIT, w.actor, 0);
	assert_header(h, RT_EVENT_EXIT, w.actor, self, "prog_actor");
	assert_int_equal(((const struct rt_exit_body *)rec_body(h))->code, 3);
	assert_null(rec_find(&recs, RT_EVENT_EXIT, w.actor, 1));
	h = rec_find(&recs, RT_EVENT_EXIT, w.acceptor, 0);
	assert_int_equal(((const struct rt_exit_body *)rec_body(h))->code, 0);

	/* The start time names the process: the same in all its records. */
	assert_int_equal(rec_find(&recs, RT_EVENT_EXIT, w.actor, 0)->start_ns,
			 rec_find(&recs, RT_EVENT_CONNECT, w.actor, 0)->start_ns);

	rec_list_free(&recs);
	source_destroy(src);
	free(policy);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_events),
	};

	bpf_test_require_or_skip();
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
