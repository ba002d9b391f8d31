/* Userspace policy evaluation: include/exclude semantics, CIDRs, ports,
 * comms, uids, rule order; and the trie-based matcher against a plain
 * reading of the policy on many random policies and events. */
#include <arpa/inet.h>
#include <stdio.h>
#include "policy/policy_match.h"
#include "test_policy_helpers.h"
#include "path_evasive_plain.h"

static void test_event_types_and_drop(void **state)
{
	(void)state;
	struct policy_compiled *c = compile_ok("version: 1\nevents: {exec: false}\n", 1);
	struct test_event t;

	assert_int_equal(policy_match(c, ev_exec(&t, "sh", 0)), RT_POLICY_RULE_EVENT);
	assert_int_equal(policy_match(c, ev_open(&t, "sh", 0, "/etc/passwd")), POLICY_KEEP);
	/* Sensor records are never filtered. */
	test_event_init(&t, "", 0);
	ringtap__v1__drop__init(&t.drop);
	t.ev.body_case = RINGTAP__V1__EVENT__BODY_DROP;
	t.ev.drop = &t.drop;
	assert_int_equal(policy_match(c, &t.ev), POLICY_KEEP);
	free(c);
}

static void test_comms_and_uids(void **state)
{
	(void)state;
	struct policy_compiled *c = compile_ok(
		"version: 1\nexclude: {comms: [kubelet, 123456789012345], uids: [0]}\n", 4);
	struct test_event t;

	assert_int_equal(policy_match(c, ev_exec(&t, "kubelet", 1)), RT_POLICY_RULE_COMM);
	assert_int_equal(policy_match(c, ev_exec(&t, "kubelet2", 1)), POLICY_KEEP);
	assert_int_equal(policy_match(c, ev_exec(&t, "kube", 1)), POLICY_KEEP);
	assert_int_equal(policy_match(c, ev_exec(&t, "123456789012345", 1)), RT_POLICY_RULE_COMM);
	assert_int_equal(policy_match(c, ev_exec(&t, "bash", 0)), RT_POLICY_RULE_UID);
	/* Comm is checked before uid: that class is charged. */
	assert_int_equal(policy_match(c, ev_exec(&t, "kubelet", 0)), RT_POLICY_RULE_COMM);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet", "1.1.1.1", 443)), POLICY_KEEP);
	free(c);
}

static void test_exclude_prefixes(void **state)
{
	(void)state;
	struct policy_compiled *c = compile_ok(
		"version: 1\nfile: {exclude_prefixes: [/proc/, /sys/, /tmp/u/skip/]}\n", 1);
	struct test_event t;

	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "/proc/self/status")), RT_POLICY_RULE_PATH_EXCLUDE);
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "/proc/")), RT_POLICY_RULE_PATH_EXCLUDE);
	/* Raw bytes: "/proc" itself is not under "/proc/". */
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "/proc")), POLICY_KEEP);
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "/processes")), POLICY_KEEP);
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "/tmp/u/skip/f1")), RT_POLICY_RULE_PATH_EXCLUDE);
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "/tmp/u/f1")), POLICY_KEEP);
	/* Unresolved relative paths are not under an absolute prefix. */
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "proc/self")), POLICY_KEEP);
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "")), POLICY_KEEP);
	/* Path rules apply to open only. */
	assert_int_equal(policy_match(c, ev_exec(&t, "a", 1)), POLICY_KEEP);
	free(c);
}

static void test_include_prefixes(void **state)
{
	(void)state;
	struct policy_compiled *c = compile_ok(
		"version: 1\n"
		"file:\n"
		"  include_prefixes: [/etc/, /var/log/]\n"
		"  exclude_prefixes: [/etc/ssl/, /var/]\n", 1);
	struct test_event t;

	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "/etc/passwd")), POLICY_KEEP);
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "/etc/ssl/cert.pem")), RT_POLICY_RULE_PATH_EXCLUDE);
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "/usr/lib/x")), RT_POLICY_RULE_PATH_INCLUDE);
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "")), RT_POLICY_RULE_PATH_INCLUDE);
	/* Exclude wins even where a longer include prefix matches. */
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, "/var/log/syslog")), RT_POLICY_RULE_PATH_EXCLUDE);
	free(c);
}

