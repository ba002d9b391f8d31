/* JSON codec: canonical encoding, decode -> encode round trips for every
 * body and every header field, and strict rejection of bad lines. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "codec/json_codec.h"

/* One line per body type, every field set to a non-default value, in the
 * canonical form (declaration order, no spaces). */
static const char *const canonical[] = {
	"{\"header\":{\"ts_ns\":18446744073709551615,\"wall_time_ns\":1763820000000000000,\"pid\":4294967295,"
	"\"tid\":2,\"ppid\":3,\"uid\":4,\"gid\":5,\"cgroup_id\":6,\"comm\":\"c\\\"q\\\\\",\"start_time_ns\":7,"
	"\"policy_generation\":8,\"truncated\":true,\"abi_version\":1,\"boot_id\":\"b-1\",\"node\":\"n1\","
	"\"container_id\":\"abc\",\"pod\":{\"uid\":\"u-1\",\"name\":\"p\",\"namespace\":\"ns\","
	"\"labels\":{\"app\":\"web\",\"tier\":\"fe\"},\"node\":\"\",\"container_name\":\"\",\"image\":\"\",\"image_digest\":\"\","
	"\"owner_kind\":\"\",\"owner_name\":\"\",\"namespace_labels\":{},\"metadata_pending\":false},\"euid\":9,\"egid\":10,\"entity_id\":\"\",\"parent_entity_id\":\"\",\"parent_start_time_ns\":0,\"community_id\":\"\"},"
	"\"exec\":{\"filename\":\"/bin/sh\",\"argv\":[\"sh\",\"-c\",\"\",\"echo \xc3\xa9 \\t\"],\"ret\":-2,\"argc\":5,\"auid\":0,\"sessionid\":0,\"cap_effective\":0,\"cap_permitted\":0,\"exe_dev\":0,\"exe_ino\":0,\"exe_mode\":0,\"exe_ctime\":0,\"exe_mtime\":0,\"exe_nlink\":0,\"exe_memfd\":false,\"exe_deleted\":false,\"exe_overlay\":false,\"exe_writable\":false,\"parent_exe\":\"\",\"parent_argv\":[],\"tty\":0,\"cwd\":\"\",\"cwd_truncated\":false}}",
	"{\"header\":{\"ts_ns\":1,\"wall_time_ns\":0,\"pid\":0,\"tid\":0,\"ppid\":0,\"uid\":0,\"gid\":0,"
	"\"cgroup_id\":0,\"comm\":\"\",\"start_time_ns\":0,\"policy_generation\":0,\"truncated\":false,"
	"\"abi_version\":0,\"boot_id\":\"\",\"node\":\"\",\"container_id\":\"\",\"euid\":0,\"egid\":0,\"entity_id\":\"\",\"parent_entity_id\":\"\",\"parent_start_time_ns\":0,\"community_id\":\"\"},\"exit\":{\"code\":-1,\"signal\":9}}",
	"{\"header\":{\"ts_ns\":1,\"wall_time_ns\":0,\"pid\":0,\"tid\":0,\"ppid\":0,\"uid\":0,\"gid\":0,"
	"\"cgroup_id\":0,\"comm\":\"\",\"start_time_ns\":0,\"policy_generation\":0,\"truncated\":false,"
	"\"abi_version\":0,\"boot_id\":\"\",\"node\":\"\",\"container_id\":\"\",\"euid\":0,\"egid\":0,\"entity_id\":\"\",\"parent_entity_id\":\"\",\"parent_start_time_ns\":0,\"community_id\":\"\"},\"fork\":{\"child_pid\":77,\"child_start_time_ns\":0}}",
	"{\"header\":{\"ts_ns\":1,\"wall_time_ns\":0,\"pid\":0,\"tid\":0,\"ppid\":0,\"uid\":0,\"gid\":0,"
	"\"cgroup_id\":0,\"comm\":\"\",\"start_time_ns\":0,\"policy_generation\":0,\"truncated\":false,"
	"\"abi_version\":0,\"boot_id\":\"\",\"node\":\"\",\"container_id\":\"\",\"euid\":0,\"egid\":0,\"entity_id\":\"\",\"parent_entity_id\":\"\",\"parent_start_time_ns\":0,\"community_id\":\"\"},"
	"\"open\":{\"path\":\"/etc/hostname\",\"flags\":524288,\"mode\":420,\"ret\":-13,\"dirfd\":-100,\"syscall\":\"openat2\"}}",
	"{\"header\":{\"ts_ns\":1,\"wall_time_ns\":0,\"pid\":0,\"tid\":0,\"ppid\":0,\"uid\":0,\"gid\":0,"
	"\"cgroup_id\":0,\"comm\":\"\",\"start_time_ns\":0,\"policy_generation\":0,\"truncated\":false,"
	"\"abi_version\":0,\"boot_id\":\"\",\"node\":\"\",\"container_id\":\"\",\"euid\":0,\"egid\":0,\"entity_id\":\"\",\"parent_entity_id\":\"\",\"parent_start_time_ns\":0,\"community_id\":\"\"},"
	"\"connect\":{\"family\":\"inet6\",\"src\":{\"addr\":\"::1\",\"port\":40000},\"dst\":{\"addr\":\"2001:db8::1\",\"port\":443},"
	"\"ret\":-115,\"fd\":4,\"protocol\":\"tcp\",\"via\":\"\"}}",
	"{\"header\":{\"ts_ns\":1,\"wall_time_ns\":0,\"pid\":0,\"tid\":0,\"ppid\":0,\"uid\":0,\"gid\":0,"
	"\"cgroup_id\":0,\"comm\":\"\",\"start_time_ns\":0,\"policy_generation\":0,\"truncated\":false,"
	"\"abi_version\":0,\"boot_id\":\"\",\"node\":\"\",\"container_id\":\"\",\"euid\":0,\"egid\":0,\"entity_id\":\"\",\"parent_entity_id\":\"\",\"parent_start_time_ns\":0,\"community_id\":\"\"},"
	"\"accept\":{\"family\":\"inet\",\"local\":{\"addr\":\"127.0.0.1\",\"port\":8080},\"peer\":{\"addr\":\"127.0.0.1\",\"port\":51000},"
	"\"ret\":5,\"listen_fd\":3}}",
	"{\"header\":{\"ts_ns\":1,\"wall_time_ns\":0,\"pid\":0,\"tid\":0,\"ppid\":0,\"uid\":0,\"gid\":0,"
	"\"cgroup_id\":0,\"comm\":\"ringtap\",\"start_time_ns\":0,\"policy_generation\":0,\"truncated\":false,"
	"\"abi_version\":1,\"boot_id\":\"\",\"node\":\"\",\"container_id\":\"\",\"euid\":0,\"egid\":0,\"entity_id\":\"\",\"parent_entity_id\":\"\",\"parent_start_time_ns\":0,\"community_id\":\"\"},"
	"\"drop\":{\"event_type\":\"open\",\"dropped\":10,\"truncated\":2,\"dropped_total\":30,\"truncated_total\":4,\"reason\":\"\"}}",
};

