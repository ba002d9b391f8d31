/* What the kernel side leaves out or marks: over-long paths and argv are
 * flagged and counted, ringtap's own process is never traced, disabled
 * event types emit nothing (and can be switched at runtime), the policy
 * generation is stamped as set, threads are not processes, a signal death
 * is reported as such, and a bad ring size is refused clearly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bpf_test.h"

#define LONG_PATH_LEN 5000
#define MANY_ARGS 100

/* Fork a child that blocks until released, then runs fn(arg) and exits 0. */
static pid_t spawn_blocked(int go[2], void (*fn)(const void *), const void *arg)
{
	pid_t pid;
	char c;

	if (pipe(go))
		return -1;
	pid = fork();
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(90);
		fn(arg);
		_exit(0);
	}
	return pid;
}

static int release_and_reap_status(int go[2], pid_t pid)
{
	int status;

	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(go[0]);
	close(go[1]);
	return status;
}

static void release_and_reap(int go[2], pid_t pid)
{
	int status = release_and_reap_status(go, pid);

	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void open_path(const void *arg)
{
	int fd = syscall(SYS_openat, AT_FDCWD, (const char *)arg, O_RDONLY);

	if (fd >= 0)
		close(fd);
}

static void exec_many_args(const void *arg)
{
	static char *argv[MANY_ARGS + 1];
	int i;

	(void)arg;
	for (i = 0; i < MANY_ARGS; i++)
		argv[i] = "arg";
	execv("/nonexistent/ringtap-many-args", argv);
}

static void test_long_path_and_argv_are_flagged_and_counted(void **state)
{
	struct source_config cfg = { 0 };
	struct source_type_stats st[RT_EVENT_MAX];
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	char *path = malloc(LONG_PATH_LEN + 1);
	const struct rt_header *h;
	int go[2];
	pid_t child;

	(void)state;
	path[0] = '/';
	memset(path + 1, 'a', LONG_PATH_LEN - 1);
	path[LONG_PATH_LEN] = '\0';

	child = spawn_blocked(go, open_path, path);
	assert_true(child > 0);
	cfg.target_tgid = child;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	rec_list_watch(&recs, child);
	release_and_reap(go, child);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 5000), 0);

	h = rec_find(&recs, RT_EVENT_OPEN, child, 0);
	assert_non_null(h);
	{
		const struct rt_open_body *b = rec_body(h);

		assert_int_equal(h->flags & RT_FLAG_TRUNCATED, RT_FLAG_TRUNCATED);
		assert_int_equal(b->ret, -ENAMETOOLONG);
		assert_int_equal(b->path_len, RT_PATH_MAX);
		assert_memory_equal(b + 1, path, RT_PATH_MAX);
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b) + RT_PATH_MAX);
	}
	assert_int_equal(src->ops->stats(src, st, RT_EVENT_MAX), 0);
	assert_int_equal(st[RT_EVENT_OPEN].truncated, 1);
	assert_int_equal(st[RT_EVENT_OPEN].emitted, 1);
	rec_list_free(&recs);
	source_destroy(src);
	src = NULL;

	/* A failed exec with more arguments than RT_ARGC_MAX. */
	child = spawn_blocked(go, exec_many_args, NULL);
	assert_true(child > 0);
	cfg.target_tgid = child;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	rec_list_watch(&recs, child);
	release_and_reap(go, child);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 5000), 0);
	h = rec_find(&recs, RT_EVENT_EXEC, child, 0);
	assert_non_null(h);
	{
		const struct rt_exec_body *b = rec_body(h);

		assert_int_equal(h->flags & RT_FLAG_TRUNCATED, RT_FLAG_TRUNCATED);
		assert_int_equal(b->ret, -ENOENT);
		assert_int_equal(b->argc, RT_ARGC_MAX);
		assert_int_equal(b->argv_len, RT_ARGC_MAX * sizeof("arg"));
	}
	assert_int_equal(src->ops->stats(src, st, RT_EVENT_MAX), 0);
	assert_int_equal(st[RT_EVENT_EXEC].truncated, 1);

	rec_list_free(&recs);
	source_destroy(src);
	free(path);
}

static void test_own_process_is_not_traced(void **state)
{
	struct source_config cfg = { 0 }; /* everything, system-wide */
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	char mine[64], theirs[64];
	const struct rt_header *h;
	int go[2], i;
	pid_t child, self = getpid();

	(void)state;
	snprintf(mine, sizeof(mine), "/tmp/ringtap-self-%d", (int)self);
	snprintf(theirs, sizeof(theirs), "/tmp/ringtap-child-%d", (int)self);
	child = spawn_blocked(go, open_path, theirs);
	assert_true(child > 0);
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	rec_list_watch(&recs, self);
	rec_list_watch(&recs, child);

	for (i = 0; i < 10; i++)
		open_path(mine);
	release_and_reap(go, child); /* the control: the same open, elsewhere */
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 5000), 0);

	h = rec_find(&recs, RT_EVENT_OPEN, child, 0);
	assert_non_null(h);
	assert_int_equal(((const struct rt_open_body *)rec_body(h))->path_len, strlen(theirs));
	assert_int_equal(recs.kept[RT_EVENT_OPEN] + recs.kept[RT_EVENT_EXIT], 2);
	for (i = 0; i < (int)recs.n; i++)
		assert_int_not_equal(((const struct rt_header *)recs.v[i].data)->tgid, self);

	rec_list_free(&recs);
	source_destroy(src);
}

