/* The NDJSON encoder's hand-written integer formatting and string runs:
 * the exact text printf and the byte-by-byte escaper gave, at the edges. */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "codec/json_codec.h"

static void expect_exit(int32_t code, uint32_t signal)
{
	Ringtap__V1__Exit e = RINGTAP__V1__EXIT__INIT;
	struct strbuf sb = { 0 };
	char want[64];

	e.code = code;
	e.signal = signal;
	assert_int_equal(json_encode_message(&e.base, &sb), 0);
	snprintf(want, sizeof(want), "{\"code\":%" PRId32 ",\"signal\":%" PRIu32 "}", code, signal);
	assert_string_equal(sb.buf, want);
	strbuf_free(&sb);
}

static void test_integers_at_their_limits(void **state)
{
	(void)state;
	expect_exit(0, 0);
	expect_exit(-1, 1);
	expect_exit(9, 10);
	expect_exit(INT32_MIN, UINT32_MAX);
	expect_exit(INT32_MAX, 4000000000u);
	expect_exit(-1000000000, 99);
}

static void test_64bit_and_strings(void **state)
{
	Ringtap__V1__Header h = RINGTAP__V1__HEADER__INIT;
	struct strbuf sb = { 0 };

	(void)state;
	h.ts_ns = UINT64_MAX;
	h.wall_time_ns = 10000000000000000000ull;
	h.start_time_ns = 1;
	h.comm = "a\"b\\c\n\x01\x7f" "d\xc3\xa9" "e\xff" "fghijklmnopq/";
	h.node = "";
	h.boot_id = "plain-ascii run";
	assert_int_equal(json_encode_message(&h.base, &sb), 0);
	assert_non_null(strstr(sb.buf, "\"ts_ns\":18446744073709551615,"));
	assert_non_null(strstr(sb.buf, "\"wall_time_ns\":10000000000000000000,"));
	assert_non_null(strstr(sb.buf, "\"start_time_ns\":1,"));
	assert_non_null(strstr(sb.buf, "\"comm\":\"a\\\"b\\\\c\\n\\u0001\\u007fd\xc3\xa9" "e\\u00fffghijklmnopq/\","));
	assert_non_null(strstr(sb.buf, "\"node\":\"\","));
	assert_non_null(strstr(sb.buf, "\"boot_id\":\"plain-ascii run\","));
	strbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers_at_their_limits),
		cmocka_unit_test(test_64bit_and_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