static void test_round_trip_every_body(void **state)
{
	(void)state;
	struct strbuf sb = { 0 };
	char err[256];

	for (size_t i = 0; i < sizeof(canonical) / sizeof(*canonical); i++) {
		Ringtap__V1__Event *ev = NULL;
		int rc = json_decode_event(canonical[i], strlen(canonical[i]), &ev, err, sizeof(err));
		if (rc)
			fail_msg("line %zu: %s", i, err);
		strbuf_reset(&sb);
		assert_int_equal(json_encode_event(ev, &sb), 0);
		assert_string_equal(sb.buf, canonical[i]);

		/* and through the protobuf wire form */
		size_t len = ringtap__v1__event__get_packed_size(ev);
		uint8_t *wire = malloc(len);
		ringtap__v1__event__pack(ev, wire);
		Ringtap__V1__Event *back = ringtap__v1__event__unpack(NULL, len, wire);
		assert_non_null(back);
		strbuf_reset(&sb);
		assert_int_equal(json_encode_event(back, &sb), 0);
		assert_string_equal(sb.buf, canonical[i]);
		ringtap__v1__event__free_unpacked(back, NULL);
		free(wire);
		ringtap__v1__event__free_unpacked(ev, NULL);
	}
	strbuf_free(&sb);
}

