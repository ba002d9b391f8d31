/* The replay decoder's one-pass fast path (json_decode.c) against the
 * reference (strict pass + json-c, json_decode_ref.c): the lines ringtap
 * writes take the fast path, and on any line, valid or not, both decoders
 * (and the arena variant replay uses) give the same verdict, the same
 * reason and the same event. */
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
#include "codec/json_util.h"
#include "decode_compare.h"

static struct json_arena *arena;

/* The decoders agree on text[0..len) (decode_compare.h). Returns the fast
 * path's verdict. */
static int expect_same(const char *text, size_t len, const char *what)
{
	char why[DECODE_COMPARE_WHY_SIZE];
	int fast, rc = decode_compare(arena, text, len, &fast, why, sizeof(why));

	if (rc)
		fail_msg("%s: %s", what, rc == -ENOMEM ? "out of memory" : why);
	return fast;
}

/* The recorded test cases: what `ringtap record` writes, every body. */
static char *read_cases(size_t *n_lines)
{
	static const char *const files[] = { "all_bodies", "file_events", "net_events",
					     "proc_events", "sock_events" };
	const char *src = getenv("RINGTAP_SRC");
	size_t len = 0, cap = 1 << 16;
	char *all = malloc(cap), path[4096];

	assert_non_null(src);
	assert_non_null(all);
	*n_lines = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		snprintf(path, sizeof(path), "%s/tests/replay/cases/%s.input.ndjson", src, files[i]);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		int c;
		while ((c = getc(f)) != EOF) {
			if (len + 2 >= cap)
				assert_non_null(all = realloc(all, cap *= 2));
			all[len++] = (char)c;
			*n_lines += c == '\n';
		}
		fclose(f);
	}
	all[len] = '\0';
	return all;
}

static void test_recorded_lines_take_the_fast_path(void **state)
{
	(void)state;
	size_t n_lines;
	char *all = read_cases(&n_lines), *line = all, *nl;
	size_t n = 0;

	assert_true(n_lines >= 60);
	for (; (nl = strchr(line, '\n')); line = nl + 1, n++) {
		char what[32];
		snprintf(what, sizeof(what), "case line %zu", n + 1);
		if (expect_same(line, (size_t)(nl - line), what) != 0)
			fail_msg("%s left to the reference: %.*s", what, (int)(nl - line), line);
	}
	assert_int_equal(n, n_lines);
	free(all);
}

#define H "\"header\":{\"pid\":1}"

