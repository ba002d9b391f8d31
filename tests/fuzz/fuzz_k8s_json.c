/* libFuzzer target: Kubernetes API JSON -> pod metadata (src/enrich/pod_meta.c),
 * fed the way src/enrich/k8s_client.c feeds it: the whole input as a PodList
 * (each item), and each newline-separated line as a watch event (its
 * "object"). Invariants on every pod built: uid, name, namespace and node are
 * strings, every label has a key and a value and is reachable through
 * labels[], a reference taken and dropped leaves it intact; a refused object
 * leaves *out untouched and says why. ASan/UBSan catch the rest (leaks too). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "enrich/pod_meta.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void one_pod(struct json_object *obj)
{
	struct pod_meta *m = (struct pod_meta *)(uintptr_t)1;
	char err[128] = "";
	int rc = pod_meta_from_json(obj, &m, err, sizeof(err));

	if (rc) {
		CHECK(rc == -EBADMSG || rc == -ENOMEM);
		CHECK(m == (struct pod_meta *)(uintptr_t)1);
		CHECK(rc != -EBADMSG || strstr(err, "metadata."));
		return;
	}
	CHECK(m->uid && m->name && m->namespace_ && m->node);
	CHECK(m->refs == 1);
	for (size_t i = 0; i < m->n_labels; i++) {
		CHECK(m->labels[i] == &m->label_entries[i]);
		CHECK(m->labels[i]->key && m->labels[i]->value);
	}
	CHECK(pod_meta_get(m) == m);
	pod_meta_put(m);
	CHECK(m->refs == 1 && strlen(m->uid) == strlen(m->uid));
	pod_meta_put(m);
}

static void as_pod_list(const char *data, size_t size)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *list, *items;

	if (!tok)
		return;
	list = json_tokener_parse_ex(tok, data, (int)size);
	if (list && json_object_object_get_ex(list, "items", &items) && json_object_is_type(items, json_type_array))
		for (size_t i = 0; i < json_object_array_length(items); i++)
			one_pod(json_object_array_get_idx(items, i));
	else if (list)
		one_pod(list); /* a bare pod object */
	json_object_put(list);
	json_tokener_free(tok);
}

static void as_watch_event(const char *line, size_t n)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *ev, *obj = NULL;

	if (!tok)
		return;
	ev = json_tokener_parse_ex(tok, line, (int)n);
	if (ev && json_object_object_get_ex(ev, "object", &obj))
		one_pod(obj);
	json_object_put(ev);
	json_tokener_free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;

	as_pod_list(p, size);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl > p)
			as_watch_event(p, (size_t)(nl - p));
		p = nl + 1;
	}
	return 0;
}