static void test_decoded_values(void **state)
{
	(void)state;
	Ringtap__V1__Event *ev;
	char err[256];

	assert_int_equal(json_decode_event(canonical[0], strlen(canonical[0]), &ev, err, sizeof(err)), 0);
	assert_int_equal(ev->header->ts_ns, UINT64_MAX);
	assert_int_equal(ev->header->pid, UINT32_MAX);
	assert_string_equal(ev->header->comm, "c\"q\\");
	assert_true(ev->header->truncated);
	assert_string_equal(ev->header->pod->namespace_, "ns");
	assert_int_equal(ev->header->pod->n_labels, 2);
	assert_int_equal(ev->body_case, RINGTAP__V1__EVENT__BODY_EXEC);
	assert_int_equal(ev->exec->n_argv, 4);
	assert_string_equal(ev->exec->argv[3], "echo \xc3\xa9 \t");
	assert_int_equal(ev->exec->ret, -2);
	ringtap__v1__event__free_unpacked(ev, NULL);
}

static void test_non_canonical_input(void **state)
{
	(void)state;
	/* Spacing, key order and omitted fields are accepted; output is canonical. */
	const char *in = " { \"open\" : {\"ret\":3,\"path\":\"/x\"} , \"header\":{\"pid\":9} } ";
	Ringtap__V1__Event *ev;
	struct strbuf sb = { 0 };
	char err[256];

	assert_int_equal(json_decode_event(in, strlen(in), &ev, err, sizeof(err)), 0);
	assert_int_equal(json_encode_event(ev, &sb), 0);
	assert_non_null(strstr(sb.buf, "{\"header\":{\"ts_ns\":0,"));
	assert_non_null(strstr(sb.buf, "\"open\":{\"path\":\"/x\",\"flags\":0,\"mode\":0,\"ret\":3,"));
	ringtap__v1__event__free_unpacked(ev, NULL);
	strbuf_free(&sb);
}

static void test_invalid_utf8_stays_valid_json(void **state)
{
	(void)state;
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	Ringtap__V1__Header hdr = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Open open = RINGTAP__V1__OPEN__INIT;
	struct strbuf sb = { 0 };
	char path[] = "/tmp/\xff\x01x";

	open.path = path;
	ev.header = &hdr;
	ev.body_case = RINGTAP__V1__EVENT__BODY_OPEN;
	ev.open = &open;
	assert_int_equal(json_encode_event(&ev, &sb), 0);
	assert_non_null(strstr(sb.buf, "\"path\":\"/tmp/\\u00ff\\u0001x\""));
	strbuf_free(&sb);
}

static void expect_error(const char *line, const char *fragment)
{
	Ringtap__V1__Event *ev = (void *)1;
	char err[256];
	int rc = json_decode_event(line, strlen(line), &ev, err, sizeof(err));

	if (rc != -EBADMSG)
		fail_msg("accepted: %s", line);
	assert_null(ev);
	if (!strstr(err, fragment))
		fail_msg("error '%s' lacks '%s'", err, fragment);
}

