/* The metrics HTTP endpoint over real sockets, fetched with libcurl:
 * /metrics text and headers, /healthz going stale and recovering, /readyz
 * before and after the first snapshot, 404/405/HEAD, the connection limit
 * against idle sockets, a burst of concurrent clients, and slow clients
 * (one byte every 2 s) that must not keep the probes from answering. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "metrics/metrics_server.h"

struct fetch {
	long status;
	CURLcode rc;
	char body[64 * 1024];
	size_t len;
	char content_type[128];
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct fetch *f = ctx;
	size_t len = size * n;

	if (f->len + len >= sizeof(f->body))
		return 0;
	memcpy(f->body + f->len, p, len);
	f->len += len;
	f->body[f->len] = '\0';
	return len;
}

static CURL *request(struct metrics_server *m, const char *method, const char *path, struct fetch *f)
{
	char url[128];
	CURL *c = curl_easy_init();

	assert_non_null(c);
	memset(f, 0, sizeof(*f));
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", metrics_server_port(m), path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (!strcmp(method, "POST"))
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "x=1");
	else if (strcmp(method, "GET"))
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	return c;
}

static void finish(CURL *c, struct fetch *f)
{
	char *ct = NULL;

	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(f->content_type, sizeof(f->content_type), "%s", ct);
	curl_easy_cleanup(c);
}

static struct fetch *fetch(struct metrics_server *m, const char *method, const char *path)
{
	static struct fetch f;
	CURL *c = request(m, method, path, &f);

	f.rc = curl_easy_perform(c);
	finish(c, &f);
	return &f;
}

static struct metrics_server *start(int64_t stale_ms, int64_t max_conn)
{
	struct metrics_config cfg = {
		.address = "127.0.0.1", .port = -1, .stale_after_ms = stale_ms,
		.max_connections = max_conn, .timeout_ms = 2000,
	};
	struct metrics_server *m = NULL;

	assert_int_equal(metrics_server_start(&cfg, &m), 0);
	assert_non_null(m);
	assert_true(metrics_server_port(m) > 0);
	return m;
}

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 }, NULL);
}

static struct metrics_snapshot *sample(void)
{
	static struct metrics_snapshot s;

	memset(&s, 0, sizeof(s));
	s.have_kernel = 1;
	s.kernel[RT_EVENT_OPEN].dropped = 42;
	s.events[RT_EVENT_EXEC] = 12;
	s.policy_generation = 2;
	s.n_sinks = 1;
	snprintf(s.sinks[0].name, sizeof(s.sinks[0].name), "kafka");
	s.sinks[0].n_counters = 1;
	s.sinks[0].counters[0] = (struct sink_counter){ "kafka_producer_restarts", "Restarts.", 0, 1 };
	return &s;
}

static void test_metrics_and_probes(void **state)
{
	(void)state;
	struct metrics_server *m = start(10000, 8);
	struct fetch *f;

	f = fetch(m, "GET", "/readyz");
	assert_int_equal(f->rc, CURLE_OK);
	assert_int_equal(f->status, 503);
	assert_non_null(strstr(f->body, "not ready"));
	f = fetch(m, "GET", "/healthz"); /* just started: not stale yet */
	assert_int_equal(f->status, 200);
	f = fetch(m, "GET", "/metrics");
	assert_int_equal(f->status, 200);
	assert_non_null(strstr(f->body, "\nringtap_up 1\n"));
	assert_null(strstr(f->body, "ringtap_events_total"));

	metrics_publish(m, sample());
	f = fetch(m, "GET", "/readyz");
	assert_int_equal(f->status, 200);
	assert_string_equal(f->body, "ready\n");
	f = fetch(m, "GET", "/metrics");
	assert_int_equal(f->status, 200);
	assert_string_equal(f->content_type, "text/plain; version=0.0.4; charset=utf-8");
	assert_non_null(strstr(f->body, "\nringtap_kernel_events_dropped_total{type=\"open\"} 42\n"));
	assert_non_null(strstr(f->body, "\nringtap_events_total{type=\"exec\"} 12\n"));
	assert_non_null(strstr(f->body, "\nringtap_policy_generation 2\n"));
	assert_non_null(strstr(f->body, "\nringtap_sink_kafka_producer_restarts_total{sink=\"kafka\",index=\"0\"} 1\n"));
	assert_non_null(strstr(f->body, "ringtap_build_info{version=\"" RINGTAP_VERSION "\"} 1\n"));
	assert_non_null(strstr(f->body, "# TYPE ringtap_kernel_events_dropped_total counter\n"));

	/* a newer snapshot replaces the old one */
	struct metrics_snapshot *newer = sample();
	newer->kernel[RT_EVENT_OPEN].dropped = 43;
	metrics_publish(m, newer);
	f = fetch(m, "GET", "/metrics");
	assert_non_null(strstr(f->body, "\nringtap_kernel_events_dropped_total{type=\"open\"} 43\n"));
	metrics_server_stop(m);
}

