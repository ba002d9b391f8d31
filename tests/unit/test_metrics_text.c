/* Metrics exposition text: exact sample lines for known counters, one
 * HELP/TYPE per family, label escaping, the snapshot filled from a real
 * pipeline and sinks, and the metrics config section. */
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "config/daemon_config.h"
#include "metrics/metrics_config.h"
#include "metrics/metrics_process.h"
#include "metrics/metrics_snapshot.h"
#include "metrics/metrics_text.h"
#include "pipeline/pipeline.h"

static char text[METRICS_TEXT_MAX];

static const struct metrics_text_info info = {
	.version = "1.2.3", .start_time_s = 1700000000.5, .published = 1, .snapshot_age_s = 0.25,
};

static void format_ok(const struct metrics_snapshot *snap, const struct metrics_text_info *in)
{
	int n = metrics_text_format(snap, in, text, sizeof(text));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(text));
}

static void assert_line(const char *line)
{
	char want[512];
	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(text, want) && strncmp(text, want + 1, strlen(want + 1)))
		fail_msg("missing line '%s' in:\n%s", line, text);
}

static size_t count(const char *needle)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void sample_snapshot(struct metrics_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->have_kernel = 1;
	s->kernel[RT_EVENT_OPEN] = (struct source_type_stats){ .emitted = 100, .dropped = 7, .truncated = 3, .filtered = 40 };
	s->kernel[RT_EVENT_EXEC] = (struct source_type_stats){ .emitted = 5 };
	s->events[RT_EVENT_OPEN] = 93;
	s->events[RT_EVENT_MAX] = 2;
	s->decode_errors = 1;
	s->policy_generation = 4;
	s->n_sinks = 3;
	snprintf(s->sinks[0].name, sizeof(s->sinks[0].name), "kafka");
	s->sinks[0].emit_errors = 9;
	s->sinks[0].n_counters = 2;
	s->sinks[0].counters[0] = (struct sink_counter){ "kafka_delivered", "Acknowledged.", 0, 90 };
	s->sinks[0].counters[1] = (struct sink_counter){ "kafka_in_flight", "Queued.", 1, 3 };
	snprintf(s->sinks[1].name, sizeof(s->sinks[1].name), "ndjson");
	snprintf(s->sinks[2].name, sizeof(s->sinks[2].name), "kafka");
	s->sinks[2].n_counters = 1;
	s->sinks[2].counters[0] = (struct sink_counter){ "kafka_delivered", "Acknowledged.", 0, 11 };
}

static void test_known_values(void **state)
{
	(void)state;
	struct metrics_snapshot s;

	sample_snapshot(&s);
	format_ok(&s, &info);
	assert_line("ringtap_up 1");
	assert_line("ringtap_build_info{version=\"1.2.3\"} 1");
	assert_line("process_start_time_seconds 1700000000.500");
	assert_line("ringtap_snapshot_age_seconds 0.250");
	assert_line("ringtap_kernel_events_emitted_total{type=\"open\"} 100");
	assert_line("ringtap_kernel_events_dropped_total{type=\"open\"} 7");
	assert_line("ringtap_kernel_events_truncated_total{type=\"open\"} 3");
	assert_line("ringtap_kernel_events_filtered_total{type=\"open\"} 40");
	assert_line("ringtap_kernel_events_emitted_total{type=\"exec\"} 5");
	assert_line("ringtap_kernel_events_dropped_total{type=\"accept\"} 0");
	assert_line("ringtap_events_total{type=\"open\"} 93");
	assert_line("ringtap_events_total{type=\"drop\"} 2");
	assert_line("ringtap_undecodable_records_total 1");
	assert_line("ringtap_policy_generation 4");
	assert_line("ringtap_sink_emit_errors_total{sink=\"kafka\",index=\"0\"} 9");
	assert_line("ringtap_sink_emit_errors_total{sink=\"ndjson\",index=\"1\"} 0");
	assert_line("ringtap_sink_kafka_delivered_total{sink=\"kafka\",index=\"0\"} 90");
	assert_line("ringtap_sink_kafka_delivered_total{sink=\"kafka\",index=\"2\"} 11");
	assert_line("ringtap_sink_kafka_in_flight{sink=\"kafka\",index=\"0\"} 3");
	assert_line("# TYPE ringtap_sink_kafka_in_flight gauge");
	assert_line("# TYPE ringtap_kernel_events_dropped_total counter");
	assert_line("# HELP ringtap_kernel_events_dropped_total Events lost because the ring buffer was full, by event type.");
	assert_true(text[strlen(text) - 1] == '\n');
}

/* Every family has exactly one HELP and one TYPE, before its samples, and
 * every other line is a well-formed sample. */
