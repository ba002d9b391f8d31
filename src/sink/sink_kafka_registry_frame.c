/* Confluent wire-format header for protobuf values (see the header file). */
#include <errno.h>
#include <string.h>
#include "sink/sink_kafka_registry_frame.h"

enum tok_kind { TOK_END, TOK_IDENT, TOK_PUNCT, TOK_OTHER };

struct tok {
	enum tok_kind kind;
	const char *s;
	size_t len;
};

static int ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* Next token of .proto text: comments and whitespace skipped, a string
 * literal is one TOK_OTHER (so a brace inside one does not count). */
static struct tok next_tok(const char **pp, const char *end)
{
	const char *p = *pp;
	struct tok t = { TOK_END, p, 0 };

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' ||
				   *p == '\v'))
			p++;
		if (p + 1 < end && p[0] == '/' && p[1] == '/') {
			while (p < end && *p != '\n')
				p++;
		} else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			for (p += 2; p < end && !(p + 1 < end && p[0] == '*' && p[1] == '/'); p++)
				;
			p = p < end ? p + 2 : end;
		} else {
			break;
		}
	}
	t.s = p;
	if (p >= end) {
		*pp = end;
		return t;
	}
	if (ident_start(*p)) {
		t.kind = TOK_IDENT;
		while (p < end && ident_char(*p))
			p++;
	} else if (*p == '"' || *p == '\'') {
		char q = *p++;
		t.kind = TOK_OTHER;
		while (p < end && *p != q && *p != '\n')
			p += (*p == '\\' && p + 1 < end) ? 2 : 1;
		if (p < end)
			p++;
	} else {
		t.kind = strchr("{}", *p) ? TOK_PUNCT : TOK_OTHER;
		p++;
	}
	t.len = (size_t)(p - t.s);
	*pp = p;
	return t;
}

static int tok_is(const struct tok *t, const char *s, size_t len)
{
	return t->len == len && !memcmp(t->s, s, len);
}

/* Index of "message NAME {" among the messages declared directly in the
 * block that starts at p (a file, or a message body ended by its '}'). On a
 * match *body points just after NAME's '{'. */
static int find_message(const char *p, const char *end, const char *name, size_t name_len,
			const char **body)
{
	int depth = 0, index = 0;

	for (;;) {
		struct tok t = next_tok(&p, end);

		if (t.kind == TOK_END)
			return -ENOENT;
		if (t.kind == TOK_PUNCT && *t.s == '{') {
			depth++;
		} else if (t.kind == TOK_PUNCT && *t.s == '}') {
			if (--depth < 0)
				return -ENOENT;
		} else if (depth == 0 && t.kind == TOK_IDENT && tok_is(&t, "message", 7)) {
			const char *q = p;
			struct tok n = next_tok(&q, end);
			struct tok b = next_tok(&q, end);

			if (n.kind != TOK_IDENT || b.kind != TOK_PUNCT || *b.s != '{')
				continue; /* e.g. a field named "message" */
			p = q;
			if (tok_is(&n, name, name_len)) {
				*body = p;
				return index;
			}
			index++;
			depth++;
		}
	}
}

int sink_kafka_frame_message_path(const char *proto_text, const ProtobufCMessageDescriptor *desc,
				  int32_t idx[SINK_KAFKA_FRAME_MAX_DEPTH])
{
	const char *end = proto_text + strlen(proto_text);
	const char *name = desc->name, *block = proto_text;
	size_t pkg = desc->package_name ? strlen(desc->package_name) : 0;
	int depth = 0;

	if (pkg) {
		if (strncmp(name, desc->package_name, pkg) || name[pkg] != '.')
			return -EINVAL;
		name += pkg + 1;
	}
	while (*name) {
		size_t len = strcspn(name, ".");
		int i;

		if (depth == SINK_KAFKA_FRAME_MAX_DEPTH)
			return -E2BIG;
		i = find_message(block, end, name, len, &block);
		if (i < 0)
			return i;
		idx[depth++] = i;
		name += len + (name[len] == '.');
	}
	return depth ? depth : -EINVAL;
}

static size_t put_zigzag(uint8_t *out, int32_t v)
{
	uint32_t z = ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
	size_t n = 0;

	while (z >= 0x80) {
		out[n++] = (uint8_t)(z | 0x80);
		z >>= 7;
	}
	out[n++] = (uint8_t)z;
	return n;
}

size_t sink_kafka_frame_header(int32_t schema_id, const int32_t *idx, int depth,
			       uint8_t out[SINK_KAFKA_FRAME_MAX])
{
	uint32_t id = (uint32_t)schema_id;
	size_t n = 0;

	out[n++] = 0; /* magic */
	out[n++] = (uint8_t)(id >> 24);
	out[n++] = (uint8_t)(id >> 16);
	out[n++] = (uint8_t)(id >> 8);
	out[n++] = (uint8_t)id;
	if (depth == 1 && idx[0] == 0) {
		out[n++] = 0; /* the common case, shortened by the format */
		return n;
	}
	n += put_zigzag(out + n, depth);
	for (int i = 0; i < depth; i++)
		n += put_zigzag(out + n, idx[i]);
	return n;
}
