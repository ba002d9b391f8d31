/* The pods on this node as the API reports them: uid -> pod_meta.
 *
 * Written by the API watcher thread, read by the pipeline on a cache miss;
 * a mutex guards it and a generation counter tells readers when to look
 * again. A node runs at most a few hundred pods, so a flat array is enough.
 *
 * A deleted pod stays findable for a grace period (default 120 s): events of
 * a short-lived pod reach userspace after the API has already deleted it.
 */
#ifndef RINGTAP_POD_STORE_H
#define RINGTAP_POD_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "enrich/pod_meta.h"

/* Pods kept, live and recently deleted; kubelet's max-pods is 110 by
 * default and rarely above 250. A list or watch beyond it is hostile or
 * broken: the extra pods are left out (pod_store_put: -ENOSPC). */
#define POD_STORE_MAX 1024

struct pod_store_slot {
	struct pod_meta *meta;
	uint64_t deleted_ns; /* CLOCK_MONOTONIC time of deletion, 0 = live */
};

struct pod_store {
	pthread_mutex_t lock;
	struct pod_store_slot *pods;
	size_t n, cap;
	uint64_t grace_ns; /* how long a deleted pod stays findable */
	uint64_t generation; /* bumped on every change; read atomically */
	char resource_version[64]; /* of the last list or watch event applied */
};

int pod_store_init(struct pod_store *s);
void pod_store_fini(struct pod_store *s);

/* Add or replace the pod with m's uid; takes over the caller's reference. */
int pod_store_put(struct pod_store *s, struct pod_meta *m);
/* Mark a pod deleted (still findable for the grace period); 0 or -ENOENT. */
int pod_store_remove(struct pod_store *s, const char *uid);
/* Replace everything with a fresh list; pods missing from it count as
 * deleted now. Takes over the n references. */
int pod_store_reset(struct pod_store *s, struct pod_meta **pods, size_t n);
/* A new reference to the pod with this uid, or NULL. */
struct pod_meta *pod_store_find(struct pod_store *s, const char *uid);

/* Live (not deleted) pods. */
size_t pod_store_count(struct pod_store *s);
uint64_t pod_store_generation(const struct pod_store *s);

void pod_store_set_resource_version(struct pod_store *s, const char *rv);
/* Copy of the last resource version ("" before the first list). */
void pod_store_resource_version(struct pod_store *s, char *out, size_t outlen);

#endif
