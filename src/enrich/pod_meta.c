#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "enrich/pod_meta.h"

static void pod_meta_free(struct pod_meta *m)
{
	for (size_t i = 0; i < m->n_labels; i++) {
		free(m->label_entries[i].key);
		free(m->label_entries[i].value);
	}
	free(m->label_entries);
	free(m->labels);
	free(m->uid);
	free(m->name);
	free(m->namespace_);
	free(m->node);
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
	m->label_entries = calloc(n_labels ? n_labels : 1, sizeof(*m->label_entries));
	m->labels = calloc(n_labels ? n_labels : 1, sizeof(*m->labels));
	if (!m->uid || !m->name || !m->namespace_ || !m->node || !m->label_entries || !m->labels) {
		pod_meta_free(m);
		return -ENOMEM;
	}
	*out = m;
	return 0;
}

static int set_label(struct pod_meta *m, const char *key, const char *value)
{
	Ringtap__V1__Pod__LabelsEntry init = RINGTAP__V1__POD__LABELS_ENTRY__INIT;
	Ringtap__V1__Pod__LabelsEntry *e = &m->label_entries[m->n_labels];

	*e = init;
	e->key = strdup(key);
	e->value = strdup(value);
	m->labels[m->n_labels++] = e;
	return e->key && e->value ? 0 : -ENOMEM;
}

int pod_meta_new(const char *uid, const char *name, const char *ns,
		 const char *const *labels, size_t n_labels, struct pod_meta **out)
{
	struct pod_meta *m;
	int err = pod_meta_alloc(uid, name, ns, NULL, n_labels, &m);

	if (err)
		return err;
	for (size_t i = 0; i < n_labels; i++) {
		err = set_label(m, labels[2 * i], labels[2 * i + 1]);
		if (err)
			goto cleanup;
	}
	*out = m;
	return 0;
cleanup:
	pod_meta_free(m);
	return err;
}

static const char *string_at(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!obj || !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int pod_meta_from_json(struct json_object *pod, struct pod_meta **out, char *err, size_t errlen)
{
	struct json_object *md = NULL, *spec = NULL, *labels = NULL;
	struct pod_meta *m;
	int rc;

	json_object_object_get_ex(pod, "metadata", &md);
	json_object_object_get_ex(pod, "spec", &spec);
	const char *uid = string_at(md, "uid"), *name = string_at(md, "name");
	const char *ns = string_at(md, "namespace");
	if (!uid || !name || !ns) {
		snprintf(err, errlen, "pod object without metadata.%s", !uid ? "uid" : !name ? "name" : "namespace");
		return -EBADMSG;
	}
	if (md && json_object_object_get_ex(md, "labels", &labels) &&
	    !json_object_is_type(labels, json_type_object))
		labels = NULL;
	rc = pod_meta_alloc(uid, name, ns, string_at(spec, "nodeName"),
			    labels ? (size_t)json_object_object_length(labels) : 0, &m);
	if (rc)
		return rc;
	if (labels) {
		json_object_object_foreach(labels, key, val) {
			if (!json_object_is_type(val, json_type_string))
				continue;
			rc = set_label(m, key, json_object_get_string(val));
			if (rc) {
				pod_meta_free(m);
				return rc;
			}
		}
	}
	*out = m;
	return 0;
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
