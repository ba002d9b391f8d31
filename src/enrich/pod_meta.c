#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "enrich/k8s_json.h"
#include "enrich/pod_meta.h"

/* Pod.labels and Pod.namespace_labels entries share one layout; the
 * descriptor in base says which map an entry belongs to. */
_Static_assert(sizeof(Ringtap__V1__Pod__LabelsEntry) == sizeof(Ringtap__V1__Pod__NamespaceLabelsEntry) &&
	       offsetof(Ringtap__V1__Pod__LabelsEntry, key) == offsetof(Ringtap__V1__Pod__NamespaceLabelsEntry, key) &&
	       offsetof(Ringtap__V1__Pod__LabelsEntry, value) ==
	       offsetof(Ringtap__V1__Pod__NamespaceLabelsEntry, value),
	       "label map entries differ");

static void labels_free(struct pod_labels *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->entries[i].key);
		free(l->entries[i].value);
	}
	free(l->entries);
	free(l->ptrs);
	memset(l, 0, sizeof(*l));
}

static int labels_alloc(struct pod_labels *l, size_t cap)
{
	if (cap > POD_META_MAX_LABELS)
		cap = POD_META_MAX_LABELS;
	l->n = 0;
	l->entries = calloc(cap ? cap : 1, sizeof(*l->entries));
	l->ptrs = calloc(cap ? cap : 1, sizeof(*l->ptrs));
	return l->entries && l->ptrs ? 0 : -ENOMEM;
}

/* Room was reserved by labels_alloc(cap); the caller stops at cap. */
static int labels_add(struct pod_labels *l, const ProtobufCMessageDescriptor *desc,
		      const char *key, const char *value)
{
	Ringtap__V1__Pod__LabelsEntry *e = &l->entries[l->n];

	e->base = (ProtobufCMessage)PROTOBUF_C_MESSAGE_INIT(desc);
	e->key = strdup(key);
	e->value = strdup(value);
	l->ptrs[l->n++] = e;
	return e->key && e->value ? 0 : -ENOMEM;
}

static void containers_free(struct pod_meta *m)
{
	for (size_t i = 0; i < m->n_containers; i++) {
		struct pod_container *c = &m->containers[i];
		free(c->name);
		free(c->id);
		free(c->image);
		free(c->image_digest);
	}
	free(m->containers);
	m->containers = NULL;
	m->n_containers = 0;
}

static void pod_meta_free(struct pod_meta *m)
{
	labels_free(&m->labels);
	labels_free(&m->ns_labels);
	containers_free(m);
	free(m->uid);
	free(m->name);
	free(m->namespace_);
	free(m->node);
	free(m->owner_kind);
	free(m->owner_name);
	free(m);
}

static int pod_meta_alloc(const char *uid, const char *name, const char *ns, const char *node,
			  size_t n_labels, struct pod_meta **out)
{
	struct pod_meta *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->refs = 1;
	m->uid = strdup(uid);
	m->name = strdup(name);
	m->namespace_ = strdup(ns);
	m->node = strdup(node ? node : "");
	m->owner_kind = strdup("");
	m->owner_name = strdup("");
	int rc = labels_alloc(&m->labels, n_labels);
	if (rc || labels_alloc(&m->ns_labels, 0) || !m->uid || !m->name || !m->namespace_ || !m->node ||
	    !m->owner_kind || !m->owner_name) {
		pod_meta_free(m);
		return -ENOMEM;
	}
	*out = m;
	return 0;
}

int pod_meta_new(const char *uid, const char *name, const char *ns,
		 const char *const *labels, size_t n_labels, struct pod_meta **out)
{
	struct pod_meta *m;
	int err = pod_meta_alloc(uid, name, ns, NULL, n_labels, &m);

	if (err)
		return err;
	for (size_t i = 0; i < n_labels && i < POD_META_MAX_LABELS; i++) {
		err = labels_add(&m->labels, &ringtap__v1__pod__labels_entry__descriptor,
				 labels[2 * i], labels[2 * i + 1]);
		if (err)
			goto cleanup;
	}
	*out = m;
	return 0;
cleanup:
	pod_meta_free(m);
	return err;
}

