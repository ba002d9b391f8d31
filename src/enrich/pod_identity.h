/* What an event's process is, as far as Kubernetes goes. */
#ifndef RINGTAP_POD_IDENTITY_H
#define RINGTAP_POD_IDENTITY_H

#include <stdint.h>
#include "enrich/pod_cgroup_parse.h"
#include "enrich/pod_meta.h"
#include "ringtap/v1/event.pb-c.h"

struct pod_identity {
	uint64_t cgroup_id;
	char pod_uid[POD_UID_MAX + 1];           /* "" for host processes */
	char container_id[CONTAINER_ID_MAX + 1]; /* "" outside a container */
	struct pod_meta *meta; /* name/namespace/labels; NULL until the API has the pod */
	/* meta's container with container_id (borrowed from meta); NULL until
	 * the pod's status lists it, unless the pod has only one container */
	const struct pod_container *container;
	int container_guessed; /* container is the pod's only one, its id not in the status yet */
	int api;               /* metadata is expected from the API: say when it is missing */
};

/* Point hdr->container_id and hdr->pod at id's strings (borrowed: valid as
 * long as id is). pod is caller storage that hdr->pod will point to; for a
 * host process hdr->pod is set to NULL. id may be NULL (nothing known).
 * pod->metadata_pending is set when the API is in use but has not reported
 * the pod, or the pod's status does not list this container yet. */
void pod_identity_fill_header(const struct pod_identity *id, Ringtap__V1__Header *hdr,
			      Ringtap__V1__Pod *pod);

/* Re-point id->container at meta's container with id->container_id. */
void pod_identity_match_container(struct pod_identity *id);

#endif
