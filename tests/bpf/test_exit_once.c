/* One exit record per process, however its threads die: processes whose
 * threads all leave at the same instant (each calls exit(2) for itself
 * after a barrier) race on the "last thread" test. The tracepoint's
 * group_dead says which thread really was the last one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bpf_test.h"

#define PROCS 8 /* rec_list_watch holds 8 */
#define THREADS 32

static pthread_barrier_t barrier;

static void *thread_exit(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&barrier);
	syscall(SYS_exit, 0); /* this thread only */
	return NULL;
}

static void racer(int go_fd)
{
	pthread_t t;
	char ch;
	int i;

	if (read(go_fd, &ch, 1) != 1)
		_exit(90);
	pthread_barrier_init(&barrier, NULL, THREADS);
	for (i = 1; i < THREADS; i++)
		if (pthread_create(&t, NULL, thread_exit, NULL))
			_exit(91);
	thread_exit(NULL);
}

struct racers {
	pid_t pid[PROCS];
};

static bool all_exited(const struct rec_list *l, void *arg)
{
	const struct racers *r = arg;
	int i;

	for (i = 0; i < PROCS; i++)
		if (!rec_find(l, RT_EVENT_EXIT, r->pid[i], 0))
			return false;
	return true;
}

static void test_exit_once(void **state)
{
	struct source_config cfg = { 0 };
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	struct racers r;
	int go[2], i, status;

	(void)state;
	assert_int_equal(pipe(go), 0);
	for (i = 0; i < PROCS; i++) {
		r.pid[i] = fork();
		assert_true(r.pid[i] >= 0);
		if (r.pid[i] == 0)
			racer(go[0]);
		rec_list_watch(&recs, r.pid[i]);
	}
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	for (i = 0; i < PROCS; i++)
		assert_int_equal(write(go[1], "g", 1), 1);
	for (i = 0; i < PROCS; i++) {
		assert_int_equal(waitpid(r.pid[i], &status, 0), r.pid[i]);
		assert_true(WIFEXITED(status));
	}
	assert_int_equal(rec_drain_until(src, &recs, all_exited, &r, 5000), 0);
	/* a late duplicate would follow within a few ms */
	assert_int_equal(rec_drain_until(src, &recs, NULL, NULL, 200), 0);
	for (i = 0; i < PROCS; i++)
		assert_int_equal(rec_count(&recs, RT_EVENT_EXIT, r.pid[i]), 1);

	rec_list_free(&recs);
	source_destroy(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_once),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
