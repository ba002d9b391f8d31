/* `ringtap check`, run as a user would: exit codes, one FILE:LINE:COL line
 * per problem on stderr, "ok" lines on stdout. Uses the built binary
 * ($RINGTAP, set by ctest). */
#include <stdio.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_policy_helpers.h"

static char dir[] = "/tmp/ringtap-check.XXXXXX";
static char out[65536], err[65536];

static void slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* Run `ringtap check ARGS` (args already shell-quoted); returns the exit code. */
static int check(const char *args)
{
	const char *bin = getenv("RINGTAP");
	char cmd[8192];

	assert_non_null(bin);
	snprintf(cmd, sizeof(cmd), "cd %s && '%s' check %s >%s/out 2>%s/err", dir, bin, args, dir, dir);
	int status = system(cmd);
	char path[256];
	snprintf(path, sizeof(path), "%s/out", dir);
	slurp(path, out, sizeof(out));
	snprintf(path, sizeof(path), "%s/err", dir);
	slurp(path, err, sizeof(err));
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void put(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (!getenv("RINGTAP")) {
		print_error("RINGTAP is not set (ctest sets it)\n");
		return -1;
	}
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_reference_policy_is_valid(void **state)
{
	(void)state;
	char args[4096];
	snprintf(args, sizeof(args), "'%s/config/policy.yaml'", getenv("RINGTAP_SRC"));
	assert_int_equal(check(args), 0);
	assert_non_null(strstr(out, "config/policy.yaml: ok (policy)\n"));
	assert_string_equal(err, "");
}

static void test_unknown_key_on_line_7(void **state)
{
	(void)state;
	put("bad.yaml", "version: 1\n"
			"events: {exec: true}\n"
			"exclude:\n"
			"  comms: [kubelet]\n"
			"  uids: []\n"
			"file: {}\n"
			"netwrk: {}\n");
	assert_int_equal(check("bad.yaml"), 1);
	assert_string_equal(err, "bad.yaml:7:1: unknown key 'netwrk' (expected one of: version, events, exclude, file, network)\n");
	assert_string_equal(out, "");
}

static void test_several_files_and_problems(void **state)
{
	(void)state;
	put("good.yaml", "version: 1\n");
	put("many.yaml", "version: 1\nnetwork:\n  exclude_cidrs: [10.0.0.0/33]\n  exclude_ports: [70000]\nversion: 1\n");
	put("v2.yaml", "version: 2\n");
	assert_int_equal(check("good.yaml many.yaml v2.yaml nonexistent.yaml"), 1);
	assert_string_equal(out, "good.yaml: ok (policy)\n");
	assert_string_equal(err,
			    "many.yaml:3:19: bad CIDR '10.0.0.0/33': prefix length must be 0..32\n"
			    "many.yaml:4:19: port 70000 is out of range 1..65535\n"
			    "many.yaml:5:1: duplicate key 'version' (first at line 1)\n"
			    "v2.yaml:1:10: unsupported version 2 (this ringtap reads version 1)\n"
			    "nonexistent.yaml: cannot read: No such file or directory\n");
	/* --quiet drops the ok lines only. */
	assert_int_equal(check("--quiet good.yaml"), 0);
	assert_string_equal(out, "");
	assert_int_equal(check("-q good.yaml v2.yaml"), 1);
	assert_string_equal(err, "v2.yaml:1:10: unsupported version 2 (this ringtap reads version 1)\n");
}

static void test_daemon_config_files(void **state)
{
	(void)state;
	char args[4096];

	/* The shipped config is recognised as a config by its keys. */
	snprintf(args, sizeof(args), "'%s/config/ringtap.yaml'", getenv("RINGTAP_SRC"));
	assert_int_equal(check(args), 0);
	assert_non_null(strstr(out, "config/ringtap.yaml: ok (config)\n"));
	/* A config's own problem, and the problems of the policy it names. */
	put("cfg-bad.yaml", "node_name: n1\nsinks: [stdout]\nbogus: 1\n");
	put("p2.yaml", "version: 2\n");
	put("cfg-policy.yaml", "node_name: n1\npolicy: p2.yaml\n");
	assert_int_equal(check("cfg-bad.yaml cfg-policy.yaml"), 1);
	assert_non_null(strstr(err, "cfg-bad.yaml:3:1: unknown key 'bogus'"));
	assert_non_null(strstr(err, "p2.yaml:1:10: unsupported version 2 (this ringtap reads version 1)\n"
				    "cfg-policy.yaml: the policy file it names (p2.yaml) has problems\n"));
	put("cfg-good.yaml", "policy: good.yaml\n");
	put("good.yaml", "version: 1\n");
	assert_int_equal(check("cfg-good.yaml"), 0);
	assert_string_equal(out, "cfg-good.yaml: ok (config)\n");
}

/* check validates every part of a config that run validates, with the
 * same FILE:LINE:COL messages. */
static void test_config_parts_run_refuses(void **state)
{
	(void)state;
	put("c1.yaml", "sinks: [{type: kafak}]\n");
	put("c2.yaml", "metrics: {port: 99999}\n");
	put("c3.yaml", "kubernetes: {cache_size: 040}\n");
	put("c4.yaml", "sinks:\n  - type: kafka\n    brokers: b:9092\n    rdkafka: {acks: all, acks: 1}\n");
	put("c5.yaml", "ring_buffer_size: 040M\n");
	put("c6.yaml", "node_name: \"a\\0b\"\n");
	assert_int_equal(check("c1.yaml c2.yaml c3.yaml c4.yaml c5.yaml c6.yaml"), 1);
	assert_string_equal(out, "");
	const char *want[] = {
		"c1.yaml:1:16: sink 'kafak': unknown type (one of: stdout, kafka, ndjson, null, record)\n",
		"c2.yaml:1:11: metrics.port must be 0..65535\n",
		"c3.yaml:1:14: option 'cache_size' wants a size, got '040': a leading zero is not allowed",
		"c4.yaml:4:26: duplicate key 'acks'\n",
		"c5.yaml:1:19: bad value for 'ring_buffer_size': a leading zero is not allowed",
		"c6.yaml:1:12: a NUL byte (\\0) in a value",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(err, want[i]))
			fail_msg("stderr lacks '%s':\n%s", want[i], err);
}

/* Acceptance (issue 8, item 5): 80,000 nested levels took ~35 s in libyaml;
 * check refuses them at their place in well under a second. */
static void test_deep_nesting_refused_fast(void **state)
{
	(void)state;
	size_t n = 80000, o;
	char *text = malloc(2 * n + 64);
	struct timespec t0, t1;

	o = (size_t)sprintf(text, "version: 1\nevents: ");
	memset(text + o, '[', n);
	memset(text + o + n, ']', n);
	strcpy(text + o + 2 * n, "\n");
	put("deep.yaml", text);
	free(text);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(check("deep.yaml"), 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_string_equal(err, "deep.yaml:2:40: lists and mappings nested more than 32 deep; "
				 "ringtap's files need at most 4 levels\n");
	print_message("check refused 80,000 levels in %.3f s\n", s);
	assert_true(s < 1.0);
}

static void test_usage(void **state)
{
	(void)state;
	assert_int_equal(check(""), 2);
	assert_non_null(strstr(err, "no FILE given"));
	assert_int_equal(check("--bogus x.yaml"), 2);
	assert_int_equal(check("--kind nope x.yaml"), 2);
	assert_non_null(strstr(err, "unknown kind 'nope'"));
	assert_int_equal(check("--help"), 0);
	assert_non_null(strstr(out, "usage: ringtap check"));
	put("p.yaml", "version: 1\n");
	assert_int_equal(check("--kind policy p.yaml"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_policy_is_valid),
		cmocka_unit_test(test_unknown_key_on_line_7),
		cmocka_unit_test(test_several_files_and_problems),
		cmocka_unit_test(test_daemon_config_files),
		cmocka_unit_test(test_config_parts_run_refuses),
		cmocka_unit_test(test_deep_nesting_refused_fast),
		cmocka_unit_test(test_usage),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
