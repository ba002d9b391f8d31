/* Policy compiler: the exact map entries for a slot. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include "test_policy_helpers.h"

static const struct policy_path_entry *find_path(const struct policy_compiled *c, const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < c->n_paths; i++)
		if (c->paths[i].key.prefixlen == 8 + 8 * len && !memcmp(c->paths[i].key.path, s, len))
			return &c->paths[i];
	return NULL;
}

static void test_config_and_slot(void **state)
{
	(void)state;
	struct policy_compiled *c = compile_ok(
		"version: 1\n"
		"events: {fork: false, accept: false}\n"
		"exclude: {comms: [kubelet], uids: [0, 1000]}\n"
		"network: {exclude_ports: [53, 8080]}\n", 7);

	assert_int_equal(c->generation, 7);
	assert_int_equal(c->slot, 1);
	assert_int_equal(c->config.generation, 7);
	assert_int_equal(c->config.event_mask, policy_all_events_mask() &
					       ~((1u << RT_EVENT_FORK) | (1u << RT_EVENT_ACCEPT)));
	assert_int_equal(c->config.flags, RT_POLICY_HAS_COMMS | RT_POLICY_HAS_UIDS | RT_POLICY_HAS_PORTS);
	assert_int_equal(c->config.exclude_ports[53 / 8], 1u << (53 % 8));
	assert_int_equal(c->config.exclude_ports[8080 / 8], 1u << (8080 % 8));

	/* comm key: slot word then 16 NUL-padded bytes, 20 bytes in all. */
	assert_int_equal(sizeof(struct rt_policy_comm_key), 20);
	assert_int_equal(c->n_comms, 1);
	const unsigned char want_comm[20] = { 1, 0, 0, 0, 'k', 'u', 'b', 'e', 'l', 'e', 't' };
	assert_memory_equal(&c->comms[0], want_comm, 20);

	assert_int_equal(c->n_uids, 2);
	assert_int_equal(c->uids[0].slot, 1);
	assert_int_equal(c->uids[0].uid, 0);
	assert_int_equal(c->uids[1].uid, 1000);
	assert_int_equal(c->n_paths + c->n_cidr4 + c->n_cidr6, 0);
	free(c);

	/* Even generations use slot 0. */
	c = compile_ok("version: 1\nexclude: {uids: [5]}\n", 8);
	assert_int_equal(c->slot, 0);
	assert_int_equal(c->uids[0].slot, 0);
	assert_int_equal(c->config.event_mask, policy_all_events_mask());
	free(c);
}

static void test_path_trie(void **state)
{
	(void)state;
	/* Sizes the kernel LPM trie needs: 4 + data, data <= 256. */
	assert_int_equal(sizeof(struct rt_policy_path_key), 4 + 1 + RT_POLICY_PREFIX_MAX);
	assert_true(sizeof(struct rt_policy_path_key) - 4 <= 256);

	struct policy_compiled *c = compile_ok(
		"version: 1\n"
		"file:\n"
		"  include_prefixes: [/var/, /tmp/x/, /home/]\n"
		"  exclude_prefixes: [/var/log/, /tmp/, /home/]\n", 3);

	assert_int_equal(c->config.flags, RT_POLICY_HAS_PATHS | RT_POLICY_HAS_INCLUDE);
	assert_int_equal(c->n_paths, 5); /* /home/ is in both lists: one entry */
	const struct policy_path_entry *e = find_path(c, "/var/");
	assert_non_null(e);
	assert_int_equal(e->key.slot, 1);
	assert_int_equal(e->key.prefixlen, 8 + 8 * 5);
	assert_int_equal(e->val.flags, RT_POLICY_PATH_INCLUDE);
	/* /var/log/ is under include /var/ too: its entry carries both. */
	assert_int_equal(find_path(c, "/var/log/")->val.flags, RT_POLICY_PATH_INCLUDE | RT_POLICY_PATH_EXCLUDE);
	/* /tmp/x/ is under exclude /tmp/: also both. */
	assert_int_equal(find_path(c, "/tmp/x/")->val.flags, RT_POLICY_PATH_INCLUDE | RT_POLICY_PATH_EXCLUDE);
	assert_int_equal(find_path(c, "/tmp/")->val.flags, RT_POLICY_PATH_EXCLUDE);
	assert_int_equal(find_path(c, "/home/")->val.flags, RT_POLICY_PATH_INCLUDE | RT_POLICY_PATH_EXCLUDE);
	/* Bytes past the prefix are zero (keys are compared whole by tools). */
	for (size_t i = 5; i < RT_POLICY_PREFIX_MAX; i++)
		assert_int_equal(e->key.path[i], 0);
	free(c);

	c = compile_ok("version: 1\nfile: {exclude_prefixes: [/proc/]}\n", 2);
	assert_int_equal(c->config.flags, RT_POLICY_HAS_PATHS);
	assert_int_equal(c->paths[0].key.slot, 0);
	assert_int_equal(c->paths[0].val.flags, RT_POLICY_PATH_EXCLUDE);
	free(c);
}

