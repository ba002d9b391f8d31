/* Kubernetes API client for the pods of one node (libcurl + json-c).
 *
 * list:  GET /api/v1/pods?fieldSelector=spec.nodeName=<node>
 * watch: the same with watch=1&resourceVersion=<rv>&allowWatchBookmarks=true
 *        &timeoutSeconds=<n>, read as newline-delimited JSON events.
 * Results go into a pod_store. The service-account token is read from its
 * file before every request, so a rotated (projected) token is picked up.
 *
 * k8s_client_start() runs list-then-watch in a background thread: after a
 * watch ends or drops it watches again from the last resource version; on
 * 410 Gone (the version expired) it lists afresh; on errors it backs off
 * (1 s doubling to 30 s). k8s_client_list/k8s_client_watch are the single
 * steps, for tests.
 */
#ifndef RINGTAP_K8S_CLIENT_H
#define RINGTAP_K8S_CLIENT_H

#include <stdint.h>
#include "enrich/k8s_config.h"
#include "enrich/pod_store.h"

struct k8s_client;

struct k8s_client_stats {
	uint64_t lists, watches, events, gone, dropped, auth_failures, errors;
};

/* cfg is copied; store is borrowed and must outlive the client. -EPERM for
 * an api_url that is not https:// (http:// only with cfg->insecure_http). */
int k8s_client_new(const struct k8s_config *cfg, struct pod_store *store, struct k8s_client **out);
void k8s_client_free(struct k8s_client *c); /* stops the thread; accepts NULL */

/* One list into the store. 0, -EACCES (401/403), -EIO (other status or a
 * body that is not a PodList), -ECONNREFUSED/-ETIMEDOUT/-EPROTO (transport),
 * -ECANCELED (stopping). */
int k8s_client_list(struct k8s_client *c);

/* One watch from the store's resource version until the server ends it.
 * 0 (ended cleanly), -ESTALE (410 Gone: list again), -ECONNRESET (the
 * connection dropped mid-stream: watch again), or as for list. */
int k8s_client_watch(struct k8s_client *c);

int k8s_client_start(struct k8s_client *c);
void k8s_client_stop(struct k8s_client *c);

void k8s_client_stats(struct k8s_client *c, struct k8s_client_stats *out);
/* The last error as text for logs ("" if none); copied into out. */
void k8s_client_last_error(struct k8s_client *c, char *out, size_t outlen);

#endif
