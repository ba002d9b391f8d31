/* utf8_copy_sanitized: the word-at-a-time ASCII path must give exactly what
 * the byte-by-byte decoder gives, wherever a non-ASCII byte falls. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "codec/utf8.h"

/* The byte-at-a-time definition the fast path must match. */
static size_t reference_sanitize(char *dst, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0;

	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq_len(s + i, n - i);
		if (!len) {
			memcpy(dst + out, "\xef\xbf\xbd", 3);
			out += 3;
			i++;
			continue;
		}
		memcpy(dst + out, s + i, len);
		out += len;
		i += len;
	}
	dst[out] = '\0';
	return out;
}

static void expect_same(const char *src, size_t n)
{
	char got[3 * 64 + 1], want[3 * 64 + 1];

	assert_true(n <= 64);
	memset(got, 'x', sizeof(got));
	size_t w = reference_sanitize(want, src, n);
	size_t g = utf8_copy_sanitized(got, src, n);
	assert_int_equal(g, w);
	assert_memory_equal(got, want, w + 1);
}

static void test_ascii(void **state)
{
	(void)state;
	char out[64];

	assert_int_equal(utf8_copy_sanitized(out, "/etc/passwd", 11), 11);
	assert_string_equal(out, "/etc/passwd");
	assert_int_equal(utf8_copy_sanitized(out, "", 0), 0);
	assert_string_equal(out, "");
	/* only the first n bytes: no read of the rest */
	assert_int_equal(utf8_copy_sanitized(out, "abcdefghijklmnop", 13), 13);
	assert_string_equal(out, "abcdefghijklm");
}

static void test_invalid_byte_in_every_position(void **state)
{
	(void)state;
	char buf[40], out[3 * 40 + 1];
	static const char *bad[] = { "\xff", "\x80", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf" };

	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
		size_t blen = strlen(bad[b]);
		for (size_t pos = 0; pos + blen <= sizeof(buf); pos++) {
			memset(buf, 'a', sizeof(buf));
			memcpy(buf + pos, bad[b], blen);
			for (size_t n = pos; n <= sizeof(buf); n++)
				expect_same(buf, n);
		}
	}
	/* one invalid byte in the middle of a long ASCII run becomes U+FFFD */
	memset(buf, 'a', sizeof(buf));
	buf[17] = '\xff';
	assert_int_equal(utf8_copy_sanitized(out, buf, sizeof(buf)), sizeof(buf) + 2);
	assert_memory_equal(out + 17, "\xef\xbf\xbd" "aaa", 6);
	assert_memory_equal(out, "aaaaaaaaaaaaaaaaa", 17);
}

static void test_valid_multibyte_in_every_position(void **state)
{
	(void)state;
	char buf[40];
	static const char *good[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" };

	for (size_t g = 0; g < sizeof(good) / sizeof(good[0]); g++) {
		size_t glen = strlen(good[g]);
		for (size_t pos = 0; pos + glen <= sizeof(buf); pos++) {
			memset(buf, 'b', sizeof(buf));
			memcpy(buf + pos, good[g], glen);
			expect_same(buf, sizeof(buf));
			/* cut inside the sequence: each orphan byte replaced */
			expect_same(buf, pos + glen - 1);
		}
	}
}

static void test_embedded_nul_kept(void **state)
{
	(void)state;
	char out[32];

	/* n is the caller's length: a NUL inside is copied like any ASCII byte */
	assert_int_equal(utf8_copy_sanitized(out, "ab\0cdefghij", 11), 11);
	assert_memory_equal(out, "ab\0cdefghij", 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_invalid_byte_in_every_position),
		cmocka_unit_test(test_valid_multibyte_in_every_position),
		cmocka_unit_test(test_embedded_nul_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
