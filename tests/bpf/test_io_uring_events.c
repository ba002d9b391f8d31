/* io_uring, live: prog_io_uring sets up a ring (and fails one setup) and
 * submits an openat, a connect, a send, a nop and a failing openat; the
 * setups and every watched submission are reported with the kernel's copy
 * of the path and the connect address as the caller passed it (read from
 * its memory: docs/events.md, "Not yet captured"), the nop is not; each watched
 * request's completion follows its submission with the ring's result (the
 * failing openat's -ENOENT), the nop's does not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "bpf_test.h"

/* The n-th io_uring record that is not a completion. */
static const struct rt_io_uring_body *nth_uring(const struct rec_list *l, pid_t pid, int n)
{
	const struct rt_header *h = NULL;

	for (int i = 0, seen = 0; (h = rec_find(l, RT_EVENT_IO_URING, pid, i)); i++) {
		if (((const struct rt_io_uring_body *)rec_body(h))->kind == RT_IO_URING_COMPLETE)
			continue;
		if (seen++ == n)
			break;
	}
	if (!h)
		fail_msg("no io_uring record #%d", n);
	assert_int_equal(h->size, sizeof(*h) + sizeof(struct rt_io_uring_body) +
					  ((const struct rt_io_uring_body *)rec_body(h))->path_len);
	return rec_body(h);
}

/* The n-th completion record of the request tagged user_data (NULL past
 * the last): after its submission, with the submitter's header. */
static const struct rt_io_uring_body *nth_completion(const struct rec_list *l, pid_t pid,
						     uint64_t user_data, int n)
{
	const struct rt_header *h;
	int submitted = -1;

	for (int i = 0; (h = rec_find(l, RT_EVENT_IO_URING, pid, i)); i++) {
		const struct rt_io_uring_body *b = rec_body(h);

		if (b->user_data != user_data || b->kind == RT_IO_URING_SETUP)
			continue;
		if (b->kind == RT_IO_URING_SUBMIT) {
			submitted = i;
			continue;
		}
		assert_int_equal(b->kind, RT_IO_URING_COMPLETE);
		if (submitted < 0)
			fail_msg("completion of request %#llx before its submission", (unsigned long long)user_data);
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b));
		assert_int_equal(h->tid, pid);
		assert_string_equal(h->comm, "prog_io_uring");
		if (n-- == 0)
			return b;
	}
	return NULL;
}

/* The completion record of the request tagged user_data: the only one,
 * after its submission, with the submitter's header. */
static const struct rt_io_uring_body *completion(const struct rec_list *l, pid_t pid, uint64_t user_data)
{
	const struct rt_io_uring_body *found = NULL;
	const struct rt_header *h;
	int submitted = -1;

	for (int n = 0; (h = rec_find(l, RT_EVENT_IO_URING, pid, n)); n++) {
		const struct rt_io_uring_body *b = rec_body(h);

		if (b->user_data != user_data || b->kind == RT_IO_URING_SETUP)
			continue;
		if (b->kind == RT_IO_URING_SUBMIT) {
			submitted = n;
			continue;
		}
		assert_int_equal(b->kind, RT_IO_URING_COMPLETE);
		if (found)
			fail_msg("two completions of request %#llx", (unsigned long long)user_data);
		if (submitted < 0)
			fail_msg("completion of request %#llx before its submission", (unsigned long long)user_data);
		assert_int_equal(h->size, sizeof(*h) + sizeof(*b));
		assert_int_equal(h->tid, pid); /* the submitter, even when an io-wq worker completed it */
		assert_string_equal(h->comm, "prog_io_uring");
		found = b;
	}
	if (!found)
		fail_msg("no completion of request %#llx", (unsigned long long)user_data);
	return found;
}

static void assert_path(const struct rt_io_uring_body *b, const char *want)
{
	assert_int_equal(b->path_len, strlen(want));
	assert_memory_equal(b + 1, want, b->path_len);
}