static void test_healthz_goes_stale(void **state)
{
	(void)state;
	struct metrics_server *m = start(800, 8);
	struct fetch *f;

	sleep_ms(1000); /* never published: stale counted from the start */
	f = fetch(m, "GET", "/healthz");
	assert_int_equal(f->status, 503);
	assert_non_null(strstr(f->body, "none since start"));

	metrics_publish(m, sample());
	f = fetch(m, "GET", "/healthz");
	assert_int_equal(f->status, 200);
	assert_string_equal(f->body, "ok\n");

	sleep_ms(1000); /* the main loop stopped publishing */
	f = fetch(m, "GET", "/healthz");
	assert_int_equal(f->status, 503);
	assert_non_null(strstr(f->body, "published no counters for"));
	assert_non_null(strstr(f->body, "limit 0.8 s"));
	assert_int_equal(strchr(f->body, '\n') - f->body + 1, (long)strlen(f->body)); /* one line */
	f = fetch(m, "GET", "/readyz"); /* readiness is about startup, not liveness */
	assert_int_equal(f->status, 200);

	metrics_publish(m, sample());
	f = fetch(m, "GET", "/healthz");
	assert_int_equal(f->status, 200);
	metrics_server_stop(m);
}

static void test_methods_and_paths(void **state)
{
	(void)state;
	struct metrics_server *m = start(10000, 8);
	struct fetch *f;

	f = fetch(m, "GET", "/");
	assert_int_equal(f->status, 404);
	f = fetch(m, "GET", "/metrics/x");
	assert_int_equal(f->status, 404);
	f = fetch(m, "POST", "/metrics");
	assert_int_equal(f->status, 405);
	f = fetch(m, "DELETE", "/healthz");
	assert_int_equal(f->status, 405);
	f = fetch(m, "HEAD", "/metrics");
	assert_int_equal(f->rc, CURLE_OK);
	assert_int_equal(f->status, 200);
	assert_int_equal(f->len, 0);
	f = fetch(m, "HEAD", "/readyz");
	assert_int_equal(f->status, 503);
	metrics_server_stop(m);
}

static int connect_idle(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Idle connections hold the server's slots; beyond the limit it accepts
 * nothing more (new clients wait in the kernel's listen backlog, costing the
 * daemon nothing) and serves them once a slot frees. */
static void test_connection_limit(void **state)
{
	(void)state;
	struct metrics_server *m = start(10000, 3);
	int idle[3];
	struct fetch *f;

	for (int i = 0; i < 3; i++)
		idle[i] = connect_idle(metrics_server_port(m));
	sleep_ms(100); /* let the server accept them */
	static struct fetch waiting;
	CURL *c = request(m, "GET", "/healthz", &waiting);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 500L);
	waiting.rc = curl_easy_perform(c);
	finish(c, &waiting);
	assert_int_equal(waiting.rc, CURLE_OPERATION_TIMEDOUT); /* not served: no slot */
	assert_int_equal(waiting.status, 0);
	assert_int_equal(metrics_server_peak_connections(m), 3);
	for (int i = 0; i < 3; i++)
		close(idle[i]);
	f = fetch(m, "GET", "/healthz");
	assert_int_equal(f->rc, CURLE_OK);
	assert_int_equal(f->status, 200);
	metrics_server_stop(m);
}