static int replace_str(char **dst, const char *src)
{
	char *s = strdup(src ? src : "");

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int pod_meta_set_owner(struct pod_meta *m, const char *kind, const char *name)
{
	int rc = replace_str(&m->owner_kind, kind);
	return rc ? rc : replace_str(&m->owner_name, name);
}

int pod_meta_set_ns_labels(struct pod_meta *m, const char *const *kv, size_t n)
{
	struct pod_labels l;
	int rc = labels_alloc(&l, n);

	for (size_t i = 0; !rc && i < n && i < POD_META_MAX_LABELS; i++)
		rc = labels_add(&l, &ringtap__v1__pod__namespace_labels_entry__descriptor, kv[2 * i], kv[2 * i + 1]);
	if (rc) {
		labels_free(&l);
		return rc;
	}
	labels_free(&m->ns_labels);
	m->ns_labels = l;
	return 0;
}

/* The controller among metadata.ownerReferences (else the first). */
static int parse_owner(struct pod_meta *m, struct json_object *md)
{
	struct json_object *refs = k8s_json_member(md, "ownerReferences", json_type_array), *pick = NULL;
	size_t n = refs ? json_object_array_length(refs) : 0;

	for (size_t i = 0; i < n && i < POD_META_MAX_CONTAINERS; i++) {
		struct json_object *r = json_object_array_get_idx(refs, i), *ctl = k8s_json_member(r, "controller", json_type_boolean);
		if (!k8s_json_string(r, "kind", POD_META_MAX_NAME) || !k8s_json_string(r, "name", POD_META_MAX_NAME))
			continue;
		if (!pick)
			pick = r;
		if (ctl && json_object_get_boolean(ctl)) {
			pick = r;
			break;
		}
	}
	if (!pick)
		return 0;
	return pod_meta_set_owner(m, k8s_json_string(pick, "kind", POD_META_MAX_NAME),
				  k8s_json_string(pick, "name", POD_META_MAX_NAME));
}

static struct pod_container *container_named(struct pod_meta *m, const char *name)
{
	for (size_t i = 0; i < m->n_containers; i++)
		if (!strcmp(m->containers[i].name, name))
			return &m->containers[i];
	return NULL;
}

static struct pod_container *container_add(struct pod_meta *m, const char *name, const char *image)
{
	struct pod_container *c = &m->containers[m->n_containers];

	c->name = strdup(name);
	c->id = strdup("");
	c->image = strdup(image ? image : "");
	c->image_digest = strdup("");
	m->n_containers++; /* freed with the pod even if a strdup failed */
	return c->name && c->id && c->image && c->image_digest ? c : NULL;
}

static int parse_spec_containers(struct pod_meta *m, struct json_object *list)
{
	size_t n = list ? json_object_array_length(list) : 0;

	for (size_t i = 0; i < n && m->n_containers < POD_META_MAX_CONTAINERS; i++) {
		struct json_object *c = json_object_array_get_idx(list, i);
		const char *name = k8s_json_string(c, "name", POD_META_MAX_NAME);
		if (!name || container_named(m, name))
			continue;
		if (!container_add(m, name, k8s_json_string(c, "image", POD_META_MAX_IMAGE)))
			return -ENOMEM;
	}
	return 0;
}

/* "docker.io/library/nginx@sha256:ab..." or "sha256:ab..." -> "sha256:ab...";
 * anything else (a local image id of another form) -> "". */
static const char *digest_of(const char *image_id)
{
	const char *at;

	if (!image_id)
		return "";
	at = strrchr(image_id, '@');
	if (at)
		return at + 1;
	return strncmp(image_id, "sha256:", 7) ? "" : image_id;
}

/* containerStatuses[]: the runtime id, the image as resolved and its digest. */
static int parse_statuses(struct pod_meta *m, struct json_object *list)
{
	size_t n = list ? json_object_array_length(list) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(list, i);
		const char *name = k8s_json_string(s, "name", POD_META_MAX_NAME);
		const char *cid = k8s_json_string(s, "containerID", POD_META_MAX_IMAGE);
		const char *image = k8s_json_string(s, "image", POD_META_MAX_IMAGE);
		struct pod_container *c;

		if (!name)
			continue;
		c = container_named(m, name);
		if (!c && m->n_containers >= POD_META_MAX_CONTAINERS)
			continue;
		if (!c && !(c = container_add(m, name, image)))
			return -ENOMEM;
		if (cid) {
			const char *scheme = strstr(cid, "://");
			if (replace_str(&c->id, scheme ? scheme + 3 : cid))
				return -ENOMEM;
		}
		if (image && *image && replace_str(&c->image, image))
			return -ENOMEM;
		if (replace_str(&c->image_digest, digest_of(k8s_json_string(s, "imageID", POD_META_MAX_IMAGE))))
			return -ENOMEM;
	}
	return 0;
}