static void test_rejects_bad_lines(void **state)
{
	(void)state;
	expect_error("{\"header\":{\"pid\":1},\"open\":{\"path\":\"/x\"", "invalid JSON");
	expect_error("not json", "invalid JSON");
	expect_error("[1,2]", "not a JSON object");
	expect_error("{\"header\":{\"pid\":1},\"open\":{}} x", "trailing");
	expect_error("{\"header\":{\"pid\":1},\"bogus\":{}}", "unknown field 'bogus'");
	expect_error("{\"header\":{\"pidd\":1},\"exit\":{}}", "unknown field 'header.pidd'");
	expect_error("{\"header\":{\"pid\":\"1\"},\"exit\":{}}", "'header.pid' wants an integer");
	expect_error("{\"header\":{\"pid\":4294967296},\"exit\":{}}", "out of range");
	expect_error("{\"header\":{\"pid\":-1},\"exit\":{}}", "out of range");
	expect_error("{\"header\":{\"ts_ns\":-1},\"exit\":{}}", "out of range");
	expect_error("{\"header\":{\"truncated\":1},\"exit\":{}}", "true or false");
	expect_error("{\"header\":{},\"exec\":{\"argv\":\"sh\"}}", "wants an array");
	expect_error("{\"header\":{},\"exec\":{\"argv\":[1]}}", "wants a string");
	expect_error("{\"header\":{},\"exit\":{},\"fork\":{}}", "both set");
	expect_error("{\"header\":{}}", "no body");
	expect_error("{\"exit\":{}}", "no 'header'");
	expect_error("{\"header\":{\"comm\":\"a\\u0000b\"},\"exit\":{}}", "NUL");
	expect_error("{\"header\":{\"comm\":\"a\xff" "b\"},\"exit\":{}}", "'header.comm' is not valid UTF-8");
}

/* Strict JSON: what json-c alone accepts, keeps the last of or saturates. */
static void test_rejects_non_strict_json(void **state)
{
	(void)state;
	/* integers beyond 64 bits, and negative values in unsigned fields */
	expect_error("{\"header\":{\"ts_ns\":18446744073709551616},\"exit\":{}}",
		     "field 'header.ts_ns': 18446744073709551616 is out of range");
	expect_error("{\"header\":{\"ts_ns\":99999999999999999999999},\"exit\":{}}",
		     "'header.ts_ns': 99999999999999999999999 is out of range");
	expect_error("{\"header\":{\"ts_ns\":-9223372036854775809},\"exit\":{}}",
		     "'header.ts_ns': -9223372036854775809 is out of range");
	expect_error("{\"header\":{\"cgroup_id\":-1},\"exit\":{}}", "'header.cgroup_id': -1 is out of range");
	expect_error("{\"header\":{},\"exit\":{\"code\":2147483648}}", "'exit.code': 2147483648 is out of range");
	expect_error("{\"header\":{},\"drop\":{\"dropped\":1" "00000000000000000000000000000000000000000}}",
		     "'drop.dropped'");
	/* duplicate keys, at every level */
	expect_error("{\"header\":{\"pid\":1,\"pid\":2},\"exit\":{}}", "duplicate field 'header.pid'");
	expect_error("{\"header\":{},\"header\":{},\"exit\":{}}", "duplicate field 'header'");
	expect_error("{\"header\":{},\"exit\":{\"code\":1},\"exit\":{\"code\":2}}", "duplicate field 'exit'");
	expect_error("{\"header\":{\"pod\":{\"labels\":{\"app\":\"a\",\"tier\":\"b\",\"app\":\"c\"}}},\"exit\":{}}",
		     "duplicate field 'header.pod.labels.app'");
	expect_error("{\"header\":{\"pid\":1,\"p\\u0069d\":2},\"exit\":{}}", "duplicate field 'header.pid'");
	/* NUL in keys and strings, escaped or raw */
	expect_error("{\"header\":{\"pid\\u0000x\":1},\"exit\":{}}", "a field name in 'header' contains a NUL");
	expect_error("{\"header\":{},\"exec\":{\"argv\":[\"a\",\"b\\u0000\"]}}", "field 'exec.argv' contains a NUL");
	expect_error("{\"header\":{\"pod\":{\"labels\":{\"k\":\"\\u0000\"}}},\"exit\":{}}",
		     "field 'header.pod.labels.k' contains a NUL");
	/* not RFC 8259 */
	expect_error("{'header':{},'exit':{}}", "invalid JSON at column 2");
	expect_error("{\"header\":{\"comm\":'x'},\"exit\":{}}", "invalid JSON");
	expect_error("{\"header\":{\"pid\":1,},\"exit\":{}}", "invalid JSON");
	expect_error("{\"header\":{},\"exec\":{\"argv\":[\"a\",]}}", "invalid JSON");
	expect_error("{\"header\":{\"truncated\":TRUE},\"exit\":{}}", "invalid JSON");
	expect_error("{\"header\":{\"truncated\":True},\"exit\":{}}", "invalid JSON");
	expect_error("{\"header\":{\"pid\":01},\"exit\":{}}", "leading zero");
	expect_error("{\"header\":{},\"exit\":{\"code\":-01}}", "leading zero");
	expect_error("{\"header\":{},\"exit\":{\"code\":1.}}", "invalid JSON");
	expect_error("{\"header\":{},\"exit\":{\"code\":+1}}", "invalid JSON");
	expect_error("{\"header\":{},\"exit\":{\"code\":NaN}}", "invalid JSON");
	expect_error("{\"header\":{},\"exit\":{\"code\":-Infinity}}", "invalid JSON");
	expect_error("{\"header\":{\"comm\":\"a\tb\"},\"exit\":{}}", "field 'header.comm' contains a raw control character");
	expect_error("{\"header\":{\"comm\":\"\\ud800\"},\"exit\":{}}", "lone high surrogate");
	expect_error("{\"header\":{\"comm\":\"\\udc00x\"},\"exit\":{}}", "lone low surrogate");
	expect_error("{\"header\":{\"comm\":\"\\x\"},\"exit\":{}}", "invalid escape");
	expect_error("{/**/\"header\":{},\"exit\":{}}", "invalid JSON");
	expect_error("{\"header\":{},\"exit\":{}}//", "trailing");
}