/* Lines the fast path handles, gives up on, or both decoders refuse. */
static const char *const variants[] = {
	"{" H ",\"exit\":{\"code\":0}}",
	" {\t" H " ,\r\n\"exit\" : { \"code\" : 0 } } ",
	"{\"exit\":{\"signal\":1,\"code\":2}," H "}",	/* any order */
	"{" H ",\"exit\":{}}",
	"{" H ",\"exit\":{\"code\":0}",			/* cut short */
	"{" H ",\"exit\":{\"code\":0}}x",
	"{" H ",\"exit\":{\"code\":0}}{}",
	"[]", "\"x\"", "1", "", " ", "{}", "{" H "}", "{\"exit\":{}}",
	"{" H ",\"exit\":{},\"fork\":{}}",			/* two bodies */
	"{" H ",\"exit\":{},\"exit\":{}}",			/* duplicate body */
	"{\"header\":{\"pid\":1,\"pid\":2},\"exit\":{}}",
	"{\"header\":{\"pid\":1,\"tid\":2,\"uid\":3,\"pid\":1},\"exit\":{}}",
	"{" H ",\"exit\":{},\"bogus\":1}",
	"{\"header\":{\"bogus\":1},\"exit\":{}}",
	"{\"header\":{\"p\\u0069d\":1},\"exit\":{}}",	/* an escaped field name */
	"{\"header\":{\"pid\\u0000x\":1},\"exit\":{}}",
	"{\"header\":{\"pid\":null},\"exit\":{}}",
	"{\"header\":null,\"exit\":{}}",
	"{\"header\":[],\"exit\":{}}",
	"{\"header\":{\"pid\":\"1\"},\"exit\":{}}",
	"{\"header\":{\"comm\":1},\"exit\":{}}",
	"{\"header\":{\"truncated\":1},\"exit\":{}}",
	"{\"header\":{\"truncated\":true},\"exit\":{}}",
	"{\"header\":{\"truncated\":false},\"exit\":{}}",
	"{\"header\":{\"truncated\":tru},\"exit\":{}}",
	"{\"header\":{\"truncated\":truex},\"exit\":{}}",
	"{\"header\":{\"truncated\":TRUE},\"exit\":{}}",
	/* integers at every boundary: uint32 pid, int32 code, uint64 ts_ns, int64 ret */
	"{\"header\":{\"pid\":4294967295},\"exit\":{}}",
	"{\"header\":{\"pid\":4294967296},\"exit\":{}}",
	"{\"header\":{\"pid\":-1},\"exit\":{}}",
	"{\"header\":{\"pid\":-0},\"exit\":{}}",
	"{\"header\":{\"pid\":0},\"exit\":{}}",
	"{\"header\":{\"pid\":00},\"exit\":{}}",
	"{\"header\":{\"pid\":01},\"exit\":{}}",
	"{\"header\":{\"pid\":1.0},\"exit\":{}}",
	"{\"header\":{\"pid\":1e2},\"exit\":{}}",
	"{\"header\":{\"pid\":1E2},\"exit\":{}}",
	"{\"header\":{\"pid\":-},\"exit\":{}}",
	"{\"header\":{\"pid\":+1},\"exit\":{}}",
	"{\"header\":{\"pid\":.5},\"exit\":{}}",
	"{\"header\":{\"pid\":1.},\"exit\":{}}",
	"{\"header\":{\"pid\":NaN},\"exit\":{}}",
	"{" H ",\"exit\":{\"code\":2147483647}}",
	"{" H ",\"exit\":{\"code\":2147483648}}",
	"{" H ",\"exit\":{\"code\":-2147483648}}",
	"{" H ",\"exit\":{\"code\":-2147483649}}",
	"{\"header\":{\"ts_ns\":18446744073709551615},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":18446744073709551616},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":9999999999999999999},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":9223372036854775807},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":9223372036854775808},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":-5},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":-0},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":00000000000000000001},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":100000000000000000000},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":1e400},\"exit\":{}}",
	"{" H ",\"open\":{\"ret\":9223372036854775807}}",
	"{" H ",\"open\":{\"ret\":9223372036854775808}}",
	"{" H ",\"open\":{\"ret\":-9223372036854775808}}",
	"{" H ",\"open\":{\"ret\":-9223372036854775809}}",
	"{" H ",\"open\":{\"ret\":-1000000000000000000}}",
	"{" H ",\"open\":{\"ret\":-10000000000000000000}}",
	/* strings */
	"{\"header\":{\"comm\":\"\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"\\u0041\\u00e9\\ud83d\\ude00\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"\\ud83d\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"\\ude00\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"\\u0000\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"\\u12\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"\\x41\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"\\'\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"a\xffz\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"a\xc3\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"\xed\xa0\x80\"},\"exit\":{}}",		/* an encoded surrogate */
	"{\"header\":{\"comm\":\"\xc0\xaf\"},\"exit\":{}}",		/* overlong */
	"{\"header\":{\"comm\":\"a\tb\"},\"exit\":{}}",		/* a raw tab */
	"{\"header\":{\"comm\":\"a\x7f" "b\"},\"exit\":{}}",
	"{\"header\":{\"comm\":'x'},\"exit\":{}}",
	"{\"header\":{\"comm\":\"12345678901234567890\\\"12345678\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"1234567\\\\\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"unterminated},\"exit\":{}}",
	/* repeated fields and maps */
	"{" H ",\"exec\":{\"argv\":[]}}",
	"{" H ",\"exec\":{\"argv\":[\"a\",\"\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}}",
	"{" H ",\"exec\":{\"argv\":[ \"a\" , \"b\" ]}}",
	"{" H ",\"exec\":{\"argv\":[\"a\",]}}",
	"{" H ",\"exec\":{\"argv\":[\"a\",null]}}",
	"{" H ",\"exec\":{\"argv\":[1]}}",
	"{" H ",\"exec\":{\"argv\":\"a\"}}",
	"{" H ",\"exec\":{\"argv\":[\"a\"],\"argv\":[\"b\"]}}",
	"{\"header\":{\"pod\":{\"labels\":{}}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":{\"app\":\"web\",\"tier\":\"\",\"\":\"x\"}}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":{\"app\":\"a\",\"app\":\"b\"}}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":{\"a\\u0070p\":\"a\",\"app\":\"b\"}}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":{\"app\":1}}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":{\"app\":\"\xff\"}}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":[]}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":{\"a\\nb\":\"c\"},\"namespace_labels\":{\"x\":\"y\"}}},\"exit\":{}}",
	"{\"header\":{\"pod\":{}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"uid\":\"u\",\"pod\":1}},\"exit\":{}}",
	"{\"header\":{\"pid\":1,\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},\"exit\":{}}",
	"{\"header\":{\"pid\":1},\"exit\":{\"code\":0}}\r",
	/* what simdjson accepts and the reference may not: keys equal once
	 * unescaped, NUL from \u0000 in keys, map keys and values, numbers it
	 * types differently */
	"{\"header\":{\"pid\":1,\"p\\u0069d\":2},\"exit\":{}}",
	"{\"he\\u0061der\":{\"pid\":1},\"exit\":{}}",
	"{\"header\":{\"pid\\u0000\":1},\"exit\":{}}",
	"{\"header\":{\"\\u0000\":1},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":{\"a\\u0000\":\"x\"}}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":{\"a\":\"x\\u0000\"}}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":{\"a\":\"x\",\"\\u0061\":\"y\"}}},\"exit\":{}}",
	"{\"header\":{\"pod\":{\"labels\":{\"\\ud83d\\ude00\":\"\\u00e9\"}}},\"exit\":{}}",
	"{\"header\":{\"comm\":\"\\ud800\\u0041\"},\"exit\":{}}",
	"{\"header\":{\"comm\":\"\\udbff\\udfff\"},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":-0.0},\"exit\":{}}",
	"{\"header\":{\"ts_ns\":1.5},\"exit\":{}}",
	"{\"header\":{\"pid\":-0},\"exit\":{\"code\":-0}}",
	"{" H ",\"open\":{\"ret\":-0}}",
	"{" H ",\"exec\":{\"argv\":[\"a\\u0000\"]}}",
	"{" H ",\"exec\":{\"argv\":[\"\\u00e9\\u20ac\"]}}",
};

static void test_variants_agree_with_reference(void **state)
{
	(void)state;
	int fast = 0;

	for (size_t i = 0; i < sizeof(variants) / sizeof(*variants); i++) {
		char what[32];
		snprintf(what, sizeof(what), "variant %zu", i);
		fast += expect_same(variants[i], strlen(variants[i]), what) == 0;
	}
	/* not a vacuous comparison: the fast path decided a good share */
	assert_true(fast >= 25);
	/* a NUL byte inside the text (strlen above stops at it) */
	static const char nul[] = "{\"header\":{\"comm\":\"a\0b\"},\"exit\":{}}";
	expect_same(nul, sizeof(nul) - 1, "raw NUL");
}

/* Every single-byte edit of some recorded lines: deleted, doubled, or
 * replaced by a byte that matters to JSON. */
static void test_mutations_agree_with_reference(void **state)
{
	(void)state;
	static const char repl[] = { '"', '\\', ',', ':', '}', ']', '{', '[', '0', '9', '-', '.',
				     'e', ' ', 'x', '\n', '\0', (char)0x80, (char)0xc3 };
	size_t n_lines;
	char *all = read_cases(&n_lines), *line = all, *nl;
	char *buf = malloc(1 << 16), what[64];

	assert_non_null(buf);
	for (size_t k = 0; (nl = strchr(line, '\n')) && k < 64; line = nl + 1, k++) {
		size_t len = (size_t)(nl - line);

		if (k % 16) /* a sample of lines (valgrind runs this too) */
			continue;
		for (size_t at = 0; at < len; at++) {
			snprintf(what, sizeof(what), "line %zu, byte %zu deleted", k + 1, at);
			memcpy(buf, line, at);
			memcpy(buf + at, line + at + 1, len - at - 1);
			expect_same(buf, len - 1, what);
			snprintf(what, sizeof(what), "line %zu, byte %zu doubled", k + 1, at);
			memcpy(buf, line, at + 1);
			memcpy(buf + at + 1, line + at, len - at);
			expect_same(buf, len + 1, what);
			for (size_t r = 0; r < sizeof(repl); r++) {
				if (line[at] == repl[r])
					continue;
				snprintf(what, sizeof(what), "line %zu, byte %zu -> 0x%02x", k + 1, at,
					 (unsigned char)repl[r]);
				memcpy(buf, line, len);
				buf[at] = repl[r];
				expect_same(buf, len, what);
			}
		}
	}
	free(buf);
	free(all);
}

/* Events bigger than the arena's block, and a reference-decoded event in
 * between, through one arena (and one simdjson parser): each decodes whole (valgrind checks that
 * nothing leaks or is read after the reset). */
static void test_arena_big_and_fallback_events(void **state)
{
	(void)state;
	size_t big = 200000;
	char *line = malloc(big + 100);

	assert_non_null(line);
	for (int round = 0; round < 3; round++) {
		int n = snprintf(line, big + 100, "{" H ",\"exec\":{\"filename\":\"");
		memset(line + n, 'a', big);
		n += (int)big;
		n += snprintf(line + n, 100, "\",\"argv\":[\"x\",\"y\",\"z\",\"w\",\"v\"]}}");
		assert_int_equal(expect_same(line, (size_t)n, "a 200 kB filename"), 0);
		assert_int_equal(expect_same("{\"header\":{\"comm\":\"\\u0041\"},\"exit\":{}}", 37,
					     "an escape the fast path leaves"), JSON_FAST_GIVE_UP);
		expect_same("{" H ",\"exit\":{\"code\":3}}", strlen("{" H ",\"exit\":{\"code\":3}}"), "small");
	}
	free(line);
	/* above the fast path's 1 MiB bound (simdjson's memory grows with the
	 * longest line): left to the reference, same event */
	big = (1 << 20) + 1;
	assert_non_null(line = malloc(big + 100));
	int n = snprintf(line, big + 100, "{" H ",\"exec\":{\"filename\":\"");
	memset(line + n, 'b', big);
	n += (int)big;
	n += snprintf(line + n, 100, "\"}}");
	assert_int_equal(expect_same(line, (size_t)n, "a 1 MiB filename"), JSON_FAST_GIVE_UP);
	free(line);
}

static int setup(void **state)
{
	(void)state;
	return json_arena_new(&arena);
}

static int teardown(void **state)
{
	(void)state;
	json_arena_free(arena);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_lines_take_the_fast_path),
		cmocka_unit_test(test_variants_agree_with_reference),
		cmocka_unit_test(test_mutations_agree_with_reference),
		cmocka_unit_test(test_arena_big_and_fallback_events),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
