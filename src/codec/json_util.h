/* Helpers shared by the JSON encoder and decoder. */
#ifndef RINGTAP_JSON_UTIL_H
#define RINGTAP_JSON_UTIL_H

#include <errno.h>
#include <string.h>
#include <protobuf-c/protobuf-c.h>
#include "codec/json_codec.h"

/* protobuf-c has no map flag: a map<K,V> field is a repeated message whose
 * type is the generated "...Entry" with fields key = 1 and value = 2. */
static inline int json_is_map_entry(const ProtobufCMessageDescriptor *d)
{
	size_t n = strlen(d->short_name);
	return d->n_fields == 2 && n > 5 && !strcmp(d->short_name + n - 5, "Entry") &&
	       !strcmp(d->fields[0].name, "key") && !strcmp(d->fields[1].name, "value");
}

/* Bytes one element of a repeated field of type t takes in its C array. */
static inline size_t json_elem_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	default:
		return 4;
	}
}

int json_put_string(struct strbuf *sb, const char *s);

/* 0 if text[0..len) is one strict RFC 8259 JSON value (optionally wrapped
 * in whitespace) with no duplicate keys, no NUL in keys or strings and every
 * integer within 64 bits; else -EBADMSG with the reason (and the field) in
 * err, or -ENOMEM. */
int json_strict_check(const char *text, size_t len, char *err, size_t errlen);

/* json_decode_event's reference path (json_decode_ref.c): strict pass, then
 * json-c. Same contract as json_decode_event; slower. The fast path
 * (json_decode.c) accepts a line only where this would accept it and produce
 * the same event; tests and fuzzing compare the two. */
int json_decode_event_ref(const char *text, size_t len, Ringtap__V1__Event **out,
			  char *err, size_t errlen);

/* json_decode_event's fast path alone: 0 with *out (free_unpacked it),
 * JSON_FAST_GIVE_UP where it leaves the line to the reference (a refusal,
 * or a construct it does not handle), or -ENOMEM. */
#define JSON_FAST_GIVE_UP (-EOPNOTSUPP)
int json_decode_fast(const char *text, size_t len, Ringtap__V1__Event **out);

#endif
