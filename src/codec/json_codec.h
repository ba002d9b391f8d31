/* JSON form of ringtap.v1.Event (NDJSON lines), driven by the protobuf-c
 * descriptors so every field of the schema is covered without per-field code.
 *
 * Canonical output: fields in .proto declaration order, every field of a
 * present message emitted (defaults included), integers as JSON numbers,
 * no whitespace. So record -> replay -> NDJSON reproduces bytes exactly.
 */
#ifndef RINGTAP_JSON_CODEC_H
#define RINGTAP_JSON_CODEC_H

#include <stddef.h>
#include "ringtap/v1/event.pb-c.h"

/* A growable output buffer, reused across events to avoid allocation. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void strbuf_reset(struct strbuf *sb);
/* Make room for extra more bytes (plus a NUL). 0 or -ENOMEM. */
int strbuf_reserve(struct strbuf *sb, size_t extra);
int strbuf_append(struct strbuf *sb, const char *s, size_t n);
void strbuf_free(struct strbuf *sb);

/* Append the JSON form of msg (no trailing newline) to sb. 0 or -ENOMEM. */
int json_encode_message(const ProtobufCMessage *msg, struct strbuf *sb);

static inline int json_encode_event(const Ringtap__V1__Event *ev, struct strbuf *sb)
{
	return json_encode_message(&ev->base, sb);
}

/* Parse one JSON object into a newly allocated Event (free with
 * ringtap__v1__event__free_unpacked(ev, NULL)). Unknown fields, wrong types
 * and out-of-range numbers are errors: -EBADMSG with a reason in err. */
int json_decode_event(const char *text, size_t len, Ringtap__V1__Event **out,
		      char *err, size_t errlen);

/* Memory for decoded events used one at a time (replay): see json_arena.c. */
struct json_arena;
int json_arena_new(struct json_arena **out);
/* n bytes, aligned for any type; NULL when out of memory. */
void *json_arena_alloc(struct json_arena *a, size_t n);
/* ev (heap, from free_unpacked's world) is freed at the next reset. */
void json_arena_keep_event(struct json_arena *a, Ringtap__V1__Event *ev);
/* Drops everything allocated since the last reset. */
void json_arena_reset(struct json_arena *a);
void json_arena_free(struct json_arena *a);

/* json_decode_event into arena a (reset first: the previous event decoded
 * there is gone). *out lives until the next reset or decode; do not
 * free_unpacked it. */
int json_decode_event_arena(struct json_arena *a, const char *text, size_t len,
			    Ringtap__V1__Event **out, char *err, size_t errlen);

#endif
