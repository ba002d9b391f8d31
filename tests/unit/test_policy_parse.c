/* Policy parser: valid files give the right model; each kind of mistake
 * gives one message at the exact line and column. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include "test_policy_helpers.h"

struct want {
	unsigned line, col;
	const char *msg;
};

/* Parse text that must be invalid with exactly these problems, in order. */
static void expect_problems(const char *text, const struct want *want, size_t n)
{
	struct policy *p = malloc(sizeof(*p));
	struct policy_diags *d = malloc(sizeof(*d));

	assert_int_equal(policy_parse_buffer(text, strlen(text), p, d), -EINVAL);
	for (size_t i = 0; i < d->n; i++)
		print_message("got %u:%u: %s\n", d->items[i].line, d->items[i].col, d->items[i].msg);
	assert_int_equal(d->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(d->items[i].line, want[i].line);
		assert_int_equal(d->items[i].col, want[i].col);
		assert_string_equal(d->items[i].msg, want[i].msg);
	}
	free(p);
	free(d);
}

#define EXPECT(text, ...)                                                      \
	do {                                                                   \
		const struct want w_[] = { __VA_ARGS__ };                      \
		expect_problems(text, w_, sizeof(w_) / sizeof(w_[0]));         \
	} while (0)

static int has_comm(const struct policy *p, const char *c)
{
	char key[RT_COMM_LEN] = { 0 };
	memcpy(key, c, strnlen(c, RT_COMM_LEN - 1));
	for (size_t i = 0; i < p->n_comms; i++)
		if (!memcmp(p->comms[i], key, RT_COMM_LEN))
			return 1;
	return 0;
}

static int port_set(const struct policy *p, unsigned port)
{
	return (p->exclude_ports[port >> 3] >> (port & 7)) & 1;
}

static void test_reference_policy(void **state)
{
	(void)state;
	const char *src = getenv("RINGTAP_SRC");
	char path[4096];
	struct policy *p = NULL;
	struct policy_diags *d = malloc(sizeof(*d));

	snprintf(path, sizeof(path), "%s/config/policy.yaml", src ? src : ".");
	assert_int_equal(policy_load_file(path, &p, d), 0);
	assert_int_equal(p->event_mask, policy_all_events_mask() & ~(1u << RT_EVENT_FORK));
	assert_int_equal(p->n_comms, 0); /* comm is chosen by the process: no default exclusion */
	assert_int_equal(p->n_uids, 0);
	assert_int_equal(p->n_include, 0);
	assert_int_equal(p->n_exclude, 3);
	assert_string_equal(p->exclude_prefixes[0].bytes, "/proc/");
	assert_int_equal(p->exclude_prefixes[0].len, 6);
	assert_string_equal(p->exclude_prefixes[2].bytes, "/dev/");
	assert_int_equal(p->n_cidrs, 2);
	assert_int_equal(p->cidrs[0].family, AF_INET);
	assert_int_equal(p->cidrs[0].prefixlen, 8);
	assert_int_equal(p->cidrs[0].addr[0], 127);
	assert_int_equal(p->cidrs[1].family, AF_INET6);
	assert_int_equal(p->cidrs[1].prefixlen, 128);
	assert_int_equal(p->cidrs[1].addr[15], 1);
	assert_int_equal(p->n_ports, 0);
	free(p);
	free(d);
}

static void test_defaults(void **state)
{
	(void)state;
	struct policy *p = parse_ok("version: 1\n");

	assert_int_equal(p->event_mask, policy_all_events_mask());
	assert_int_equal(p->n_comms + p->n_uids + p->n_include + p->n_exclude + p->n_cidrs + p->n_ports, 0);
	free(p);

	/* Empty sections and lists are the same as omitted ones. */
	p = parse_ok("version: 1\nevents:\nexclude:\n  comms: []\n  uids: ~\nfile: {}\nnetwork: null\n");
	assert_int_equal(p->event_mask, policy_all_events_mask());
	assert_int_equal(p->n_comms + p->n_uids, 0);
	free(p);
}

static void test_events_switches(void **state)
{
	(void)state;
	/* Omitted types stay on; yes/no/on/off are booleans too. */
	struct policy *p = parse_ok("version: 1\nevents:\n  open: false\n  exec: no\n  exit: On\n");

	assert_int_equal(p->event_mask, policy_all_events_mask() & ~(1u << RT_EVENT_OPEN) &
						~(1u << RT_EVENT_EXEC));
	free(p);
}

