/* OCSF codec: what the replay golden cannot reach — a body this version has
 * no row for (a newer ringtap's event type), a header-less event, the
 * process uid with and without the sensor's entity ids, and result values
 * outside 0/-errno. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "codec/ocsf.h"
#include "enrich/process_entity.h"

static json_object *encode(const Ringtap__V1__Event *ev)
{
	struct strbuf sb = { 0 };
	json_object *obj;

	/* Something already in the buffer (an earlier line) must not leak in. */
	assert_int_equal(strbuf_append(&sb, "{\"x\":1}\n", 8), 0);
	assert_int_equal(ocsf_encode_event(ev, &sb), 0);
	obj = json_tokener_parse(sb.buf + 8);
	assert_non_null(obj);
	strbuf_free(&sb);
	return obj;
}

static int64_t get_int(json_object *o, const char *a, const char *b)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, a, &v));
	if (b)
		assert_true(json_object_object_get_ex(v, b, &v));
	return json_object_get_int64(v);
}

static json_object *get_obj(json_object *o, const char *k)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, k, &v));
	return v;
}

static void test_unknown_body_is_base_event(void **state)
{
	Ringtap__V1__Header h = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	json_object *o, *v;

	(void)state;
	h.pid = 7;
	h.node = "n1";
	h.boot_id = "b";
	ev.header = &h;
	ev.body_case = 99; /* a body number this version has no field for */
	o = encode(&ev);
	assert_int_equal(get_int(o, "class_uid", NULL), 0);
	assert_int_equal(get_int(o, "category_uid", NULL), 0);
	assert_int_equal(get_int(o, "activity_id", NULL), 99);
	assert_int_equal(get_int(o, "type_uid", NULL), 99);
	assert_true(json_object_object_get_ex(o, "unmapped", &v));
	assert_true(json_object_object_get_ex(o, "metadata", &v));
	assert_true(json_object_object_get_ex(v, "uid", &v));
	assert_string_equal(json_object_get_string(v), "b:0:0:unknown");
	json_object_put(o);
}

static void test_no_header(void **state)
{
	Ringtap__V1__Exit body = RINGTAP__V1__EXIT__INIT;
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	json_object *o, *v;

	(void)state;
	ev.body_case = RINGTAP__V1__EVENT__BODY_EXIT;
	ev.exit = &body;
	body.code = 3;
	o = encode(&ev);
	assert_int_equal(get_int(o, "class_uid", NULL), 1007);
	assert_int_equal(get_int(o, "type_uid", NULL), 100702);
	assert_int_equal(get_int(o, "exit_code", NULL), 3);
	assert_true(json_object_object_get_ex(o, "device", &v));
	assert_true(json_object_object_get_ex(v, "hostname", &v));
	assert_string_equal(json_object_get_string(v), "unknown");
	json_object_put(o);
}

static const char *get_str(json_object *o, const char *path)
{
	char buf[256], *save = NULL;
	json_object *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
		assert_true(json_object_object_get_ex(v, k, &v));
	return json_object_get_string(v);
}

static int has(json_object *o, const char *path)
{
	char buf[256], *save = NULL;
	json_object *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(v, k, &v))
			return 0;
	return 1;
}

/* process.uid is the sensor's entity id, the one ringtap JSON carries, so
 * OCSF and ringtap records of one process join; the parent's likewise. */
