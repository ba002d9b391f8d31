/* The process, actor and container objects every OCSF event carries, from
 * the event header. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "codec/ocsf_map.h"

const char *ocsf_entity_id(const Ringtap__V1__Header *h, char *buf, size_t len)
{
	/* (boot_id, pid, start_time_ns) names a process across PID reuse and
	 * node reboots; written out rather than hashed so it cannot collide and
	 * a reader can take it apart. */
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

/* Kubernetes pod labels as container tags, "k8s.pod.label.KEY". */
static void put_pod_tags(struct ocsf_writer *w, const Ringtap__V1__Pod *pod)
{
	char name[320];

	ow_array(w, "tags");
	ow_kv(w, "k8s.pod.name", pod->name ? pod->name : "");
	ow_kv(w, "k8s.namespace", pod->namespace_ ? pod->namespace_ : "");
	for (size_t i = 0; i < pod->n_labels; i++) {
		snprintf(name, sizeof(name), "k8s.pod.label.%s", pod->labels[i]->key);
		ow_kv(w, name, pod->labels[i]->value ? pod->labels[i]->value : "");
	}
	ow_array_end(w);
}

static void put_container(struct ocsf_writer *w, const Ringtap__V1__Header *h)
{
	const Ringtap__V1__Pod *pod = h->pod;

	if (!h->container_id || !*h->container_id)
		return;
	ow_begin(w, "container");
	ow_str(w, "uid", h->container_id);
	if (pod) {
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
