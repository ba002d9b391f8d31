/* The kernel half of the policy (bpf/policy_filter.bpf.h), run in the
 * kernel through a raw_tp program and BPF_PROG_TEST_RUN, decides exactly as the userspace
 * matcher on random policies and events, including long paths, IPv4-mapped
 * addresses and generation 0 ("no policy"). Needs root and clang; skips
 * otherwise. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "policy/policy_map_writer.h"
#include "policy/policy_match.h"
#include "../unit/test_policy_helpers.h"

struct policy_test_ctx {
	uint32_t gen;
	uint32_t type;
	uint32_t uid;
	uint16_t family;
	uint16_t port;
	char comm[RT_COMM_LEN];
	uint8_t addr[16];
	uint32_t path_len;
	uint32_t result;
	uint8_t path[RT_PATH_MAX];
};

static struct bpf_object *obj;
static int prog_fd = -1, input_fd = -1;
static struct policy_map_fds fds;
static char workdir[] = "/tmp/ringtap-policy-filter.XXXXXX";

static int setup(void **state)
{
	(void)state;
	const char *src = getenv("RINGTAP_SRC"), *build = getenv("RINGTAP_BUILD");
	const char *clang = getenv("CLANG") ? getenv("CLANG") : "clang-19";
	char cmd[4096], objpath[256];

	if (geteuid() != 0) {
		printf("SKIPPED: loading BPF programs needs root\n");
		exit(77);
	}
	if (!src || !build) {
		print_error("RINGTAP_SRC and RINGTAP_BUILD must be set (ctest sets them)\n");
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null", clang);
	if (system(cmd) != 0) {
		printf("SKIPPED: %s not found (it builds the test BPF program)\n", clang);
		exit(77);
	}
	if (!mkdtemp(workdir))
		return -1;
	snprintf(objpath, sizeof(objpath), "%s/policy_filter_test.bpf.o", workdir);
	snprintf(cmd, sizeof(cmd),
		 "%s -g -O2 -target bpf -Wall -Werror -Wno-unused-function -I%s/gen -I%s/bpf "
		 "-c %s/tests/bpf/policy_filter_test.bpf.c -o %s",
		 clang, build, src, src, objpath);
	if (system(cmd) != 0) {
		print_error("building the test BPF program failed: %s\n", cmd);
		return -1;
	}
	obj = bpf_object__open_file(objpath, NULL);
	if (!obj || bpf_object__load(obj)) {
		print_error("loading %s: %s\n", objpath, strerror(errno));
		return -1;
	}
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "policy_filter_test");
	prog_fd = prog ? bpf_program__fd(prog) : -1;
	const char *missing = NULL;
	struct bpf_map *input = bpf_object__find_map_by_name(obj, "test_input");
	input_fd = input ? bpf_map__fd(input) : -1;
	if (prog_fd < 0 || input_fd < 0 || policy_maps_find(obj, &fds, &missing)) {
		print_error("program or map %s missing\n", missing ? missing : "policy_filter_test");
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char path[300];
	bpf_object__close(obj);
	snprintf(path, sizeof(path), "%s/policy_filter_test.bpf.o", workdir);
	unlink(path);
	rmdir(workdir);
	return 0;
}

static void write_gen(struct policy_compiled *c)
{
	const char *failed = "";
	int ret = policy_maps_write(c, &fds, &failed);
	if (ret)
		print_error("writing %s: %s\n", failed, strerror(-ret));
	assert_int_equal(ret, 0);
}

static unsigned run(struct policy_test_ctx *ctx)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	uint32_t zero = 0;

	ctx->result = 0xdead;
	assert_int_equal(bpf_map_update_elem(input_fd, &zero, ctx, BPF_ANY), 0);
	int ret = bpf_prog_test_run_opts(prog_fd, &opts);
	if (ret)
		print_error("test run: %s\n", strerror(errno));
	assert_int_equal(ret, 0);
	assert_int_equal(opts.retval, 0);
	assert_int_equal(bpf_map_lookup_elem(input_fd, &zero, ctx), 0);
	return ctx->result;
}

static unsigned kernel_open(uint32_t gen, const char *comm, uint32_t uid, const char *path)
{
	struct policy_test_ctx ctx = { .gen = gen, .type = RT_EVENT_OPEN, .uid = uid };
	size_t comm_len = strlen(comm);

	memcpy(ctx.comm, comm, comm_len < RT_COMM_LEN - 1 ? comm_len : RT_COMM_LEN - 1);
	ctx.path_len = (uint32_t)strlen(path);
	memcpy(ctx.path, path, ctx.path_len < sizeof(ctx.path) ? ctx.path_len : sizeof(ctx.path));
	return run(&ctx);
}

static unsigned kernel_net(uint32_t gen, uint32_t type, int family, const char *addr, uint16_t port)
{
	struct policy_test_ctx ctx = { .gen = gen, .type = type, .uid = 1000, .port = port };
	memcpy(ctx.comm, "curl", 4);
	ctx.family = (uint16_t)family;
	assert_int_equal(inet_pton(family, addr, ctx.addr), 1);
	return run(&ctx);
}

static unsigned rnd(unsigned *s, unsigned n)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) % n;
}

static void rnd_path(unsigned *s, char *out, size_t maxlen)
{
	static const char alpha[] = "/ab.";
	size_t n = 1 + rnd(s, (unsigned)maxlen);
	for (size_t i = 0; i < n; i++)
		out[i] = alpha[rnd(s, 4)];
	out[n] = '\0';
}

static void test_generation_zero_passes_everything(void **state)
{
	(void)state;
	struct policy_compiled *c = compile_ok("version: 1\nevents: {open: false}\n", 2);
	write_gen(c);
	assert_int_equal(kernel_open(0, "x", 0, "/etc/passwd"), RT_POLICY_KEEP);
	assert_int_equal(kernel_open(2, "x", 0, "/etc/passwd"), RT_POLICY_RULE_EVENT);
	free(c);
}

static void test_long_paths(void **state)
{
	(void)state;
	char prefix[RT_POLICY_PREFIX_MAX + 1], text[1024];
	char *path = malloc(RT_PATH_MAX + 1);
	struct test_event t;

	memset(prefix, 'p', RT_POLICY_PREFIX_MAX);
	prefix[0] = '/';
	prefix[RT_POLICY_PREFIX_MAX] = '\0';
	snprintf(text, sizeof(text), "version: 1\nfile: {include_prefixes: [%s], exclude_prefixes: [/pp]}\n", prefix);
	struct policy_compiled *c = compile_ok(text, 3);
	write_gen(c);
	memset(path, 'p', RT_PATH_MAX);
	path[0] = '/';
	path[RT_PATH_MAX] = '\0';
	for (size_t len = 1; len <= RT_PATH_MAX; len += (len < 300 ? 1 : 500)) {
		char saved = path[len];
		path[len] = '\0';
		unsigned k = kernel_open(3, "x", 1, path), u = policy_match(c, ev_open(&t, "x", 1, path));
		if (k != u)
			print_error("path of %zu bytes: kernel %s, userspace %s\n", len, policy_rule_name(k),
				    policy_rule_name(u));
		assert_int_equal(k, u);
		path[len] = saved;
	}
	/* "/pp..." is excluded whatever the include says. */
	assert_int_equal(kernel_open(3, "x", 1, path), RT_POLICY_RULE_PATH_EXCLUDE);
	free(c);
	free(path);
}

