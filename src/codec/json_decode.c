/* Replay decoding: one JSON line -> ringtap.v1.Event, in one pass.
 *
 * The fast path below scans the line once and writes straight into the
 * protobuf-c message, walking the message descriptors (so a field added to
 * event.proto needs no code here). It accepts a line only when the
 * reference decoder (json_decode_ref.c: strict RFC 8259 pass + json-c)
 * would accept it and build the same event. On anything else, a refusal or
 * a construct it leaves out (\u escapes, escaped field names, 20-digit
 * integers, floating-point fields, nesting deeper than an event does), it
 * gives up and the reference decodes the line again: so what is refused,
 * and the FILE:LINE reason, are exactly the reference's, and a refused line
 * costs two passes (it ends the replay anyway).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json_codec.h"
#include "codec/json_util.h"
#include "codec/utf8.h"

#define FAST_MAX_DEPTH 8	/* an event nests 4 deep */
#define FAST_MAX_FIELDS 256	/* the seen-field bitmap's size */
#define FAST_MAX_MAP 32		/* map keys are checked for duplicates pairwise */

struct fast {
	const char *p, *end;
	int depth;
	struct json_arena *arena;	/* or NULL: malloc, free_unpacked */
};

static inline void *fast_alloc(struct fast *s, size_t n)
{
	return s->arena ? json_arena_alloc(s->arena, n) : malloc(n);
}

static inline void fast_free(struct fast *s, void *p)
{
	if (!s->arena)
		free(p);
}

/* A string token: raw bytes between the quotes. */
struct fast_str {
	const char *at;
	size_t len;
	int escaped;	/* has backslash escapes (no \u: those give up) */
	int high;	/* has bytes >= 0x80: UTF-8 to validate */
};

/* 1: ends a run of plain string bytes ('"', '\\', control); 2: >= 0x80 */
static const unsigned char str_class[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 2,
};

static inline void skip_ws(struct fast *s)
{
	if (s->p < s->end && (unsigned char)*s->p > ' ') /* ringtap writes none */
		return;
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The high bit of each byte of x that is '"', '\\', < 0x20 or >= 0x80.
 * The classic "has a zero byte" test: a borrow only runs upwards from a byte
 * that matched, so the lowest flagged byte (the first in memory) is exact. */
static inline uint64_t special_bytes(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');

	return (((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x) | x) &
	       (ones * 0x80);
}
#endif

/* The first byte at or after p that is not a plain string byte, or end. */
static inline const char *plain_run(const char *p, const char *end)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; end - p >= 8; p += 8) {
		uint64_t x, m;

		memcpy(&x, p, 8);
		if ((m = special_bytes(x)))
			return p + __builtin_ctzll(m) / 8;
	}
#endif
	while (p < end && !str_class[(unsigned char)*p])
		p++;
	return p;
}

/* s->p at the opening quote; leaves it after the closing one. */
static int scan_string(struct fast *s, struct fast_str *t)
{
	const char *p = s->p + 1, *end = s->end;

	t->at = p;
	t->escaped = 0;
	t->high = 0;
	for (;;) {
		p = plain_run(p, end);
		if (p >= end)
			return JSON_FAST_GIVE_UP;
		switch (str_class[(unsigned char)*p]) {
		case 2:
			t->high = 1;
			p++;
			continue;
		default:
			break;
		}
		if (*p == '"')
			break;
		if (*p != '\\' || end - p < 2)
			return JSON_FAST_GIVE_UP; /* a control character, or cut short */
		switch (p[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			t->escaped = 1;
			p += 2;
			continue;
		default:
			return JSON_FAST_GIVE_UP; /* \u (surrogates, NUL) and invalid escapes */
		}
	}
	t->len = (size_t)(p - t->at);
	s->p = p + 1;
	return 0;
}

/* The decoded bytes of t, NUL-terminated, in a new allocation. */
static char *string_copy(struct fast *s, const struct fast_str *t)
{
	char *out = fast_alloc(s, t->len + 1), *o = out;

	if (!out)
		return NULL;
	if (!t->escaped) {
		memcpy(out, t->at, t->len);
		out[t->len] = '\0';
		return out;
	}
	for (const char *p = t->at, *end = t->at + t->len; p < end; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		default: *o++ = *p; break; /* '"', '\\', '/' */
		}
	}
	*o = '\0';
	return out;
}