static void test_disabled_types_emit_nothing_until_enabled(void **state)
{
	unsigned char enabled[RT_EVENT_MAX];
	struct policy_compiled *gen1 = bpf_test_permissive_policy(1), *gen2 = bpf_test_permissive_policy(2);
	struct source_config cfg = { .event_enabled = enabled, .policy = gen1 };
	struct source_type_stats st[RT_EVENT_MAX];
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	const struct rt_header *h;
	int go[2];
	pid_t child;

	(void)state;
	assert_non_null(gen1);
	assert_non_null(gen2);
	memset(enabled, 1, sizeof(enabled));
	enabled[RT_EVENT_OPEN] = 0;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);

	child = spawn_blocked(go, open_path, "/dev/null");
	assert_true(child > 0);
	rec_list_watch(&recs, child);
	release_and_reap(go, child);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 5000), 0);
	assert_null(rec_find(&recs, RT_EVENT_OPEN, child, 0));
	assert_int_equal(rec_find(&recs, RT_EVENT_EXIT, child, 0)->policy_gen, 1);
	assert_int_equal(src->ops->stats(src, st, RT_EVENT_MAX), 0);
	assert_int_equal(st[RT_EVENT_OPEN].emitted + st[RT_EVENT_OPEN].dropped, 0);

	/* Switched on at runtime, with a new policy generation. */
	assert_int_equal(source_bpf_set_event_enabled(src, NULL), 0);
	assert_int_equal(source_bpf_policy_apply(src, gen2), 0);
	assert_int_equal(source_bpf_policy_gen(src), 2);
	child = spawn_blocked(go, open_path, "/dev/null");
	assert_true(child > 0);
	rec_list_watch(&recs, child);
	release_and_reap(go, child);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 5000), 0);
	h = rec_find(&recs, RT_EVENT_OPEN, child, 0);
	assert_non_null(h);
	assert_int_equal(h->policy_gen, 2);

	rec_list_free(&recs);
	source_destroy(src);
	free(gen1);
	free(gen2);
}

static void *thread_main(void *arg)
{
	return arg;
}

static void threads_then_exit_5(const void *arg)
{
	pthread_t t[3];
	int i;

	(void)arg;
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, thread_main, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	_exit(5);
}

static void killed_by_sigterm(const void *arg)
{
	(void)arg;
	signal(SIGTERM, SIG_DFL);
	kill(getpid(), SIGTERM);
	pause();
}

/* Threads are neither forks nor exits of their own; a process ends once,
 * with its code or the signal that ended it. */
static void test_threads_and_signals(void **state)
{
	struct source_config cfg = { 0 };
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	const struct rt_exit_body *b;
	int go[2], status;
	pid_t child;

	(void)state;
	child = spawn_blocked(go, threads_then_exit_5, NULL);
	assert_true(child > 0);
	cfg.target_tgid = child;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	rec_list_watch(&recs, child);
	status = release_and_reap_status(go, child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 5);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 5000), 0);
	assert_int_equal(rec_count(&recs, RT_EVENT_FORK, child), 0);
	assert_int_equal(rec_count(&recs, RT_EVENT_EXIT, child), 1);
	b = rec_body(rec_find(&recs, RT_EVENT_EXIT, child, 0));
	assert_int_equal(b->code, 5);
	assert_int_equal(b->signal, 0);
	rec_list_free(&recs);
	source_destroy(src);
	src = NULL;

	child = spawn_blocked(go, killed_by_sigterm, NULL);
	assert_true(child > 0);
	cfg.target_tgid = child;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	rec_list_watch(&recs, child);
	status = release_and_reap_status(go, child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 5000), 0);
	b = rec_body(rec_find(&recs, RT_EVENT_EXIT, child, 0));
	assert_int_equal(b->code, 0);
	assert_int_equal(b->signal, SIGTERM);
	rec_list_free(&recs);
	source_destroy(src);
}

static void test_bad_ring_size_is_refused_with_a_reason(void **state)
{
	struct source_config cfg = { .ring_bytes = 12345 };
	struct event_source *src = NULL;

	(void)state;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), -EINVAL);
	assert_non_null(src);
	assert_non_null(strstr(src->ops->last_error(src), "ring size 12345 bytes is not a power of two"));
	source_destroy(src);

	/* A power of two too small for an exec record (~8.3 KB). */
	src = NULL;
	cfg.ring_bytes = 4096;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), -EINVAL);
	assert_non_null(src);
	assert_non_null(strstr(src->ops->last_error(src),
			       "ring size 4096 bytes is too small: an exec record takes up to"));
	assert_non_null(strstr(src->ops->last_error(src), "at least 16384 bytes (16K)"));
	source_destroy(src);
	assert_int_equal(source_bpf_policy_apply(NULL, NULL), -EINVAL);
}

/* Without privileges create() fails with one sentence saying what to do. */
static void test_unprivileged_create_says_why(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct source_config cfg = { 0 };
		struct event_source *src = NULL;
		const char *why;
		int rc;

		/* Leaving uid 0 for good clears every capability. */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		rc = source_bpf_ops.create(&cfg, &src);
		why = src ? src->ops->last_error(src) : NULL;
		if (rc != -EPERM)
			_exit(11);
		if (!why || !strstr(why, "needs root"))
			_exit(12);
		source_destroy(src);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_path_and_argv_are_flagged_and_counted),
		cmocka_unit_test(test_own_process_is_not_traced),
		cmocka_unit_test(test_disabled_types_emit_nothing_until_enabled),
		cmocka_unit_test(test_threads_and_signals),
		cmocka_unit_test(test_bad_ring_size_is_refused_with_a_reason),
		cmocka_unit_test(test_unprivileged_create_says_why),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
