/* The metrics endpoint on real kernel counters: a child overflows a small
 * ring with openat calls, the main loop's steps (drain, read stats, report
 * drops, fill, publish) run once, and what a scraper fetches over HTTP must
 * equal the kernel's own numbers: dropped > 0, emitted + dropped = calls,
 * events handed to the sink = emitted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bpf_test.h"
#include "metrics/metrics_server.h"
#include "pipeline/pipeline.h"

#define CALLS 5000

struct body {
	char text[64 * 1024];
	size_t len;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t len = size * n;

	if (b->len + len >= sizeof(b->text))
		return 0;
	memcpy(b->text + b->len, p, len);
	b->len += len;
	b->text[b->len] = '\0';
	return len;
}

static long get(uint16_t port, const char *path, struct body *b)
{
	char url[128];
	long status = 0;
	CURL *c = curl_easy_init();

	assert_non_null(c);
	memset(b, 0, sizeof(*b));
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	return status;
}

/* The value of one exact series in the exposition, or fail. */
static uint64_t sample(const char *text, const char *series)
{
	char want[256];
	const char *p;

	snprintf(want, sizeof(want), "\n%s ", series);
	p = strstr(text, want);
	if (!p)
		fail_msg("no series %s in:\n%s", series, text);
	return strtoull(p + strlen(want), NULL, 10);
}

static void test_scrape_matches_kernel_counters(void **state)
{
	struct policy_compiled *policy = bpf_test_permissive_policy(1);
	struct source_config cfg = { .ring_bytes = 16384, .policy = policy };
	struct metrics_config mcfg = { .address = "127.0.0.1", .port = -1, .stale_after_ms = 10000,
				       .max_connections = 4, .timeout_ms = 2000 };
	struct source_type_stats st[RT_EVENT_MAX];
	static struct metrics_snapshot snap;
	static struct body b;
	struct metrics_server *ms = NULL;
	struct event_source *src = NULL;
	struct event_sink *null_sink = NULL;
	struct pipeline *p = calloc(1, sizeof(*p));
	int go[2], status, n;
	char c;
	pid_t child;

	(void)state;
	assert_non_null(p);
	assert_non_null(policy);
	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(90);
		for (int i = 0; i < CALLS; i++) {
			int fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
			if (fd < 0)
				_exit(91);
			close(fd);
		}
		_exit(0);
	}
	cfg.target_tgid = child;
	assert_int_equal(source_bpf_ops.create(&cfg, &src), 0);
	assert_int_equal(sink_null_ops.create(NULL, NULL, &null_sink), 0);
	assert_int_equal(pipeline_init(p, &null_sink, 1, "metrics-test"), 0);
	assert_int_equal(metrics_server_start(&mcfg, &ms), 0);
	assert_int_equal(get(metrics_server_port(ms), "/readyz", &b), 503);

	/* The storm runs while nobody drains: the ring overflows. */
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* One turn of the daemon's loop. */
	while ((n = src->ops->read(src, pipeline_on_item, p, 0)) > 0)
		;
	assert_int_equal(n, 0);
	assert_int_equal(src->ops->stats(src, st, RT_EVENT_MAX), 0);
	assert_int_equal(pipeline_report_drops(p, st), 0);
	metrics_snapshot_fill(&snap, p, st, source_bpf_policy_gen(src));
	metrics_publish(ms, &snap);

	assert_int_equal(get(metrics_server_port(ms), "/readyz", &b), 200);
	assert_int_equal(get(metrics_server_port(ms), "/healthz", &b), 200);
	assert_int_equal(get(metrics_server_port(ms), "/metrics", &b), 200);
	uint64_t emitted = sample(b.text, "ringtap_kernel_events_emitted_total{type=\"open\"}");
	uint64_t dropped = sample(b.text, "ringtap_kernel_events_dropped_total{type=\"open\"}");
	uint64_t handed = sample(b.text, "ringtap_events_total{type=\"open\"}");
	printf("# scraped: open emitted %" PRIu64 " dropped %" PRIu64 " handed to sinks %" PRIu64 " of %d calls\n",
	       emitted, dropped, handed, CALLS);
	assert_int_equal(emitted, st[RT_EVENT_OPEN].emitted);
	assert_int_equal(dropped, st[RT_EVENT_OPEN].dropped);
	assert_true(dropped > 0);
	assert_int_equal(emitted + dropped, CALLS);
	assert_int_equal(handed, emitted);
	assert_true(sample(b.text, "ringtap_events_total{type=\"drop\"}") >= 1); /* the in-band Drop record */
	assert_int_equal(sample(b.text, "ringtap_undecodable_records_total"), 0);
	assert_int_equal(sample(b.text, "ringtap_policy_generation"), 1);
	assert_int_equal(sample(b.text, "ringtap_sink_emit_errors_total{sink=\"null\",index=\"0\"}"), 0);

	metrics_server_stop(ms);
	pipeline_fini(p);
	free(p);
	sink_destroy(null_sink);
	source_destroy(src);
	free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scrape_matches_kernel_counters),
	};
	int rc;

	bpf_test_require_or_skip();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
