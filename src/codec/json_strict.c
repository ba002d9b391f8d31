/* Strict RFC 8259 check of one JSON line, run before json-c builds objects.
 *
 * json-c 0.16, even with JSON_TOKENER_STRICT, accepts single-quoted strings,
 * NaN and Infinity, "-01" and "1.", raw control characters and lone UTF-16
 * surrogates in strings; it keeps the last of duplicate keys, cuts a key at
 * an escaped NUL and saturates integers beyond 64 bits. A replay line must
 * not become a plausible event through any of these, so this pass refuses
 * them, naming the field where there is one. It checks syntax only: types
 * and field names are the decoder's business.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json_codec.h"
#include "codec/json_util.h"

#define STRICT_MAX_DEPTH 32 /* json-c's default; an event nests 4 deep */

struct scan {
	const char *start, *p, *end;
	int depth;
	char path[256];	/* dotted name of the value being scanned */
	size_t path_len;
	/* the decoded keys of the object open at each depth, NUL-separated:
	 * reused across objects, so a line costs a few allocations at most */
	struct strbuf keys[STRICT_MAX_DEPTH + 1];
	char *err;
	size_t errlen;
};

/* In errors: "field 'header.comm'" for a value, "a field name in 'header'"
 * for a key (s->path is then the object's). */
static const char *string_role(int is_key)
{
	return is_key ? "a field name in" : "field";
}

static int syntax(struct scan *s, const char *what)
{
	if (s->p >= s->end)
		snprintf(s->err, s->errlen, "invalid JSON: unexpected end of line");
	else
		snprintf(s->err, s->errlen, "invalid JSON at column %zu: %s",
			 (size_t)(s->p - s->start) + 1, what);
	return -EBADMSG;
}

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
		else return -1;
	}
	*out = v;
	return 0;
}

static int put_utf8(struct strbuf *out, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6); b[1] = (char)(0x80 | (cp & 0x3f)); n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12); b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18); b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); b[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
	}
	return strbuf_append(out, b, n);
}

/* A string at s->p. With out (a key), its decoded bytes are appended there
 * for the duplicate check. */
