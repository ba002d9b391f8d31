/* Kafka topic class and CloudEvents type of every event body: each type
 * goes to its class's topic (docs/kafka.md), none falls through to the
 * sensor topic unnoticed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "sink/sink_kafka_instance.h"

struct want {
	Ringtap__V1__Event__BodyCase body;
	enum sink_kafka_class cls;
	const char *ce_type;
};

static const struct want wants[] = {
	{ RINGTAP__V1__EVENT__BODY_EXEC, SINK_KAFKA_PROCESS, "ringtap.v1.exec" },
	{ RINGTAP__V1__EVENT__BODY_OPEN, SINK_KAFKA_FILE, "ringtap.v1.open" },
	{ RINGTAP__V1__EVENT__BODY_UNLINK, SINK_KAFKA_FILE, "ringtap.v1.unlink" },
	{ RINGTAP__V1__EVENT__BODY_MKNOD, SINK_KAFKA_FILE, "ringtap.v1.mknod" },
	{ RINGTAP__V1__EVENT__BODY_CRED, SINK_KAFKA_PROCESS, "ringtap.v1.cred" },
	{ RINGTAP__V1__EVENT__BODY_PTRACE, SINK_KAFKA_PROCESS, "ringtap.v1.ptrace" },
	{ RINGTAP__V1__EVENT__BODY_MEMFD, SINK_KAFKA_FILE, "ringtap.v1.memfd" },
	{ RINGTAP__V1__EVENT__BODY_MODULE, SINK_KAFKA_PROCESS, "ringtap.v1.module" },
	{ RINGTAP__V1__EVENT__BODY_MOUNT, SINK_KAFKA_PROCESS, "ringtap.v1.mount" },
	{ RINGTAP__V1__EVENT__BODY_NAMESPACE, SINK_KAFKA_PROCESS, "ringtap.v1.namespace" },
	{ RINGTAP__V1__EVENT__BODY_DUP, SINK_KAFKA_PROCESS, "ringtap.v1.dup" },
	{ RINGTAP__V1__EVENT__BODY_SIGNAL, SINK_KAFKA_PROCESS, "ringtap.v1.signal" },
	{ RINGTAP__V1__EVENT__BODY_BPF, SINK_KAFKA_PROCESS, "ringtap.v1.bpf" },
	{ RINGTAP__V1__EVENT__BODY_IO_URING, SINK_KAFKA_PROCESS, "ringtap.v1.io_uring" },
	{ RINGTAP__V1__EVENT__BODY_DROP, SINK_KAFKA_SENSOR, "ringtap.v1.drop" },
};

static void test_classes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;

		ev.body_case = wants[i].body;
		print_message("%s\n", wants[i].ce_type);
		assert_int_equal(sink_kafka_route_class(&ev), wants[i].cls);
		assert_string_equal(sink_kafka_route_ce_type(&ev), wants[i].ce_type);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
