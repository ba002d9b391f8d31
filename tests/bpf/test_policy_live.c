/* The policy in the real probes (bpf/ringtap.bpf.c): what each rule class
 * keeps out of the ring, the per-rule filtered counters, and a reload under
 * a steady stream of events. Every assertion is about the test's own child
 * processes (the machine is shared and busy); counters are machine-wide, so
 * they are checked as lower bounds. Needs root; skips otherwise. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "bpf_test.h"
#include "../unit/test_policy_helpers.h"

static char dir[32]; /* /tmp/rt-pol-<pid>: unique to this run */

static int setup(void **state)
{
	char cmd[256];

	(void)state;
	bpf_test_require_or_skip();
	snprintf(dir, sizeof(dir), "/tmp/rt-pol-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s/skip %s/in %s/out %s/keep %s/flip", dir,
		 dir, dir, dir, dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct policy_compiled *compile_fmt(uint32_t gen, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return compile_ok(text, gen);
}

static struct event_source *start(const struct policy_compiled *policy)
{
	struct source_config cfg = { .ring_bytes = 16u << 20, .policy = policy };
	struct event_source *src = NULL;
	int rc = source_bpf_ops.create(&cfg, &src);

	if (rc)
		print_error("source: %s\n", src && src->ops->last_error(src) ? src->ops->last_error(src) : strerror(-rc));
	assert_int_equal(rc, 0);
	return src;
}

static void touch(const char *sub, int i)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%d", dir, sub, i);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
}

static void reap(pid_t child)
{
	int status;

	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The path of an open record, NUL-terminated into buf. */
static const char *open_path(const struct rt_header *h, char *buf, size_t size)
{
	const struct rt_open_body *b = rec_body(h);
	size_t n = b->path_len < size - 1 ? b->path_len : size - 1;

	memcpy(buf, (const char *)(b + 1), n);
	buf[n] = '\0';
	return buf;
}

/* Opens of tgid whose path starts with prefix. */
static int count_opens_under(const struct rec_list *l, pid_t tgid, const char *prefix)
{
	char path[RT_PATH_MAX + 1];
	int n = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct rt_header *h = (const void *)l->v[i].data;
		if (h->type == RT_EVENT_OPEN && h->tgid == (uint32_t)tgid)
			n += !strncmp(open_path(h, path, sizeof(path)), prefix, strlen(prefix));
	}
	return n;
}

static void stats(struct event_source *src, struct source_type_stats st[RT_EVENT_MAX])
{
	assert_int_equal(src->ops->stats(src, st, RT_EVENT_MAX), 0);
}

/* 1,000 opens under an excluded directory and 10 elsewhere: exactly the 10
 * arrive, and the kernel counts at least the 1,000 as path_exclude. */
static void test_exclude_prefix_keeps_1000_opens_out_of_the_ring(void **state)
{
	struct policy_compiled *pol = compile_fmt(1, "version: 1\nfile: {exclude_prefixes: [%s/skip/]}\n", dir);
	struct event_source *src = start(pol);
	struct source_type_stats st[RT_EVENT_MAX];
	struct rec_list recs = { 0 };
	char prefix[80];
	pid_t child;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		for (int i = 0; i < 1000; i++)
			touch("skip", i);
		for (int i = 0; i < 10; i++)
			touch("out", i);
		_exit(0);
	}
	rec_list_watch(&recs, child);
	reap(child);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 10000), 0);

	snprintf(prefix, sizeof(prefix), "%s/", dir);
	assert_int_equal(count_opens_under(&recs, child, prefix), 10);
	snprintf(prefix, sizeof(prefix), "%s/out/", dir);
	assert_int_equal(count_opens_under(&recs, child, prefix), 10);
	assert_int_equal(rec_find(&recs, RT_EVENT_OPEN, child, 0)->policy_gen, 1);
	stats(src, st);
	printf("kernel filtered open/path_exclude: %llu\n",
	       (unsigned long long)st[RT_EVENT_OPEN].filtered_by[RT_POLICY_RULE_PATH_EXCLUDE]);
	assert_true(st[RT_EVENT_OPEN].filtered_by[RT_POLICY_RULE_PATH_EXCLUDE] >= 1000);
	assert_true(st[RT_EVENT_OPEN].filtered >= 1000);
	rec_list_free(&recs);
	source_destroy(src);
	free(pol);
}

