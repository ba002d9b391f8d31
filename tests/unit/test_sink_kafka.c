/* Kafka sink against librdkafka's mock cluster: what lands in the topics
 * (keys, headers, values, order) and how options are checked. The fault
 * cases are in test_sink_kafka_faults.c. */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include "../kafka/mock_helpers.h"

/* Protobuf values, node key, CloudEvents headers, per-key order. */
static void test_delivers_protobuf_keyed_by_node(void **state)
{
	struct sink_options o = { 0 };
	struct consumed got;
	char buf[128];
	enum { N = 2000 };

	(void)state;
	opts_set(&o, "node", "node-a", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	emit_opens(s, 1, N);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 10000), 0);
	assert_int_equal(s->c.delivered, N);
	assert_int_equal(s->c.failed, 0);

	consume_all(mock.bootstraps, "ringtap.file", 3, N, 10000, &got);
	assert_int_equal(got.n, N);
	uint64_t last_seq = 0;
	int partition = -1;
	char *seen = calloc(N + 1, 1);
	for (size_t i = 0; i < got.n; i++) {
		rd_kafka_message_t *m = got.msgs[i];
		assert_int_equal(m->key_len, strlen("node/node-a"));
		assert_memory_equal(m->key, "node/node-a", m->key_len);
		assert_string_equal(header(m, "ce_type", buf, sizeof(buf)), "ringtap.v1.open");
		assert_string_equal(header(m, "ce_source", buf, sizeof(buf)), "node-a");
		assert_string_equal(header(m, "ce_specversion", buf, sizeof(buf)), "1.0");
		assert_string_equal(header(m, "content-type", buf, sizeof(buf)), "application/x-protobuf");
		assert_non_null(header(m, "ce_dataschema", buf, sizeof(buf)));
		Ringtap__V1__Event *ev = ringtap__v1__event__unpack(NULL, m->len, m->payload);
		assert_non_null(ev);
		assert_int_equal(ev->body_case, RINGTAP__V1__EVENT__BODY_OPEN);
		uint64_t seq = ev->header->ts_ns;
		/* ce_id: the sink's instance in hex, then the emit sequence (the
		 * n-th event emitted here is the one with ts_ns n) */
		char want_id[64];
		snprintf(want_id, sizeof(want_id), "%016" PRIx64 "-%" PRIu64, s->instance, seq);
		assert_string_equal(header(m, "ce_id", buf, sizeof(buf)), want_id);
		assert_true(seq >= 1 && seq <= N);
		assert_false(seen[seq]);
		seen[seq] = 1;
		/* One key: one partition, and the order it was emitted in. */
		if (partition < 0)
			partition = m->partition;
		assert_int_equal(m->partition, partition);
		assert_true(seq > last_seq);
		last_seq = seq;
		ringtap__v1__event__free_unpacked(ev, NULL);
	}
	free(seen);
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

