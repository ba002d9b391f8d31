/* Kafka sink with format: ocsf — OCSF JSON values, content-type and
 * ce_dataschema say so; a bad format is refused. (librdkafka's mock cluster,
 * as in test_sink_kafka.c.) */
#include <errno.h>
#include <json-c/json.h>
#include "../kafka/mock_helpers.h"

static void test_ocsf_values(void **state)
{
	struct sink_options o = { 0 };
	struct test_event t;
	struct consumed got;
	char buf[128];

	(void)state;
	/* Created with the 3 partitions consume_all reads: auto-created mock
	 * topics get 4, and an unkeyed message could land in the 4th. */
	assert_int_equal(rd_kafka_mock_topic_create(mock.mc, "ringtap.ocsf", 3, 1), 0);
	opts_set(&o, "format", "ocsf", "topic_file", "ringtap.ocsf", "key", "none", NULL);
	struct sink_kafka *s = kafka_sink_new(mock.bootstraps, &o);
	test_event_init(&t, 42, 7, NULL);
	assert_int_equal(sink_kafka_ops.emit(&s->base, &t.ev), 0);
	assert_int_equal(sink_kafka_ops.flush(&s->base, 10000), 0);
	consume_all(mock.bootstraps, "ringtap.ocsf", 3, 1, 10000, &got);
	assert_int_equal(got.n, 1);
	rd_kafka_message_t *m = got.msgs[0];
	assert_string_equal(header(m, "content-type", buf, sizeof(buf)), "application/json");
	assert_string_equal(header(m, "ce_dataschema", buf, sizeof(buf)), "https://schema.ocsf.io/1.8.0/");
	char *text = strndup(m->payload, m->len);
	json_object *j = json_tokener_parse(text), *v;
	free(text);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "class_uid", &v));
	assert_int_equal(json_object_get_int(v), 1001);
	assert_true(json_object_object_get_ex(j, "type_uid", &v));
	assert_int_equal(json_object_get_int(v), 100114);
	assert_true(json_object_object_get_ex(j, "file", &v));
	assert_true(json_object_object_get_ex(v, "path", &v));
	assert_string_equal(json_object_get_string(v), "/tmp/42");
	json_object_put(j);
	consumed_free(&got);
	sink_kafka_ops.destroy(&s->base);
	sink_options_clear(&o);
}

static void test_bad_format(void **state)
{
	struct sink_options o = { 0 };
	struct event_sink *s = NULL;
	char err[256];

	(void)state;
	sink_options_add(&o, "format", "cef", "test.yaml:3:5");
	assert_int_equal(sink_kafka_ops.validate("127.0.0.1:1", &o, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "test.yaml:3:5: option 'format' wants json or ocsf, got 'cef'");
	assert_int_equal(sink_kafka_ops.create("127.0.0.1:1", &o, &s), -EINVAL);
	sink_options_clear(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ocsf_values, mock_setup, mock_teardown),
		cmocka_unit_test(test_bad_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
