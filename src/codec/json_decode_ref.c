/* The reference replay decoder: JSON -> protobuf-c message through the
 * strict pass (json_strict.c) and a json-c object tree, walking the message
 * descriptor. json_decode_event (json_decode.c) takes a one-pass fast path
 * for the lines ringtap writes and comes here for everything else, so this
 * decides what is refused and words every error.
 * Strict: unknown fields, wrong JSON types, out-of-range numbers and two
 * bodies in one event are errors, so a corrupt replay line is never turned
 * into a plausible-looking event. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "codec/json_codec.h"
#include "codec/json_util.h"
#include "codec/utf8.h"

struct decode_err {
	char *buf;
	size_t len;
};

#define FAIL(e, ...) (snprintf((e)->buf, (e)->len, __VA_ARGS__), -EBADMSG)

static int decode_message(json_object *obj, ProtobufCMessage *msg, const char *path,
			  struct decode_err *e);

/* json-c stores an integer as int64 or uint64 and converts between them by
 * saturating: INT64_MAX from get_int64 may be a bigger uint64, and 0 from
 * get_uint64 may be a negative int64. The strict pass refused anything
 * beyond 64 bits, so these two cases are the only ambiguity. */
static int get_int(json_object *v, const ProtobufCFieldDescriptor *f, const char *path,
		   int64_t lo, int64_t hi, int64_t *out, struct decode_err *e)
{
	if (!json_object_is_type(v, json_type_int))
		return FAIL(e, "field '%s%s' wants an integer", path, f->name);
	int64_t n = json_object_get_int64(v);
	if (n < lo || n > hi ||
	    (n == INT64_MAX && strcmp(json_object_to_json_string(v), "9223372036854775807")))
		return FAIL(e, "field '%s%s': %s is out of range", path, f->name,
			    json_object_to_json_string(v));
	*out = n;
	return 0;
}

static int get_uint64(json_object *v, const ProtobufCFieldDescriptor *f, const char *path,
		      uint64_t *out, struct decode_err *e)
{
	if (!json_object_is_type(v, json_type_int))
		return FAIL(e, "field '%s%s' wants an integer", path, f->name);
	if (json_object_get_int64(v) < 0)
		return FAIL(e, "field '%s%s': %s is out of range", path, f->name,
			    json_object_to_json_string(v));
	*out = json_object_get_uint64(v);
	return 0;
}

/* Parse one scalar JSON value into *dst (the C storage of field f). */
static int decode_scalar(json_object *v, const ProtobufCFieldDescriptor *f, void *dst,
			 const char *path, struct decode_err *e)
{
	int64_t n;
	int rc;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		if ((rc = get_int(v, f, path, INT32_MIN, INT32_MAX, &n, e)))
			return rc;
		*(int32_t *)dst = (int32_t)n;
		return 0;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if ((rc = get_int(v, f, path, 0, UINT32_MAX, &n, e)))
			return rc;
		*(uint32_t *)dst = (uint32_t)n;
		return 0;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if ((rc = get_int(v, f, path, INT64_MIN, INT64_MAX, &n, e)))
			return rc;
		*(int64_t *)dst = n;
		return 0;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return get_uint64(v, f, path, (uint64_t *)dst, e);
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return FAIL(e, "field '%s%s' wants true or false", path, f->name);
		*(protobuf_c_boolean *)dst = json_object_get_boolean(v);
		return 0;
	case PROTOBUF_C_TYPE_STRING: {
		if (!json_object_is_type(v, json_type_string))
			return FAIL(e, "field '%s%s' wants a string", path, f->name);
		const char *s = json_object_get_string(v);
		if ((size_t)json_object_get_string_len(v) != strlen(s))
			return FAIL(e, "field '%s%s' contains a NUL character", path, f->name);
		if (!utf8_valid(s))
			return FAIL(e, "field '%s%s' is not valid UTF-8", path, f->name);
		if (*s == '\0' && f->default_value && f->label != PROTOBUF_C_LABEL_REPEATED) {
			/* free_unpacked skips the default pointer, except in repeated fields */
			*(const char **)dst = f->default_value;
			return 0;
		}
		char *copy = strdup(s);
		if (!copy)
			return -ENOMEM;
		*(char **)dst = copy;
		return 0;
	}
	case PROTOBUF_C_TYPE_DOUBLE:
	case PROTOBUF_C_TYPE_FLOAT: {
		if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
			return FAIL(e, "field '%s%s' wants a number", path, f->name);
		double d = json_object_get_double(v);
		if (!isfinite(d) || (f->type == PROTOBUF_C_TYPE_FLOAT && !isfinite((float)d)))
			return FAIL(e, "field '%s%s': %s is out of range", path, f->name,
				    json_object_to_json_string(v));
		if (f->type == PROTOBUF_C_TYPE_DOUBLE)
			*(double *)dst = d;
		else
			*(float *)dst = (float)d;
		return 0;
	}
	default:
		return FAIL(e, "field '%s%s' has a type JSON decoding does not support", path, f->name);
	}
}

