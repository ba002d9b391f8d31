/* Replay decoding: one JSON line -> ringtap.v1.Event.
 *
 * The fast path below parses the line with simdjson (json_simd.cpp: full
 * RFC 8259 and UTF-8 validation) and walks the parsed document along the
 * protobuf-c message descriptors, writing straight into the message (so a
 * field added to event.proto needs no code here). It accepts a line only
 * when the reference decoder (json_decode_ref.c: strict RFC 8259 pass +
 * json-c) would accept it and build the same event: what simdjson lets
 * through and the reference refuses (duplicate keys, NUL in a string or
 * key) is checked here. On anything else, a refusal or a construct it
 * leaves out (floating-point fields, a line over 1 MiB), it gives up
 * and the reference decodes the line again: so what is refused, and the
 * FILE:LINE reason, are exactly the reference's, and a refused line costs
 * two passes (it ends the replay anyway).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json_codec.h"
#include "codec/json_simd.h"
#include "codec/json_util.h"

#define FAST_MAX_FIELDS 256	/* the seen-field bitmap's size */
#define FAST_MAX_MAP 32		/* map keys are checked for duplicates pairwise */
/* simdjson's parser keeps ~14 bytes per byte of the longest line it saw;
 * replay's lines are at most 1 MiB (source_replay.c), longer ones go to the
 * reference. */
#define FAST_MAX_LINE (1 << 20)

struct fast {
	struct json_arena *arena;	/* or NULL: malloc, free_unpacked */
};

static inline void *fast_alloc(struct fast *s, size_t n)
{
	return s->arena ? json_arena_alloc(s->arena, n) : malloc(n);
}

/* The string str[0..len) for field f into *dst (the reference's rules: no
 * NUL, valid UTF-8; an empty singular string with a default points at the
 * default). UTF-8 needs no second look: simdjson validated the line's bytes
 * and refuses lone surrogates in \u escapes, so what it unescapes is valid
 * (utf8.c's rules are the standard's: no overlong forms, no surrogates,
 * nothing above U+10FFFF; the differential test and fuzz target hold it). */
static int string_field(struct fast *s, const ProtobufCFieldDescriptor *f, const char *str,
			size_t len, char **dst)
{
	char *copy;

	if (len == 0 && f->default_value && f->label != PROTOBUF_C_LABEL_REPEATED) {
		*dst = (char *)f->default_value;
		return 0;
	}
	if (memchr(str, '\0', len)) /* from \u0000 */
		return JSON_FAST_GIVE_UP;
	if (!(copy = fast_alloc(s, len + 1)))
		return -ENOMEM;
	memcpy(copy, str, len);
	copy[len] = '\0';
	*dst = copy;
	return 0;
}

static int decode_string(struct fast *s, const ProtobufCFieldDescriptor *f,
			 const struct json_simd_value *v, char **dst)
{
	const char *str;
	size_t len;

	if (json_simd_type(v) != JSON_SIMD_STRING)
		return JSON_FAST_GIVE_UP;
	json_simd_string(v, &str, &len);
	return string_field(s, f, str, len, dst);
}

/* An integer for field f, within [lo, hi] for the signed and 32-bit types
 * (simdjson: INT64 when it fits int64, else UINT64; a fraction or an
 * exponent is a DOUBLE, which the reference decides). */
static int decode_int(const ProtobufCFieldDescriptor *f, const struct json_simd_value *v,
		      void *dst)
{
	enum json_simd_type t = json_simd_type(v);
	int64_t lo, hi, n;

	switch (f->type) {
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (t == JSON_SIMD_UINT64) {
			*(uint64_t *)dst = json_simd_uint64(v);
			return 0;
		}
		lo = 0, hi = INT64_MAX;
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		lo = 0, hi = UINT32_MAX;
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		lo = INT64_MIN, hi = INT64_MAX;
		break;
	default: /* 32-bit signed and enums */
		lo = INT32_MIN, hi = INT32_MAX;
		break;
	}
	if (t != JSON_SIMD_INT64)
		return JSON_FAST_GIVE_UP;
	n = json_simd_int64(v);
	if (n < lo || n > hi)
		return JSON_FAST_GIVE_UP;
	if (hi == INT64_MAX)
		*(int64_t *)dst = n; /* uint64 fields too: n >= 0 */
	else if (lo == 0)
		*(uint32_t *)dst = (uint32_t)n;
	else
		*(int32_t *)dst = (int32_t)n;
	return 0;
}

/* One scalar JSON value into dst, the C storage of field f. */
static int decode_scalar(struct fast *s, const ProtobufCFieldDescriptor *f,
			 const struct json_simd_value *v, void *dst)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_ENUM: case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
		return decode_int(f, v, dst);
	case PROTOBUF_C_TYPE_BOOL:
		if (json_simd_type(v) != JSON_SIMD_BOOL)
			return JSON_FAST_GIVE_UP;
		*(protobuf_c_boolean *)dst = json_simd_bool(v);
		return 0;
	case PROTOBUF_C_TYPE_STRING:
		return decode_string(s, f, v, dst);
	default: /* floating point (the reference's strtod), bytes */
		return JSON_FAST_GIVE_UP;
	}
}