static int parse_containers(struct pod_meta *m, struct json_object *spec, struct json_object *status)
{
	static const char *const spec_keys[] = { "initContainers", "containers", "ephemeralContainers" };
	static const char *const status_keys[] = { "initContainerStatuses", "containerStatuses",
						   "ephemeralContainerStatuses" };
	int rc = 0;

	m->containers = calloc(POD_META_MAX_CONTAINERS, sizeof(*m->containers));
	if (!m->containers)
		return -ENOMEM;
	for (size_t k = 0; !rc && k < 3; k++)
		rc = parse_spec_containers(m, k8s_json_member(spec, spec_keys[k], json_type_array));
	for (size_t k = 0; !rc && k < 3; k++)
		rc = parse_statuses(m, k8s_json_member(status, status_keys[k], json_type_array));
	return rc;
}

static int parse_labels(struct pod_meta *m, struct json_object *labels)
{
	json_object_object_foreach(labels, key, val) {
		if (m->labels.n >= POD_META_MAX_LABELS)
			break;
		if (!json_object_is_type(val, json_type_string) || strlen(key) > POD_META_MAX_LABEL_KEY ||
		    json_object_get_string_len(val) > POD_META_MAX_LABEL_VALUE)
			continue; /* the API never sends these */
		int rc = labels_add(&m->labels, &ringtap__v1__pod__labels_entry__descriptor, key,
				    json_object_get_string(val));
		if (rc)
			return rc;
	}
	return 0;
}

int pod_meta_from_json(struct json_object *pod, struct pod_meta **out, char *err, size_t errlen)
{
	struct json_object *md = k8s_json_member(pod, "metadata", json_type_object);
	struct json_object *spec = k8s_json_member(pod, "spec", json_type_object);
	struct json_object *labels = k8s_json_member(md, "labels", json_type_object);
	const char *uid = k8s_json_string(md, "uid", POD_META_MAX_NAME), *name = k8s_json_string(md, "name", POD_META_MAX_NAME);
	const char *ns = k8s_json_string(md, "namespace", POD_META_MAX_NAME);
	struct pod_meta *m;
	int rc;

	if (!uid || !name || !ns) {
		snprintf(err, errlen, "pod object without metadata.%s", !uid ? "uid" : !name ? "name" : "namespace");
		return -EBADMSG;
	}
	rc = pod_meta_alloc(uid, name, ns, k8s_json_string(spec, "nodeName", POD_META_MAX_NAME),
			    labels ? (size_t)json_object_object_length(labels) : 0, &m);
	if (rc)
		return rc;
	if ((labels && (rc = parse_labels(m, labels))) || (rc = parse_owner(m, md)) ||
	    (rc = parse_containers(m, spec, k8s_json_member(pod, "status", json_type_object)))) {
		pod_meta_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

const struct pod_container *pod_meta_container(const struct pod_meta *m, const char *id, int *guess)
{
	const struct pod_container *only = NULL;
	size_t unstarted = 0;

	for (size_t i = 0; id && *id && i < m->n_containers; i++)
		if (!strcmp(m->containers[i].id, id))
			return &m->containers[i];
	for (size_t i = 0; i < m->n_containers; i++)
		if (!*m->containers[i].id) {
			only = &m->containers[i];
			unstarted++;
		}
	/* one container the status has no id for yet: it must be this one */
	if (guess && unstarted == 1 && m->n_containers == 1) {
		*guess = 1;
		return only;
	}
	return NULL;
}

struct pod_meta *pod_meta_get(struct pod_meta *m)
{
	if (m)
		__atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED);
	return m;
}

void pod_meta_put(struct pod_meta *m)
{
	if (m && __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) == 0)
		pod_meta_free(m);
}
