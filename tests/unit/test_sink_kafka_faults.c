/* Kafka sink under faults injected with librdkafka's mock cluster: request
 * errors, a broker down past message.timeout.ms, a fatal producer error, a
 * full queue. Each checks that every event is accounted for:
 *   events = delivered + failed + queue_full_drops + still queued. */
#include <errno.h>
#include <time.h>
#include "../kafka/mock_helpers.h"

static void assert_accounted(const struct sink_kafka *s)
{
	assert_int_equal(s->c.events,
			 s->c.delivered + s->c.failed + s->c.queue_full_drops + s->in_flight);
}

static uint64_t failed_with(const struct sink_kafka *s, rd_kafka_resp_err_t err)
{
	for (int i = 0; i < SINK_KAFKA_MAX_ERRS; i++)
		if (s->c.failed_by[i].n && s->c.failed_by[i].err == err)
			return s->c.failed_by[i].n;
	return 0;
}

static char *summary_text(struct sink_kafka *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sink_kafka_ops.summary(&s->base, f);
	fclose(f);
	return buf;
}

/* Retriable produce errors are retried by the idempotent producer: every
 * event arrives once, in order, nothing is counted as failed. */
static void test_request_errors_are_retried(void **state)
{
	struct sink_options o = { 0 };
	struct consumed got;
	enum { N = 300 };

	(void)state;
	opts_set(&o, "node", "n1", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	rd_kafka_mock_push_request_errors(mock.mc, 0 /* Produce */, 4,
					  RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
					  RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
					  RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
					  RD_KAFKA_RESP_ERR__TRANSPORT);
	emit_opens(s, 1, N);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 20000), 0);
	assert_int_equal(s->c.delivered, N);
	assert_int_equal(s->c.failed, 0);
	assert_accounted(s);

	consume_all(mock.bootstraps, "ringtap.file", 3, N, 10000, &got);
	assert_int_equal(got.n, N); /* no duplicates either */
	uint64_t last = 0;
	for (size_t i = 0; i < got.n; i++) {
		Ringtap__V1__Event *ev =
			ringtap__v1__event__unpack(NULL, got.msgs[i]->len, got.msgs[i]->payload);
		assert_true(ev->header->ts_ns > last);
		last = ev->header->ts_ns;
		ringtap__v1__event__free_unpacked(ev, NULL);
	}
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

/* Broker down longer than message_timeout_ms: every message fails with
 * _MSG_TIMED_OUT, counted, and the summary says so. */
static void test_broker_down_past_timeout_counts_drops(void **state)
{
	struct sink_options o = { 0 };
	enum { N = 50 };

	(void)state;
	opts_set(&o, "message_timeout_ms", "1500", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	rd_kafka_mock_broker_set_down(mock.mc, -1);
	emit_opens(s, 1, N);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 15000), -EIO); /* lost, and said so */
	assert_int_equal(s->c.delivered, 0);
	assert_int_equal(s->c.failed, N);
	assert_int_equal(failed_with(s, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), N);
	assert_accounted(s);
	char *text = summary_text(s);
	assert_non_null(strstr(text, "failed=50 (_MSG_TIMED_OUT=50)"));
	assert_non_null(strstr(text, "not_delivered=0"));
	free(text);
	rd_kafka_mock_broker_set_up(mock.mc, -1);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

/* A fatal error (as librdkafka 2.0.2 raises after broker disconnects): the
 * producer is replaced, counted, and what it held is re-produced in order. */