static void test_lists(void **state)
{
	(void)state;
	struct policy *p = parse_ok(
		"version: 1\n"
		"exclude:\n"
		"  comms: [sshd, sshd, 123456789012345]\n" /* duplicates fold; 15 bytes is the max */
		"  uids: [0, 65534, 4294967294, 0]\n"
		"file:\n"
		"  include_prefixes:\n"
		"    - /home/\n"
		"    - \"/tmp/with space/\"\n"
		"  exclude_prefixes: [/home/, relative/]\n"
		"network:\n"
		"  exclude_cidrs: [0.0.0.0/0, 192.168.1.7, \"fd00::/8\", \"2001:db8::1\"]\n"
		"  exclude_ports: [53, 65535, 1, 53]\n");

	assert_int_equal(p->n_comms, 2);
	assert_true(has_comm(p, "123456789012345"));
	assert_int_equal(p->n_uids, 3);
	assert_int_equal(p->uids[2], 4294967294u);
	assert_int_equal(p->n_include, 2);
	assert_string_equal(p->include_prefixes[1].bytes, "/tmp/with space/");
	assert_int_equal(p->n_exclude, 2);
	assert_int_equal(p->n_cidrs, 4);
	assert_int_equal(p->cidrs[0].prefixlen, 0);
	assert_int_equal(p->cidrs[1].prefixlen, 32); /* a bare address is a host */
	assert_int_equal(p->cidrs[2].family, AF_INET6);
	assert_int_equal(p->cidrs[2].prefixlen, 8);
	assert_int_equal(p->cidrs[3].prefixlen, 128);
	assert_int_equal(p->n_ports, 3);
	assert_true(port_set(p, 53) && port_set(p, 65535) && port_set(p, 1));
	assert_false(port_set(p, 54) || port_set(p, 0));
	free(p);
}

static void test_unknown_keys(void **state)
{
	(void)state;
	/* The acceptance case: an unknown key on line 7. */
	EXPECT("version: 1\n"
	       "events: {exec: true}\n"
	       "exclude:\n"
	       "  comms: [kubelet]\n"
	       "  uids: []\n"
	       "\n"
	       "  exclud: []\n",
	       { 7, 3, "unknown key 'exclud' in 'exclude' (expected one of: comms, uids)" });
	EXPECT("version: 1\nnetwrk: {}\n",
	       { 2, 1, "unknown key 'netwrk' (expected one of: version, events, exclude, file, network)" });
	EXPECT("version: 1\nevents: {exec: true, forks: false}\n",
	       { 2, 22, "unknown key 'forks' in 'events' (expected one of: exec, exit, fork, open, connect, accept, unlink, rename, chmod, chown, link, mknod, cred, ptrace, memfd, module, mount, namespace, dup, signal, bpf, io_uring, dns, tcp_established, tcp_close, bind, listen, socket, unix_socket)" });
	EXPECT("version: 1\nfile:\n  include_prefix: [/a]\n",
	       { 3, 3, "unknown key 'include_prefix' in 'file' (expected one of: include_prefixes, exclude_prefixes)" });
	EXPECT("version: 1\nnetwork: {exclude_port: [1]}\n",
	       { 2, 11, "unknown key 'exclude_port' in 'network' (expected one of: exclude_cidrs, exclude_ports)" });
	/* Hostile bytes are escaped in messages. */
	EXPECT("version: 1\n\"a\\tb\\x1b[31m\": 1\n",
	       { 2, 1, "unknown key 'a\\x09b\\x1b[31m' (expected one of: version, events, exclude, file, network)" });
}

static void test_wrong_types(void **state)
{
	(void)state;
	EXPECT("version: 1\nevents: [exec]\n", { 2, 9, "'events' must be a mapping, not a list" });
	EXPECT("version: 1\nexclude: comms\n", { 2, 10, "'exclude' must be a mapping, not a scalar" });
	EXPECT("version: 1\nexclude:\n  comms: kubelet\n",
	       { 3, 10, "'exclude.comms' must be a list, not a scalar" });
	EXPECT("version: 1\nevents:\n  exec: maybe\n  open: \"true\"\n  fork: [1]\n",
	       { 3, 9, "'events.exec' must be true or false, got 'maybe'" },
	       { 4, 9, "'events.open' must be true or false, got 'true'" },
	       { 5, 9, "'events.fork' must be true or false, not a list" });
	EXPECT("version: 1\nexclude:\n  uids: [root, \"0\", -1, 4294967295, [0]]\n",
	       { 3, 10, "uid 'root' must be an integer 0..4294967294" },
	       { 3, 16, "uid '0' must be an integer 0..4294967294" },
	       { 3, 21, "uid '-1' must be an integer 0..4294967294" },
	       { 3, 25, "uid 4294967295 is out of range 0..4294967294" },
	       { 3, 37, "a uid must be an integer, not a list" });
	EXPECT("version: 1\nfile:\n  exclude_prefixes: [/a, {b: 1}]\n",
	       { 3, 26, "a path prefix must be a string, not a mapping" });
	EXPECT("version: 1\n{a: 1}: 2\n", { 2, 1, "keys must be plain names, not a mapping" });
	EXPECT("- version: 1\n", { 1, 1, "a policy must be a mapping with 'version: 1', not a list" });
}