/* A string value for field f into *dst (the reference's rules: valid UTF-8;
 * an empty singular string with a default points at the default). */
static int decode_string(struct fast *s, const ProtobufCFieldDescriptor *f, char **dst)
{
	struct fast_str t;
	char *copy;
	int rc;

	if (s->p >= s->end || *s->p != '"')
		return JSON_FAST_GIVE_UP;
	if ((rc = scan_string(s, &t)))
		return rc;
	if (t.len == 0 && f->default_value && f->label != PROTOBUF_C_LABEL_REPEATED) {
		*dst = (char *)f->default_value;
		return 0;
	}
	if (!(copy = string_copy(s, &t)))
		return -ENOMEM;
	if (t.high && !utf8_valid(copy)) {
		fast_free(s, copy);
		return JSON_FAST_GIVE_UP;
	}
	*dst = copy;
	return 0;
}

/* An integer literal of at most 19 digits (fits a uint64 unchecked): its
 * sign and magnitude. A fraction, an exponent or more digits give up. */
static int scan_int(struct fast *s, int *neg, uint64_t *mag)
{
	const char *p = s->p, *end = s->end, *first;
	uint64_t v = 0;

	*neg = p < end && *p == '-';
	p += *neg;
	first = p;
	if (p < end && *p == '0') {
		p++;
	} else {
		const char *lim = end - p > 19 ? p + 19 : end;

		while (p < lim && (unsigned)(*p - '0') < 10)
			v = v * 10 + (uint64_t)(*p++ - '0');
		if (p == first)
			return JSON_FAST_GIVE_UP;
	}
	if (p < end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E'))
		return JSON_FAST_GIVE_UP;
	s->p = p;
	*mag = v;
	return 0;
}

/* An integer for field f, within [lo, hi] for the signed and 32-bit types. */
static int decode_int(struct fast *s, const ProtobufCFieldDescriptor *f, void *dst)
{
	int64_t lo, hi, n;
	uint64_t mag;
	int neg, rc;

	if ((rc = scan_int(s, &neg, &mag)))
		return rc;
	switch (f->type) {
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (neg && mag)
			return JSON_FAST_GIVE_UP;
		*(uint64_t *)dst = mag;
		return 0;
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
	if (mag > (uint64_t)INT64_MAX + neg)
		return JSON_FAST_GIVE_UP;
	n = neg ? (int64_t)(0 - mag) : (int64_t)mag; /* two's complement: INT64_MIN too */
	if (n < lo || n > hi)
		return JSON_FAST_GIVE_UP;
	if (hi == INT64_MAX)
		*(int64_t *)dst = n;
	else if (lo == 0)
		*(uint32_t *)dst = (uint32_t)n;
	else
		*(int32_t *)dst = (int32_t)n;
	return 0;
}

static int decode_bool(struct fast *s, protobuf_c_boolean *dst)
{
	size_t left = (size_t)(s->end - s->p);

	if (left >= 4 && !memcmp(s->p, "true", 4)) {
		*dst = 1;
		s->p += 4;
		return 0;
	}
	if (left >= 5 && !memcmp(s->p, "false", 5)) {
		*dst = 0;
		s->p += 5;
		return 0;
	}
	return JSON_FAST_GIVE_UP;
}

/* One scalar JSON value into dst, the C storage of field f. */
static int decode_scalar(struct fast *s, const ProtobufCFieldDescriptor *f, void *dst)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_ENUM: case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
		return decode_int(s, f, dst);
	case PROTOBUF_C_TYPE_BOOL:
		return decode_bool(s, dst);
	case PROTOBUF_C_TYPE_STRING:
		return decode_string(s, f, dst);
	default: /* floating point (the reference's strtod), bytes */
		return JSON_FAST_GIVE_UP;
	}
}