static void test_fatal_error_recreates_producer(void **state)
{
	struct sink_options o = { 0 };
	struct consumed got;
	enum { N = 200 };

	(void)state;
	opts_set(&o, "node", "n1", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	emit_opens(s, 1, N / 2);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 10000), 0);
	/* Queue the second half while the broker is away, then fail. */
	rd_kafka_mock_broker_set_down(mock.mc, -1);
	emit_opens(s, N / 2 + 1, N / 2);
	assert_int_equal(rd_kafka_test_fatal_error(s->rk, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
						   "injected by test"),
			 0);
	rd_kafka_mock_broker_set_up(mock.mc, -1);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 20000), 0);
	assert_int_equal(s->c.restarts, 1);
	assert_int_equal(s->c.reproduced, N / 2);
	assert_int_equal(s->c.delivered, N);
	assert_int_equal(s->c.failed, 0);
	assert_accounted(s);
	char *text = summary_text(s);
	assert_non_null(strstr(text, "restarts=1"));
	free(text);

	/* The broker never saw the second half before the restart, so no
	 * duplicates here; order per key is kept across the restart. */
	consume_all(mock.bootstraps, "ringtap.file", 3, N, 10000, &got);
	assert_int_equal(got.n, N);
	uint64_t last = 0;
	for (size_t i = 0; i < got.n; i++) {
		Ringtap__V1__Event *ev =
			ringtap__v1__event__unpack(NULL, got.msgs[i]->len, got.msgs[i]->payload);
		assert_true(ev->header->ts_ns > last);
		last = ev->header->ts_ns;
		ringtap__v1__event__free_unpacked(ev, NULL);
	}
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

/* A fatal error while messages are on the wire: nothing is lost; what the
 * old producer could not confirm is re-sent (duplicates allowed, same ce_id). */
static void test_fatal_error_with_messages_in_flight(void **state)
{
	struct sink_options o = { 0 };
	struct consumed got;
	char buf[128];
	enum { N = 500 };

	(void)state;
	opts_set(&o, "node", "n1", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	emit_opens(s, 1, N);
	assert_int_equal(rd_kafka_test_fatal_error(s->rk, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
						   "injected by test"),
			 0);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 20000), 0);
	assert_int_equal(s->c.restarts, 1);
	assert_int_equal(s->c.delivered, N);
	assert_int_equal(s->c.failed, 0);
	assert_accounted(s);

	consume_all(mock.bootstraps, "ringtap.file", 3, N, 10000, &got);
	assert_true(got.n >= N);
	assert_true(got.n <= N + s->c.reproduced);
	char *text = summary_text(s);
	print_message("%s; %zu messages in the topic\n", text, got.n);
	free(text);
	char **ids = calloc(N + 1, sizeof(*ids));
	for (size_t i = 0; i < got.n; i++) {
		Ringtap__V1__Event *ev =
			ringtap__v1__event__unpack(NULL, got.msgs[i]->len, got.msgs[i]->payload);
		uint64_t seq = ev->header->ts_ns;
		const char *id = header(got.msgs[i], "ce_id", buf, sizeof(buf));
		if (ids[seq])
			assert_string_equal(ids[seq], id); /* a duplicate keeps its ce_id */
		else
			ids[seq] = strdup(id);
		ringtap__v1__event__free_unpacked(ev, NULL);
	}
	for (size_t i = 1; i <= N; i++) {
		assert_non_null(ids[i]); /* every event arrived */
		free(ids[i]);
	}
	free(ids);
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A full queue makes emit() wait at most queue_full_wait_ms, then drop and
 * count; what is still queued at exit is reported as not delivered, and the
 * summary's lost count is every event not delivered. */
static void test_queue_full_drops_and_counts(void **state)
{
	struct sink_options o = { 0 };
	enum { QUEUE = 20, N = 60 };

	(void)state;
	opts_set(&o, "queue_max_messages", "20", "queue_full_wait_ms", "20", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	rd_kafka_mock_broker_set_down(mock.mc, -1);
	int64_t slowest = 0;
	struct test_event t;
	for (uint64_t i = 1; i <= N; i++) {
		test_event_init(&t, i, 1, NULL);
		int64_t t0 = mono_ms();
		assert_int_equal(sink_kafka_ops.emit(&s->base, &t.ev), 0);
		if (mono_ms() - t0 > slowest)
			slowest = mono_ms() - t0;
	}
	/* Bounded, not blocked: generous against a loaded machine. */
	assert_true(slowest < 2000);
	assert_int_equal(s->c.produced, QUEUE);
	assert_int_equal(s->c.queue_full_drops, N - QUEUE);
	assert_int_equal(s->in_flight, QUEUE);
	assert_accounted(s);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 200), -ETIMEDOUT);
	char *text = summary_text(s);
	assert_non_null(strstr(text, "queue_full_drops=40"));
	assert_non_null(strstr(text, "not_delivered=20"));
	assert_non_null(strstr(text, "lost=60"));
	free(text);
	sink_kafka_ops.destroy(&s->base);
	rd_kafka_mock_broker_set_up(mock.mc, -1);
	sink_options_clear(&o);
}