static void test_bad_cidrs(void **state)
{
	(void)state;
	EXPECT("version: 1\nnetwork:\n  exclude_cidrs: [10.0.0.0/33]\n",
	       { 3, 19, "bad CIDR '10.0.0.0/33': prefix length must be 0..32" });
	EXPECT("version: 1\nnetwork:\n  exclude_cidrs:\n    - \"fe80::/129\"\n    - 10.0.0.0/\n    - 10.0.0.0/-1\n    - 10.0.0.0/8x\n",
	       { 4, 7, "bad CIDR 'fe80::/129': prefix length must be 0..128" },
	       { 5, 7, "bad CIDR '10.0.0.0/': prefix length must be 0..32" },
	       { 6, 7, "bad CIDR '10.0.0.0/-1': prefix length must be 0..32" },
	       { 7, 7, "bad CIDR '10.0.0.0/8x': prefix length must be 0..32" });
	EXPECT("version: 1\nnetwork:\n  exclude_cidrs: [10.0.0/8, example.com, \"\"]\n",
	       { 3, 19, "bad CIDR '10.0.0/8': '10.0.0' is not an IPv4 or IPv6 address" },
	       { 3, 29, "bad CIDR 'example.com': 'example.com' is not an IPv4 or IPv6 address" },
	       { 3, 42, "bad CIDR '': expected ADDRESS/PREFIXLEN, e.g. 10.0.0.0/8 or fd00::/8" });
	EXPECT("version: 1\nnetwork:\n  exclude_cidrs: [10.1.2.3/8, \"fd00::1/8\"]\n",
	       { 3, 19, "bad CIDR '10.1.2.3/8': host bits are set (did you mean 10.0.0.0/8?)" },
	       { 3, 31, "bad CIDR 'fd00::1/8': host bits are set (did you mean fd00::/8?)" });
	EXPECT("version: 1\nnetwork:\n  exclude_cidrs: [\"::ffff:127.0.0.0/104\"]\n",
	       { 3, 19, "bad CIDR '::ffff:127.0.0.0/104': IPv4-mapped addresses are matched as IPv4; write 127.0.0.0/8" });
}

static void test_bad_ports(void **state)
{
	(void)state;
	EXPECT("version: 1\nnetwork:\n  exclude_ports: [70000, 0, http, \"80\", 99999999999999999999999]\n",
	       { 3, 19, "port 70000 is out of range 1..65535" },
	       { 3, 26, "port 0 is out of range 1..65535" },
	       { 3, 29, "port 'http' must be an integer 1..65535" },
	       { 3, 35, "port '80' must be an integer 1..65535" },
	       { 3, 41, "port 99999999999999999999999 is out of range 1..65535" });
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	EXPECT("version: 1\nevents: {exec: true}\nexclude: {}\nevents: {open: false}\n",
	       { 4, 1, "duplicate key 'events' (first at line 2)" });
	EXPECT("version: 1\nevents: {exec: true, exec: false}\n",
	       { 2, 22, "duplicate key 'exec' (first at line 2)" });
	EXPECT("version: 1\nversion: 1\n", { 2, 1, "duplicate key 'version' (first at line 1)" });
}

static void test_version(void **state)
{
	(void)state;
	/* A wrong version stops there: the rest would be read by other rules. */
	EXPECT("version: 2\nevents: {bogus: 1}\n",
	       { 1, 10, "unsupported version 2 (this ringtap reads version 1)" });
	EXPECT("# comment\nevents: {}\n", { 2, 1, "missing required key 'version' (write 'version: 1' first)" });
	EXPECT("version: \"1\"\n", { 1, 10, "'version' must be an integer, got '1'" });
	EXPECT("version: 1.0\n", { 1, 10, "'version' must be an integer, got '1.0'" });
	EXPECT("", { 1, 1, "empty policy: write at least 'version: 1'" });
	EXPECT("# only a comment\n", { 1, 1, "empty policy: write at least 'version: 1'" });
}

