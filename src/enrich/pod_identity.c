#include "enrich/pod_identity.h"

void pod_identity_match_container(struct pod_identity *id)
{
	id->container_guessed = 0;
	id->container = id->meta ? pod_meta_container(id->meta, id->container_id, &id->container_guessed) : NULL;
}

void pod_identity_fill_header(const struct pod_identity *id, Ringtap__V1__Header *hdr,
			      Ringtap__V1__Pod *pod)
{
	Ringtap__V1__Pod init = RINGTAP__V1__POD__INIT;
	const struct pod_meta *m;

	if (!id || !id->pod_uid[0]) {
		hdr->container_id = (char *)protobuf_c_empty_string;
		hdr->pod = NULL;
		return;
	}
	*pod = init;
	hdr->container_id = (char *)id->container_id;
	hdr->pod = pod;
	pod->uid = (char *)id->pod_uid;
	m = id->meta;
	if (!m) {
		pod->metadata_pending = id->api;
		return;
	}
	pod->name = m->name;
	pod->namespace_ = m->namespace_;
	pod->n_labels = m->labels.n;
	pod->labels = m->labels.ptrs;
	pod->node = m->node;
	pod->owner_kind = m->owner_kind;
	pod->owner_name = m->owner_name;
	pod->n_namespace_labels = m->ns_labels.n;
	pod->namespace_labels = (Ringtap__V1__Pod__NamespaceLabelsEntry **)m->ns_labels.ptrs;
	if (id->container) {
		pod->container_name = id->container->name;
		pod->image = id->container->image;
		pod->image_digest = id->container->image_digest;
	}
	/* a pod process outside any container (the sandbox) has nothing to wait for */
	pod->metadata_pending = id->api && id->container_id[0] && (!id->container || id->container_guessed);
}