static int64_t emit_timed(struct sink_kafka *s, uint64_t first, uint64_t n)
{
	struct test_event t;
	int64_t t0 = mono_ms();

	for (uint64_t i = first; i < first + n; i++) {
		test_event_init(&t, i, 1, NULL);
		assert_int_equal(sink_kafka_ops.emit(&s->base, &t.ev), 0);
	}
	return mono_ms() - t0;
}

/* An outage costs the caller one bounded wait per stall, not one per event:
 * once the queue stayed full for queue_full_wait_ms, the following events
 * are dropped at once (counted) until a delivery report frees room; then the
 * next stall waits once again. */
static void test_queue_full_one_wait_per_stall(void **state)
{
	struct sink_options o = { 0 };
	enum { QUEUE = 20, WAIT_MS = 300 };

	(void)state;
	opts_set(&o, "queue_max_messages", "20", "queue_full_wait_ms", "300",
		 "message_timeout_ms", "1500", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	rd_kafka_mock_broker_set_down(mock.mc, -1);

	/* 80 events find the queue full: one wait, not 80 (24 s). */
	int64_t ms = emit_timed(s, 1, QUEUE + 80);
	print_message("100 events into a queue of 20 took %lld ms\n", (long long)ms);
	assert_true(ms >= WAIT_MS - 10); /* the one wait did happen */
	assert_true(ms < 3 * WAIT_MS);   /* generous against a loaded machine */
	assert_int_equal(s->c.stalls, 1);
	assert_int_equal(s->c.produced, QUEUE);
	assert_int_equal(s->c.queue_full_drops, 80);
	assert_accounted(s);

	/* The queued messages time out: their delivery reports free room. */
	int64_t until = mono_ms() + 15000;
	while (s->in_flight && mono_ms() < until) {
		sink_kafka_ops.poll(&s->base);
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000000 }, NULL);
	}
	assert_int_equal(s->in_flight, 0);
	assert_int_equal(failed_with(s, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), QUEUE);

	/* Room again: the queue takes 20 more, then a second stall, one wait. */
	ms = emit_timed(s, 101, QUEUE + 30);
	assert_true(ms < 3 * WAIT_MS);
	assert_int_equal(s->c.stalls, 2);
	assert_int_equal(s->c.produced, 2 * QUEUE);
	assert_int_equal(s->c.queue_full_drops, 80 + 30);
	assert_accounted(s);

	/* Every event not delivered is lost, and the summary says how many. */
	assert_int_equal(sink_kafka_ops.flush(&s->base, 100), -ETIMEDOUT);
	char *text = summary_text(s);
	char want[64];
	snprintf(want, sizeof(want), "lost=%llu", (unsigned long long)(s->c.events - s->c.delivered));
	print_message("%s\n", text);
	assert_non_null(strstr(text, "delivered=0 "));
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "stalls=2 "));
	free(text);
	sink_kafka_ops.destroy(&s->base);
	rd_kafka_mock_broker_set_up(mock.mc, -1);
	sink_options_clear(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_request_errors_are_retried, mock_setup, mock_teardown),
		cmocka_unit_test_setup_teardown(test_broker_down_past_timeout_counts_drops, mock_setup, mock_teardown),
		cmocka_unit_test_setup_teardown(test_fatal_error_recreates_producer, mock_setup, mock_teardown),
		cmocka_unit_test_setup_teardown(test_fatal_error_with_messages_in_flight, mock_setup, mock_teardown),
		cmocka_unit_test_setup_teardown(test_queue_full_drops_and_counts, mock_setup, mock_teardown),
		cmocka_unit_test_setup_teardown(test_queue_full_one_wait_per_stall, mock_setup, mock_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
