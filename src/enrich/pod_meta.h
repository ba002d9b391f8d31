/* Pod metadata from the Kubernetes API: uid, name, namespace, labels, node,
 * containers (name, runtime id, image, digest) and the owning workload.
 *
 * Immutable once in the pod_store and reference counted, so the API watcher
 * thread can replace a pod while the pipeline still holds the old version.
 * Labels are kept in the protobuf-c form so events can borrow them without
 * copying.
 *
 * Hostile or broken API answers stay bounded: at most POD_META_MAX_LABELS
 * labels and POD_META_MAX_CONTAINERS containers per pod (the rest are
 * dropped); strings longer than the API itself allows are treated as absent
 * (docs/kubernetes.md, Limits).
 */
#ifndef RINGTAP_POD_META_H
#define RINGTAP_POD_META_H

#include <stddef.h>
#include <json-c/json.h>
#include "ringtap/v1/event.pb-c.h"

#define POD_META_MAX_LABELS 256
#define POD_META_MAX_CONTAINERS 64
#define POD_META_MAX_NAME 253       /* object names, label keys' prefix */
#define POD_META_MAX_LABEL_KEY 317  /* prefix (253) + '/' + name (63) */
#define POD_META_MAX_LABEL_VALUE 63
#define POD_META_MAX_IMAGE 1024

struct pod_labels {
	size_t n;
	Ringtap__V1__Pod__LabelsEntry *entries;
	Ringtap__V1__Pod__LabelsEntry **ptrs; /* points into entries */
};

struct pod_container {
	char *name;
	char *id;           /* runtime id without the "containerd://" scheme; "" until started */
	char *image;        /* status.image, or spec image until the status has it */
	char *image_digest; /* "sha256:..." from status imageID; "" until started */
};

struct pod_meta {
	int refs; /* atomic */
	char *uid;
	char *name;
	char *namespace_;
	char *node;
	struct pod_labels labels;
	/* The pod's controller (ownerReferences, controller: true); then, after
	 * pod_workload_apply, the workload above it (ReplicaSet -> Deployment,
	 * Job -> CronJob). "" for a bare pod. */
	char *owner_kind;
	char *owner_name;
	size_t n_containers;
	struct pod_container *containers; /* spec containers, init and ephemeral ones */
	/* kubernetes.namespace_labels; entries typed for Pod.namespace_labels */
	struct pod_labels ns_labels;
};

/* Build from a v1 Pod object (as in a PodList item or a watch event).
 * 0, -EBADMSG (not a pod: no metadata.uid/name/namespace; reason in err)
 * or -ENOMEM. The result has one reference. */
int pod_meta_from_json(struct json_object *pod, struct pod_meta **out, char *err, size_t errlen);

/* Build from plain values (tests, tools). labels: n_labels key/value pairs. */
int pod_meta_new(const char *uid, const char *name, const char *ns,
		 const char *const *labels, size_t n_labels, struct pod_meta **out);

/* Before the pod is shared (refs == 1): replace the owner / the namespace
 * labels (n key/value pairs, capped at POD_META_MAX_LABELS). 0 or -ENOMEM. */
int pod_meta_set_owner(struct pod_meta *m, const char *kind, const char *name);
int pod_meta_set_ns_labels(struct pod_meta *m, const char *const *kv, size_t n);

/* The container with this runtime id; NULL if the status does not list it
 * (yet). A pod with a single container and no id known for it gives that
 * one when *guess is non-NULL (*guess is then set to 1). */
const struct pod_container *pod_meta_container(const struct pod_meta *m, const char *id, int *guess);

struct pod_meta *pod_meta_get(struct pod_meta *m);
/* Drop a reference; frees on the last. Accepts NULL. */
void pod_meta_put(struct pod_meta *m);

#endif
