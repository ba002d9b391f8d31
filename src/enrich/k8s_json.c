#include "enrich/k8s_json.h"

const char *k8s_json_string(struct json_object *obj, const char *key, size_t max)
{
	struct json_object *v = k8s_json_member(obj, key, json_type_string);

	if (!v || (size_t)json_object_get_string_len(v) > max)
		return NULL;
	return json_object_get_string(v);
}

struct json_object *k8s_json_member(struct json_object *obj, const char *key, json_type type)
{
	struct json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}