/* config/policy.yaml's exclude_prefixes (/proc/, /sys/, /dev/) cannot hide
 * an open of another file spelled through them (/proc/../etc/hostname, a
 * /proc magic link, /dev/fd): those are reported; plain /proc paths are
 * still filtered. */
static const char *const evasive_paths[] = {
	"/proc/../etc/hostname", "/dev/../etc/hostname", "/proc/self/root/etc/hostname",
	"/proc/thread-self/root/etc/hostname", "/proc/self/task/%d/root/etc/hostname",
	"/proc/./self/cwd", "/dev//null", "/sys/./kernel/../../etc/hostname",
};

static void test_reference_policy_reports_evasive_paths(void **state)
{
	const char *srcdir = getenv("RINGTAP_SRC");
	char file[512], path[128], got[RT_PATH_MAX + 1], *text = calloc(1, 65536);
	struct rec_list recs = { 0 };
	size_t n_evasive = sizeof(evasive_paths) / sizeof(evasive_paths[0]);
	FILE *f;
	pid_t child;

	(void)state;
	snprintf(file, sizeof(file), "%s/config/policy.yaml", srcdir ? srcdir : ".");
	assert_non_null(text);
	f = fopen(file, "r");
	assert_non_null(f);
	assert_true(fread(text, 1, 65535, f) > 0);
	fclose(f);
	struct policy_compiled *pol = compile_ok(text, 1);
	struct event_source *src = start(pol);

	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		for (size_t i = 0; i < n_evasive; i++) {
			snprintf(path, sizeof(path), evasive_paths[i], (int)getpid());
			close(open(path, O_RDONLY | O_CLOEXEC));
		}
		close(open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC));
		close(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
		close(open("/dev/null", O_RDONLY | O_CLOEXEC));
		_exit(0);
	}
	rec_list_watch(&recs, child);
	reap(child);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 10000), 0);
	for (size_t i = 0; i < n_evasive; i++) {
		snprintf(path, sizeof(path), evasive_paths[i], (int)child);
		bool found = false;
		for (int k = 0; rec_find(&recs, RT_EVENT_OPEN, child, k); k++)
			found |= !strcmp(open_path(rec_find(&recs, RT_EVENT_OPEN, child, k), got, sizeof(got)), path);
		if (!found)
			print_error("open of %s was filtered\n", path);
		assert_true(found);
	}
	/* Nothing else of the child's got through (/proc/cpuinfo and co.). */
	assert_int_equal(rec_count(&recs, RT_EVENT_OPEN, child), (int)n_evasive);
	rec_list_free(&recs);
	source_destroy(src);
	free(pol);
	free(text);
}

/* With include prefixes, only paths under them pass. */
static void test_include_prefix_passes_only_matching_paths(void **state)
{
	struct policy_compiled *pol = compile_fmt(1, "version: 1\nfile: {include_prefixes: [%s/in/]}\n", dir);
	struct event_source *src = start(pol);
	struct source_type_stats st[RT_EVENT_MAX];
	struct rec_list recs = { 0 };
	char prefix[80];
	pid_t child;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		for (int i = 0; i < 5; i++) {
			touch("in", i);
			touch("out", i);
		}
		_exit(0);
	}
	rec_list_watch(&recs, child);
	reap(child);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 10000), 0);
	snprintf(prefix, sizeof(prefix), "%s/in/", dir);
	assert_int_equal(count_opens_under(&recs, child, prefix), 5);
	assert_int_equal(rec_count(&recs, RT_EVENT_OPEN, child), 5);
	stats(src, st);
	assert_true(st[RT_EVENT_OPEN].filtered_by[RT_POLICY_RULE_PATH_INCLUDE] >= 5);
	rec_list_free(&recs);
	source_destroy(src);
	free(pol);
}

static pid_t spawn_named(const char *comm)
{
	pid_t child = fork();

	if (child == 0) {
		prctl(PR_SET_NAME, comm);
		for (int i = 0; i < 5; i++)
			touch("out", i);
		_exit(0);
	}
	return child;
}

/* A process whose comm is excluded leaves no event at all (its opens and its
 * exit); another name passes. */