static int decode_message(struct fast *s, ProtobufCMessage *msg);

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
			     ProtobufCMessage **dst)
{
	int rc;

	if (s->p >= s->end || *s->p != '{')
		return JSON_FAST_GIVE_UP;
	if ((rc = new_message(s, f->descriptor, dst)))
		return rc;
	return decode_message(s, *dst);
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

/* A map<string, string> (a repeated ...Entry message) from a JSON object. */
static int decode_map(struct fast *s, const ProtobufCFieldDescriptor *f, ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *ed = f->descriptor;
	size_t *count = (size_t *)((char *)msg + f->quantifier_offset);
	void **arr = (void **)((char *)msg + f->offset);
	int rc;

	if (ed->fields[0].type != PROTOBUF_C_TYPE_STRING || s->p >= s->end || *s->p != '{')
		return JSON_FAST_GIVE_UP;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		ProtobufCMessage *entry, **slot;
		char **key;

		if (*count == FAST_MAX_MAP)
			return JSON_FAST_GIVE_UP;
		if (!(slot = grow(s, arr, *count, sizeof(*slot))))
			return -ENOMEM;
		if ((rc = new_message(s, ed, &entry)))
			return rc;
		*slot = entry;
		(*count)++;
		key = (char **)((char *)entry + ed->fields[0].offset);
		skip_ws(s);
		if ((rc = decode_string(s, &ed->fields[0], key)))
			return rc;
		for (size_t i = 0; i + 1 < *count; i++) /* a duplicate key */
			if (!strcmp(*(char **)((char *)((ProtobufCMessage **)*arr)[i] + ed->fields[0].offset), *key))
				return JSON_FAST_GIVE_UP;
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return JSON_FAST_GIVE_UP;
		s->p++;
		skip_ws(s);
		if ((rc = decode_scalar(s, &ed->fields[1], (char *)entry + ed->fields[1].offset)))
			return rc;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			return 0;
		}
		return JSON_FAST_GIVE_UP;
	}
}

static int decode_repeated(struct fast *s, const ProtobufCFieldDescriptor *f, ProtobufCMessage *msg)
{
	size_t *count = (size_t *)((char *)msg + f->quantifier_offset);
	void **arr = (void **)((char *)msg + f->offset);
	size_t esz = json_elem_size(f->type);
	int rc;

	if (f->type == PROTOBUF_C_TYPE_MESSAGE && json_is_map_entry(f->descriptor))
		return decode_map(s, f, msg);
	if (s->p >= s->end || *s->p != '[')
		return JSON_FAST_GIVE_UP;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		char *slot = grow(s, arr, *count, esz);

		if (!slot)
			return -ENOMEM;
		memset(slot, 0, esz);
		skip_ws(s);
		if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
			rc = decode_submessage(s, f, (ProtobufCMessage **)slot);
			if (*(void **)slot) /* attached: freed with the event */
				(*count)++;
		} else {
			rc = decode_scalar(s, f, slot);
			if (!rc)
				(*count)++;
		}
		if (rc)
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
		return JSON_FAST_GIVE_UP;
	}
}

/* The field named by key: ringtap writes fields in declaration order, so
 * the one after the previous is tried first (*next), then a lookup. */
static const ProtobufCFieldDescriptor *find_field(const ProtobufCMessageDescriptor *d,
						  const struct fast_str *key, unsigned *next)
{
	const ProtobufCFieldDescriptor *f;
	char name[64];

	if (*next < d->n_fields) {
		f = &d->fields[*next];
		if (!strncmp(f->name, key->at, key->len) && f->name[key->len] == '\0') {
			(*next)++;
			return f;
		}
	}
	if (key->len >= sizeof(name))
		return NULL;
	memcpy(name, key->at, key->len);
	name[key->len] = '\0';
	f = protobuf_c_message_descriptor_get_field_by_name(d, name);
	if (f)
		*next = (unsigned)(f - d->fields) + 1;
	return f;
}

