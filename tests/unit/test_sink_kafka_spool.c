/* The Kafka sink with its disk spool, against librdkafka's mock cluster:
 * events wait on disk while the broker is down and arrive in order when it is
 * back; an unusable directory falls back to the in-memory queue; records
 * past spool.max_age_s are given up, counted and reported in a Drop record. */
#include <errno.h>
#include <time.h>
#include "../kafka/mock_helpers.h"

static struct mock mock;
static char dir[64];

static int setup(void **state)
{
	(void)state;
	mock_start(&mock, 3);
	strcpy(dir, "/tmp/ringtap-kspool.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	mock_stop(&mock);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void poll_for(struct sink_kafka *s, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		sink_kafka_ops.poll(&s->base);
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000000 }, NULL);
	}
}

static void assert_accounted(const struct sink_kafka *s)
{
	assert_int_equal(s->c.events + s->sp.drop_records,
			 s->c.delivered + s->c.failed + s->c.queue_full_drops + s->c.spool_full_drops +
				 s->c.expired + s->sp.pending);
}

static void test_outage_waits_on_disk_in_order(void **state)
{
	struct sink_options o = { 0 };
	struct consumed got;
	enum { N = 3000 };

	(void)state;
	opts_set(&o, "node", "n1", "spool.dir", dir, "spool.high_water", "100", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	assert_non_null(s->sp.spool);
	rd_kafka_mock_broker_set_down(mock.mc, -1);
	emit_opens(s, 1, N);
	poll_for(s, 200);
	/* Memory holds high_water messages; the rest waits on disk. */
	assert_true(s->in_flight <= 100);
	assert_true(s->sp.spooled >= N - 100);
	assert_int_equal(s->sp.pending, N);
	assert_int_equal(s->c.queue_full_drops, 0);
	assert_accounted(s);
	rd_kafka_mock_broker_set_up(mock.mc, -1);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 30000), 0);
	assert_int_equal(s->c.delivered, N);
	assert_int_equal(s->sp.pending, 0);
	assert_accounted(s);

	consume_all(mock.bootstraps, "ringtap.file", 3, N, 10000, &got);
	assert_int_equal(got.n, N);
	uint64_t last[3] = { 0 };
	for (size_t i = 0; i < got.n; i++) {
		Ringtap__V1__Event *ev =
			ringtap__v1__event__unpack(NULL, got.msgs[i]->len, got.msgs[i]->payload);
		int p = got.msgs[i]->partition;
		assert_true(ev->header->ts_ns > last[p]); /* per partition (per key): in order */
		last[p] = ev->header->ts_ns;
		ringtap__v1__event__free_unpacked(ev, NULL);
	}
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

static void test_unusable_dir_falls_back_to_memory(void **state)
{
	struct sink_options o = { 0 };

	(void)state;
	opts_set(&o, "spool.dir", "/proc/ringtap-no-such-dir", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	assert_null(s->sp.spool);
	emit_opens(s, 1, 10);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 10000), 0);
	assert_int_equal(s->c.delivered, 10);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

static void test_max_age_gives_up_and_reports(void **state)
{
	struct sink_options o = { 0 };
	struct consumed got;
	enum { N = 1500 };

	(void)state;
	/* 512 KiB: 64 KiB segments, so the backlog spans several. */
	opts_set(&o, "node", "n1", "spool.dir", dir, "spool.high_water", "10", "spool.max_bytes",
		 "512KiB", "spool.max_age_s", "1", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	rd_kafka_mock_broker_set_down(mock.mc, -1);
	emit_opens(s, 1, N);
	nanosleep(&(struct timespec){ .tv_sec = 1, .tv_nsec = 300 * 1000000 }, NULL);
	poll_for(s, 100);
	assert_true(s->c.expired > 0);
	assert_true(s->c.expired < N);
	assert_int_equal(s->sp.drop_records, 1);
	assert_accounted(s);
	rd_kafka_mock_broker_set_up(mock.mc, -1);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 30000), -EIO); /* events were given up */
	assert_int_equal(s->c.delivered, N - s->c.expired + 1);
	assert_accounted(s);

	consume_all(mock.bootstraps, "ringtap.sensor", 3, 1, 10000, &got);
	assert_int_equal(got.n, 1);
	Ringtap__V1__Event *ev = ringtap__v1__event__unpack(NULL, got.msgs[0]->len, got.msgs[0]->payload);
	assert_int_equal(ev->body_case, RINGTAP__V1__EVENT__BODY_DROP);
	assert_string_equal(ev->drop->reason, "spool_max_age");
	assert_int_equal(ev->drop->dropped, s->c.expired);
	ringtap__v1__event__free_unpacked(ev, NULL);
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outage_waits_on_disk_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unusable_dir_falls_back_to_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_age_gives_up_and_reports, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
