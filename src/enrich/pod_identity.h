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
};

/* Point hdr->container_id and hdr->pod at id's strings (borrowed: valid as
 * long as id is). pod is caller storage that hdr->pod will point to; for a
 * host process hdr->pod is set to NULL. id may be NULL (nothing known). */
void pod_identity_fill_header(const struct pod_identity *id, Ringtap__V1__Header *hdr,
			      Ringtap__V1__Pod *pod);

#endif