/* A map with many keys (the sorted duplicate check) and one duplicate. */
static void test_duplicate_in_a_big_map(void **state)
{
	(void)state;
	struct strbuf sb = { 0 };
	char key[32];
	const char *head = "{\"header\":{\"pod\":{\"labels\":{", *tail = "}}},\"exit\":{}}";

	strbuf_append(&sb, head, strlen(head));
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "%s\"k%d\":\"v\"", i ? "," : "", i == 99 ? 42 : i);
		strbuf_append(&sb, key, strlen(key));
	}
	strbuf_append(&sb, tail, strlen(tail));
	expect_error(sb.buf, "duplicate field 'header.pod.labels.k42'");
	strbuf_free(&sb);
}

/* A field name is quoted in the reason; its control characters (a terminal
 * escape, a newline that would split the FILE:LINE message) are not. */
static void test_reason_is_printable(void **state)
{
	(void)state;
	expect_error("{\"header\":{\"\\u001b[2Jx\\ny\\u007f\":1},\"exit\":{}}", "unknown field 'header.?[2Jx?y?'");
	expect_error("{\"header\":{\"a\\tb\":1,\"a\\tb\":2},\"exit\":{}}", "duplicate field 'header.a?b'");
}

/* The edges of what strict decoding accepts. */
static void test_accepts_strict_edges(void **state)
{
	(void)state;
	const char *line = "{\"header\":{\"ts_ns\":18446744073709551615,\"cgroup_id\":0,\"comm\":\"\\u00e9\\ud83d\\ude00\\/\","
			   "\"pod\":{\"labels\":{\"a\":\"1\",\"b\":\"1\"}}},\r\n\"exit\":{\"code\":-2147483648,\"signal\":-0}}\t";
	Ringtap__V1__Event *ev;
	char err[256];

	if (json_decode_event(line, strlen(line), &ev, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(ev->header->ts_ns, UINT64_MAX);
	assert_string_equal(ev->header->comm, "\xc3\xa9\xf0\x9f\x98\x80/");
	assert_int_equal(ev->exit->code, INT32_MIN);
	assert_int_equal(ev->exit->signal, 0);
	ringtap__v1__event__free_unpacked(ev, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_every_body),
		cmocka_unit_test(test_decoded_values),
		cmocka_unit_test(test_non_canonical_input),
		cmocka_unit_test(test_invalid_utf8_stays_valid_json),
		cmocka_unit_test(test_rejects_bad_lines),
		cmocka_unit_test(test_rejects_non_strict_json),
		cmocka_unit_test(test_accepts_strict_edges),
		cmocka_unit_test(test_reason_is_printable),
		cmocka_unit_test(test_duplicate_in_a_big_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
