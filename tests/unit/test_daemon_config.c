/* Daemon config: the shipped default loads; each kind of mistake is named
 * with FILE:LINE:COL. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "config/daemon_config.h"
#include "config/daemon_config_check.h"

static char path[] = "/tmp/ringtap-cfg-XXXXXX";

static int load_text(const char *text, struct daemon_config *cfg, char *err, size_t len)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(daemon_config_defaults(cfg), 0);
	int rc = daemon_config_load(path, cfg, err, len);
	unlink(path);
	strcpy(path, "/tmp/ringtap-cfg-XXXXXX");
	return rc;
}

static void test_shipped_default(void **state)
{
	(void)state;
	struct daemon_config cfg;
	char err[512], file[1024];

	snprintf(file, sizeof(file), "%s/config/ringtap.yaml", getenv("RINGTAP_SRC"));
	assert_int_equal(daemon_config_defaults(&cfg), 0);
	if (daemon_config_load(file, &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(cfg.ring_buffer_size, 8u << 20);
	assert_int_equal(cfg.poll_interval_ms, 100);
	assert_int_equal(cfg.n_sinks, 1);
	assert_string_equal(cfg.sinks[0].spec, "stdout");
	daemon_config_free(&cfg);
}

static void test_sinks_and_passthrough(void **state)
{
	(void)state;
	struct daemon_config cfg;
	char err[512];
	int rc = load_text("ring_buffer_size: 1M\n"
			   "sinks:\n"
			   "  - null\n"
			   "  - type: kafka\n"
			   "    brokers: 127.0.0.1:9092\n"
			   "    rdkafka:\n"
			   "      compression.codec: lz4\n",
			   &cfg, err, sizeof(err));
	if (rc)
		fail_msg("%s", err);
	assert_int_equal(cfg.ring_buffer_size, 1u << 20);
	assert_int_equal(cfg.n_sinks, 2);
	assert_string_equal(cfg.sinks[0].spec, "null");
	assert_string_equal(cfg.sinks[1].spec, "kafka");
	assert_int_equal(cfg.sinks[1].opts.n, 2);
	assert_string_equal(cfg.sinks[1].opts.items[0].key, "brokers");
	assert_string_equal(cfg.sinks[1].opts.items[1].key, "rdkafka.compression.codec");
	assert_string_equal(cfg.sinks[1].opts.items[1].value, "lz4");
	assert_non_null(strstr(cfg.sinks[1].opts.items[1].where, ":7:26"));
	daemon_config_free(&cfg);
}

static void expect(const char *text, const char *fragment)
{
	struct daemon_config cfg;
	char err[512];

	assert_int_equal(load_text(text, &cfg, err, sizeof(err)), -EINVAL);
	if (!strstr(err, fragment))
		fail_msg("error '%s' lacks '%s'", err, fragment);
	daemon_config_free(&cfg);
}

static void test_errors(void **state)
{
	(void)state;
	expect("poll_interval_ms: 100\nring_bufer_size: 1M\n", ":2:1: unknown key 'ring_bufer_size'");
	expect("poll_interval_ms: 100\npoll_interval_ms: 50\n", ":2:1: duplicate key 'poll_interval_ms'");
	expect("ring_buffer_size: lots\n", ":1:19: bad value for 'ring_buffer_size': not a decimal number");
	expect("sinks: stdout\n", ":1:8: 'sinks' wants a list");
	expect("sinks:\n  - brokers: x\n", ":2:5: sink entry has no 'type'");
	expect("a: [\n", "did not find expected node content");
	expect("- 1\n", ":1:1: the config file must be a mapping");
	expect("poll_interval_ms: 0\n", ":1:19: poll_interval_ms must be 1..10000");
	expect("stats_interval_ms: 4294967296\n", ":1:20: stats_interval_ms must be 0..3600000");
	expect("sinks: []\n", ":1:8: 'sinks' is empty");
	expect("poll_interval_ms: 100\n---\npoll_interval_ms: 5\n", ":3:1: only one YAML document");
}

/* One integer syntax: decimal. A leading zero is refused (YAML 1.1 and
 * strtol read it as octal), hex too, and overflow is an error. */