static int decode_message(struct fast *s, const struct json_simd_value *v, ProtobufCMessage *msg);

static int new_message(struct fast *s, const ProtobufCMessageDescriptor *d,
		       ProtobufCMessage **out)
{
	ProtobufCMessage *m = fast_alloc(s, d->sizeof_message);

	if (!m)
		return -ENOMEM;
	protobuf_c_message_init(d, m); /* see json_decode_ref.c on message_init */
	*out = m;
	return 0;
}

static int decode_submessage(struct fast *s, const ProtobufCFieldDescriptor *f,
			     const struct json_simd_value *v, ProtobufCMessage **dst)
{
	int rc;

	if (json_simd_type(v) != JSON_SIMD_OBJECT)
		return JSON_FAST_GIVE_UP;
	if ((rc = new_message(s, f->descriptor, dst)))
		return rc;
	return decode_message(s, v, *dst);
}

/* Room for element count of a repeated field (esz bytes each) holding
 * count: the array grows 4, 8, 16... */
static void *grow(struct fast *s, void **arr, size_t count, size_t esz)
{
	if (count == 0 || (count >= 4 && !(count & (count - 1)))) {
		size_t cap = count ? count * 2 : 4;
		void *p;

		if (s->arena) {
			if ((p = json_arena_alloc(s->arena, cap * esz)) && count)
				memcpy(p, *arr, count * esz);
		} else {
			p = realloc(*arr, cap * esz);
		}
		if (!p)
			return NULL;
		*arr = p;
	}
	return (char *)*arr + count * esz;
}

/* A map<string, string> (a repeated ...Entry message) from a JSON object.
 * simdjson keeps duplicate keys; the reference refuses them. */
static int decode_map(struct fast *s, const ProtobufCFieldDescriptor *f,
		      const struct json_simd_value *v, ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *ed = f->descriptor;
	const ProtobufCFieldDescriptor *kf = &ed->fields[0], *vf = &ed->fields[1];
	size_t *count = (size_t *)((char *)msg + f->quantifier_offset);
	void **arr = (void **)((char *)msg + f->offset);
	struct json_simd_value val;
	struct json_simd_iter it;
	const char *key;
	size_t keylen;
	int rc;

	if (kf->type != PROTOBUF_C_TYPE_STRING || json_simd_type(v) != JSON_SIMD_OBJECT)
		return JSON_FAST_GIVE_UP;
	json_simd_object_begin(v, &it);
	while (json_simd_object_next(&it, &key, &keylen, &val)) {
		ProtobufCMessage *entry, **slot;
		char **k;

		if (*count == FAST_MAX_MAP)
			return JSON_FAST_GIVE_UP;
		if (!(slot = grow(s, arr, *count, sizeof(*slot))))
			return -ENOMEM;
		if ((rc = new_message(s, ed, &entry)))
			return rc;
		*slot = entry;
		(*count)++;
		k = (char **)((char *)entry + kf->offset);
		for (size_t i = 0; i + 1 < *count; i++) { /* a duplicate key */
			const char *other = *(char **)((char *)((ProtobufCMessage **)*arr)[i] + kf->offset);
			if (strlen(other) == keylen && !memcmp(other, key, keylen))
				return JSON_FAST_GIVE_UP;
		}
		/* the key through the string rules, as the reference does */
		if ((rc = string_field(s, kf, key, keylen, k)))
			return rc;
		if ((rc = decode_scalar(s, vf, &val, (char *)entry + vf->offset)))
			return rc;
	}
	return 0;
}