static void test_cidrs(void **state)
{
	(void)state;
	struct policy_compiled *c = compile_ok(
		"version: 1\n"
		"network: {exclude_cidrs: [127.0.0.0/8, \"::1/128\", 10.1.2.3, \"fd00::/8\", 0.0.0.0/0]}\n", 1);

	assert_int_equal(sizeof(struct rt_policy_cidr4_key), 12);
	assert_int_equal(sizeof(struct rt_policy_cidr6_key), 24);
	assert_int_equal(c->config.flags, RT_POLICY_HAS_CIDR4 | RT_POLICY_HAS_CIDR6);
	assert_int_equal(c->n_cidr4, 3);
	assert_int_equal(c->n_cidr6, 2);
	const unsigned char k0[12] = { 16, 0, 0, 0, 1, 127, 0, 0, 0, 0, 0, 0 };
	assert_memory_equal(&c->cidr4[0], k0, 12);
	const unsigned char k1[12] = { 40, 0, 0, 0, 1, 10, 1, 2, 3, 0, 0, 0 };
	assert_memory_equal(&c->cidr4[1], k1, 12);
	assert_int_equal(c->cidr4[2].prefixlen, 8);
	assert_int_equal(c->cidr6[0].prefixlen, 8 + 128);
	assert_int_equal(c->cidr6[0].slot, 1);
	assert_int_equal(c->cidr6[0].addr[15], 1);
	assert_int_equal(c->cidr6[1].prefixlen, 16);
	assert_int_equal(c->cidr6[1].addr[0], 0xfd);
	free(c);
}

static void test_too_big(void **state)
{
	(void)state;
	/* The parser refuses this; the compiler defends itself anyway. */
	struct policy *p = parse_ok("version: 1\n");
	struct policy_compiled *c = malloc(sizeof(*c));
	for (int i = 0; i < RT_POLICY_MAX_PREFIXES; i++) {
		p->include_prefixes[i].len = (uint16_t)snprintf(p->include_prefixes[i].bytes, 16, "/i%d", i);
		p->exclude_prefixes[i].len = (uint16_t)snprintf(p->exclude_prefixes[i].bytes, 16, "/e%d", i);
	}
	p->n_include = p->n_exclude = RT_POLICY_MAX_PREFIXES;
	assert_int_equal(policy_compile(p, 1, c), -E2BIG);
	/* Generation 0 means "no policy" to the probes. */
	p->n_include = p->n_exclude = 0;
	assert_int_equal(policy_compile(p, 0, c), -EINVAL);
	assert_int_equal(policy_compile(p, 2, c), 0);
	free(p);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_and_slot),
		cmocka_unit_test(test_path_trie),
		cmocka_unit_test(test_cidrs),
		cmocka_unit_test(test_too_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
