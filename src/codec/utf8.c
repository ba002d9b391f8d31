#include <stdint.h>
#include <string.h>
#include "codec/utf8.h"

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min, cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) { len = 2; cp = s[0] & 0x1f; min = 0x80; }
	else if ((s[0] & 0xf0) == 0xe0) { len = 3; cp = s[0] & 0x0f; min = 0x800; }
	else if ((s[0] & 0xf8) == 0xf0) { len = 4; cp = s[0] & 0x07; min = 0x10000; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Length of the leading ASCII run of s[0..n), eight bytes at a time: paths,
 * comms and argv are nearly always ASCII, and the per-byte decoder was ~5% of
 * the live Kafka path's CPU (perf, docs/benchmarks.md). */
static size_t ascii_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;
	uint64_t w;

	for (; i + sizeof(w) <= n; i += sizeof(w)) {
		memcpy(&w, s + i, sizeof(w));
		if (w & 0x8080808080808080ull)
			break;
	}
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

size_t utf8_copy_sanitized(char *dst, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0;

	for (size_t i = 0; i < n;) {
		size_t len = ascii_prefix(s + i, n - i);
		if (len) {
			memcpy(dst + out, s + i, len);
			out += len;
			i += len;
			continue;
		}
		len = utf8_seq_len(s + i, n - i);
		if (len == 0) {
			memcpy(dst + out, "\xef\xbf\xbd", 3); /* U+FFFD */
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

int utf8_valid(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);

	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq_len(s + i, n - i);
		if (!len)
			return 0;
		i += len;
	}
	return 1;
}