static int decode_repeated(struct fast *s, const ProtobufCFieldDescriptor *f,
			   const struct json_simd_value *v, ProtobufCMessage *msg)
{
	size_t *count = (size_t *)((char *)msg + f->quantifier_offset);
	void **arr = (void **)((char *)msg + f->offset);
	size_t esz = json_elem_size(f->type);
	struct json_simd_value item;
	struct json_simd_iter it;
	int rc;

	if (f->type == PROTOBUF_C_TYPE_MESSAGE && json_is_map_entry(f->descriptor))
		return decode_map(s, f, v, msg);
	if (json_simd_type(v) != JSON_SIMD_ARRAY)
		return JSON_FAST_GIVE_UP;
	json_simd_array_begin(v, &it);
	while (json_simd_array_next(&it, &item)) {
		char *slot = grow(s, arr, *count, esz);

		if (!slot)
			return -ENOMEM;
		memset(slot, 0, esz);
		if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
			rc = decode_submessage(s, f, &item, (ProtobufCMessage **)slot);
			if (*(void **)slot) /* attached: freed with the event */
				(*count)++;
		} else {
			rc = decode_scalar(s, f, &item, slot);
			if (!rc)
				(*count)++;
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* The field named key[0..len): ringtap writes fields in declaration order,
 * so the one after the previous is tried first (*next), then a lookup. */
static const ProtobufCFieldDescriptor *find_field(const ProtobufCMessageDescriptor *d,
						  const char *key, size_t len, unsigned *next)
{
	const ProtobufCFieldDescriptor *f;
	char name[64];

	if (*next < d->n_fields) {
		const char *n = d->fields[*next].name;
		size_t i = 0;

		while (i < len && n[i] && n[i] == key[i]) /* never past the name's NUL */
			i++;
		if (i == len && !n[i])
			return &d->fields[(*next)++];
	}
	if (len >= sizeof(name) || memchr(key, '\0', len)) /* NUL (\u0000): the reference refuses */
		return NULL;
	memcpy(name, key, len);
	name[len] = '\0';
	f = protobuf_c_message_descriptor_get_field_by_name(d, name);
	if (f)
		*next = (unsigned)(f - d->fields) + 1;
	return f;
}

/* An object into msg. simdjson keeps duplicate keys; the reference refuses
 * them: a bitmap of the fields seen. */
static int decode_message(struct fast *s, const struct json_simd_value *v, ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	uint64_t seen[FAST_MAX_FIELDS / 64] = { 0 };
	struct json_simd_value val;
	struct json_simd_iter it;
	unsigned next = 0;
	const char *key;
	size_t keylen;
	int rc;

	if (d->n_fields > FAST_MAX_FIELDS)
		return JSON_FAST_GIVE_UP;
	json_simd_object_begin(v, &it);
	while (json_simd_object_next(&it, &key, &keylen, &val)) {
		const ProtobufCFieldDescriptor *f = find_field(d, key, keylen, &next);
		unsigned i;

		if (!f)
			return JSON_FAST_GIVE_UP;
		i = (unsigned)(f - d->fields);
		if (seen[i / 64] & (1ull << (i % 64)))
			return JSON_FAST_GIVE_UP; /* a duplicate */
		seen[i / 64] |= 1ull << (i % 64);
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t *which = (uint32_t *)((char *)msg + f->quantifier_offset);
			if (*which)
				return JSON_FAST_GIVE_UP; /* two bodies */
			*which = f->id;
		}
		void *dst = (char *)msg + f->offset;
		if (f->label == PROTOBUF_C_LABEL_REPEATED)
			rc = decode_repeated(s, f, &val, msg);
		else if (f->type == PROTOBUF_C_TYPE_MESSAGE)
			rc = decode_submessage(s, f, &val, dst);
		else
			rc = decode_scalar(s, f, &val, dst);
		if (rc)
			return rc;
	}
	return 0;
}

/* 0 with *out, JSON_FAST_GIVE_UP, or -ENOMEM. */
static int decode_fast(struct json_simd *parser, const char *text, size_t len,
		       struct json_arena *arena, Ringtap__V1__Event **out)
{
	struct fast s = { .arena = arena };
	struct json_simd_value root;
	Ringtap__V1__Event *ev;
	int rc;

	if (len > FAST_MAX_LINE)
		return JSON_FAST_GIVE_UP;
	if ((rc = json_simd_parse(parser, text, len, &root)))
		return rc == -ENOMEM ? rc : JSON_FAST_GIVE_UP;
	if (json_simd_type(&root) != JSON_SIMD_OBJECT)
		return JSON_FAST_GIVE_UP;
	if (!(ev = fast_alloc(&s, sizeof(*ev))))
		return -ENOMEM;
	ringtap__v1__event__init(ev);
	rc = decode_message(&s, &root, &ev->base);
	if (!rc && (!ev->header || ev->body_case == RINGTAP__V1__EVENT__BODY__NOT_SET))
		rc = JSON_FAST_GIVE_UP;
	if (rc) {
		if (!arena)
			ringtap__v1__event__free_unpacked(ev, NULL);
		return rc;
	}
	*out = ev;
	return 0;
}

int json_decode_fast(const char *text, size_t len, Ringtap__V1__Event **out)
{
	struct json_simd *parser;
	int rc;

	*out = NULL;
	if ((rc = json_simd_new(&parser)))
		return rc;
	rc = decode_fast(parser, text, len, NULL, out);
	json_simd_free(parser);
	if (rc)
		*out = NULL;
	return rc;
}

int json_decode_event(const char *text, size_t len, Ringtap__V1__Event **out,
		      char *err, size_t errlen)
{
	int rc = json_decode_fast(text, len, out);

	if (rc != JSON_FAST_GIVE_UP) {
		if (errlen)
			err[0] = '\0';
		return rc;
	}
	return json_decode_event_ref(text, len, out, err, errlen);
}

int json_decode_event_arena(struct json_arena *a, const char *text, size_t len,
			    Ringtap__V1__Event **out, char *err, size_t errlen)
{
	int rc;

	json_arena_reset(a);
	*out = NULL;
	rc = decode_fast(json_arena_parser(a), text, len, a, out);
	if (rc != JSON_FAST_GIVE_UP) {
		if (errlen)
			err[0] = '\0';
		return rc;
	}
	json_arena_reset(a);
	rc = json_decode_event_ref(text, len, out, err, errlen);
	if (!rc)
		json_arena_keep_event(a, *out);
	return rc;
}
