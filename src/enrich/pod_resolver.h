/* Pod resolver: cgroup id (from an event header) -> pod identity.
 *
 *   cgroup id --(cgroup_path: open_by_handle_at, or a walk)--> cgroup path
 *             --(pod_cgroup_parse)--> pod UID + container id
 *             --(pod_store, fed by the API watcher)--> name, namespace, labels
 *
 * Results are kept in a bounded LRU (pod_cache) keyed by cgroup id; a miss
 * resolves at once. A cgroup already removed when its first event is read
 * (a container that lived 50 ms) is found in cgroup_watch, which records
 * kubepods cgroups as they are created. Pod metadata comes
 * from the API in a background thread; without API access the resolver
 * still gives the pod UID and container id.
 *
 * Threading: lookups come from one thread (the pipeline's).
 */
#ifndef RINGTAP_POD_RESOLVER_H
#define RINGTAP_POD_RESOLVER_H

#include <stddef.h>
#include <stdint.h>
#include "config/options.h"
#include "enrich/pod_identity.h"

struct pod_resolver;

/* The daemon config's "kubernetes:" section. Strings are owned (options_apply
 * strdup's them; free with options_free_strings(pod_resolver_options, cfg)). */
struct pod_resolver_config {
	char *cgroup_root;    /* "" = detect /sys/fs/cgroup or /sys/fs/cgroup/unified */
	uint64_t cache_size;  /* cgroups remembered */
	int api;              /* use the Kubernetes API for name/namespace/labels */
	char *api_url;        /* "" = in-cluster (KUBERNETES_SERVICE_HOST/PORT) */
	char *token_file;     /* "" = the service-account token */
	char *ca_file;        /* "" = the service-account CA */
	char *node_name;      /* "" = $NODE_NAME */
	int64_t watch_timeout_s;
	int insecure_http;    /* allow an http:// api_url (token in cleartext) */
	int namespace_labels; /* add the pod's namespace's labels (GET namespaces) */
};

extern const struct option_def pod_resolver_options[];

struct pod_resolver_stats {
	uint64_t lookups, hits, misses, evictions, walks;
	uint64_t pods, host, gone;     /* misses resolved to a pod / to the host / not found */
	uint64_t recovered;            /* of those, cgroups already removed but seen created */
	int watching;                  /* the cgroup creation watcher runs */
	uint64_t api_pods;             /* live pods the API reported for this node */
	int api_enabled;
};

/* Create. On failure returns -errno and a reason in err. An unreachable or
 * absent API is not a failure: it is reported through err with return 0
 * (check err[0]) and the resolver runs without metadata. -EPERM: the
 * kubernetes: section would leak the token or skip verifying the server (an
 * http:// api_url without insecure_http, an unreadable ca_file): the caller
 * must not start. */
int pod_resolver_create(const struct pod_resolver_config *cfg, struct pod_resolver **out,
			char *err, size_t errlen);
void pod_resolver_destroy(struct pod_resolver *r); /* accepts NULL */

/* Identity of the process whose event carried cgroup_id. *out is borrowed:
 * valid until the next lookup or destroy. Always 0 with *out set (a host
 * process, or a cgroup already removed, has an empty pod_uid), or -errno for
 * an unexpected failure. */
int pod_resolver_lookup(struct pod_resolver *r, uint64_t cgroup_id, const struct pod_identity **out);

void pod_resolver_stats(struct pod_resolver *r, struct pod_resolver_stats *out);

/* The cgroup v2 root in use (for messages). */
const char *pod_resolver_cgroup_root(const struct pod_resolver *r);

#endif