static void test_comm_exclusion_holds(void **state)
{
	struct policy_compiled *pol = compile_fmt(1, "version: 1\nexclude: {comms: [rtpol-skip]}\n");
	struct event_source *src = start(pol);
	struct source_type_stats st[RT_EVENT_MAX];
	struct rec_list recs = { 0 };
	pid_t skipped, kept;

	(void)state;
	skipped = spawn_named("rtpol-skip");
	kept = spawn_named("rtpol-keep");
	assert_true(skipped > 0 && kept > 0);
	rec_list_watch(&recs, skipped);
	rec_list_watch(&recs, kept);
	reap(skipped);
	reap(kept);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &kept, 10000), 0);
	rec_drain_until(src, &recs, NULL, NULL, 300); /* anything of skipped's still in flight */
	assert_int_equal(rec_count(&recs, RT_EVENT_OPEN, kept), 5);
	assert_int_equal(rec_count(&recs, RT_EVENT_OPEN, skipped), 0);
	assert_int_equal(rec_count(&recs, RT_EVENT_EXIT, skipped), 0);
	stats(src, st);
	assert_true(st[RT_EVENT_OPEN].filtered_by[RT_POLICY_RULE_COMM] >= 5);
	assert_true(st[RT_EVENT_EXIT].filtered_by[RT_POLICY_RULE_COMM] >= 1);
	rec_list_free(&recs);
	source_destroy(src);
	free(pol);
}

static int listener(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static int connect_to(const char *ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, ip, &a.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		_exit(3);
	return fd;
}

/* 127.0.0.2/32 and one port excluded: a connect to 127.0.0.1 on another
 * port passes; the connect to 127.0.0.2 (cidr) and the connect and accept
 * on the excluded port (port: connect's destination, accept's local port)
 * do not. */
static void test_cidr_and_port_exclusions_hold(void **state)
{
	uint16_t open_port, closed_port;
	int l_open = listener(&open_port), l_closed = listener(&closed_port);
	struct policy_compiled *pol =
		compile_fmt(1, "version: 1\nnetwork: {exclude_cidrs: [127.0.0.2/32], exclude_ports: [%u]}\n",
			    closed_port);
	struct event_source *src = start(pol);
	struct source_type_stats st[RT_EVENT_MAX];
	struct rec_list recs = { 0 };
	const struct rt_header *h;
	pid_t child;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		connect_to("127.0.0.1", open_port);
		connect_to("127.0.0.2", open_port);
		connect_to("127.0.0.1", closed_port);
		for (int i = 0; i < 2; i++)
			if (accept(l_open, NULL, NULL) < 0)
				_exit(4);
		if (accept(l_closed, NULL, NULL) < 0)
			_exit(5);
		_exit(0);
	}
	close(l_open);
	close(l_closed);
	rec_list_watch(&recs, child);
	reap(child);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &child, 10000), 0);

	assert_int_equal(rec_count(&recs, RT_EVENT_CONNECT, child), 1);
	h = rec_find(&recs, RT_EVENT_CONNECT, child, 0);
	const struct rt_connect_body *c = rec_body(h);
	assert_int_equal(c->dst.port, open_port);
	assert_memory_equal(c->dst.addr, "\x7f\x00\x00\x01", 4);
	/* Accepts on the open port pass unless their peer is 127.0.0.2; none
	 * on the excluded port does. */
	int on_open = 0;
	for (int i = 0; (h = rec_find(&recs, RT_EVENT_ACCEPT, child, i)); i++) {
		const struct rt_accept_body *a = rec_body(h);
		assert_int_equal(a->local.port, open_port);
		assert_memory_not_equal(a->peer.addr, "\x7f\x00\x00\x02", 4);
		on_open++;
	}
	assert_true(on_open >= 1);
	stats(src, st);
	assert_true(st[RT_EVENT_CONNECT].filtered_by[RT_POLICY_RULE_CIDR] >= 1);
	assert_true(st[RT_EVENT_CONNECT].filtered_by[RT_POLICY_RULE_PORT] >= 1);
	assert_true(st[RT_EVENT_ACCEPT].filtered_by[RT_POLICY_RULE_PORT] >= 1);
	rec_list_free(&recs);
	source_destroy(src);
	free(pol);
}

struct stream {
	pid_t child;
	int keep_at_least;
	char keep_prefix[80];
};

static bool keeps_reached(const struct rec_list *l, void *arg)
{
	const struct stream *s = arg;

	return count_opens_under(l, s->child, s->keep_prefix) >= s->keep_at_least;
}

/* Index i of ".../keep/i" or ".../flip/i", or -1. */
static int path_index(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) ? -1 : atoi(path + n);
}

