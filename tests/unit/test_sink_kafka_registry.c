/* Schema-registry framing of the Kafka sink: the Confluent wire-format bytes
 * (magic, big-endian id, message indexes from the .proto's declaration
 * order), the framed value the sink builds, and the schema_registry.* option
 * checks. The registry round trip is tests/kafka/test_kafka_registry.sh. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sink/sink_kafka_instance.h"

static ProtobufCMessageDescriptor named(const char *name, const char *package)
{
	ProtobufCMessageDescriptor d = ringtap__v1__pod__descriptor;

	d.name = name;
	d.package_name = package;
	return d;
}

/* What a .proto may hold that is not a message declaration: comments, a
 * string with braces, an enum, a field named "message", nested messages. */
static const char PROTO[] =
	"syntax = \"proto3\";\n"
	"package acme.v2;\n"
	"// message Commented { }\n"
	"/* message Blocked { } */\n"
	"option go_package = \"x{y\";\n"
	"enum Color { RED = 0; }\n"
	"message First { string message = 1; }\n"
	"message Second {\n"
	"  message Inner0 { int32 a = 1; }\n"
	"  enum E { A = 0; }\n"
	"  message Inner1 { message Deep { } }\n"
	"  oneof body { First first = 1; }\n"
	"}\n"
	"message Third { }\n";

static void test_message_path_from_declaration_order(void **state)
{
	int32_t idx[SINK_KAFKA_FRAME_MAX_DEPTH];
	ProtobufCMessageDescriptor d;

	(void)state;
	d = named("acme.v2.First", "acme.v2");
	assert_int_equal(sink_kafka_frame_message_path(PROTO, &d, idx), 1);
	assert_int_equal(idx[0], 0);
	d = named("acme.v2.Third", "acme.v2");
	assert_int_equal(sink_kafka_frame_message_path(PROTO, &d, idx), 1);
	assert_int_equal(idx[0], 2);
	d = named("acme.v2.Second.Inner1.Deep", "acme.v2");
	assert_int_equal(sink_kafka_frame_message_path(PROTO, &d, idx), 3);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 1);
	assert_int_equal(idx[2], 0);
	d = named("acme.v2.Commented", "acme.v2");
	assert_int_equal(sink_kafka_frame_message_path(PROTO, &d, idx), -ENOENT);
	d = named("acme.v2.Inner0", "acme.v2"); /* nested, not top level */
	assert_int_equal(sink_kafka_frame_message_path(PROTO, &d, idx), -ENOENT);
	d = named("other.First", "acme.v2");
	assert_int_equal(sink_kafka_frame_message_path(PROTO, &d, idx), -EINVAL);
	d = named("First", NULL); /* no package */
	assert_int_equal(sink_kafka_frame_message_path("message First {}", &d, idx), 1);
	assert_int_equal(idx[0], 0);
}

/* The real schema: Pod is event.proto's first message, Event is not. */
static void test_message_path_of_event_proto(void **state)
{
	int32_t idx[SINK_KAFKA_FRAME_MAX_DEPTH];

	(void)state;
	assert_int_equal(sink_kafka_frame_message_path(sink_kafka_registry_proto,
						       &ringtap__v1__pod__descriptor, idx), 1);
	assert_int_equal(idx[0], 0);
	assert_int_equal(sink_kafka_frame_message_path(sink_kafka_registry_proto,
						       &ringtap__v1__event__descriptor, idx), 1);
	/* Pod, Header, Exec, Exit, Fork, Open, Endpoint, Connect, Accept, Unlink,
	 * Rename, Chmod, Chown, Link, Mknod, Drop, then Event. */
	assert_int_equal(idx[0], 16);
}

static void test_frame_header_bytes(void **state)
{
	uint8_t out[SINK_KAFKA_FRAME_MAX];
	int32_t first[] = { 0 }, event[] = { 16 }, deep[] = { 1, 1, 0 }, wide[] = { 64 };

	(void)state;
	/* First message: index array is the single byte 0. */
	static const uint8_t want_first[] = { 0, 0x01, 0x02, 0x03, 0x04, 0 };
	assert_int_equal(sink_kafka_frame_header(0x01020304, first, 1, out), sizeof(want_first));
	assert_memory_equal(out, want_first, sizeof(want_first));
	/* Not first: zigzag count 1 (2), zigzag 16 (32). */
	static const uint8_t want_event[] = { 0, 0, 0, 0, 7, 2, 32 };
	assert_int_equal(sink_kafka_frame_header(7, event, 1, out), sizeof(want_event));
	assert_memory_equal(out, want_event, sizeof(want_event));
	/* Nested: count 3 (6), then 1, 1, 0 as 2, 2, 0; id's top byte first. */
	static const uint8_t want_deep[] = { 0, 0x7f, 0xff, 0xff, 0xfe, 6, 2, 2, 0 };
	assert_int_equal(sink_kafka_frame_header(0x7ffffffe, deep, 3, out), sizeof(want_deep));
	assert_memory_equal(out, want_deep, sizeof(want_deep));
	/* Index 64: zigzag 128, a two-byte varint. */
	static const uint8_t want_wide[] = { 0, 0, 0, 1, 0, 2, 0x80, 0x01 };
	assert_int_equal(sink_kafka_frame_header(256, wide, 1, out), sizeof(want_wide));
	assert_memory_equal(out, want_wide, sizeof(want_wide));
}