static void test_families_well_formed(void **state)
{
	(void)state;
	struct metrics_snapshot s;
	regex_t sample, help, type;
	char seen[64][128];
	size_t n_seen = 0;

	sample_snapshot(&s);
	format_ok(&s, &info);
	assert_int_equal(regcomp(&sample, "^([a-z_]+)(\\{[a-z_]+=\"([^\"\\\\]|\\\\.)*\"(,[a-z_]+=\"([^\"\\\\]|\\\\.)*\")*\\})? [0-9.]+$",
				 REG_EXTENDED), 0);
	assert_int_equal(regcomp(&help, "^# HELP ([a-z_]+) [^\n]+$", REG_EXTENDED), 0);
	assert_int_equal(regcomp(&type, "^# TYPE ([a-z_]+) (counter|gauge)$", REG_EXTENDED), 0);

	char *save = NULL, *copy = strdup(text);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		regmatch_t m[2];
		char name[128];
		if (!regexec(&help, line, 2, m, 0)) {
			snprintf(name, sizeof(name), "%.*s", (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
			for (size_t i = 0; i < n_seen; i++)
				if (!strcmp(seen[i], name))
					fail_msg("HELP for %s twice", name);
			assert_true(n_seen < 64);
			strcpy(seen[n_seen++], name);
			continue;
		}
		if (!regexec(&type, line, 2, m, 0)) {
			snprintf(name, sizeof(name), "%.*s", (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
			assert_string_equal(name, seen[n_seen - 1]); /* TYPE right after its HELP */
			continue;
		}
		if (regexec(&sample, line, 2, m, 0))
			fail_msg("malformed line '%s'", line);
		snprintf(name, sizeof(name), "%.*s", (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
		assert_true(n_seen > 0);
		if (strcmp(name, seen[n_seen - 1]))
			fail_msg("sample '%s' is not under its own family (%s)", line, seen[n_seen - 1]);
		if (strstr(line, "_total") && !strstr(name, "_total"))
			fail_msg("bad name in '%s'", line);
	}
	assert_int_equal(n_seen, 14); /* 4 process, 4 kernel, 4 pipeline, 2 sink counters */
	free(copy);
	regfree(&sample);
	regfree(&help);
	regfree(&type);
}

static void test_label_escaping(void **state)
{
	(void)state;
	struct metrics_snapshot s = { 0 };
	struct metrics_text_info in = info;

	in.version = "1.0\"beta\\2\nx";
	s.n_sinks = 1;
	snprintf(s.sinks[0].name, sizeof(s.sinks[0].name), "a\"b\\c\nd");
	format_ok(&s, &in);
	assert_line("ringtap_build_info{version=\"1.0\\\"beta\\\\2\\nx\"} 1");
	assert_line("ringtap_sink_emit_errors_total{sink=\"a\\\"b\\\\c\\nd\",index=\"0\"} 0");
}

static void test_unpublished_and_replay(void **state)
{
	(void)state;
	struct metrics_snapshot s;
	struct metrics_text_info in = info;

	sample_snapshot(&s);
	in.published = 0;
	format_ok(&s, &in);
	assert_line("ringtap_up 1");
	assert_int_equal(count("ringtap_events_total"), 0); /* nothing to report before the loop runs */
	assert_int_equal(count("ringtap_snapshot_age_seconds"), 0);

	s.have_kernel = 0; /* replay: no kernel counters at all, not zeros */
	format_ok(&s, &info);
	assert_int_equal(count("ringtap_kernel_"), 0);
	assert_line("ringtap_events_total{type=\"open\"} 93");
}

static void test_too_small_buffer(void **state)
{
	(void)state;
	struct metrics_snapshot s;
	char small[256];

	sample_snapshot(&s);
	assert_int_equal(metrics_text_format(&s, &info, small, sizeof(small)), -ENOSPC);
}

/* The fullest snapshot possible fits METRICS_TEXT_MAX. */
static void test_largest_snapshot_fits(void **state)
{
	(void)state;
	static struct metrics_snapshot s;
	static char names[SINK_MAX_COUNTERS][64];

	memset(&s, 0xff, sizeof(s));
	s.have_kernel = 1;
	s.n_sinks = METRICS_MAX_SINKS;
	for (size_t c = 0; c < SINK_MAX_COUNTERS; c++)
		snprintf(names[c], sizeof(names[c]), "some_rather_long_sink_counter_name_%02zu", c);
	for (size_t i = 0; i < METRICS_MAX_SINKS; i++) {
		memset(s.sinks[i].name, 'x', sizeof(s.sinks[i].name) - 1);
		s.sinks[i].name[sizeof(s.sinks[i].name) - 1] = '\0';
		s.sinks[i].n_counters = SINK_MAX_COUNTERS;
		for (size_t c = 0; c < SINK_MAX_COUNTERS; c++)
			s.sinks[i].counters[c] = (struct sink_counter){
				names[c], "A help text of a realistic length for one counter of a sink.", 0, UINT64_MAX };
	}
	assert_true(metrics_text_format(&s, &info, text, sizeof(text)) > 0);
}

/* A sink with counters(), to see the generic path end to end. */
struct counting_sink {
	struct event_sink base;
	uint64_t seen;
};

static int counting_emit(struct event_sink *s, const Ringtap__V1__Event *ev)
{
	(void)ev;
	((struct counting_sink *)s)->seen++;
	return ((struct counting_sink *)s)->seen == 2 ? -EIO : 0; /* the second one fails */
}

static size_t counting_counters(struct event_sink *s, struct sink_counter *out, size_t max)
{
	assert_true(max >= 1);
	out[0] = (struct sink_counter){ "test_seen", "Events seen.", 0, ((struct counting_sink *)s)->seen };
	return 1;
}

static const struct event_sink_ops counting_ops = {
	.name = "counting", .emit = counting_emit, .counters = counting_counters,
};
static const struct event_sink_ops plain_ops = { .name = "plain", .emit = counting_emit };

static void test_fill_from_pipeline(void **state)
{
	(void)state;
	struct counting_sink a = { .base.ops = &counting_ops }, b = { .base.ops = &plain_ops };
	struct event_sink *sinks[] = { &a.base, &b.base };
	struct pipeline *p = calloc(1, sizeof(*p));
	struct metrics_snapshot *snap = calloc(1, sizeof(*snap));
	struct source_type_stats kernel[RT_EVENT_MAX] = { [RT_EVENT_CONNECT] = { 10, 2, 1, 3 } };
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	Ringtap__V1__Header hdr = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Exec exec = RINGTAP__V1__EXEC__INIT;
	struct source_item item = { .event = &ev };

	assert_int_equal(pipeline_init(p, sinks, 2, "node-a"), 0);
	ev.header = &hdr;
	ev.body_case = RINGTAP__V1__EVENT__BODY_EXEC;
	ev.exec = &exec;
	for (int i = 0; i < 3; i++)
		assert_int_equal(pipeline_on_item(p, &item), 0);
	struct source_item junk = { .raw = "xx", .raw_len = 2 };
	assert_int_equal(pipeline_on_item(p, &junk), 0);

	metrics_snapshot_fill(snap, p, kernel, 7);
	assert_int_equal(snap->have_kernel, 1);
	assert_int_equal(snap->kernel[RT_EVENT_CONNECT].dropped, 2);
	assert_int_equal(snap->events[RT_EVENT_EXEC], 3);
	assert_int_equal(snap->decode_errors, 1);
	assert_int_equal(snap->policy_generation, 7);
	assert_int_equal(snap->n_sinks, 2);
	assert_string_equal(snap->sinks[0].name, "counting");
	assert_int_equal(snap->sinks[0].emit_errors, 1);
	assert_int_equal(snap->sinks[0].n_counters, 1);
	assert_int_equal(snap->sinks[0].counters[0].value, 3);
	assert_string_equal(snap->sinks[1].name, "plain");
	assert_int_equal(snap->sinks[1].n_counters, 0);

	format_ok(snap, &info);
	assert_line("ringtap_sink_test_seen_total{sink=\"counting\",index=\"0\"} 3");
	assert_line("ringtap_events_total{type=\"exec\"} 3");
	assert_line("ringtap_kernel_events_dropped_total{type=\"connect\"} 2");
	/* replayed events skip the process table: it exists, untouched */
	assert_line("ringtap_process_table_lookups_total{result=\"hit\"} 0");
	assert_line("ringtap_process_table_lookups_total{result=\"miss\"} 0");
	assert_line("ringtap_process_table_capacity 4096");

	metrics_snapshot_fill(snap, p, NULL, 0);
	assert_int_equal(snap->have_kernel, 0);
	pipeline_fini(p);
	free(p);
	free(snap);
}

static void test_kafka_counters_op(void **state)
{
	(void)state;
	struct sink_counter c[SINK_MAX_COUNTERS];
	struct event_sink *s = NULL;
	char err[256];
	struct sink_options opts = { 0 };

	/* A kafka sink can be created without a reachable broker (librdkafka
	 * connects lazily); its counters start at zero. */
	assert_int_equal(sink_options_add(&opts, "brokers", "127.0.0.1:1", "test"), 0);
	assert_int_equal(sink_options_add(&opts, "spool.enabled", "false", "test"), 0);
	(void)err;
	assert_int_equal(sink_kafka_ops.create(NULL, &opts, &s), 0);
	size_t n = s->ops->counters(s, c, SINK_MAX_COUNTERS);
	assert_true(n >= 6);
	const char *want[] = { "kafka_produced", "kafka_delivered", "kafka_failed", "kafka_queue_full_drops",
			       "kafka_producer_restarts" };
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		size_t i;
		for (i = 0; i < n; i++)
			if (!strcmp(c[i].name, want[w]))
				break;
		if (i == n)
			fail_msg("kafka sink has no counter %s", want[w]);
		assert_int_equal(c[i].value, 0);
		assert_int_equal(c[i].gauge, 0);
	}
	assert_int_equal(s->ops->counters(s, c, 2), 2); /* respects max */
	sink_destroy(s);
	sink_options_clear(&opts);
}

static void test_process_start_time(void **state)
{
	(void)state;
	double t = metrics_process_start_time(), now = (double)time(NULL);

	/* this test process started moments ago */
	assert_true(t <= now + 1);
	assert_true(t > now - 120);
}

static void test_config(void **state)
{
	(void)state;
	struct metrics_config mc;
	struct sink_options o = { 0 };
	char err[256];

	assert_int_equal(metrics_config_load(&mc, NULL, 1000, err, sizeof(err)), 0);
	assert_string_equal(mc.address, "127.0.0.1");
	assert_int_equal(mc.port, 0); /* off unless configured */
	assert_int_equal(mc.stale_after_ms, 10000);
	metrics_config_free(&mc);

	/* An endpoint needs counters published: stats_interval_ms > 0. */
	assert_int_equal(sink_options_add(&o, "port", "9464", "f.yaml:2:9"), 0);
	assert_int_equal(metrics_config_load(&mc, &o, 1000, err, sizeof(err)), 0);
	assert_int_equal(mc.port, 9464);
	metrics_config_free(&mc);
	assert_int_equal(metrics_config_load(&mc, &o, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "stats_interval_ms > 0"));
	metrics_config_free(&mc);
	sink_options_clear(&o);

	assert_int_equal(sink_options_add(&o, "prot", "1", "f.yaml:3:5"), 0);
	assert_int_equal(metrics_config_load(&mc, &o, 1000, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "f.yaml:3:5"));
	assert_non_null(strstr(err, "prot"));
	metrics_config_free(&mc);
	sink_options_clear(&o);

	assert_int_equal(sink_options_add(&o, "stale_after_ms", "1000", "f.yaml:4:5"), 0);
	assert_int_equal(metrics_config_load(&mc, &o, 1000, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "stats_interval_ms"));
	metrics_config_free(&mc);
	sink_options_clear(&o);

	assert_int_equal(sink_options_add(&o, "port", "70000", "f.yaml:5:5"), 0);
	assert_int_equal(metrics_config_load(&mc, &o, 1000, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "0..65535"));
	metrics_config_free(&mc);
	sink_options_clear(&o);

	/* one client address gets a few connections, never all of them */
	assert_int_equal(metrics_config_load(&mc, NULL, 1000, err, sizeof(err)), 0);
	assert_int_equal(mc.max_connections_per_ip, 4);
	assert_true(mc.max_connections_per_ip < mc.max_connections);
	metrics_config_free(&mc);
	assert_int_equal(sink_options_add(&o, "max_connections_per_ip", "17", "f.yaml:6:5"), 0);
	assert_int_equal(metrics_config_load(&mc, &o, 1000, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "f.yaml:6:5"));
	assert_non_null(strstr(err, "max_connections_per_ip must be 1..max_connections (16)"));
	metrics_config_free(&mc);
	sink_options_clear(&o);
	assert_int_equal(sink_options_add(&o, "max_connections_per_ip", "0", "f.yaml:7:5"), 0);
	assert_int_equal(metrics_config_load(&mc, &o, 1000, err, sizeof(err)), -EINVAL);
	metrics_config_free(&mc);
	sink_options_clear(&o);
}

static void test_daemon_config_section(void **state)
{
	(void)state;
	char path[] = "/tmp/ringtap-metrics-cfg-XXXXXX", err[512];
	const char *yaml = "stats_interval_ms: 500\nmetrics:\n  address: 0.0.0.0\n  port: 9100\n  stale_after_ms: 3000\n";
	struct daemon_config cfg;
	struct metrics_config mc;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	assert_int_equal(daemon_config_defaults(&cfg), 0);
	if (daemon_config_load(path, &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	unlink(path);
	if (metrics_config_load(&mc, &cfg.metrics, cfg.stats_interval_ms, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(mc.address, "0.0.0.0");
	assert_int_equal(mc.port, 9100);
	assert_int_equal(mc.stale_after_ms, 3000);
	metrics_config_free(&mc);
	daemon_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_families_well_formed),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_unpublished_and_replay),
		cmocka_unit_test(test_too_small_buffer),
		cmocka_unit_test(test_largest_snapshot_fits),
		cmocka_unit_test(test_fill_from_pipeline),
		cmocka_unit_test(test_kafka_counters_op),
		cmocka_unit_test(test_process_start_time),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_daemon_config_section),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