static void test_decimal_only(void **state)
{
	(void)state;
	struct daemon_config cfg;
	char err[512];

	expect("ring_buffer_size: 040M\n", ":1:19: bad value for 'ring_buffer_size': a leading zero is not allowed");
	expect("ring_buffer_size: 0x100000\n", ":1:19: bad value for 'ring_buffer_size': hexadecimal is not read");
	expect("poll_interval_ms: 010\n", ":1:19: bad value for 'poll_interval_ms': a leading zero is not allowed");
	expect("poll_interval_ms: +10\n", ":1:19: bad value for 'poll_interval_ms': not a decimal number");
	expect("flush_timeout_ms: 99999999999999999999\n", ":1:19: bad value for 'flush_timeout_ms': out of range");
	expect("ring_buffer_size: 99999999999G\n", ":1:19: bad value for 'ring_buffer_size': out of range");
	expect("ring_buffer_size: 3M\n", ":1:19: ring_buffer_size must be a power of two");
	expect("ring_buffer_size: 2G\n", ":1:19: ring_buffer_size must be a power of two");
	/* What the docs promise still reads: decimal with K/M/G, 0 itself. */
	assert_int_equal(load_text("ring_buffer_size: 16K\nstats_interval_ms: 0\n", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.ring_buffer_size, 16u << 10);
	assert_int_equal(cfg.stats_interval_ms, 0);
	daemon_config_free(&cfg);
	assert_int_equal(load_text("ring_buffer_size: 1G\n", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.ring_buffer_size, 1u << 30);
	daemon_config_free(&cfg);
}

/* Strict YAML: duplicates at every level, NUL bytes, real positions of
 * reader errors, bounded nesting. */
static void test_strict_yaml(void **state)
{
	(void)state;
	expect("sinks:\n  - type: kafka\n    brokers: b:9092\n    rdkafka: {acks: all, acks: 1}\n",
	       ":4:26: duplicate key 'acks'");
	expect("sinks:\n  - type: kafka\n    type: null\n", ":3:5: duplicate key 'type'");
	expect("metrics: {port: 9100, port: 9101}\n", ":1:23: duplicate key 'port'");
	/* A "\0" escape would cut the value at the NUL. */
	expect("node_name: \"node\\0evil\"\n", ":1:12: a NUL byte (\\0) in a value");
	expect("sinks:\n  - type: ndjson\n    path: \"/tmp/a\\0b\"\n", ":3:11: a NUL byte");
	/* What the file said is quoted escaped (found by fuzz_config_load): a
	 * key or value cannot garble a terminal. */
	expect("\"a\\tb\\e[31m\": 1\n", ":1:1: unknown key 'a\\x09b\\x1b[31m'");
	/* Reader errors were reported at 1:1. */
	expect("poll_interval_ms: 100\nnode_name: ab\x01\n", ":2:14: YAML error: control characters are not allowed");
	expect("poll_interval_ms: 100\nnode_name: ab\xff\n", ":2:14: YAML error: invalid leading UTF-8 octet");

	size_t cap = 200 * 1024, o;
	char *text = malloc(cap);
	o = (size_t)snprintf(text, cap, "sinks: ");
	for (int i = 0; i < 80000; i++)
		text[o++] = '[';
	for (int i = 0; i < 80000; i++)
		text[o++] = ']';
	text[o] = '\0';
	expect(text, ":1:39: lists and mappings nested more than 32 deep");
	o = (size_t)snprintf(text, cap, "sinks:\n  - type: kafka\n    brokers: b:1\n    rdkafka:\n");
	for (int i = 0; i < 300; i++)
		o += (size_t)snprintf(text + o, cap - o, "      p%d: v\n", i);
	expect(text, ":5:7: more than 256 keys in one mapping");
	free(text);
}

/* daemon_config_check: what run refuses after loading (sinks, metrics:,
 * kubernetes:), refused without starting anything. */
static void expect_refused(const char *text, const char *fragment)
{
	struct daemon_config cfg;
	char err[1024];

	if (load_text(text, &cfg, err, sizeof(err)))
		fail_msg("load: %s", err);
	assert_int_equal(daemon_config_check(&cfg, err, sizeof(err)), -EINVAL);
	if (!strstr(err, fragment))
		fail_msg("error '%s' lacks '%s'", err, fragment);
	daemon_config_free(&cfg);
}

static void test_check_every_part(void **state)
{
	(void)state;
	struct daemon_config cfg;
	char err[1024], file[1024];

	expect_refused("sinks: [{type: kafak}]\n", ":1:16: sink 'kafak': unknown type (one of: stdout, kafka");
	expect_refused("sinks: [stdout, kafak:b:1]\n", ":1:17: sink 'kafak:b:1': unknown type");
	expect_refused("sinks: [ndjson]\n", ":1:9: sink 'ndjson': needs a file");
	expect_refused("sinks: [{type: null, path: x}]\n", ":1:16: sink 'null': takes no argument and no options");
	expect_refused("sinks: [{type: kafka}]\n", "kafka sink: no brokers");
	expect_refused("sinks:\n  - type: kafka\n    brokers: b:9092\n    queue_max_bytes: 040M\n",
		     ":4:22: option 'queue_max_bytes' wants a size, got '040M': a leading zero");
	expect_refused("sinks:\n  - type: kafka\n    brokers: b:9092\n    encoding: xml\n",
		     ":4:15: option 'encoding' wants protobuf or json");
	expect_refused("sinks:\n  - type: kafka\n    brokers: b:9092\n    rdkafka: {no.such.property: 1}\n",
		     ":4:33: No such configuration property");
	expect_refused("metrics: {port: 99999}\n", "metrics.port must be 0..65535");
	expect_refused("metrics: {prot: 9100}\n", ":1:11: unknown option 'prot'");
	expect_refused("kubernetes: {cache_size: 0x10}\n", ":1:14: option 'cache_size' wants a size, got '0x10'");
	expect_refused("kubernetes: {api: maybe}\n", ":1:14: option 'api' wants a boolean");
	expect_refused("kubernetes: {api: \"\\e[2J\"}\n", "got '\\x1b[2J'");
	expect_refused("sinks: [\"\\e[2J\"]\n", "sink '\\x1b[2J': unknown type");
	/* The shipped config and a full valid one pass. */
	snprintf(file, sizeof(file), "%s/config/ringtap.yaml", getenv("RINGTAP_SRC"));
	assert_int_equal(daemon_config_defaults(&cfg), 0);
	assert_int_equal(daemon_config_load(file, &cfg, err, sizeof(err)), 0);
	if (daemon_config_check(&cfg, err, sizeof(err)))
		fail_msg("%s", err);
	daemon_config_free(&cfg);
	assert_int_equal(load_text("sinks:\n  - null\n  - ndjson:/tmp/x\n  - {type: ndjson, path: /tmp/y}\n"
				   "  - {type: kafka, brokers: 'b:1', rdkafka: {compression.codec: lz4}}\n"
				   "metrics: {port: 0}\nkubernetes: {api: false, cache_size: 100}\n",
				   &cfg, err, sizeof(err)), 0);
	if (daemon_config_check(&cfg, err, sizeof(err)))
		fail_msg("%s", err);
	daemon_config_free(&cfg);
}

/* dns_ports: a list of distinct ports, [53] by default; each mistake named
 * at its FILE:LINE:COL. */
static void test_dns_ports(void **state)
{
	(void)state;
	struct daemon_config cfg;
	char err[512];

	assert_int_equal(load_text("poll_interval_ms: 100\n", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.n_dns_ports, 1);
	assert_int_equal(cfg.dns_ports[0], 53);
	daemon_config_free(&cfg);
	if (load_text("dns_ports: [53, 5353]\n", &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(cfg.n_dns_ports, 2);
	assert_int_equal(cfg.dns_ports[0], 53);
	assert_int_equal(cfg.dns_ports[1], 5353);
	daemon_config_free(&cfg);
	expect("dns_ports: 53\n", ":1:12: 'dns_ports' wants a list");
	expect("dns_ports: []\n", ":1:12: 'dns_ports' is empty");
	expect("dns_ports: [53, 0]\n", ":1:17: dns_ports: not a port (1..65535): '0'");
	expect("dns_ports:\n  - 53\n  - 65536\n", ":3:5: dns_ports: not a port (1..65535): '65536'");
	expect("dns_ports: [53, dns]\n", ":1:17: dns_ports: not a port (1..65535): 'dns'");
	expect("dns_ports: [053]\n", ":1:13: dns_ports: not a port (1..65535): '053'");
	expect("dns_ports: [-53]\n", ":1:13: dns_ports: not a port");
	expect("dns_ports: [53, 53]\n", ":1:17: dns_ports: port listed twice: '53'");
	expect("dns_ports: [[53]]\n", ":1:13: dns_ports: not a port (1..65535): '(not a scalar)'");
	expect("dns_ports: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33]\n",
	       "too many dns_ports (at most 32)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_default),
		cmocka_unit_test(test_sinks_and_passthrough),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_decimal_only),
		cmocka_unit_test(test_strict_yaml),
		cmocka_unit_test(test_check_every_part),
		cmocka_unit_test(test_dns_ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
