// The C facade of simdjson's DOM parser (see json_simd.h). The values and
// iterators handed to C are simdjson's own (trivially copyable, a document
// pointer and a tape index), copied in and out of opaque storage.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <simdjson.h>
#include "codec/json_simd.h"

using simdjson::dom::element;
using simdjson::dom::element_type;

struct json_simd {
	simdjson::dom::parser parser;
	char *buf = nullptr;	// the line and SIMDJSON_PADDING readable bytes after it
	size_t cap = 0;
	~json_simd() { std::free(buf); }
};

namespace {

struct object_iter {
	simdjson::dom::object::iterator at, end;
};
struct array_iter {
	simdjson::dom::array::iterator at, end;
};

static_assert(std::is_trivially_copyable<element>::value &&
	      sizeof(element) <= sizeof(json_simd_value::opaque), "element fits json_simd_value");
static_assert(std::is_trivially_copyable<object_iter>::value &&
	      sizeof(object_iter) <= sizeof(json_simd_iter), "object_iter fits json_simd_iter");
static_assert(std::is_trivially_copyable<array_iter>::value &&
	      sizeof(array_iter) <= sizeof(json_simd_iter), "array_iter fits json_simd_iter");

template <typename T, typename O> inline T load(const O *o)
{
	T t;
	std::memcpy(static_cast<void *>(&t), o, sizeof(t));
	return t;
}

template <typename T, typename O> inline void store(O *o, const T &t)
{
	std::memcpy(static_cast<void *>(o), static_cast<const void *>(&t), sizeof(t));
}

inline enum json_simd_type type_of(element e)
{
	switch (e.type()) {
	case element_type::OBJECT: return JSON_SIMD_OBJECT;
	case element_type::ARRAY: return JSON_SIMD_ARRAY;
	case element_type::STRING: return JSON_SIMD_STRING;
	case element_type::INT64: return JSON_SIMD_INT64;
	case element_type::UINT64: return JSON_SIMD_UINT64;
	case element_type::BOOL: return JSON_SIMD_BOOL;
	case element_type::NULL_VALUE: return JSON_SIMD_NULL;
	default: return JSON_SIMD_DOUBLE;
	}
}

inline void store_value(json_simd_value *v, element e)
{
	v->type = type_of(e);
	store(v->opaque, e);
}

inline element load_value(const json_simd_value *v)
{
	return load<element>(v->opaque);
}

} // namespace

extern "C" {

int json_simd_new(struct json_simd **out)
{
	*out = new (std::nothrow) json_simd();
	return *out ? 0 : -ENOMEM;
}

void json_simd_free(struct json_simd *p)
{
	delete p;
}

int json_simd_parse(struct json_simd *p, const char *text, size_t len, struct json_simd_value *root)
{
	if (len + simdjson::SIMDJSON_PADDING > p->cap) {
		size_t cap = (len + simdjson::SIMDJSON_PADDING) * 2;
		char *buf = static_cast<char *>(std::realloc(p->buf, cap));

		if (!buf)
			return -ENOMEM;
		p->buf = buf;
		p->cap = cap;
	}
	std::memcpy(p->buf, text, len);
	std::memset(p->buf + len, 0, simdjson::SIMDJSON_PADDING);
	try {
		element e;
		simdjson::error_code err = p->parser.parse(p->buf, len, false).get(e);

		if (err == simdjson::MEMALLOC)
			return -ENOMEM;
		if (err)
			return -EBADMSG;
		store_value(root, e);
		return 0;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

void json_simd_string(const struct json_simd_value *v, const char **s, size_t *len)
{
	std::string_view sv = load_value(v).get_string().value_unsafe();

	*s = sv.data();
	*len = sv.size();
}

int64_t json_simd_int64(const struct json_simd_value *v)
{
	return load_value(v).get_int64().value_unsafe();
}

uint64_t json_simd_uint64(const struct json_simd_value *v)
{
	return load_value(v).get_uint64().value_unsafe();
}

int json_simd_bool(const struct json_simd_value *v)
{
	return load_value(v).get_bool().value_unsafe();
}

void json_simd_object_begin(const struct json_simd_value *v, struct json_simd_iter *it)
{
	simdjson::dom::object o = load_value(v).get_object().value_unsafe();

	store(it, object_iter{ o.begin(), o.end() });
}

int json_simd_object_next(struct json_simd_iter *it, const char **key, size_t *keylen,
			  struct json_simd_value *val)
{
	object_iter i = load<object_iter>(it);

	if (i.at == i.end)
		return 0;
	std::string_view k = i.at.key();
	*key = k.data();
	*keylen = k.size();
	store_value(val, i.at.value());
	++i.at;
	store(it, i);
	return 1;
}

void json_simd_array_begin(const struct json_simd_value *v, struct json_simd_iter *it)
{
	simdjson::dom::array a = load_value(v).get_array().value_unsafe();

	store(it, array_iter{ a.begin(), a.end() });
}

int json_simd_array_next(struct json_simd_iter *it, struct json_simd_value *val)
{
	array_iter i = load<array_iter>(it);

	if (i.at == i.end)
		return 0;
	store_value(val, *i.at);
	++i.at;
	store(it, i);
	return 1;
}

} // extern "C"