/* Pod UID is the key when present; every ce_id differs. */
static void test_pod_key_and_unique_ids(void **state)
{
	struct sink_options o = { 0 };
	struct test_event t;
	struct consumed got;
	char buf[128];

	(void)state;
	opts_set(&o, "topic_file", "ringtap.process", NULL); /* a topic of our own for this test */
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	for (uint64_t i = 1; i <= 10; i++) {
		test_event_init(&t, i, 1, i % 2 ? "pod-uid-1" : NULL);
		assert_int_equal(sink_kafka_ops.emit(&s->base, &t.ev), 0);
	}
	assert_int_equal(sink_kafka_ops.flush(&s->base, 10000), 0);
	consume_all(mock.bootstraps, "ringtap.process", 3, 10, 10000, &got);
	assert_int_equal(got.n, 10);
	char ids[10][128];
	for (size_t i = 0; i < got.n; i++) {
		rd_kafka_message_t *m = got.msgs[i];
		Ringtap__V1__Event *ev = ringtap__v1__event__unpack(NULL, m->len, m->payload);
		/* No node option: the event's own node names it. */
		const char *want = ev->header->ts_ns % 2 ? "pod-uid-1" : "node/event-node";
		assert_int_equal(m->key_len, strlen(want));
		assert_memory_equal(m->key, want, m->key_len);
		assert_string_equal(header(m, "ce_source", buf, sizeof(buf)), "event-node");
		snprintf(ids[i], sizeof(ids[i]), "%s", header(m, "ce_id", buf, sizeof(buf)));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
		ringtap__v1__event__free_unpacked(ev, NULL);
	}
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

/* encoding: json puts the canonical JSON form in the value. */
static void test_json_encoding(void **state)
{
	struct sink_options o = { 0 };
	struct test_event t;
	struct consumed got;
	char buf[128];

	(void)state;
	opts_set(&o, "encoding", "json", "topic_file", "ringtap.network", "key", "none", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	test_event_init(&t, 42, 7, NULL);
	assert_int_equal(sink_kafka_ops.emit(&s->base, &t.ev), 0);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 10000), 0);
	consume_all(mock.bootstraps, "ringtap.network", 3, 1, 10000, &got);
	assert_int_equal(got.n, 1);
	rd_kafka_message_t *m = got.msgs[0];
	assert_null(m->key);
	assert_string_equal(header(m, "content-type", buf, sizeof(buf)), "application/json");
	char *text = strndup(m->payload, m->len);
	json_object *j = json_tokener_parse(text);
	free(text);
	assert_non_null(j);
	json_object *open, *path;
	assert_true(json_object_object_get_ex(j, "open", &open));
	assert_true(json_object_object_get_ex(open, "path", &path));
	assert_string_equal(json_object_get_string(path), "/tmp/42");
	json_object_put(j);
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

static int create_fails(const char *arg, ...)
{
	struct sink_options o = { 0 };
	struct event_sink *s = (struct event_sink *)1;
	va_list ap;
	const char *k;

	va_start(ap, arg);
	while ((k = va_arg(ap, const char *)))
		sink_options_add(&o, k, va_arg(ap, const char *), "test.yaml:3:5");
	va_end(ap);
	int spool_set = 0;
	for (size_t i = 0; i < o.n; i++)
		spool_set |= !strncmp(o.items[i].key, "spool.", 6);
	if (!spool_set) /* nothing on disk */
		sink_options_add(&o, "spool.enabled", "false", "test.yaml:4:5");
	int rc = sink_kafka_ops.create(arg, &o, &s);
	if (!rc)
		sink_kafka_ops.destroy(s);
	else
		assert_null(s);
	sink_options_clear(&o);
	return rc;
}

static void test_bad_options_are_errors(void **state)
{
	(void)state;
	assert_int_equal(create_fails("127.0.0.1:1", "toppic_file", "x", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "encoding", "avro", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "key", "pid", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "queue_max_bytes", "lots", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "rdkafka.no.such.property", "1", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "rdkafka.compression.type", "zip", NULL), -EINVAL);
	assert_int_equal(create_fails(NULL, NULL), -EINVAL); /* no brokers */
	/* Spool options are checked before anything is created on disk. */
	assert_int_equal(create_fails("127.0.0.1:1", "spool.high_water", "0", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "spool.max_bytes", "100K", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "spool.max_age_s", "-1", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "spool.drain_rate", "-5", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "spool.dir", "", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "spool.enabled", "maybe", NULL), -EINVAL);
	assert_int_equal(create_fails("127.0.0.1:1", "sasl_password", "env:RINGTAP_TEST_UNSET_VAR", NULL),
			 -ENOENT);
	/* Valid ones, including pass-through and a secret from the environment. */
	setenv("RINGTAP_TEST_SECRET", "s3cret", 1);
	assert_int_equal(create_fails(NULL, "brokers", "127.0.0.1:1", "rdkafka.linger.ms", "20",
				      "rdkafka.compression.type", "lz4", "sasl_password",
				      "env:RINGTAP_TEST_SECRET", NULL),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delivers_protobuf_keyed_by_node, mock_setup, mock_teardown),
		cmocka_unit_test_setup_teardown(test_pod_key_and_unique_ids, mock_setup, mock_teardown),
		cmocka_unit_test_setup_teardown(test_json_encoding, mock_setup, mock_teardown),
		cmocka_unit_test(test_bad_options_are_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
