/* simdjson's DOM parser (full RFC 8259 and UTF-8 validation) behind a C
 * interface, for the replay decoder's fast path (json_decode.c). The C++
 * is all in json_simd.cpp. */
#ifndef RINGTAP_JSON_SIMD_H
#define RINGTAP_JSON_SIMD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A parser and its padded input buffer, reused line after line (one per
 * replay source: not for two threads at once). */
struct json_simd;

int json_simd_new(struct json_simd **out);
void json_simd_free(struct json_simd *p);

enum json_simd_type {
	JSON_SIMD_OBJECT,
	JSON_SIMD_ARRAY,
	JSON_SIMD_STRING,
	JSON_SIMD_INT64,	/* an integer that fits int64 */
	JSON_SIMD_UINT64,	/* an integer above INT64_MAX that fits uint64 */
	JSON_SIMD_DOUBLE,	/* any other number (a fraction, an exponent, -0.0) */
	JSON_SIMD_BOOL,
	JSON_SIMD_NULL,
};

/* A value of the document last parsed; valid until the next parse. */
struct json_simd_value {
	enum json_simd_type type;
	uint64_t opaque[2];
};

/* Walks an object's members or an array's elements. */
struct json_simd_iter {
	uint64_t opaque[4];
};

/* Parses text[0..len) (copied into the parser's padded buffer) as one JSON
 * value: 0 with *root; -EBADMSG when simdjson refuses it (not JSON, invalid
 * UTF-8, a number beyond 64 bits, a lone surrogate...); -ENOMEM. */
int json_simd_parse(struct json_simd *p, const char *text, size_t len,
		    struct json_simd_value *root);

static inline enum json_simd_type json_simd_type(const struct json_simd_value *v)
{
	return v->type;
}
/* The accessors below want a value of their type. A string's bytes are
 * unescaped and may hold NUL (from \u0000). */
void json_simd_string(const struct json_simd_value *v, const char **s, size_t *len);
int64_t json_simd_int64(const struct json_simd_value *v);
uint64_t json_simd_uint64(const struct json_simd_value *v);
int json_simd_bool(const struct json_simd_value *v);

/* v an object: the members, in order, by json_simd_object_next. */
void json_simd_object_begin(const struct json_simd_value *v, struct json_simd_iter *it);
/* 1 with the next member's (unescaped) key and value, 0 at the end. */
int json_simd_object_next(struct json_simd_iter *it, const char **key, size_t *keylen,
			  struct json_simd_value *val);
/* v an array: the elements, in order, by json_simd_array_next. */
void json_simd_array_begin(const struct json_simd_value *v, struct json_simd_iter *it);
int json_simd_array_next(struct json_simd_iter *it, struct json_simd_value *val);

/* The parser of a replay source's arena (json_arena.c). */
struct json_arena;
struct json_simd *json_arena_parser(struct json_arena *a);

#ifdef __cplusplus
}
#endif

#endif
