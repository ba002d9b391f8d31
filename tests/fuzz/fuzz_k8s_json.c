/* libFuzzer target: Kubernetes API JSON -> pod metadata (src/enrich/pod_meta.c)
 * and workload identity (src/enrich/pod_workload.c), fed the way
 * src/enrich/k8s_client.c feeds them: the whole input as a PodList (each
 * item), and each newline-separated line as a watch event (its "object").
 * Every pod is then resolved against a fake API that answers any ReplicaSet,
 * Job or Namespace with the input object itself (or 403/404/an error, by the
 * input's length), so owner and namespace-label parsing see hostile JSON too.
 * Invariants on every pod built: uid, name, namespace, node and owner are
 * strings, labels, namespace labels and containers stay within their caps
 * and every one has all its strings, the container lookup returns one of
 * the pod's own, a reference taken and dropped leaves it intact; a refused
 * object leaves *out untouched and says why. ASan/UBSan catch the rest
 * (leaks too). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "enrich/pod_meta.h"
#include "enrich/pod_workload.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static struct json_object *api_answer; /* what the fake API returns */
static struct pod_workload *workload;

static int fake_fetch(void *ctx, const char *path, struct json_object **out)
{
	static const int rcs[] = { 0, -EACCES, -ENOENT, -EIO };
	int rc = rcs[(strlen(path) + (size_t)ctx) % 4];

	*out = NULL;
	CHECK(path[0] == '/' && !strstr(path, "..") && !strchr(path, '?'));
	if (!rc && !api_answer)
		return -EIO;
	if (!rc)
		*out = json_object_get(api_answer);
	return rc;
}

static void check_labels(const struct pod_labels *l, size_t cap, const ProtobufCMessageDescriptor *d)
{
	CHECK(l->n <= cap);
	for (size_t i = 0; i < l->n; i++) {
		CHECK(l->ptrs[i] == &l->entries[i]);
		CHECK(l->ptrs[i]->key && l->ptrs[i]->value && l->ptrs[i]->base.descriptor == d);
	}
}

static void check_pod(struct pod_meta *m)
{
	int guess = 0;

	CHECK(m->uid && m->name && m->namespace_ && m->node && m->owner_kind && m->owner_name);
	check_labels(&m->labels, POD_META_MAX_LABELS, &ringtap__v1__pod__labels_entry__descriptor);
	check_labels(&m->ns_labels, POD_WORKLOAD_MAX_NS_LABELS, &ringtap__v1__pod__namespace_labels_entry__descriptor);
	CHECK(m->n_containers <= POD_META_MAX_CONTAINERS);
	for (size_t i = 0; i < m->n_containers; i++) {
		const struct pod_container *c = &m->containers[i];
		CHECK(c->name && c->id && c->image && c->image_digest);
		CHECK(strlen(c->image) <= POD_META_MAX_IMAGE);
		CHECK(pod_meta_container(m, c->id, NULL) != NULL || !*c->id);
	}
	const struct pod_container *c = pod_meta_container(m, "x", &guess);
	CHECK(!c || (c >= m->containers && c < m->containers + m->n_containers));
}

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
	CHECK(m->refs == 1);
	check_pod(m);
	if (workload) {
		char warn[512] = "";
		rc = pod_workload_apply(workload, m, 0, warn, sizeof(warn));
		CHECK(rc == 0 || rc == -ENOMEM);
		CHECK(strlen(warn) < sizeof(warn));
		check_pod(m);
		/* from the cache now, unless the API failed (not cached: ask again) */
		rc = pod_workload_apply(workload, m, 1, NULL, 0);
		CHECK(rc == 0 || rc == -ENOMEM || rc == -EAGAIN);
		check_pod(m);
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
	api_answer = list;
	if (list && json_object_object_get_ex(list, "items", &items) && json_object_is_type(items, json_type_array))
		for (size_t i = 0; i < json_object_array_length(items); i++)
			one_pod(json_object_array_get_idx(items, i));
	else if (list)
		one_pod(list); /* a bare pod object */
	api_answer = NULL;
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
	api_answer = ev;
	if (ev && json_object_object_get_ex(ev, "object", &obj))
		one_pod(obj);
	api_answer = NULL;
	json_object_put(ev);
	json_tokener_free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;

	/* a fresh cache per input: answers must not leak between inputs */
	if (pod_workload_new(size & 1, fake_fetch, (void *)(uintptr_t)(size % 4), &workload))
		workload = NULL;
	as_pod_list(p, size);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl > p)
			as_watch_event(p, (size_t)(nl - p));
		p = nl + 1;
	}
	pod_workload_free(workload);
	workload = NULL;
	return 0;
}