static int new_message(const ProtobufCMessageDescriptor *d, ProtobufCMessage **out)
{
	ProtobufCMessage *m = malloc(d->sizeof_message);
	if (!m)
		return -ENOMEM;
	/* not d->message_init(m): the generated init takes the concrete
	 * message type, so calling it through that pointer type is undefined */
	protobuf_c_message_init(d, m);
	*out = m;
	return 0;
}

static int decode_submessage(json_object *v, const ProtobufCFieldDescriptor *f, const char *path,
			     ProtobufCMessage **out, struct decode_err *e)
{
	char sub[256];
	int rc;

	if (!json_object_is_type(v, json_type_object))
		return FAIL(e, "field '%s%s' wants an object", path, f->name);
	if ((rc = new_message(f->descriptor, out)))
		return rc;
	snprintf(sub, sizeof(sub), "%s%s.", path, f->name);
	return decode_message(v, *out, sub, e);
}

static int decode_map(json_object *v, const ProtobufCFieldDescriptor *f, ProtobufCMessage *msg,
		      const char *path, struct decode_err *e)
{
	const ProtobufCMessageDescriptor *ed = f->descriptor;
	size_t n = json_object_object_length(v);
	ProtobufCMessage **arr = calloc(n ? n : 1, sizeof(*arr));
	size_t *count = (size_t *)((char *)msg + f->quantifier_offset);
	int rc;

	if (!arr)
		return -ENOMEM;
	*(ProtobufCMessage ***)((char *)msg + f->offset) = arr;
	json_object_object_foreach(v, key, val) {
		ProtobufCMessage *entry;
		json_object *k = json_object_new_string(key);

		if (!k)
			return -ENOMEM;
		rc = new_message(ed, &entry);
		if (!rc) {
			arr[(*count)++] = entry;
			rc = decode_scalar(k, &ed->fields[0], (char *)entry + ed->fields[0].offset, path, e);
		}
		json_object_put(k);
		if (rc)
			return rc;
		if ((rc = decode_scalar(val, &ed->fields[1], (char *)entry + ed->fields[1].offset, path, e)))
			return rc;
	}
	return 0;
}

static int decode_repeated(json_object *v, const ProtobufCFieldDescriptor *f, ProtobufCMessage *msg,
			   const char *path, struct decode_err *e)
{
	if (f->type == PROTOBUF_C_TYPE_MESSAGE && json_is_map_entry(f->descriptor)) {
		if (!json_object_is_type(v, json_type_object))
			return FAIL(e, "field '%s%s' wants an object", path, f->name);
		return decode_map(v, f, msg, path, e);
	}
	if (!json_object_is_type(v, json_type_array))
		return FAIL(e, "field '%s%s' wants an array", path, f->name);

	size_t n = json_object_array_length(v);
	size_t esz = json_elem_size(f->type);
	char *arr = calloc(n ? n : 1, esz);
	size_t *count = (size_t *)((char *)msg + f->quantifier_offset);
	int rc;

	if (!arr)
		return -ENOMEM;
	*(char **)((char *)msg + f->offset) = arr;
	for (size_t i = 0; i < n; i++) {
		json_object *item = json_object_array_get_idx(v, i);
		if (f->type == PROTOBUF_C_TYPE_MESSAGE)
			rc = decode_submessage(item, f, path, (ProtobufCMessage **)(arr + i * esz), e);
		else
			rc = decode_scalar(item, f, arr + i * esz, path, e);
		if (f->type == PROTOBUF_C_TYPE_MESSAGE && *(void **)(arr + i * esz))
			(*count)++;
		else if (f->type != PROTOBUF_C_TYPE_MESSAGE && !rc)
			(*count)++;
		if (rc)
			return rc;
	}
	return 0;
}