static void test_limits(void **state)
{
	(void)state;
	char long_prefix[RT_POLICY_PREFIX_MAX + 2];
	char *text = malloc(64 * 1024);
	size_t o;

	memset(long_prefix, 'a', sizeof(long_prefix) - 1);
	long_prefix[0] = '/';
	long_prefix[sizeof(long_prefix) - 1] = '\0'; /* 256 bytes */
	snprintf(text, 64 * 1024, "version: 1\nfile:\n  exclude_prefixes: [%s]\n", long_prefix);
	EXPECT(text, { 3, 22, "path prefix '/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is 256 bytes; the limit is 255" });
	long_prefix[RT_POLICY_PREFIX_MAX] = '\0'; /* 255 bytes: fine */
	snprintf(text, 64 * 1024, "version: 1\nfile:\n  exclude_prefixes: [%s]\n", long_prefix);
	free(parse_ok(text));

	EXPECT("version: 1\nexclude:\n  comms: [a-sixteen-bytes!]\n",
	       { 3, 11, "comm 'a-sixteen-bytes!' is 16 bytes; the kernel keeps at most 15" });
	EXPECT("version: 1\nfile:\n  include_prefixes: [\"\"]\n",
	       { 3, 22, "empty path prefix; write '/' to match every absolute path" });
	/* A NUL (a "\0" escape) in any value stops the file before its meaning
	 * is read: C strings would cut the value there. */
	EXPECT("version: 1\nfile:\n  include_prefixes: [\"/etc\", \"/a\\0b\"]\n",
	       { 3, 30, "a NUL byte (\\0) in a value; names, paths and numbers cannot hold one" });
	EXPECT("version: 1\nexclude: {comms: [\"ku\\0belet\"]}\n",
	       { 2, 19, "a NUL byte (\\0) in a value; names, paths and numbers cannot hold one" });

	/* 300 comms: the 257th is refused, naming the limit and the map, once. */
	o = (size_t)snprintf(text, 64 * 1024, "version: 1\nexclude:\n  comms:\n");
	for (int i = 0; i < 300; i++)
		o += (size_t)snprintf(text + o, 64 * 1024 - o, "    - c%d\n", i);
	EXPECT(text, { 4 + RT_POLICY_MAX_COMMS, 7, "too many comms: at most 256 (the size of rt_policy_comms)" });

	/* 200 include + 100 exclude prefixes: each list fits, the trie does not. */
	o = (size_t)snprintf(text, 64 * 1024, "version: 1\nfile:\n  include_prefixes:\n");
	for (int i = 0; i < 200; i++)
		o += (size_t)snprintf(text + o, 64 * 1024 - o, "    - /i%d/\n", i);
	o += (size_t)snprintf(text + o, 64 * 1024 - o, "  exclude_prefixes:\n");
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(text + o, 64 * 1024 - o, "    - /e%d/\n", i);
	EXPECT(text, { 3, 3, "include_prefixes and exclude_prefixes hold 300 distinct prefixes; at most 256 together (the size of rt_policy_paths)" });

	/* A mapping with thousands of keys is refused at once (no quadratic
	 * duplicate scan during a reload). */
	o = (size_t)snprintf(text, 64 * 1024, "version: 1\nevents:\n");
	for (int i = 0; i < 3000; i++)
		o += (size_t)snprintf(text + o, 64 * 1024 - o, "  k%d: true\n", i);
	EXPECT(text, { 3, 3, "'events' has 3000 keys; expected at most 29, each once (exec, exit, fork, open, connect, accept, unlink, rename, chmod, chown, link, mknod, cred, ptrace, memfd, module, mount, namespace, dup, signal, bpf, io_uring, dns, tcp_established, tcp_close, bind, listen, socket, unix_socket)" });
	free(text);
}

static void test_yaml_errors(void **state)
{
	(void)state;
	EXPECT("version: 1\nevents: [a\n",
	       { 3, 1, "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence that starts at 2:9)" });
	EXPECT("version: 1\nexclude:\n\tcomms: []\n",
	       { 3, 1, "YAML syntax error: found character that cannot start any token (while scanning for the next token that starts at 3:1)" });
	EXPECT("version: 1\n---\nversion: 1\n",
	       { 3, 1, "only one YAML document is read; remove this second one" });
	/* Invalid UTF-8 is located by its byte offset. */
	EXPECT("version: 1\nexclude:\n  comms: [ab\xff]\n",
	       { 3, 13, "YAML error: invalid leading UTF-8 octet (byte 0xff)" });
	/* So are control characters. */
	EXPECT("version: 1\nexclude:\n  comms: [a\x01]\n",
	       { 3, 12, "YAML error: control characters are not allowed (byte 0x01)" });
}

