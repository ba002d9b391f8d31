/* OCSF codec: what the replay golden cannot reach — a body this version has
 * no row for (a newer ringtap's event type) and a header-less event. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "codec/ocsf.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_body_is_base_event),
		cmocka_unit_test(test_no_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