static int decode_message(json_object *obj, ProtobufCMessage *msg, const char *path,
			  struct decode_err *e)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	int rc;

	json_object_object_foreach(obj, key, val) {
		const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, key);
		void *dst;

		if (!f)
			return FAIL(e, "unknown field '%s%s'", path, key);
		dst = (char *)msg + f->offset;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t *which = (uint32_t *)((char *)msg + f->quantifier_offset);
			if (*which)
				return FAIL(e, "'%s%s' and another body field are both set", path, key);
			*which = f->id;
		}
		if (f->label == PROTOBUF_C_LABEL_REPEATED)
			rc = decode_repeated(val, f, msg, path, e);
		else if (f->type == PROTOBUF_C_TYPE_MESSAGE)
			rc = decode_submessage(val, f, path, (ProtobufCMessage **)dst, e);
		else
			rc = decode_scalar(val, f, dst, path, e);
		if (rc)
			return rc;
	}
	return 0;
}

/* Reasons quote field names from the line: a control character there (an
 * escape sequence, a newline) must not reach the terminal or split the
 * FILE:LINE message. */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int json_decode_event_ref(const char *text, size_t len, Ringtap__V1__Event **out,
			  char *err, size_t errlen)
{
	struct decode_err e = { err, errlen };
	json_tokener *tok = NULL;
	json_object *obj = NULL;
	Ringtap__V1__Event *ev = NULL;
	int rc;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (len > INT32_MAX)
		return FAIL(&e, "line too long");
	/* json-c's leniencies (see json_strict.c) are refused first */
	if ((rc = json_strict_check(text, len, err, errlen)))
		goto cleanup;
	size_t first = 0; /* the strict pass found a value after any whitespace */
	while (text[first] == ' ' || text[first] == '\t' || text[first] == '\r' || text[first] == '\n')
		first++;
	if (text[first] != '{') {
		rc = FAIL(&e, "not a JSON object");
		goto cleanup;
	}
	tok = json_tokener_new();
	if (!tok) {
		rc = -ENOMEM;
		goto cleanup;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	if (!obj) {
		enum json_tokener_error je = json_tokener_get_error(tok);
		rc = FAIL(&e, "invalid JSON: %s", je == json_tokener_continue ?
			  "unexpected end of line" : json_tokener_error_desc(je));
		goto cleanup;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		rc = FAIL(&e, "not a JSON object");
		goto cleanup;
	}
	ev = malloc(sizeof(*ev));
	if (!ev) {
		rc = -ENOMEM;
		goto cleanup;
	}
	ringtap__v1__event__init(ev);
	rc = decode_message(obj, &ev->base, "", &e);
	if (rc)
		goto cleanup;
	if (!ev->header) {
		rc = FAIL(&e, "event has no 'header'");
		goto cleanup;
	}
	if (ev->body_case == RINGTAP__V1__EVENT__BODY__NOT_SET) {
		rc = FAIL(&e, "event has no body (exec, exit, fork, open, connect, accept, unlink, rename, chmod, chown, link, mknod, cred, ptrace, memfd, module, mount, namespace, dup, signal, bpf, io_uring or drop)");
		goto cleanup;
	}
	*out = ev;
	ev = NULL;
cleanup:
	if (rc == -EBADMSG && errlen)
		printable(err);
	if (ev)
		ringtap__v1__event__free_unpacked(ev, NULL);
	json_object_put(obj);
	if (tok) /* json-c 0.16's free does not accept NULL */
		json_tokener_free(tok);
	return rc;
}
