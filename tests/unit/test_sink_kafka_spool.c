/* The Kafka sink with its disk spool, against librdkafka's mock cluster:
 * events wait on disk while the broker is down and arrive in order when it is
 * back; an unusable directory falls back to the in-memory queue; an idle
 * spool writes nothing; a key without a backlog overtakes another key's;
 * a SIGKILL after a spill loses nothing; records past spool.max_age_s are
 * given up, counted and reported in a Drop record. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../kafka/mock_helpers.h"
#include "sink/spool.h"

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

static void emit_pod(struct sink_kafka *s, uint64_t first, uint64_t n, const char *pod_uid)
{
	struct test_event t;

	for (uint64_t i = first; i < first + n; i++) {
		test_event_init(&t, i, 100, pod_uid);
		assert_int_equal(sink_kafka_ops.emit(&s->base, &t.ev), 0);
	}
}

/* While the broker keeps up, the spool costs nothing: no record, no file. */
static void test_idle_spool_writes_nothing(void **state)
{
	struct sink_options o = { 0 };
	struct spool_stats st;
	enum { N = 5000 };

	(void)state;
	opts_set(&o, "node", "n1", "spool.dir", dir, NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	assert_non_null(s->sp.spool);
	for (int i = 0; i < N / 500; i++) {
		emit_opens(s, 1 + (uint64_t)i * 500, 500);
		poll_for(s, 20);
	}
	assert_int_equal(sink_kafka_ops.flush(&s->base, 30000), 0);
	assert_int_equal(s->c.delivered, N);
	assert_int_equal(s->sp.spooled, 0);
	assert_int_equal(s->sp.spilled, 0);
	spool_stats(s->sp.spool, &st);
	assert_int_equal(st.bytes, 0);
	assert_accounted(s);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

/* After an outage, a key without a backlog does not wait behind another
 * key's: pod B's new events go out while pod A's backlog still drains (at
 * spool.drain_rate), and A's events keep their order. */
static void test_new_key_overtakes_backlog(void **state)
{
	struct sink_options o = { 0 };
	struct consumed got;
	enum { NA = 2000, NB = 200 };

	(void)state;
	opts_set(&o, "node", "n1", "spool.dir", dir, "spool.high_water", "100", "spool.drain_rate",
		 "500", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	rd_kafka_mock_broker_set_down(mock.mc, -1);
	emit_pod(s, 1, NA, "pod-a");
	poll_for(s, 100);
	rd_kafka_mock_broker_set_up(mock.mc, -1);
	/* The producer reconnects (backoff) and the drain starts. */
	for (int i = 0; i < 300 && s->c.delivered < 200; i++)
		poll_for(s, 50);
	assert_true(s->c.delivered >= 200);
	uint64_t spooled = s->sp.spooled;
	for (int i = 0; i < NB / 10; i++) { /* live traffic: 1000/s */
		emit_pod(s, NA + 1 + (uint64_t)i * 10, 10, "pod-b");
		poll_for(s, 10);
	}
	poll_for(s, 300);
	/* B went straight to the producer; A's backlog (4 s at 500/s) is not
	 * drained yet. */
	assert_int_equal(s->sp.spooled, spooled);
	assert_true(s->sp.pending > NA / 2);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 60000), 0);
	assert_int_equal(s->c.delivered, NA + NB);
	assert_accounted(s);

	consume_all(mock.bootstraps, "ringtap.file", 3, NA + NB, 10000, &got);
	assert_int_equal(got.n, NA + NB);
	uint64_t last_a = 0, nb = 0;
	int64_t last_b_ts = 0, last_a_ts = 0;
	for (size_t i = 0; i < got.n; i++) {
		Ringtap__V1__Event *ev =
			ringtap__v1__event__unpack(NULL, got.msgs[i]->len, got.msgs[i]->payload);
		int64_t ts = rd_kafka_message_timestamp(got.msgs[i], NULL);
		if (ev->header->ts_ns <= NA) {
			assert_true(ev->header->ts_ns > last_a); /* A in order */
			last_a = ev->header->ts_ns;
			if (ts > last_a_ts)
				last_a_ts = ts;
		} else {
			nb++;
			if (ts > last_b_ts)
				last_b_ts = ts;
		}
		ringtap__v1__event__free_unpacked(ev, NULL);
	}
	assert_int_equal(last_a, NA);
	assert_int_equal(nb, NB);
	/* Every B event was produced before A's backlog was done: more than a
	 * second before A's last (the drain took ~4 s). */
	assert_true(last_b_ts + 1000 < last_a_ts);
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

/* Events the fast path took are only in memory; once the broker stops
 * confirming (1 s) they are spilled to disk: a SIGKILL then loses none, the
 * next start delivers them (counted as possibly re-sent). */
static void test_killed_after_spill_loses_nothing(void **state)
{
	struct sink_options o = { 0 };
	struct consumed got;
	struct spool_stats st;
	int status;
	enum { N = 50 };

	(void)state;
	opts_set(&o, "node", "n1", "spool.dir", dir, "spool.high_water", "100", NULL);
	rd_kafka_mock_broker_set_down(mock.mc, -1);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
		emit_opens(s, 1, N);
		/* All N in flight, none on disk yet. */
		if (s->sp.spilled || s->sp.spooled || s->in_flight != N)
			_exit(2);
		poll_for(s, 1500);
		if (s->sp.spilled != N || s->sp.pending != N)
			_exit(3);
		raise(SIGKILL);
		_exit(4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status)); /* else: the child's exit code says which check failed */
	rd_kafka_mock_broker_set_up(mock.mc, -1);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	spool_stats(s->sp.spool, &st);
	assert_int_equal(st.recovered, N);
	assert_int_equal(st.resend, N); /* produced before the kill: may have arrived */
	assert_int_equal(sink_kafka_ops.flush(&s->base, 30000), 0);
	assert_int_equal(s->c.delivered, N);
	assert_int_equal(s->sp.pending, 0);
	sink_kafka_ops.destroy(&s->base);

	consume_all(mock.bootstraps, "ringtap.file", 3, N, 10000, &got);
	assert_int_equal(got.n, N);
	consumed_free(&got);
	/* Delivered, the spilled records are gone: a third start finds none. */
	s = kafka_sink_new(mock.bootstraps, &o);
	spool_stats(s->sp.spool, &st);
	assert_int_equal(st.recovered, 0);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outage_waits_on_disk_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unusable_dir_falls_back_to_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_spool_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_key_overtakes_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_after_spill_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_age_gives_up_and_reports, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
