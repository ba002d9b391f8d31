/* protobuf-c message -> canonical JSON, walking the message descriptor.
 * Hot path for the ndjson sink: appends into a reused strbuf, no other
 * allocation. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "codec/json_codec.h"
#include "codec/json_util.h"
#include "codec/utf8.h"

#define MEMBER(msg, off, type) (*(type *)((const char *)(msg) + (off)))

static int put(struct strbuf *sb, const char *s)
{
	return strbuf_append(sb, s, strlen(s));
}

/* JSON string escaping. Kernel paths are bytes, not always UTF-8: a byte
 * that does not start a valid UTF-8 sequence is written as \u00XX (its
 * Latin-1 reading), so every line stays valid JSON. */
int json_put_string(struct strbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s);
	int rc = strbuf_reserve(sb, n + 2);

	if (rc)
		return rc;
	sb->buf[sb->len++] = '"';
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		char esc[8];
		const char *e = NULL;
		size_t run = i;

		/* a run of printable ASCII needing no escape goes in one append */
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i) {
			if ((rc = strbuf_append(sb, (const char *)s + i, run - i)))
				return rc;
			i = run;
			continue;
		}
		if (c == '"') e = "\\\"";
		else if (c == '\\') e = "\\\\";
		else if (c == '\n') e = "\\n";
		else if (c == '\t') e = "\\t";
		else if (c == '\r') e = "\\r";
		else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			e = esc;
		}
		if (e) {
			if ((rc = put(sb, e)))
				return rc;
			i++;
			continue;
		}
		size_t len = utf8_seq_len(s + i, n - i);
		if (len == 0) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			if ((rc = put(sb, esc)))
				return rc;
			i++;
			continue;
		}
		if ((rc = strbuf_append(sb, (const char *)s + i, len)))
			return rc;
		i += len;
	}
	return strbuf_append(sb, "\"", 1);
}

/* Decimal of v (negative when neg), as printf's %d/%u would write it, into
 * num: snprintf per integer field was most of the NDJSON encoder's work. */
static int put_integer(struct strbuf *sb, uint64_t v, int neg)
{
	char num[24];
	size_t i = sizeof(num);

	do {
		num[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		num[--i] = '-';
	return strbuf_append(sb, num + i, sizeof(num) - i);
}

static int put_signed(struct strbuf *sb, int64_t v)
{
	/* the magnitude in unsigned arithmetic: INT64_MIN has no positive int64 */
	return put_integer(sb, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
}

static int put_scalar(struct strbuf *sb, const ProtobufCFieldDescriptor *f, const void *p)
{
	char num[32];

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return put_signed(sb, *(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return put_integer(sb, *(const uint32_t *)p, 0);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return put_signed(sb, *(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return put_integer(sb, *(const uint64_t *)p, 0);
	case PROTOBUF_C_TYPE_BOOL:
		snprintf(num, sizeof(num), "%s", *(const protobuf_c_boolean *)p ? "true" : "false");
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		snprintf(num, sizeof(num), "%.9g", *(const float *)p);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		snprintf(num, sizeof(num), "%.17g", *(const double *)p);
		break;
	case PROTOBUF_C_TYPE_STRING:
		return json_put_string(sb, *(char *const *)p);
	default:
		return -ENOTSUP; /* bytes: not used by the schema */
	}
	return put(sb, num);
}

int json_encode_message(const ProtobufCMessage *msg, struct strbuf *sb)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	int first = 1;
	int rc;

	if ((rc = strbuf_append(sb, "{", 1)))
		return rc;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const void *p = (const char *)msg + f->offset;

		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			if (MEMBER(msg, f->quantifier_offset, uint32_t) != f->id)
				continue;
		}
		if (f->label != PROTOBUF_C_LABEL_REPEATED && f->type == PROTOBUF_C_TYPE_MESSAGE &&
		    !*(ProtobufCMessage *const *)p)
			continue; /* absent sub-message */

		if (!first && (rc = strbuf_append(sb, ",", 1)))
			return rc;
		first = 0;
		if ((rc = json_put_string(sb, f->name)) || (rc = strbuf_append(sb, ":", 1)))
			return rc;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = MEMBER(msg, f->quantifier_offset, size_t);
			const char *arr = *(const char *const *)p;
			int is_map = f->type == PROTOBUF_C_TYPE_MESSAGE &&
				     json_is_map_entry(f->descriptor);

			if ((rc = strbuf_append(sb, is_map ? "{" : "[", 1)))
				return rc;
			for (size_t k = 0; k < n; k++) {
				const void *elem = arr + k * json_elem_size(f->type);
				if (k && (rc = strbuf_append(sb, ",", 1)))
					return rc;
				if (is_map) {
					const ProtobufCMessage *e = *(ProtobufCMessage *const *)elem;
					const ProtobufCMessageDescriptor *ed = e->descriptor;
					if ((rc = put_scalar(sb, &ed->fields[0], (const char *)e + ed->fields[0].offset)) ||
					    (rc = strbuf_append(sb, ":", 1)) ||
					    (rc = put_scalar(sb, &ed->fields[1], (const char *)e + ed->fields[1].offset)))
						return rc;
				} else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
					rc = json_encode_message(*(ProtobufCMessage *const *)elem, sb);
				} else {
					rc = put_scalar(sb, f, elem);
				}
				if (rc)
					return rc;
			}
			rc = strbuf_append(sb, is_map ? "}" : "]", 1);
		} else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
			rc = json_encode_message(*(ProtobufCMessage *const *)p, sb);
		} else {
			rc = put_scalar(sb, f, p);
		}
		if (rc)
			return rc;
	}
	return strbuf_append(sb, "}", 1);
}
