/* io_uring, beyond the map of requests in flight: prog_io_uring_inflight
 * puts 6000 accepts in flight at once on one ring (the BPF LRU map that
 * matches completions to submissions holds 4096), then completes them all.
 * What a user can rely on (docs/events.md, io_uring): every submission is
 * reported; a completion that is reported carries its own request's result
 * (the fd that accept returned), never another's; the requests evicted
 * from the map, the oldest, get no completion record at all (not one
 * without details); and the sensor goes on matching requests after the
 * storm. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include "bpf_test.h"

#define REQUESTS 6000
#define INFLIGHT_MAP_ENTRIES 4096 /* bpf/emit_io_uring.h, io_uring_inflight */
#define OPEN_USER_DATA 0xF00Du	  /* prog_io_uring_inflight's last request */

/* What the ring said: res[user_data] per accept, the listener, the open. */
struct ring_results {
	long res[REQUESTS + 1];
	int listener, inflight_cqes, open_res;
};

static void read_results(FILE *f, struct ring_results *out)
{
	char line[128], name[32];
	unsigned long ud;
	long v;
	int accepts = 0;

	out->listener = out->inflight_cqes = out->open_res = -1;
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "accept %lu %ld", &ud, &v) == 2) {
			assert_true(ud >= 1 && ud <= REQUESTS);
			out->res[ud] = v;
			accepts++;
		} else if (sscanf(line, "open %lu %ld", &ud, &v) == 2) {
			out->open_res = v;
		} else if (sscanf(line, "%31s %ld", name, &v) == 2) {
			if (!strcmp(name, "listener"))
				out->listener = v;
			else if (!strcmp(name, "inflight_cqes"))
				out->inflight_cqes = v;
		}
	}
	assert_int_equal(accepts, REQUESTS);
}

/* Per request, where its submission and completion records are (index in
 * the record list + 1; 0: none). */
struct seen {
	size_t submit[REQUESTS + 1], complete[REQUESTS + 1];
	size_t open_submit, open_complete;
};

static void check_record(const struct rec_list *l, size_t i, pid_t child,
			 const struct ring_results *rr, struct seen *s)
{
	const struct rt_header *h = (const void *)l->v[i].data;
	const struct rt_io_uring_body *b = rec_body(h);
	bool open = b->user_data == OPEN_USER_DATA;
	size_t *submit, *complete;

	if (b->kind == RT_IO_URING_SETUP)
		return;
	if (!open && (b->user_data < 1 || b->user_data > REQUESTS))
		fail_msg("a record of a request nobody submitted: user_data %#llx",
			 (unsigned long long)b->user_data);
	submit = open ? &s->open_submit : &s->submit[b->user_data];
	complete = open ? &s->open_complete : &s->complete[b->user_data];
	assert_int_equal(b->opcode, open ? 18 /* IORING_OP_OPENAT */ : 13 /* IORING_OP_ACCEPT */);
	if (!open)
		assert_int_equal(b->fd, rr->listener);
	if (b->kind == RT_IO_URING_SUBMIT) {
		if (*submit)
			fail_msg("request %llu submitted twice", (unsigned long long)b->user_data);
		*submit = i + 1;
		return;
	}
	assert_int_equal(b->kind, RT_IO_URING_COMPLETE);
	if (!*submit || *complete)
		fail_msg("request %llu: a completion %s", (unsigned long long)b->user_data,
			 *complete ? "twice" : "before its submission");
	*complete = i + 1;
	assert_int_equal(h->tid, child); /* the submitter's header */
	assert_int_equal(b->flags, 0);
	/* its own result: the fd this accept returned, not another's */
	if (b->ret != (open ? rr->open_res : rr->res[b->user_data]))
		fail_msg("request %llu completed with %d, its ring said %ld", (unsigned long long)b->user_data,
			 b->ret, open ? (long)rr->open_res : rr->res[b->user_data]);
}

static void test_io_uring_beyond_the_inflight_map(void **state)
{
	unsigned char enabled[RT_EVENT_MAX];
	struct policy_compiled *policy = bpf_test_permissive_policy(42);
	struct source_config cfg = { .ring_bytes = 32u << 20, .policy = policy, .event_enabled = enabled };
	static struct ring_results rr;
	static struct seen s;
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	const char *build = getenv("RINGTAP_BUILD");
	char prog[4096], count[16];
	int status, reported = 0;
	struct test_child tc = { .pid = -1, .go = -1 };
	long started;
	pid_t child;

	(void)state;
	assert_non_null(policy);
	assert_non_null(build);
	memset(enabled, 1, sizeof(enabled));
	snprintf(prog, sizeof(prog), "%s/tests/prog_io_uring_inflight", build);
	snprintf(count, sizeof(count), "%d", REQUESTS);
	assert_int_equal(test_child_exec(&tc, prog, count), 0);
	child = tc.pid;
	rec_list_watch(&recs, child);
	if (source_bpf_ops.create(&cfg, &src))
		fail_msg("create: %s", src ? src->ops->last_error(src) : "?");
	started = bpf_test_now_ms();
	assert_int_equal(test_child_go(&tc), 0);
	/* the sensor keeps up: the storm is over, and reported, in seconds */
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 10000), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
		printf("SKIPPED: io_uring is not available here\n");
		exit(77);
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	printf("# %d requests in flight, reported in %ld ms\n", REQUESTS, bpf_test_now_ms() - started);
	read_results(test_child_output(&tc), &rr);
	fclose(tc.out);
	assert_true(rr.listener >= 0);
	assert_int_equal(rr.inflight_cqes, 0); /* all were in flight at once */
	assert_true(rr.open_res >= 0);

	for (size_t i = 0; i < recs.n; i++)
		if (((const struct rt_header *)recs.v[i].data)->type == RT_EVENT_IO_URING)
			check_record(&recs, i, child, &rr, &s);
	for (int ud = 1; ud <= REQUESTS; ud++) {
		assert_true(rr.res[ud] >= 0);
		if (!s.submit[ud])
			fail_msg("request %d was not reported at submission", ud);
		reported += s.complete[ud] != 0;
	}
	printf("# completions reported: %d of %d\n", reported, REQUESTS);
	/* no more than the map holds, and most of that: the evicted requests
	 * are the oldest (the program submits from one CPU, where the LRU's
	 * order is exact); after them, every request kept its completion */
	assert_in_range(reported, INFLIGHT_MAP_ENTRIES / 2, INFLIGHT_MAP_ENTRIES);
	for (int ud = 1; ud <= REQUESTS; ud++)
		if (!s.complete[ud] != (ud <= REQUESTS - reported))
			fail_msg("request %d %s a completion record, but %d of the %d newest have one", ud,
				 s.complete[ud] ? "has" : "has no", reported, REQUESTS);
	/* and after the storm, a new request is matched again */
	if (!s.open_submit || !s.open_complete)
		fail_msg("the openat after the storm was not reported %s",
			 s.open_submit ? "at completion" : "at submission");

	source_destroy(src);
	rec_list_free(&recs);
	free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io_uring_beyond_the_inflight_map),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