static void test_long_and_truncated_paths(void **state)
{
	(void)state;
	char prefix[RT_POLICY_PREFIX_MAX + 1], text[1024], path[RT_PATH_MAX + 1];
	struct test_event t;

	/* A prefix of the maximum length matches paths that extend it, and a
	 * path cut at RT_PATH_MAX (as the kernel cuts it) matches the same. */
	memset(prefix, 'p', RT_POLICY_PREFIX_MAX);
	prefix[0] = '/';
	prefix[RT_POLICY_PREFIX_MAX] = '\0';
	snprintf(text, sizeof(text), "version: 1\nfile: {include_prefixes: [/short/, %s]}\n", prefix);
	struct policy_compiled *c = compile_ok(text, 1);
	memset(path, 'p', RT_PATH_MAX);
	path[0] = '/';
	path[RT_PATH_MAX] = '\0';
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, path)), POLICY_KEEP);
	path[RT_POLICY_PREFIX_MAX - 1] = 'q'; /* differs inside the prefix */
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, path)), RT_POLICY_RULE_PATH_INCLUDE);
	path[RT_POLICY_PREFIX_MAX - 1] = 'p';
	path[RT_POLICY_PREFIX_MAX] = 'q'; /* differs only after it */
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, path)), POLICY_KEEP);
	memcpy(path, "/short/", 7);
	assert_int_equal(policy_match(c, ev_open(&t, "a", 1, path)), POLICY_KEEP);
	free(c);
}

static void test_cidrs(void **state)
{
	(void)state;
	struct policy_compiled *c = compile_ok(
		"version: 1\n"
		"network: {exclude_cidrs: [127.0.0.0/8, \"::1/128\", 10.0.0.0/9, \"fd00::/8\"]}\n", 1);
	struct test_event t;

	assert_int_equal(policy_match(c, ev_connect(&t, "inet", "127.0.0.53", 53)), RT_POLICY_RULE_CIDR);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet", "128.0.0.1", 53)), POLICY_KEEP);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet", "10.127.255.255", 80)), RT_POLICY_RULE_CIDR);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet", "10.128.0.0", 80)), POLICY_KEEP);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet6", "::1", 80)), RT_POLICY_RULE_CIDR);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet6", "::2", 80)), POLICY_KEEP);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet6", "fdab::7", 80)), RT_POLICY_RULE_CIDR);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet6", "fe80::1", 80)), POLICY_KEEP);
	/* IPv4-mapped IPv6 is matched against the IPv4 entries. */
	assert_int_equal(policy_match(c, ev_connect(&t, "inet6", "::ffff:127.0.0.1", 80)), RT_POLICY_RULE_CIDR);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet6", "::ffff:8.8.8.8", 80)), POLICY_KEEP);
	/* accept: the peer is the remote end; the local address does not count. */
	assert_int_equal(policy_match(c, ev_accept(&t, "inet", "10.200.0.1", 80, "127.0.0.1", 5555)), RT_POLICY_RULE_CIDR);
	assert_int_equal(policy_match(c, ev_accept(&t, "inet", "127.0.0.1", 80, "10.200.0.1", 5555)), POLICY_KEEP);
	/* Unknown family or address: nothing to match. */
	assert_int_equal(policy_match(c, ev_connect(&t, "", "", 0)), POLICY_KEEP);
	free(c);

	c = compile_ok("version: 1\nnetwork: {exclude_cidrs: [0.0.0.0/0]}\n", 1);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet", "93.184.216.34", 443)), RT_POLICY_RULE_CIDR);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet6", "2001:db8::1", 443)), POLICY_KEEP);
	free(c);
}

static void test_ports(void **state)
{
	(void)state;
	struct policy_compiled *c = compile_ok("version: 1\nnetwork: {exclude_ports: [53, 9100]}\n", 1);
	struct test_event t;

	assert_int_equal(policy_match(c, ev_connect(&t, "inet", "8.8.8.8", 53)), RT_POLICY_RULE_PORT);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet", "8.8.8.8", 54)), POLICY_KEEP);
	/* accept: the service (local) port counts, not the peer's. */
	assert_int_equal(policy_match(c, ev_accept(&t, "inet", "10.0.0.1", 9100, "10.0.0.2", 40000)), RT_POLICY_RULE_PORT);
	assert_int_equal(policy_match(c, ev_accept(&t, "inet", "10.0.0.1", 80, "10.0.0.2", 53)), POLICY_KEEP);
	free(c);

	/* CIDR is checked before port. */
	c = compile_ok("version: 1\nnetwork: {exclude_cidrs: [8.8.8.8], exclude_ports: [53]}\n", 1);
	assert_int_equal(policy_match(c, ev_connect(&t, "inet", "8.8.8.8", 53)), RT_POLICY_RULE_CIDR);
	free(c);
}

