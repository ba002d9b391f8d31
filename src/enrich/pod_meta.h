/* Pod metadata from the Kubernetes API: uid, name, namespace, labels.
 *
 * Immutable once built and reference counted, so the API watcher thread can
 * replace a pod while the pipeline still holds the old version. Labels are
 * kept in the protobuf-c form so events can borrow them without copying.
 */
#ifndef RINGTAP_POD_META_H
#define RINGTAP_POD_META_H

#include <stddef.h>
#include <json-c/json.h>
#include "ringtap/v1/event.pb-c.h"

struct pod_meta {
	int refs; /* atomic */
	char *uid;
	char *name;
	char *namespace_;
	char *node;
	size_t n_labels;
	Ringtap__V1__Pod__LabelsEntry *label_entries;
	Ringtap__V1__Pod__LabelsEntry **labels; /* points into label_entries */
};

/* Build from a v1 Pod object (as in a PodList item or a watch event).
 * 0, -EBADMSG (not a pod: no metadata.uid/name/namespace; reason in err)
 * or -ENOMEM. The result has one reference. */
int pod_meta_from_json(struct json_object *pod, struct pod_meta **out, char *err, size_t errlen);

/* Build from plain values (tests, tools). labels: n_labels key/value pairs. */
int pod_meta_new(const char *uid, const char *name, const char *ns,
		 const char *const *labels, size_t n_labels, struct pod_meta **out);

struct pod_meta *pod_meta_get(struct pod_meta *m);
/* Drop a reference; frees on the last. Accepts NULL. */
void pod_meta_put(struct pod_meta *m);

#endif