static void test_kernel_matches_userspace(void **state)
{
	(void)state;
	unsigned seed = 4242, checked = 0;
	char *text = malloc(8192);
	struct test_event t;

	for (uint32_t gen = 10; gen < 70; gen++) {
		size_t o = (size_t)snprintf(text, 8192,
					    "version: 1\nevents: {connect: %s}\nexclude: {comms: [c%u], uids: [%u]}\nfile:\n",
					    rnd(&seed, 8) ? "true" : "false", rnd(&seed, 4), rnd(&seed, 4));
		for (int list = 0; list < 2; list++) {
			o += (size_t)snprintf(text + o, 8192 - o, "  %s: [",
					      list ? "exclude_prefixes" : "include_prefixes");
			unsigned n = rnd(&seed, 4);
			for (unsigned i = 0; i < n; i++) {
				char pfx[8];
				rnd_path(&seed, pfx, 5);
				o += (size_t)snprintf(text + o, 8192 - o, "%s\"%s\"", i ? ", " : "", pfx);
			}
			o += (size_t)snprintf(text + o, 8192 - o, "]\n");
		}
		snprintf(text + o, 8192 - o,
			 "network: {exclude_cidrs: [10.0.0.0/%u, \"fd00::/%u\"], exclude_ports: [%u]}\n",
			 8 + rnd(&seed, 17), 8 + rnd(&seed, 25), 1 + rnd(&seed, 3));
		struct policy_compiled *c = compile_ok(text, gen);
		write_gen(c);
		for (int e = 0; e < 30; e++) {
			char comm[8], path[16], addr[64];
			uint32_t uid = rnd(&seed, 4);
			snprintf(comm, sizeof(comm), "c%u", rnd(&seed, 6));
			rnd_path(&seed, path, 10);
			unsigned k = kernel_open(gen, comm, uid, path);
			unsigned u = policy_match(c, ev_open(&t, comm, uid, path));
			if (k != u)
				print_error("policy:\n%sopen '%s' comm %s uid %u: kernel %s, userspace %s\n", text,
					    path, comm, uid, policy_rule_name(k), policy_rule_name(u));
			assert_int_equal(k, u);

			int kind = (int)rnd(&seed, 3);
			uint16_t port = (uint16_t)(1 + rnd(&seed, 4));
			if (kind == 2)
				snprintf(addr, sizeof(addr), "fd00:%x::1", rnd(&seed, 4) << 12);
			else
				snprintf(addr, sizeof(addr), "%s10.%u.0.1", kind ? "::ffff:" : "",
					 rnd(&seed, 4) << 6);
			int fam = kind ? AF_INET6 : AF_INET;
			const char *fname = kind ? "inet6" : "inet";
			k = kernel_net(gen, RT_EVENT_CONNECT, fam, addr, port);
			u = policy_match(c, ev_connect(&t, fname, addr, port));
			if (k != u)
				print_error("policy:\n%sconnect %s:%u: kernel %s, userspace %s\n", text, addr,
					    port, policy_rule_name(k), policy_rule_name(u));
			assert_int_equal(k, u);
			/* accept: the peer is the remote address, the local port the service. */
			k = kernel_net(gen, RT_EVENT_ACCEPT, fam, addr, port);
			u = policy_match(c, ev_accept(&t, fname, kind ? "::1" : "127.0.0.1", port, addr, 50000));
			assert_int_equal(k, u);
			checked += 3;
		}
		free(c);
	}
	print_message("%u decisions: the kernel's agree with userspace\n", checked);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generation_zero_passes_everything),
		cmocka_unit_test(test_long_paths),
		cmocka_unit_test(test_kernel_matches_userspace),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
