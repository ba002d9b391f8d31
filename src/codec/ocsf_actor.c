/* The process, actor and container objects every OCSF event carries, from
 * the event header. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "codec/ocsf_map.h"

const char *ocsf_entity_id(const Ringtap__V1__Header *h, char *buf, size_t len)
{
	/* The sensor's entity id (16 hex digits) is what every other ringtap
	 * record and the parent_entity_id of the children carry: use it so
	 * OCSF and ringtap JSON join on one id. */
	if (h->entity_id && *h->entity_id) {
		snprintf(buf, len, "%s", h->entity_id);
		return buf;
	}
	/* A record without one (before ABI 4): (boot_id, pid, start_time_ns)
	 * names a process across PID reuse and node reboots; written out
	 * rather than hashed so it cannot collide and a reader can take it
	 * apart. */
	snprintf(buf, len, "%s:%" PRIu32 ":%" PRIu64, h->boot_id ? h->boot_id : "", h->pid,
		 h->start_time_ns);
	return buf;
}

int64_t ocsf_wall_ms(const Ringtap__V1__Header *h, uint64_t boot_ns)
{
	/* wall_time_ns is ts_ns on the Unix clock: the same offset applies. */
	int64_t offset = (int64_t)(h->wall_time_ns - h->ts_ns);
	return ((int64_t)boot_ns + offset) / 1000000;
}

const char *ocsf_basename(const char *path)
{
	const char *slash;

	if (!path)
		return "";
	slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

static void put_user(struct ocsf_writer *w, const char *key, uint32_t uid)
{
	char num[16];

	snprintf(num, sizeof(num), "%" PRIu32, uid);
	ow_begin(w, key);
	ow_str(w, "uid", num);
	ow_end(w);
}

static void put_label_tags(struct ocsf_writer *w, const char *prefix, size_t n,
			   Ringtap__V1__Pod__LabelsEntry *const *labels)
{
	char name[400];

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%s", prefix, labels[i]->key);
		ow_kv(w, name, labels[i]->value ? labels[i]->value : "");
	}
}

/* What OCSF's container object has no attribute for, as container tags:
 * the pod, its labels, the node, the owning workload, the namespace's
 * labels, and whether the API has not answered yet. */
static void put_pod_tags(struct ocsf_writer *w, const Ringtap__V1__Pod *pod)
{
	ow_array(w, "tags");
	ow_kv(w, "k8s.pod.name", pod->name ? pod->name : "");
	ow_kv(w, "k8s.namespace", pod->namespace_ ? pod->namespace_ : "");
	put_label_tags(w, "k8s.pod.label.", pod->n_labels, pod->labels);
	if (pod->node && *pod->node)
		ow_kv(w, "k8s.node", pod->node);
	if (pod->owner_kind && *pod->owner_kind) {
		ow_kv(w, "k8s.workload.kind", pod->owner_kind);
		ow_kv(w, "k8s.workload.name", pod->owner_name ? pod->owner_name : "");
	}
	put_label_tags(w, "k8s.namespace.label.", pod->n_namespace_labels,
		       (Ringtap__V1__Pod__LabelsEntry *const *)pod->namespace_labels);
	if (pod->metadata_pending)
		ow_kv(w, "ringtap.metadata_pending", "true");
	ow_array_end(w);
}

/* image: the reference as the pod gives it ("registry/app:1.2"), its tag,
 * and uid the digest; uid is required, so before the digest is known it is
 * the reference. */
static void put_image(struct ocsf_writer *w, const Ringtap__V1__Pod *pod)
{
	const char *ref = pod->image ? pod->image : "", *colon = strrchr(ref, ':');
	const char *slash = strrchr(ref, '/');

	if (!*ref && !(pod->image_digest && *pod->image_digest))
		return;
	ow_begin(w, "image");
	ow_str_nonempty(w, "name", ref);
	if (colon && (!slash || colon > slash) && colon[1] && !strchr(ref, '@'))
		ow_str(w, "tag", colon + 1);
	ow_str(w, "uid", pod->image_digest && *pod->image_digest ? pod->image_digest : ref);
	ow_end(w);
}

static void put_container(struct ocsf_writer *w, const Ringtap__V1__Header *h)
{
	const Ringtap__V1__Pod *pod = h->pod;

	if (!h->container_id || !*h->container_id)
		return;
	ow_begin(w, "container");
	ow_str(w, "uid", h->container_id);
	if (pod) {
		ow_str_nonempty(w, "name", pod->container_name);
		put_image(w, pod);
		ow_str(w, "orchestrator", "Kubernetes");
		ow_str_nonempty(w, "pod_uuid", pod->uid);
		put_pod_tags(w, pod);
	}
	ow_end(w);
}

void ocsf_put_process_members(struct ocsf_writer *w, const Ringtap__V1__Header *h, int with_parent)
{
	char id[128];

	ow_uint(w, "pid", h->pid);
	ow_uint(w, "tid", h->tid);
	ow_str_nonempty(w, "name", h->comm);
	ow_str(w, "uid", ocsf_entity_id(h, id, sizeof(id)));
	if (h->start_time_ns)
		ow_int(w, "created_time", ocsf_wall_ms(h, h->start_time_ns));
	put_user(w, "user", h->uid);
	if (with_parent && h->ppid) {
		ow_begin(w, "parent_process");
		ow_uint(w, "pid", h->ppid);
		ow_str_nonempty(w, "uid", h->parent_entity_id);
		if (h->parent_start_time_ns)
			ow_int(w, "created_time", ocsf_wall_ms(h, h->parent_start_time_ns));
		ow_end(w);
	}
	put_container(w, h);
}

void ocsf_put_header_process(struct ocsf_writer *w, const char *key,
			     const Ringtap__V1__Header *h, int with_parent)
{
	ow_begin(w, key);
	ocsf_put_process_members(w, h, with_parent);
	ow_end(w);
}

void ocsf_put_actor(struct ocsf_writer *w, const Ringtap__V1__Header *h)
{
	ow_begin(w, "actor");
	ocsf_put_header_process(w, "process", h, 1);
	put_user(w, "user", h->uid);
	ow_end(w);
}
