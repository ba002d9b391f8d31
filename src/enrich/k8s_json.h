/* Typed, bounded reads of Kubernetes API JSON (json-c objects): a member
 * that is missing, of another type or too long reads as absent, so hostile
 * or odd API answers never crash the parsers that use these. */
#ifndef RINGTAP_K8S_JSON_H
#define RINGTAP_K8S_JSON_H

#include <stddef.h>
#include <json-c/json.h>

/* obj[key] if obj is an object and obj[key] a string of at most max bytes,
 * else NULL. */
const char *k8s_json_string(struct json_object *obj, const char *key, size_t max);

/* obj[key] if obj is an object and obj[key] has the given type, else NULL. */
struct json_object *k8s_json_member(struct json_object *obj, const char *key, json_type type);

#endif