static void test_io_uring_events(void **state)
{
	unsigned char enabled[RT_EVENT_MAX];
	struct policy_compiled *policy = bpf_test_permissive_policy(42);
	struct source_config cfg = { .ring_bytes = 8u << 20, .policy = policy, .event_enabled = enabled };
	char prog[4096], target[] = "/tmp/ringtap-uring-XXXXXX", line[128], name[32];
	struct event_source *src = NULL;
	struct rec_list recs = { 0 };
	int status, ring = -1, sock = -1, port = -1, fd;
	struct test_child tc = { .pid = -1, .go = -1 };
	long res[8] = { 0 };
	const char *build = getenv("RINGTAP_BUILD");
	const struct rt_io_uring_body *b;
	FILE *f;
	pid_t child;

	(void)state;
	assert_non_null(policy);
	assert_non_null(build);
	memset(enabled, 1, sizeof(enabled));
	snprintf(prog, sizeof(prog), "%s/tests/prog_io_uring", build);
	fd = mkstemp(target);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(test_child_exec(&tc, prog, target), 0);
	child = tc.pid;
	rec_list_watch(&recs, child);
	if (source_bpf_ops.create(&cfg, &src))
		fail_msg("create: %s", src ? src->ops->last_error(src) : "?");
	assert_int_equal(test_child_go(&tc), 0);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 10000), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	f = test_child_output(&tc);
	while (fgets(line, sizeof(line), f)) {
		long v;

		assert_int_equal(sscanf(line, "%31s %ld", name, &v), 2);
		if (!strcmp(name, "ring")) ring = v;
		else if (!strcmp(name, "sock")) sock = v;
		else if (!strcmp(name, "port")) port = v;
		else if (!strcmp(name, "setup_bad")) res[0] = v;
		else if (!strcmp(name, "openat")) res[1] = v;
		else if (!strcmp(name, "connect")) res[2] = v;
		else if (!strcmp(name, "send")) res[3] = v;
		else if (!strcmp(name, "openat_missing")) res[4] = v;
		else if (!strcmp(name, "accept_multi")) res[5] = v;
		else if (!strcmp(name, "accept_multi2")) res[6] = v;
		else if (!strcmp(name, "cancel_results")) res[7] = v;
	}
	fclose(f);
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 3) {
		printf("SKIPPED: io_uring is not available here\n");
		exit(77);
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	/* what the ring did: the records must agree with it */
	assert_int_equal(res[0], -EINVAL);
	assert_true(res[1] >= 0);
	assert_int_equal(res[2], 0);
	assert_int_equal(res[3], 5);
	assert_int_equal(res[4], -ENOENT);
	assert_true(res[5] >= 0);
	assert_true(res[6] >= 0);
	assert_int_equal(res[7], -ECANCELED);

	/* completions: the ring's own results, with the submission's opcode and fd */
	b = completion(&recs, child, 0x1111);
	assert_int_equal(b->opcode, 18);
	assert_int_equal(b->ret, res[1]);
	assert_int_equal(b->fd, AT_FDCWD);
	assert_int_equal(b->path_len, 0);
	b = completion(&recs, child, 0x2222);
	assert_int_equal(b->opcode, 16);
	assert_int_equal(b->ret, 0);
	assert_int_equal(b->fd, sock);
	b = completion(&recs, child, 0x3333);
	assert_int_equal(b->opcode, 26);
	assert_int_equal(b->ret, 5);
	b = completion(&recs, child, 0x5555);
	assert_int_equal(b->opcode, 18);
	assert_int_equal(b->ret, -ENOENT);
	assert_int_equal(b->flags, 0);
	/* the multishot accept: one record per connection (flag MORE: the
	 * kernel posts these without the request), then its end */
	b = nth_completion(&recs, child, 0x6666, 0);
	assert_non_null(b);
	assert_int_equal(b->opcode, 13 /* IORING_OP_ACCEPT */);
	assert_int_equal(b->ret, res[5]);
	assert_int_equal(b->flags & 2 /* IORING_CQE_F_MORE */, 2);
	b = nth_completion(&recs, child, 0x6666, 1);
	assert_non_null(b);
	assert_int_equal(b->ret, res[6]);
	assert_int_equal(b->flags & 2, 2);
	b = nth_completion(&recs, child, 0x6666, 2);
	assert_non_null(b);
	assert_int_equal(b->ret, -ECANCELED);
	assert_int_equal(b->flags & 2, 0);
	assert_null(nth_completion(&recs, child, 0x6666, 3));

	b = nth_uring(&recs, child, 0); /* the failed setup */
	assert_int_equal(b->kind, RT_IO_URING_SETUP);
	assert_int_equal(b->ret, -EINVAL);
	assert_int_equal(b->entries, 4);
	assert_int_equal(b->flags, 0x80000000u);
	b = nth_uring(&recs, child, 1);
	assert_int_equal(b->kind, RT_IO_URING_SETUP);
	assert_int_equal(b->ret, ring);
	assert_int_equal(b->flags, 0);
	b = nth_uring(&recs, child, 2);
	assert_int_equal(b->kind, RT_IO_URING_SUBMIT);
	assert_int_equal(b->opcode, 18 /* IORING_OP_OPENAT */);
	assert_int_equal(b->fd, AT_FDCWD);
	assert_int_equal(b->user_data, 0x1111);
	assert_int_equal(b->open_flags & (O_ACCMODE | O_CLOEXEC), O_RDONLY | O_CLOEXEC);
	assert_int_equal(b->ret, 0);
	assert_path(b, target);
	b = nth_uring(&recs, child, 3);
	assert_int_equal(b->opcode, 16 /* IORING_OP_CONNECT */);
	assert_int_equal(b->fd, sock);
	assert_int_equal(b->user_data, 0x2222);
	assert_int_equal(b->addr.family, AF_INET);
	assert_int_equal(b->addr.port, port);
	assert_memory_equal(b->addr.addr, "\x7f\0\0\x01", 4);
	assert_int_equal(b->path_len, 0);
	b = nth_uring(&recs, child, 4);
	assert_int_equal(b->opcode, 26 /* IORING_OP_SEND */);
	assert_int_equal(b->fd, sock);
	assert_int_equal(b->user_data, 0x3333);
	assert_int_equal(b->addr.family, 0);
	/* the nop is not reported: next is the failing open */
	b = nth_uring(&recs, child, 5);
	assert_int_equal(b->opcode, 18);
	assert_int_equal(b->user_data, 0x5555);
	assert_path(b, "/nonexistent-ringtap-uring");
	/* 2 setups, 5 submissions, 4 + 3 completions: none for the nop and the cancel */
	assert_int_equal(rec_count(&recs, RT_EVENT_IO_URING, child), 14);

	source_destroy(src);
	rec_list_free(&recs);
	free(policy);
	unlink(target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io_uring_events),
	};

	bpf_test_require_or_skip();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