static void test_counters(void **state)
{
	(void)state;
	struct policy_compiled *c = compile_ok(
		"version: 1\nevents: {fork: false}\nexclude: {comms: [kubelet]}\nfile: {exclude_prefixes: [/proc/]}\n", 1);
	struct policy_counters cnt = { 0 };
	struct test_event t;

	assert_int_equal(policy_keep(c, ev_open(&t, "cat", 1, "/proc/1/stat"), &cnt), 0);
	assert_int_equal(policy_keep(c, ev_open(&t, "cat", 1, "/proc/2/stat"), &cnt), 0);
	assert_int_equal(policy_keep(c, ev_open(&t, "kubelet", 1, "/etc/hosts"), &cnt), 0);
	assert_int_equal(policy_keep(c, ev_exec(&t, "kubelet", 1), &cnt), 0);
	assert_int_equal(policy_keep(c, ev_open(&t, "cat", 1, "/etc/hosts"), &cnt), 1);
	assert_int_equal(policy_keep(c, ev_open(&t, "cat", 1, "/proc/3/stat"), NULL), 0);
	assert_int_equal(cnt.filtered[RT_EVENT_OPEN][RT_POLICY_RULE_PATH_EXCLUDE], 2);
	assert_int_equal(cnt.filtered[RT_EVENT_OPEN][RT_POLICY_RULE_COMM], 1);
	assert_int_equal(cnt.filtered[RT_EVENT_EXEC][RT_POLICY_RULE_COMM], 1);
	uint64_t total = 0;
	for (int ty = 0; ty < RT_EVENT_MAX; ty++)
		for (int r = 0; r < RT_POLICY_RULE_MAX; r++)
			total += cnt.filtered[ty][r];
	assert_int_equal(total, 4);
	free(c);
}

/* ---- the trie matcher against the policy read plainly ------------------ */

static int starts_with(const char *s, const struct policy_prefix *p)
{
	return strlen(s) >= p->len && !memcmp(s, p->bytes, p->len);
}

/* The documented meaning, written without tries, slots or flags. */
static unsigned spec_open_rules(const struct policy *p, const char *comm, uint32_t uid, const char *path)
{
	if (!(p->event_mask & (1u << RT_EVENT_OPEN)))
		return RT_POLICY_RULE_EVENT;
	for (size_t i = 0; i < p->n_comms; i++)
		if (!strncmp(p->comms[i], comm, RT_COMM_LEN))
			return RT_POLICY_RULE_COMM;
	for (size_t i = 0; i < p->n_uids; i++)
		if (p->uids[i] == uid)
			return RT_POLICY_RULE_UID;
	for (size_t i = 0; i < p->n_exclude; i++)
		if (starts_with(path, &p->exclude_prefixes[i]))
			return RT_POLICY_RULE_PATH_EXCLUDE;
	if (!p->n_include)
		return POLICY_KEEP;
	for (size_t i = 0; i < p->n_include; i++)
		if (starts_with(path, &p->include_prefixes[i]))
			return POLICY_KEEP;
	return RT_POLICY_RULE_PATH_INCLUDE;
}

/* A path spelled to dodge prefixes is never filtered by a path rule. */
static unsigned spec_open(const struct policy *p, const char *comm, uint32_t uid, const char *path)
{
	unsigned rule = spec_open_rules(p, comm, uid, path);
	int path_rule = rule == RT_POLICY_RULE_PATH_EXCLUDE || rule == RT_POLICY_RULE_PATH_INCLUDE;

	return path_rule && path_evasive_plain(path) ? POLICY_KEEP : rule;
}

static unsigned spec_connect(const struct policy *p, const char *addr_text, int family, uint32_t port)
{
	uint8_t a[16] = { 0 };
	int fam = family;

	inet_pton(family, addr_text, a);
	if (family == AF_INET6 && policy_addr_is_v4mapped(a)) {
		memmove(a, a + 12, 4);
		fam = AF_INET;
	}
	for (size_t i = 0; i < p->n_cidrs; i++) {
		const struct policy_cidr *cd = &p->cidrs[i];
		if (cd->family != fam)
			continue;
		int in = 1;
		for (unsigned b = 0; b < cd->prefixlen && in; b++)
			in = ((a[b / 8] ^ cd->addr[b / 8]) & (0x80 >> (b % 8))) == 0;
		if (in)
			return RT_POLICY_RULE_CIDR;
	}
	if ((p->exclude_ports[port >> 3] >> (port & 7)) & 1)
		return RT_POLICY_RULE_PORT;
	return POLICY_KEEP;
}