static int scan_string(struct scan *s, struct strbuf *out)
{
	int is_key = out != NULL;
	int rc;

	s->p++; /* the opening quote */
	while (s->p < s->end && *s->p != '"') {
		unsigned char c = (unsigned char)*s->p;
		unsigned cp;

		if (c < 0x20) {
			snprintf(s->err, s->errlen, "%s '%s' contains %s at column %zu",
				 string_role(is_key), s->path,
				 c ? "a raw control character" : "a NUL character",
				 (size_t)(s->p - s->start) + 1);
			return -EBADMSG;
		}
		if (c != '\\') {
			const char *run = s->p;
			while (s->p < s->end && (unsigned char)*s->p >= 0x20 && *s->p != '"' && *s->p != '\\')
				s->p++;
			if (out && (rc = strbuf_append(out, run, (size_t)(s->p - run))))
				return rc;
			continue;
		}
		if (s->end - s->p < 2)
			return syntax(s, "unterminated string");
		switch (s->p[1]) {
		case '"': case '\\': case '/': cp = (unsigned char)s->p[1]; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (s->end - s->p < 6 || hex4(s->p + 2, &cp))
				return syntax(s, "\\u needs four hex digits");
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return syntax(s, "\\u escape is a lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned lo;
				if (s->end - s->p < 12 || s->p[6] != '\\' || s->p[7] != 'u' ||
				    hex4(s->p + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return syntax(s, "\\u escape is a lone high surrogate");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				s->p += 6;
			}
			if (cp == 0) {
				snprintf(s->err, s->errlen, "%s '%s' contains a NUL character (\\u0000)",
					 string_role(is_key), s->path);
				return -EBADMSG;
			}
			s->p += 4;
			break;
		default:
			return syntax(s, "invalid escape in a string");
		}
		s->p += 2;
		if (out && (rc = put_utf8(out, cp)))
			return rc;
	}
	if (s->p >= s->end)
		return syntax(s, "unterminated string");
	s->p++;
	return 0;
}

/* Integers must fit 64 bits (signed or unsigned): json-c would saturate. */
static int check_int_range(struct scan *s, const char *num, size_t n)
{
	char buf[24];
	int neg = num[0] == '-';

	if (n - (size_t)neg < 19) /* up to 18 digits fit either way */
		return 0;
	errno = 0;
	if (n < sizeof(buf)) {
		memcpy(buf, num, n);
		buf[n] = '\0';
		if (neg)
			(void)strtoll(buf, NULL, 10);
		else
			(void)strtoull(buf, NULL, 10);
	}
	if (n >= sizeof(buf) || errno == ERANGE) {
		snprintf(s->err, s->errlen, "field '%s': %.*s is out of range", s->path,
			 n > 40 ? 40 : (int)n, num);
		return -EBADMSG;
	}
	return 0;
}

static size_t digits(struct scan *s)
{
	const char *from = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return (size_t)(s->p - from);
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int scan_number(struct scan *s)
{
	const char *num = s->p;
	int integer = 1;

	if (*s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0') {
		s->p++;
		if (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			return syntax(s, "a number has a leading zero");
	} else if (!digits(s)) {
		return syntax(s, "a number needs digits");
	}
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		integer = 0;
		if (!digits(s))
			return syntax(s, "a number needs digits after '.'");
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		integer = 0;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!digits(s))
			return syntax(s, "a number needs digits in its exponent");
	}
	return integer ? check_int_range(s, num, (size_t)(s->p - num)) : 0;
}

static int scan_value(struct scan *s);

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int duplicate(struct scan *s, const char *key)
{
	snprintf(s->err, s->errlen, "duplicate field '%s%s%.100s'", s->path,
		 s->path_len ? "." : "", key);
	return -EBADMSG;
}

/* n keys, NUL-separated in keys. An event's objects have a handful of keys:
 * compare pairs; a big object (a hostile line) is sorted, n log n. */
static int check_duplicates(struct scan *s, const struct strbuf *keys, size_t n)
{
	const char *a, *b;

	if (n <= 32) {
		for (a = keys->buf; a < keys->buf + keys->len; a += strlen(a) + 1)
			for (b = a + strlen(a) + 1; b < keys->buf + keys->len; b += strlen(b) + 1)
				if (!strcmp(a, b))
					return duplicate(s, a);
		return 0;
	}

	const char **sorted = malloc(n * sizeof(*sorted));
	int rc = 0;

	if (!sorted)
		return -ENOMEM;
	a = keys->buf;
	for (size_t i = 0; i < n; i++, a += strlen(a) + 1)
		sorted[i] = a;
	qsort(sorted, n, sizeof(*sorted), cmp_keys);
	for (size_t i = 1; i < n && !rc; i++)
		if (!strcmp(sorted[i - 1], sorted[i]))
			rc = duplicate(s, sorted[i]);
	free(sorted);
	return rc;
}

static int scan_object(struct scan *s)
{
	struct strbuf *keys = &s->keys[s->depth];
	size_t n_keys = 0, base = s->path_len;
	int rc;

	strbuf_reset(keys);
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		size_t key_at = keys->len;

		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return syntax(s, "a field name in double quotes expected");
		if ((rc = scan_string(s, keys)) || (rc = strbuf_append(keys, "", 1)))
			return rc;
		n_keys++;
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return syntax(s, "':' expected after a field name");
		s->p++;
		/* path = base "." key, cut to fit */
		size_t klen = keys->len - 1 - key_at, at = base;
		if (base && at < sizeof(s->path) - 1)
			s->path[at++] = '.';
		if (klen > sizeof(s->path) - 1 - at)
			klen = sizeof(s->path) - 1 - at;
		memcpy(s->path + at, keys->buf + key_at, klen);
		s->path_len = at + klen;
		s->path[s->path_len] = '\0';
		rc = scan_value(s);
		s->path[base] = '\0';
		s->path_len = base;
		if (rc)
			return rc;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			break;
		}
		return syntax(s, "',' or '}' expected");
	}
	return check_duplicates(s, keys, n_keys);
}

static int scan_array(struct scan *s)
{
	int rc;

	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		if ((rc = scan_value(s)))
			return rc;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return 0;
		}
		return syntax(s, "',' or ']' expected");
	}
}

static int scan_literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return syntax(s, "unexpected character");
	s->p += n;
	return 0;
}

static int scan_value(struct scan *s)
{
	int rc;

	skip_ws(s);
	if (s->p >= s->end)
		return syntax(s, "a value expected");
	switch (*s->p) {
	case '{':
	case '[':
		if (s->depth == STRICT_MAX_DEPTH)
			return syntax(s, "nested deeper than 32 levels");
		s->depth++;
		rc = *s->p == '{' ? scan_object(s) : scan_array(s);
		s->depth--;
		return rc;
	case '"':
		return scan_string(s, NULL);
	case 't':
		return scan_literal(s, "true");
	case 'f':
		return scan_literal(s, "false");
	case 'n':
		return scan_literal(s, "null");
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return scan_number(s);
		return syntax(s, "unexpected character");
	}
}

int json_strict_check(const char *text, size_t len, char *err, size_t errlen)
{
	struct scan s = { .start = text, .p = text, .end = text + len, .err = err, .errlen = errlen };
	int rc = scan_value(&s);

	if (!rc) {
		skip_ws(&s);
		if (s.p < s.end) {
			snprintf(err, errlen, "invalid JSON: trailing characters after the object");
			rc = -EBADMSG;
		}
	}
	for (int i = 0; i <= STRICT_MAX_DEPTH; i++)
		strbuf_free(&s.keys[i]);
	return rc;
}
