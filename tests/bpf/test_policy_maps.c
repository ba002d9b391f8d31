/* Compiled policy in real kernel maps: the kernel's own LPM tries and hash
 * maps, queried the way bpf/policy_maps.h tells the probes to, decide
 * exactly as the userspace matcher does; slots are replaced independently.
 * Needs permission to create BPF maps (root); skips otherwise. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "policy/policy_map_writer.h"
#include "policy/policy_match.h"
#include "../unit/test_policy_helpers.h"
#include "../unit/path_evasive_plain.h"

static struct policy_map_fds fds;

static int setup(void **state)
{
	(void)state;
	const char *failed = NULL;
	int ret = policy_maps_create(&fds, &failed);
	if (ret == -EPERM || ret == -EACCES) {
		printf("SKIPPED: cannot create BPF maps (%s): need root\n", strerror(-ret));
		exit(77);
	}
	if (ret < 0)
		print_error("creating %s: %s\n", failed, strerror(-ret));
	return ret;
}

static int teardown(void **state)
{
	(void)state;
	policy_maps_close(&fds);
	return 0;
}

static void write_gen(const char *text, uint32_t gen)
{
	struct policy_compiled *c = compile_ok(text, gen);
	const char *failed = "";
	int ret = policy_maps_write(c, &fds, &failed);
	if (ret)
		print_error("writing %s: %s\n", failed, strerror(-ret));
	assert_int_equal(ret, 0);
	free(c);
}

/* ---- the probe's procedure, on the real maps -------------------------- */

static int kernel_common(uint32_t gen, unsigned type, const char *comm, uint32_t uid,
			 struct rt_policy_config *cfg)
{
	uint32_t slot = gen & 1;
	uint8_t one;

	if (bpf_map_lookup_elem(fds.config, &slot, cfg))
		return POLICY_KEEP;
	if (!(cfg->event_mask & (1u << type)))
		return RT_POLICY_RULE_EVENT;
	struct rt_policy_comm_key ck = { .slot = slot };
	memcpy(ck.comm, comm, strnlen(comm, RT_COMM_LEN - 1));
	if ((cfg->flags & RT_POLICY_HAS_COMMS) && !bpf_map_lookup_elem(fds.comms, &ck, &one))
		return RT_POLICY_RULE_COMM;
	struct rt_policy_uid_key uk = { .slot = slot, .uid = uid };
	if ((cfg->flags & RT_POLICY_HAS_UIDS) && !bpf_map_lookup_elem(fds.uids, &uk, &one))
		return RT_POLICY_RULE_UID;
	return -1;
}

static unsigned kernel_open(uint32_t gen, const char *comm, uint32_t uid, const char *path)
{
	struct rt_policy_config cfg;
	int r = kernel_common(gen, RT_EVENT_OPEN, comm, uid, &cfg);
	if (r >= 0)
		return (unsigned)r;
	struct rt_policy_path_key k = { .slot = (uint8_t)(gen & 1) };
	size_t n = strnlen(path, RT_POLICY_PREFIX_MAX);
	memcpy(k.path, path, n);
	k.prefixlen = (uint32_t)(8 + 8 * n);
	struct rt_policy_path_val v = { 0 };
	int found = (cfg.flags & RT_POLICY_HAS_PATHS) && !bpf_map_lookup_elem(fds.paths, &k, &v);
	unsigned rule = POLICY_KEEP;
	if (found && (v.flags & RT_POLICY_PATH_EXCLUDE))
		rule = RT_POLICY_RULE_PATH_EXCLUDE;
	else if ((cfg.flags & RT_POLICY_HAS_INCLUDE) && !(found && (v.flags & RT_POLICY_PATH_INCLUDE)))
		rule = RT_POLICY_RULE_PATH_INCLUDE;
	/* The probes then keep a path spelled to dodge prefixes. */
	return rule != POLICY_KEEP && path_evasive_plain(path) ? POLICY_KEEP : rule;
}

static unsigned kernel_connect(uint32_t gen, int family, const char *addr, uint32_t port)
{
	struct rt_policy_config cfg;
	int r = kernel_common(gen, RT_EVENT_CONNECT, "curl", 1000, &cfg);
	if (r >= 0)
		return (unsigned)r;
	uint8_t a[16] = { 0 }, one;
	assert_int_equal(inet_pton(family, addr, a), 1);
	if (family == AF_INET6 && policy_addr_is_v4mapped(a)) {
		memmove(a, a + 12, 4);
		family = AF_INET;
	}
	if (family == AF_INET) {
		struct rt_policy_cidr4_key k = { .prefixlen = 8 + 32, .slot = (uint8_t)(gen & 1) };
		memcpy(k.addr, a, 4);
		if ((cfg.flags & RT_POLICY_HAS_CIDR4) && !bpf_map_lookup_elem(fds.cidr4, &k, &one))
			return RT_POLICY_RULE_CIDR;
	} else {
		struct rt_policy_cidr6_key k = { .prefixlen = 8 + 128, .slot = (uint8_t)(gen & 1) };
		memcpy(k.addr, a, 16);
		if ((cfg.flags & RT_POLICY_HAS_CIDR6) && !bpf_map_lookup_elem(fds.cidr6, &k, &one))
			return RT_POLICY_RULE_CIDR;
	}
	if (port && (cfg.exclude_ports[port >> 3] >> (port & 7)) & 1)
		return RT_POLICY_RULE_PORT;
	return POLICY_KEEP;
}

static unsigned rnd(unsigned *s, unsigned n)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) % n;
}

static void rnd_path(unsigned *s, char *out, size_t maxlen)
{
	static const char alpha[] = "/ab";
	size_t n = 1 + rnd(s, (unsigned)maxlen);
	for (size_t i = 0; i < n; i++)
		out[i] = alpha[rnd(s, 3)];
	out[n] = '\0';
}