/* An idle client is disconnected after the timeout, freeing its slot. */
static void test_idle_timeout(void **state)
{
	(void)state;
	struct metrics_server *m = start(10000, 1);
	int fd = connect_idle(metrics_server_port(m));
	char c;

	/* the server closes it after timeout_ms (2 s): read sees EOF */
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(read(fd, &c, 1), 0);
	close(fd);
	struct fetch *f = fetch(m, "GET", "/healthz");
	assert_int_equal(f->status, 200);
	metrics_server_stop(m);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A client at source address from (127.0.0.x: all of 127/8 is local) that
 * has sent nothing yet. -1 if the server refused at once. */
static int connect_from(const char *from, uint16_t port)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(inet_pton(AF_INET, from, &src.sin_addr), 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Has the server closed (or reset) this connection? */
static int closed_by_server(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	char c;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

static struct metrics_server *start_with_defaults(void)
{
	struct metrics_config cfg;
	struct metrics_server *m = NULL;
	char err[256];

	/* the defaults a deployment gets (16 connections, 5 s timeout, ...) */
	assert_int_equal(metrics_config_load(&cfg, NULL, 1000, err, sizeof(err)), 0);
	cfg.port = -1;
	assert_int_equal(metrics_server_start(&cfg, &m), 0);
	metrics_config_free(&cfg);
	return m;
}

#define SLOW_CLIENTS 16
#define SLOW_REQUEST "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"

/* Item 4 of issue 8: a pod (one address, 127.0.0.2 here) keeps 16
 * connections open, sending one byte every 2 s and reconnecting whenever
 * the server drops one. Throughout, /healthz from another address (the
 * kubelet's, 127.0.0.1) answers within 1 s, every time. */
static void test_slow_clients_do_not_starve_probes(void **state)
{
	(void)state;
	struct metrics_server *m = start_with_defaults();
	uint16_t port = metrics_server_port(m);
	int fd[SLOW_CLIENTS], sent[SLOW_CLIENTS] = { 0 }, probes = 0, reconnects = 0;
	int64_t end = now_ms() + 12000, next_byte = 0, worst = 0;

	metrics_publish(m, sample());
	for (int i = 0; i < SLOW_CLIENTS; i++)
		fd[i] = connect_from("127.0.0.2", port);
	while (now_ms() < end) {
		if (now_ms() >= next_byte) {
			for (int i = 0; i < SLOW_CLIENTS; i++) {
				if (fd[i] >= 0 && closed_by_server(fd[i])) {
					close(fd[i]);
					fd[i] = -1;
				}
				if (fd[i] < 0) { /* the attacker comes straight back */
					fd[i] = connect_from("127.0.0.2", port);
					sent[i] = 0;
					reconnects++;
				}
				if (fd[i] >= 0 && send(fd[i], SLOW_REQUEST + sent[i] % (sizeof(SLOW_REQUEST) - 1), 1,
						       MSG_NOSIGNAL) == 1)
					sent[i]++;
			}
			next_byte = now_ms() + 2000;
		}
		metrics_publish(m, sample()); /* the main loop keeps running */
		static struct fetch probe;
		CURL *c = request(m, "GET", "/healthz", &probe);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
		int64_t t0 = now_ms();
		probe.rc = curl_easy_perform(c);
		finish(c, &probe);
		if (now_ms() - t0 > worst)
			worst = now_ms() - t0;
		if (probe.rc != CURLE_OK || probe.status != 200)
			fail_msg("probe %d: /healthz did not answer 200 within 1 s (curl: %s, status %ld) while %d slow "
				 "clients held connections", probes + 1, curl_easy_strerror(probe.rc), probe.status,
				 SLOW_CLIENTS);
		probes++;
		sleep_ms(250);
	}
	print_message("%d probes answered (slowest %lld ms) against %d slow clients (%d reconnects)\n", probes,
		      (long long)worst, SLOW_CLIENTS, reconnects);
	assert_true(probes >= 20);
	for (int i = 0; i < SLOW_CLIENTS; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	metrics_server_stop(m);
}

/* A client that never finishes its request (a byte every 400 ms, so the
 * 2 s idle timeout never fires) is cut after timeout_ms all the same. */
static void test_slow_request_hits_deadline(void **state)
{
	(void)state;
	struct metrics_server *m = start(10000, 4);
	int fd = connect_from("127.0.0.1", metrics_server_port(m));
	int64_t t0 = now_ms(), cut_at = -1;
	size_t i = 0;

	assert_true(fd >= 0);
	while (now_ms() - t0 < 6000 && cut_at < 0) {
		if (closed_by_server(fd))
			cut_at = now_ms() - t0;
		else if (send(fd, SLOW_REQUEST + i++ % (sizeof(SLOW_REQUEST) - 1), 1, MSG_NOSIGNAL) != 1)
			cut_at = now_ms() - t0;
		else
			sleep_ms(400);
	}
	close(fd);
	if (cut_at < 0)
		fail_msg("a request trickled for 6 s was never cut (timeout_ms 2000)");
	print_message("slow request cut after %lld ms (timeout_ms 2000)\n", (long long)cut_at);
	assert_true(cut_at >= 1500);
	assert_true(cut_at <= 3500);
	metrics_server_stop(m);
}

/* Beyond max_connections_per_ip, one address's connections are closed at
 * once while another address is still served. */
static void test_per_ip_limit(void **state)
{
	(void)state;
	struct metrics_config cfg = {
		.address = "127.0.0.1", .port = -1, .stale_after_ms = 10000,
		.max_connections = 8, .max_connections_per_ip = 2, .timeout_ms = 5000,
	};
	struct metrics_server *m = NULL;
	int held[2], extra;
	struct fetch *f;

	assert_int_equal(metrics_server_start(&cfg, &m), 0);
	for (int i = 0; i < 2; i++)
		held[i] = connect_from("127.0.0.3", metrics_server_port(m));
	sleep_ms(100);
	extra = connect_from("127.0.0.3", metrics_server_port(m));
	if (extra >= 0) {
		struct timeval tv = { .tv_sec = 2 };
		char c;
		setsockopt(extra, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		ssize_t r = recv(extra, &c, 1, 0);
		/* closed (EOF or reset), not left waiting for the timeout */
		assert_true(r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK));
		close(extra);
	}
	f = fetch(m, "GET", "/healthz");
	assert_int_equal(f->rc, CURLE_OK);
	assert_int_equal(f->status, 200);
	for (int i = 0; i < 2; i++)
		close(held[i]);
	metrics_server_stop(m);
}

#define BURST 64

/* Many clients at once against a small limit: some are refused, none
 * hang, every answer is whole, and the server keeps serving. */
static void test_concurrent_burst(void **state)
{
	(void)state;
	struct metrics_server *m = start(10000, 4);
	static struct fetch f[BURST];
	CURL *c[BURST];
	CURLM *multi = curl_multi_init();
	int running = 0, ok = 0, refused = 0;

	metrics_publish(m, sample());
	for (int i = 0; i < BURST; i++) {
		c[i] = request(m, "GET", i % 2 ? "/metrics" : "/healthz", &f[i]);
		curl_multi_add_handle(multi, c[i]);
	}
	do {
		assert_int_equal(curl_multi_perform(multi, &running), CURLM_OK);
		if (running)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	} while (running);
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(multi, &left)))
		for (int i = 0; i < BURST; i++)
			if (msg->easy_handle == c[i])
				f[i].rc = msg->data.result;
	for (int i = 0; i < BURST; i++) {
		curl_multi_remove_handle(multi, c[i]);
		finish(c[i], &f[i]);
		if (f[i].rc == CURLE_OK) {
			assert_int_equal(f[i].status, 200);
			if (i % 2)
				assert_non_null(strstr(f[i].body, "ringtap_events_total{type=\"exec\"} 12\n"));
			ok++;
		} else {
			assert_int_not_equal(f[i].rc, CURLE_OPERATION_TIMEDOUT);
			refused++;
		}
	}
	curl_multi_cleanup(multi);
	print_message("burst of %d clients: %d served, %d failed, at most %u connections at once\n", BURST, ok,
		      refused, metrics_server_peak_connections(m));
	assert_true(ok >= 1);
	assert_true(metrics_server_peak_connections(m) >= 2); /* it did serve concurrently */
	assert_true(metrics_server_peak_connections(m) <= 4); /* never above the limit */
	struct fetch *after = fetch(m, "GET", "/metrics");
	assert_int_equal(after->status, 200);
	metrics_server_stop(m);
}

static void test_start_errors(void **state)
{
	(void)state;
	struct metrics_config cfg = {
		.address = "127.0.0.1", .port = 0, .stale_after_ms = 1000, .max_connections = 4, .timeout_ms = 1000,
	};
	struct metrics_server *m = (void *)1, *other = NULL;

	assert_int_equal(metrics_server_start(&cfg, &m), 0); /* port 0: disabled */
	assert_null(m);
	metrics_publish(NULL, sample()); /* NULL-safe */
	metrics_server_stop(NULL);

	cfg.address = "localhost"; /* numeric only */
	cfg.port = -1;
	assert_int_equal(metrics_server_start(&cfg, &m), -EINVAL);
	assert_null(m);

	cfg.address = "127.0.0.1";
	assert_int_equal(metrics_server_start(&cfg, &m), 0);
	cfg.port = metrics_server_port(m);
	assert_int_equal(metrics_server_start(&cfg, &other), -EADDRINUSE);
	assert_null(other);
	metrics_server_stop(m);

	cfg.address = "::1";
	cfg.port = -1;
	int rc = metrics_server_start(&cfg, &m);
	if (rc == 0) {
		assert_true(metrics_server_port(m) > 0);
		metrics_server_stop(m);
	} else {
		assert_int_equal(rc, -EADDRNOTAVAIL); /* no IPv6 loopback here */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_and_probes),
		cmocka_unit_test(test_healthz_goes_stale),
		cmocka_unit_test(test_methods_and_paths),
		cmocka_unit_test(test_connection_limit),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_concurrent_burst),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test(test_slow_clients_do_not_starve_probes),
		cmocka_unit_test(test_slow_request_hits_deadline),
		cmocka_unit_test(test_per_ip_limit),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