static void test_process_uid_is_entity_id(void **state)
{
	Ringtap__V1__Header h = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Exit body = RINGTAP__V1__EXIT__INIT;
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	json_object *o;

	(void)state;
	h.pid = 50;
	h.ppid = 40;
	h.boot_id = "b";
	h.start_time_ns = 7;
	h.entity_id = "0123456789abcdef";
	h.parent_entity_id = "fedcba9876543210";
	ev.header = &h;
	ev.body_case = RINGTAP__V1__EVENT__BODY_EXIT;
	ev.exit = &body;
	o = encode(&ev);
	assert_string_equal(get_str(o, "process.uid"), "0123456789abcdef");
	assert_string_equal(get_str(o, "actor.process.uid"), "0123456789abcdef");
	assert_string_equal(get_str(o, "process.parent_process.uid"), "fedcba9876543210");
	assert_string_equal(get_str(o, "actor.process.parent_process.uid"), "fedcba9876543210");
	json_object_put(o);

	/* A record without entity ids (before ABI 4): the derived id, and a
	 * parent known by its pid only. */
	h.entity_id = "";
	h.parent_entity_id = "";
	o = encode(&ev);
	assert_string_equal(get_str(o, "process.uid"), "b:50:7");
	assert_false(has(o, "process.parent_process.uid"));
	assert_int_equal(get_int(get_obj(o, "process"), "parent_process", "pid"), 40);
	json_object_put(o);
}

/* A fork names its child by the entity id the child's own events carry. */
static void test_fork_child_uid(void **state)
{
	Ringtap__V1__Header h = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Fork body = RINGTAP__V1__FORK__INIT;
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	char want[PROCESS_ENTITY_ID_LEN + 1];
	json_object *o;

	(void)state;
	h.pid = 50;
	h.boot_id = "b";
	h.entity_id = "0123456789abcdef";
	body.child_pid = 51;
	body.child_start_time_ns = 900;
	ev.header = &h;
	ev.body_case = RINGTAP__V1__EVENT__BODY_FORK;
	ev.fork = &body;
	process_entity_id("b", 51, 900, want);
	o = encode(&ev);
	assert_string_equal(get_str(o, "process.uid"), want);
	assert_string_equal(get_str(o, "process.parent_process.uid"), "0123456789abcdef");
	json_object_put(o);
}

/* process_vm_writev's ret is a byte count (int64): a large write is a
 * success, not a truncated negative errno. */
static void test_ptrace_large_write_is_success(void **state)
{
	Ringtap__V1__Ptrace body = RINGTAP__V1__PTRACE__INIT;
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	json_object *o;

	(void)state;
	body.syscall = "process_vm_writev";
	body.request = -1;
	body.target_pid = 9;
	body.ret = 0x80000000LL; /* (int32_t) of this is negative */
	ev.body_case = RINGTAP__V1__EVENT__BODY_PTRACE;
	ev.ptrace = &body;
	o = encode(&ev);
	assert_int_equal(get_int(o, "type_uid", NULL), 100704);
	assert_int_equal(get_int(o, "status_id", NULL), 1);
	assert_string_equal(get_str(o, "injection_type"), "process_vm_writev");
	json_object_put(o);
}

/* A DNS name or rcode ringtap does not know stays, as Other (99). */
static void test_dns_unknown_rcode(void **state)
{
	Ringtap__V1__DnsQuestion q = RINGTAP__V1__DNS_QUESTION__INIT;
	Ringtap__V1__DnsQuestion *qs[] = { &q };
	Ringtap__V1__Dns body = RINGTAP__V1__DNS__INIT;
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	json_object *o;

	(void)state;
	q.name = "x.test.";
	body.response = 1;
	body.rcode = "RCODE15";
	body.n_questions = 1;
	body.questions = qs;
	ev.body_case = RINGTAP__V1__EVENT__BODY_DNS;
	ev.dns = &body;
	o = encode(&ev);
	assert_int_equal(get_int(o, "type_uid", NULL), 400302);
	assert_int_equal(get_int(o, "rcode_id", NULL), 99);
	assert_string_equal(get_str(o, "rcode"), "RCODE15");
	assert_string_equal(get_str(o, "query.hostname"), "x.test.");
	assert_false(has(o, "answers"));
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_body_is_base_event),
		cmocka_unit_test(test_no_header),
		cmocka_unit_test(test_process_uid_is_entity_id),
		cmocka_unit_test(test_fork_child_uid),
		cmocka_unit_test(test_ptrace_large_write_is_success),
		cmocka_unit_test(test_dns_unknown_rcode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