/* The value the sink hands to the producer (and the spool) is framed. */
static void test_msg_build_frames_protobuf_value(void **state)
{
	struct sink_kafka *s = calloc(1, sizeof(*s));
	int32_t idx[SINK_KAFKA_FRAME_MAX_DEPTH];
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	Ringtap__V1__Header hdr = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Exit ex = RINGTAP__V1__EXIT__INIT;
	struct sink_kafka_msg *m = NULL;

	(void)state;
	assert_non_null(s);
	s->encoding = SINK_KAFKA_PROTOBUF;
	s->key_mode = SINK_KAFKA_KEY_NONE;
	s->default_node = "node-a";
	int depth = sink_kafka_frame_message_path(sink_kafka_registry_proto,
						  &ringtap__v1__event__descriptor, idx);
	assert_true(depth > 0);
	s->reg.enabled = 1;
	for (int c = 0; c < SINK_KAFKA_NCLASSES; c++)
		s->reg.frame_len[c] = (uint8_t)sink_kafka_frame_header(100 + c, idx, depth,
									 s->reg.frame[c]);
	hdr.ts_ns = 42;
	ex.code = 3;
	ev.header = &hdr;
	ev.body_case = RINGTAP__V1__EVENT__BODY_EXIT;
	ev.exit = &ex;
	assert_int_equal(sink_kafka_msg_build(s, &ev, &m), 0);
	const uint8_t *v = (const uint8_t *)sink_kafka_msg_value(m);
	static const uint8_t want[] = { 0, 0, 0, 0, 100 + SINK_KAFKA_PROCESS, 2, 32 };
	assert_true(m->value_len > sizeof(want));
	assert_memory_equal(v, want, sizeof(want));
	Ringtap__V1__Event *back = ringtap__v1__event__unpack(NULL, m->value_len - sizeof(want),
							     v + sizeof(want));
	assert_non_null(back);
	assert_int_equal(back->header->ts_ns, 42);
	assert_int_equal(back->exit->code, 3);
	ringtap__v1__event__free_unpacked(back, NULL);
	free(m);
	free(s);
}

static int validate(const char *first_key, ...)
{
	struct sink_options o = { 0 };
	char err[512] = "";
	va_list ap;
	const char *k = first_key;
	int rc;

	va_start(ap, first_key);
	for (; k; k = va_arg(ap, const char *))
		assert_int_equal(sink_options_add(&o, k, va_arg(ap, const char *), "t.yaml:7:3"), 0);
	va_end(ap);
	rc = sink_kafka_ops.validate("127.0.0.1:1", &o, err, sizeof(err));
	if (rc)
		assert_non_null(strstr(err, "t.yaml:7:3")); /* says where */
	sink_options_clear(&o);
	return rc;
}

static void test_options_checked_by_validate(void **state)
{
	(void)state;
	assert_int_equal(validate("schema_registry.url", "http://127.0.0.1:8081", NULL), 0);
	assert_int_equal(validate("schema_registry.url", "https://sr.example:8081/base/",
				  "schema_registry.user", "ringtap", "schema_registry.password",
				  "file:/run/secrets/sr", "schema_registry.ca", "/etc/ca.pem", NULL), 0);
	/* Framing wraps protobuf only. */
	assert_int_equal(validate("schema_registry.url", "http://127.0.0.1:8081", "encoding", "json",
				  NULL), -EINVAL);
	assert_int_equal(validate("schema_registry.url", "http://127.0.0.1:8081", "format", "ocsf",
				  NULL), -EINVAL);
	/* Bad URLs. */
	assert_int_equal(validate("schema_registry.url", "127.0.0.1:8081", NULL), -EINVAL);
	assert_int_equal(validate("schema_registry.url", "ftp://127.0.0.1/", NULL), -EINVAL);
	assert_int_equal(validate("schema_registry.url", "http://", NULL), -EINVAL);
	assert_int_equal(validate("schema_registry.url", "http://a b/", NULL), -EINVAL);
	/* A password needs a user; registry options need the URL. */
	assert_int_equal(validate("schema_registry.url", "http://127.0.0.1:8081",
				  "schema_registry.password", "env:X", NULL), -EINVAL);
	assert_int_equal(validate("schema_registry.user", "u", NULL), -EINVAL);
	assert_int_equal(validate("schema_registry.url", "http://127.0.0.1:8081",
				  "schema_registry.timeout_ms", "0", NULL), -EINVAL);
}

/* Nothing listens on port 1: the error names the URL and the subject. */
static void test_unreachable_registry(void **state)
{
	struct sink_kafka_registry_http h = { .url = "http://127.0.0.1:1/", .timeout_ms = 2000 };
	char err[512] = "";
	int32_t id = -1;

	(void)state;
	assert_int_equal(sink_kafka_registry_register(&h, "ringtap.file-value",
						      sink_kafka_registry_proto, &id, err,
						      sizeof(err)),
			 -ECONNREFUSED);
	assert_non_null(strstr(err, "http://127.0.0.1:1/"));
	assert_non_null(strstr(err, "ringtap.file-value"));
	assert_int_equal(id, -1);
	/* A password written into the URL stays out of the message. */
	h.url = "http://ringtap:hunter2@127.0.0.1:1";
	assert_int_equal(sink_kafka_registry_register(&h, "s-value", "x", &id, err, sizeof(err)),
			 -ECONNREFUSED);
	assert_null(strstr(err, "hunter2"));
	assert_non_null(strstr(err, "http://127.0.0.1:1/"));
	assert_int_equal(sink_kafka_registry_check_url("ftp://u:hunter2@h/", err, sizeof(err)), -EINVAL);
	assert_null(strstr(err, "hunter2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_path_from_declaration_order),
		cmocka_unit_test(test_message_path_of_event_proto),
		cmocka_unit_test(test_frame_header_bytes),
		cmocka_unit_test(test_msg_build_frames_protobuf_value),
		cmocka_unit_test(test_options_checked_by_validate),
		cmocka_unit_test(test_unreachable_registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
