#include "enrich/pod_identity.h"

void pod_identity_fill_header(const struct pod_identity *id, Ringtap__V1__Header *hdr,
			      Ringtap__V1__Pod *pod)
{
	Ringtap__V1__Pod init = RINGTAP__V1__POD__INIT;

	if (!id || !id->pod_uid[0]) {
		hdr->container_id = (char *)protobuf_c_empty_string;
		hdr->pod = NULL;
		return;
	}
	*pod = init;
	hdr->container_id = (char *)id->container_id;
	pod->uid = (char *)id->pod_uid;
	if (id->meta) {
		pod->name = id->meta->name;
		pod->namespace_ = id->meta->namespace_;
		pod->n_labels = id->meta->n_labels;
		pod->labels = id->meta->labels;
	}
	hdr->pod = pod;
}