/* The common case of find_field without scanning the key first: s->p at a
 * quote followed by the name of field *next and a quote (a field name is
 * plain ASCII, so no escapes to decode). Moves s->p past the key then. */
static inline const ProtobufCFieldDescriptor *expected_field(struct fast *s,
							      const ProtobufCMessageDescriptor *d,
							      unsigned *next)
{
	const char *p = s->p + 1, *name;

	if (*next >= d->n_fields)
		return NULL;
	for (name = d->fields[*next].name; *name && p < s->end && *p == *name; name++)
		p++;
	if (*name || p >= s->end || *p != '"')
		return NULL;
	s->p = p + 1;
	return &d->fields[(*next)++];
}

/* s->p at '{'; leaves it after the matching '}'. */
static int decode_message(struct fast *s, ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	uint64_t seen[FAST_MAX_FIELDS / 64] = { 0 };
	unsigned next = 0;
	int rc;

	if (d->n_fields > FAST_MAX_FIELDS || s->depth == FAST_MAX_DEPTH)
		return JSON_FAST_GIVE_UP;
	s->depth++;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		const ProtobufCFieldDescriptor *f;
		struct fast_str key;
		unsigned i;

		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return JSON_FAST_GIVE_UP;
		if (!(f = expected_field(s, d, &next))) {
			if ((rc = scan_string(s, &key)))
				return rc;
			if (key.escaped || !(f = find_field(d, &key, &next)))
				return JSON_FAST_GIVE_UP;
		}
		i = (unsigned)(f - d->fields);
		if (seen[i / 64] & (1ull << (i % 64)))
			return JSON_FAST_GIVE_UP; /* a duplicate */
		seen[i / 64] |= 1ull << (i % 64);
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return JSON_FAST_GIVE_UP;
		s->p++;
		skip_ws(s);
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t *which = (uint32_t *)((char *)msg + f->quantifier_offset);
			if (*which)
				return JSON_FAST_GIVE_UP; /* two bodies */
			*which = f->id;
		}
		void *dst = (char *)msg + f->offset;
		if (f->label == PROTOBUF_C_LABEL_REPEATED)
			rc = decode_repeated(s, f, msg);
		else if (f->type == PROTOBUF_C_TYPE_MESSAGE)
			rc = decode_submessage(s, f, dst);
		else
			rc = decode_scalar(s, f, dst);
		if (rc)
			return rc;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			s->depth--;
			return 0;
		}
		return JSON_FAST_GIVE_UP;
	}
}

/* 0 with *out, JSON_FAST_GIVE_UP, or -ENOMEM. */
static int decode_fast(const char *text, size_t len, struct json_arena *arena,
		       Ringtap__V1__Event **out)
{
	struct fast s = { .p = text, .end = text + len, .arena = arena };
	Ringtap__V1__Event *ev;
	int rc;

	if (len > INT32_MAX) /* the reference refuses it */
		return JSON_FAST_GIVE_UP;
	if (!(ev = fast_alloc(&s, sizeof(*ev))))
		return -ENOMEM;
	ringtap__v1__event__init(ev);
	skip_ws(&s);
	rc = s.p < s.end && *s.p == '{' ? decode_message(&s, &ev->base) : JSON_FAST_GIVE_UP;
	if (!rc) {
		skip_ws(&s);
		if (s.p != s.end || !ev->header || ev->body_case == RINGTAP__V1__EVENT__BODY__NOT_SET)
			rc = JSON_FAST_GIVE_UP;
	}
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
	int rc = decode_fast(text, len, NULL, out);

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
	rc = decode_fast(text, len, a, out);
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