/* Nesting and anchors are bounded before libyaml builds the document: its
 * cost grows with the square of either (80,000 levels took 35 s). */
static void test_nesting_and_anchors_bounded(void **state)
{
	(void)state;
	size_t cap = 200 * 1024, o;
	char *text = malloc(cap);

	o = (size_t)snprintf(text, cap, "version: 1\nevents: ");
	for (int i = 0; i < 80000; i++)
		text[o++] = '[';
	for (int i = 0; i < 80000; i++)
		text[o++] = ']';
	text[o] = '\0';
	/* The root mapping is level 1, so the 32nd '[' (column 9 + 31) is too deep. */
	EXPECT(text, { 2, 40, "lists and mappings nested more than 32 deep; ringtap's files need at most 4 levels" });
	/* The same in block style. */
	o = (size_t)snprintf(text, cap, "version: 1\n");
	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(text + o, cap - o, "%*sk%d:\n", i, "", i);
	EXPECT(text, { 34, 33, "lists and mappings nested more than 32 deep; ringtap's files need at most 4 levels" });
	/* 32 levels are read (and then judged on their meaning). */
	o = (size_t)snprintf(text, cap, "version: 1\nevents: ");
	for (int i = 0; i < 31; i++)
		text[o++] = '[';
	for (int i = 0; i < 31; i++)
		text[o++] = ']';
	text[o] = '\0';
	EXPECT(text, { 2, 9, "'events' must be a mapping, not a list" });

	o = (size_t)snprintf(text, cap, "version: 1\nexclude:\n  comms:\n");
	for (int i = 0; i < 300; i++)
		o += (size_t)snprintf(text + o, cap - o, "    - &a%d c%d\n", i, i);
	EXPECT(text, { 4 + 256, 7, "more than 256 anchors (&name) in one file" });
	o = (size_t)snprintf(text, cap, "version: 1\nexclude:\n  comms:\n    - &a kubelet\n");
	for (int i = 0; i < 5000; i++)
		o += (size_t)snprintf(text + o, cap - o, "    - *a\n");
	EXPECT(text, { 5 + 4096, 7, "more than 4096 aliases (*name) in one file" });
	/* An alias to nothing is located too (the composer's error). */
	EXPECT("version: 1\nexclude: {comms: [*nope]}\n",
	       { 2, 19, "YAML syntax error: found undefined alias" });
	free(text);
}

/* Integers are decimal: YAML 1.1 reads 0755 as octal 493, and the old
 * parser read it as 755. Neither is what a leading zero may mean: refused. */
static void test_leading_zero_refused(void **state)
{
	(void)state;
	EXPECT("version: 1\nexclude: {uids: [0755, 0, 1000]}\nnetwork: {exclude_ports: [080, 80]}\n",
	       { 2, 18, "uid '0755': write it in decimal, without a leading zero (YAML 1.1 would read it as octal)" },
	       { 3, 27, "port '080': write it in decimal, without a leading zero (YAML 1.1 would read it as octal)" });
	EXPECT("version: 01\n",
	       { 1, 10, "'version' is '01': write it in decimal, without a leading zero (YAML 1.1 would read it as octal)" });
	struct policy *p = parse_ok("version: 1\nexclude: {uids: [0, 10, 755]}\n");
	assert_int_equal(p->n_uids, 3);
	assert_int_equal(p->uids[2], 755);
	free(p);
}

static void test_many_problems_reported_together(void **state)
{
	(void)state;
	EXPECT("version: 1\n"
	       "events: {exec: 1}\n"
	       "exclude: {comms: [kubelet], uid: [0]}\n"
	       "network: {exclude_ports: [0]}\n",
	       { 2, 16, "'events.exec' must be true or false, got '1'" },
	       { 3, 29, "unknown key 'uid' in 'exclude' (expected one of: comms, uids)" },
	       { 4, 27, "port 0 is out of range 1..65535" });
}

static void test_file_errors(void **state)
{
	(void)state;
	struct policy_diags *d = malloc(sizeof(*d));
	struct policy *p = NULL;

	assert_int_equal(policy_load_file("/nonexistent/policy.yaml", &p, d), -ENOENT);
	assert_null(p);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_policy),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_events_switches),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_bad_cidrs),
		cmocka_unit_test(test_bad_ports),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_yaml_errors),
		cmocka_unit_test(test_nesting_and_anchors_bounded),
		cmocka_unit_test(test_leading_zero_refused),
		cmocka_unit_test(test_many_problems_reported_together),
		cmocka_unit_test(test_file_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