static unsigned rnd(unsigned *s, unsigned n)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) % n;
}

/* Paths and prefixes from a tiny alphabet so they overlap often. */
static void rnd_path(unsigned *s, char *out, size_t maxlen)
{
	static const char alpha[] = "/ab";
	size_t n = 1 + rnd(s, (unsigned)maxlen);
	for (size_t i = 0; i < n; i++)
		out[i] = alpha[rnd(s, 3)];
	out[n] = '\0';
}

static void test_matches_plain_reading(void **state)
{
	(void)state;
	unsigned seed = 12345, checked = 0;
	char *text = malloc(8192);
	struct test_event t;

	for (int round = 0; round < 300; round++) {
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
		o += (size_t)snprintf(text + o, 8192 - o, "network:\n  exclude_cidrs: [");
		unsigned n = rnd(&seed, 4);
		for (unsigned i = 0; i < n; i++) {
			unsigned plen = rnd(&seed, 17);
			uint32_t net = (0x0a000000u | (rnd(&seed, 4) << 14)) & (plen ? ~0u << (32 - plen) : 0);
			o += (size_t)snprintf(text + o, 8192 - o, "%s%u.%u.%u.%u/%u", i ? ", " : "",
					      net >> 24, (net >> 16) & 255, (net >> 8) & 255, net & 255, plen);
		}
		o += (size_t)snprintf(text + o, 8192 - o, "%s\"fd0%x::/16\"]\n  exclude_ports: [%u]\n",
				      n ? ", " : "", rnd(&seed, 2), 1 + rnd(&seed, 4));
		(void)o;

		struct policy *p = parse_ok(text);
		struct policy_compiled *c = malloc(sizeof(*c));
		assert_int_equal(policy_compile(p, (uint32_t)round + 1, c), 0);
		for (int e = 0; e < 50; e++) {
			char comm[8], path[16], addr[64];
			uint32_t uid = rnd(&seed, 4);
			snprintf(comm, sizeof(comm), "c%u", rnd(&seed, 6));
			rnd_path(&seed, path, 10);
			if (rnd(&seed, 8) == 0)
				path[0] = '\0';
			unsigned want = spec_open(p, comm, uid, path);
			unsigned got = policy_match(c, ev_open(&t, comm, uid, path));
			if (want != got)
				print_error("policy:\n%s\nopen comm=%s uid=%u path='%s': want %s got %s\n",
					    text, comm, uid, path, policy_rule_name(want), policy_rule_name(got));
			assert_int_equal(got, want);

			uint32_t port = 1 + rnd(&seed, 5);
			int v6 = rnd(&seed, 3);
			if (v6 == 2)
				snprintf(addr, sizeof(addr), "fd0%x::%x", rnd(&seed, 2), rnd(&seed, 9));
			else
				snprintf(addr, sizeof(addr), "%s10.%u.%u.%u", v6 ? "::ffff:" : "",
					 rnd(&seed, 4) << 6, rnd(&seed, 256), rnd(&seed, 256));
			int fam = v6 ? AF_INET6 : AF_INET;
			want = spec_connect(p, addr, fam, port);
			got = policy_match(c, ev_connect(&t, v6 ? "inet6" : "inet", addr, port));
			/* ev_connect's comm/uid are outside the random sets. */
			if (want != got)
				print_error("policy:\n%s\nconnect %s port %u: want %s got %s\n", text, addr,
					    port, policy_rule_name(want), policy_rule_name(got));
			assert_int_equal(got, want);
			checked += 2;
		}
		free(p);
		free(c);
	}
	print_message("%u events compared\n", checked);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_types_and_drop),
		cmocka_unit_test(test_comms_and_uids),
		cmocka_unit_test(test_exclude_prefixes),
		cmocka_unit_test(test_include_prefixes),
		cmocka_unit_test(test_long_and_truncated_paths),
		cmocka_unit_test(test_cidrs),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_matches_plain_reading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