/* A child opens keep/i then flip/i, i = 0, 1, ..., until told to stop.
 * Generation 1 keeps both; generation 2, published mid-stream, excludes
 * flip/. Nothing is lost (keep/ has no gap), the switch happens at one
 * point (keep/'s generations go 1...1 2...2), and every event obeys the
 * generation it carries (no flip/ event says 2; flip/ ends where 1 ends). */
static void test_reload_under_a_steady_stream_switches_at_one_boundary(void **state)
{
	struct policy_compiled *gen1 = compile_fmt(1, "version: 1\nfile: {exclude_prefixes: [%s/skip/]}\n", dir);
	struct policy_compiled *gen2 = compile_fmt(2, "version: 1\nfile: {exclude_prefixes: [%s/flip/]}\n", dir);
	struct event_source *src = start(gen1);
	struct rec_list recs = { 0 };
	struct stream s = { .keep_at_least = 300 };
	char keep[80], flip[80], path[RT_PATH_MAX + 1];
	int stop[2];

	(void)state;
	snprintf(keep, sizeof(keep), "%s/keep/", dir);
	snprintf(flip, sizeof(flip), "%s/flip/", dir);
	memcpy(s.keep_prefix, keep, sizeof(keep));
	assert_int_equal(pipe2(stop, O_CLOEXEC), 0);
	s.child = fork();
	assert_true(s.child >= 0);
	if (s.child == 0) {
		char c;
		close(stop[1]);
		fcntl(stop[0], F_SETFL, O_NONBLOCK);
		for (int i = 0; read(stop[0], &c, 1) < 0; i++) {
			touch("keep", i);
			touch("flip", i);
			usleep(200);
		}
		_exit(0);
	}
	close(stop[0]);
	rec_list_watch(&recs, s.child);
	assert_int_equal(rec_drain_until(src, &recs, keeps_reached, &s, 20000), 0);
	assert_int_equal(source_bpf_policy_apply(src, gen2), 0);
	s.keep_at_least = count_opens_under(&recs, s.child, keep) + 300;
	assert_int_equal(rec_drain_until(src, &recs, keeps_reached, &s, 20000), 0);
	assert_int_equal(write(stop[1], "s", 1), 1);
	close(stop[1]);
	reap(s.child);
	assert_int_equal(rec_drain_until(src, &recs, rec_has_exit_of, &s.child, 10000), 0);

	int next_keep = 0, first_gen2 = -1, flips = 0;
	for (size_t i = 0; i < recs.n; i++) {
		const struct rt_header *h = (const void *)recs.v[i].data;
		int k;

		if (h->type != RT_EVENT_OPEN || h->tgid != (uint32_t)s.child)
			continue;
		open_path(h, path, sizeof(path));
		assert_true(h->policy_gen == 1 || h->policy_gen == 2);
		if ((k = path_index(path, keep)) >= 0) {
			assert_int_equal(k, next_keep); /* in order, none lost */
			next_keep++;
			if (h->policy_gen == 2 && first_gen2 < 0)
				first_gen2 = k;
			if (first_gen2 >= 0)
				assert_int_equal(h->policy_gen, 2); /* one boundary */
		} else if ((k = path_index(path, flip)) >= 0) {
			assert_int_equal(h->policy_gen, 1); /* gen 2 excludes flip/ */
			assert_int_equal(k, flips);
			flips++;
		}
	}
	printf("keep/ 0..%d, generation 2 from keep/%d; flip/ 0..%d\n", next_keep - 1, first_gen2, flips - 1);
	assert_true(first_gen2 > 0);
	/* flip/i runs between keep/i and keep/i+1: it was judged by gen 1
	 * exactly when it came before the switch. */
	assert_true(flips == first_gen2 || flips == first_gen2 - 1);
	rec_list_free(&recs);
	source_destroy(src);
	free(gen1);
	free(gen2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exclude_prefix_keeps_1000_opens_out_of_the_ring),
		cmocka_unit_test(test_include_prefix_passes_only_matching_paths),
		cmocka_unit_test(test_reference_policy_reports_evasive_paths),
		cmocka_unit_test(test_comm_exclusion_holds),
		cmocka_unit_test(test_cidr_and_port_exclusions_hold),
		cmocka_unit_test(test_reload_under_a_steady_stream_switches_at_one_boundary),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
