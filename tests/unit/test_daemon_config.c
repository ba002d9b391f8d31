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
	expect("ring_buffer_size: lots\n", ":1:19: bad value for 'ring_buffer_size'");
	expect("sinks: stdout\n", ":1:8: 'sinks' wants a list");
	expect("sinks:\n  - brokers: x\n", ":2:5: sink entry has no 'type'");
	expect("a: [\n", "did not find expected node content");
	expect("- 1\n", ":1:1: the config file must be a mapping");
	expect("poll_interval_ms: 0\n", "poll_interval_ms must be 1..10000");
	expect("stats_interval_ms: 4294967296\n", "stats_interval_ms must be 0..3600000");
	expect("sinks: []\n", "'sinks' is empty");
	expect("poll_interval_ms: 100\n---\npoll_interval_ms: 5\n", ":3:1: only one YAML document");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_default),
		cmocka_unit_test(test_sinks_and_passthrough),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
