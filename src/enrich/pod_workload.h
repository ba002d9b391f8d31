/* The workload that owns a pod, and its namespace's labels, from the API.
 *
 * A pod names its controller in ownerReferences: a ReplicaSet (made by a
 * Deployment), a Job (perhaps made by a CronJob), a DaemonSet, a
 * StatefulSet... The first two are looked up once more to name the workload
 * a user knows (GET replicasets / jobs, read their controller). Namespaces
 * are read only with kubernetes.namespace_labels: true.
 *
 * Answers are cached: at most POD_WORKLOAD_MAX_OWNERS owners and
 * POD_WORKLOAD_MAX_NAMESPACES namespaces (least recently used evicted), each
 * for POD_WORKLOAD_TTL_S seconds; a 403 or 404 is cached as well. A 403 is
 * reported once per resource (the RBAC lacks it); the pod then keeps its
 * direct controller (owner kind ReplicaSet / Job). Used by the API watcher
 * thread only.
 */
#ifndef RINGTAP_POD_WORKLOAD_H
#define RINGTAP_POD_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "enrich/pod_meta.h"

#define POD_WORKLOAD_MAX_OWNERS 1024
#define POD_WORKLOAD_MAX_NAMESPACES 256
#define POD_WORKLOAD_MAX_NS_LABELS 64
#define POD_WORKLOAD_TTL_S 300

/* GET path ("/apis/apps/v1/namespaces/NS/replicasets/NAME") -> the parsed
 * object (caller puts it). 0, -EACCES (401/403), -ENOENT (404), or another
 * -errno (transport, a body that is not JSON): not cached, tried again. */
typedef int (*pod_workload_fetch_fn)(void *ctx, const char *path, struct json_object **out);

struct pod_workload;

int pod_workload_new(int namespace_labels, pod_workload_fetch_fn fetch, void *ctx, struct pod_workload **out);
void pod_workload_free(struct pod_workload *w); /* accepts NULL */

/* Set m's owner to its workload and its namespace labels (if configured),
 * before m is shared. cached_only: use only cached answers and return
 * -EAGAIN if the API must be asked (the caller publishes m at once and asks
 * later). 0 otherwise, also when the API refused: m then keeps its direct
 * controller, and warn (give it "") gets a message the first time for that
 * resource. -ENOMEM. */
int pod_workload_apply(struct pod_workload *w, struct pod_meta *m, int cached_only, char *warn, size_t warnlen);

struct pod_workload_stats {
	uint64_t fetches, hits, forbidden, not_found, errors, evictions;
	size_t owners, namespaces; /* cached now */
};
void pod_workload_stats(const struct pod_workload *w, struct pod_workload_stats *out);

/* For tests: the clock (CLOCK_MONOTONIC ns) the TTL is measured against. */
void pod_workload_set_clock(struct pod_workload *w, uint64_t (*now_ns)(void));

#endif