static void test_kernel_lookups_match_userspace(void **state)
{
	(void)state;
	unsigned seed = 777, checked = 0;
	char *text = malloc(8192);
	struct test_event t;

	for (uint32_t gen = 1; gen <= 60; gen++) {
		size_t o = (size_t)snprintf(text, 8192, "version: 1\nexclude: {comms: [c%u], uids: [%u]}\nfile:\n",
					    rnd(&seed, 4), rnd(&seed, 4));
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
		unsigned plen4 = 8 + rnd(&seed, 17), plen6 = 8 + rnd(&seed, 25);
		snprintf(text + o, 8192 - o,
			 "network: {exclude_cidrs: [10.0.0.0/%u, \"fd00::/%u\"], exclude_ports: [%u]}\n",
			 plen4, plen6, 1 + rnd(&seed, 3));
		struct policy_compiled *c = compile_ok(text, gen);
		write_gen(text, gen);
		for (int e = 0; e < 40; e++) {
			char comm[8], path[16], addr[64];
			uint32_t uid = rnd(&seed, 4);
			snprintf(comm, sizeof(comm), "c%u", rnd(&seed, 6));
			rnd_path(&seed, path, 10);
			unsigned k = kernel_open(gen, comm, uid, path);
			unsigned u = policy_match(c, ev_open(&t, comm, uid, path));
			if (k != u)
				print_error("policy:\n%sopen '%s': kernel %s, userspace %s\n", text, path,
					    policy_rule_name(k), policy_rule_name(u));
			assert_int_equal(k, u);

			int kind = (int)rnd(&seed, 3);
			uint32_t port = 1 + rnd(&seed, 4);
			if (kind == 2)
				snprintf(addr, sizeof(addr), "fd00:%x::1", rnd(&seed, 4) << 12);
			else
				snprintf(addr, sizeof(addr), "%s10.%u.0.1", kind ? "::ffff:" : "",
					 rnd(&seed, 4) << 6);
			int fam = kind ? AF_INET6 : AF_INET;
			k = kernel_connect(gen, fam, addr, port);
			u = policy_match(c, ev_connect(&t, kind ? "inet6" : "inet", addr, port));
			if (k != u)
				print_error("policy:\n%sconnect %s:%u: kernel %s, userspace %s\n", text, addr,
					    port, policy_rule_name(k), policy_rule_name(u));
			assert_int_equal(k, u);
			checked += 2;
		}
		free(c);
	}
	print_message("%u decisions compared with the kernel's maps\n", checked);
	free(text);
}

static unsigned count_entries(int fd, size_t key_size)
{
	unsigned char prev[512], next[512];
	unsigned n = 0;
	void *p = NULL;

	assert_true(key_size <= sizeof(prev));
	while (!bpf_map_get_next_key(fd, p, next)) {
		memcpy(prev, next, key_size);
		p = prev;
		n++;
	}
	return n;
}

static void test_slots_are_independent(void **state)
{
	(void)state;
	struct test_event t;

	/* Start clean: empty policies in both slots. */
	write_gen("version: 1\n", 10);
	write_gen("version: 1\n", 11);
	assert_int_equal(count_entries(fds.comms, sizeof(struct rt_policy_comm_key)), 0);

	write_gen("version: 1\nexclude: {comms: [old]}\nfile: {exclude_prefixes: [/old/]}\n", 12);
	write_gen("version: 1\nexclude: {comms: [mid]}\nfile: {exclude_prefixes: [/mid/, /x/]}\n", 13);
	assert_int_equal(count_entries(fds.comms, sizeof(struct rt_policy_comm_key)), 2);
	assert_int_equal(count_entries(fds.paths, sizeof(struct rt_policy_path_key)), 3);
	/* Gen 14 reuses slot 0: gen 12's entries go, gen 13's stay. */
	write_gen("version: 1\nexclude: {comms: [new]}\nnetwork: {exclude_cidrs: [10.0.0.0/8]}\n", 14);
	assert_int_equal(count_entries(fds.comms, sizeof(struct rt_policy_comm_key)), 2);
	assert_int_equal(count_entries(fds.paths, sizeof(struct rt_policy_path_key)), 2);
	assert_int_equal(count_entries(fds.cidr4, sizeof(struct rt_policy_cidr4_key)), 1);

	assert_int_equal(kernel_open(14, "old", 1, "/old/f"), POLICY_KEEP);
	assert_int_equal(kernel_open(14, "new", 1, "/a"), RT_POLICY_RULE_COMM);
	assert_int_equal(kernel_open(13, "mid", 1, "/a"), RT_POLICY_RULE_COMM);
	assert_int_equal(kernel_open(13, "new", 1, "/mid/f"), RT_POLICY_RULE_PATH_EXCLUDE);
	assert_int_equal(kernel_connect(14, AF_INET, "10.1.1.1", 80), RT_POLICY_RULE_CIDR);
	assert_int_equal(kernel_connect(13, AF_INET, "10.1.1.1", 80), POLICY_KEEP);

	struct rt_policy_config cfg;
	uint32_t slot = 0;
	assert_int_equal(bpf_map_lookup_elem(fds.config, &slot, &cfg), 0);
	assert_int_equal(cfg.generation, 14);
	(void)t;
}

static void test_publish(void **state)
{
	(void)state;
	volatile uint32_t word = 3;
	policy_publish(&word, 4);
	assert_int_equal(word, 4);
	policy_wait_readers(); /* returns: an RCU grace period, or a short sleep */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_lookups_match_userspace),
		cmocka_unit_test(test_slots_are_independent),
		cmocka_unit_test(test_publish),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
