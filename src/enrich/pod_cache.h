/* Bounded LRU cache: cgroup id -> pod_identity.
 *
 * Fixed capacity chosen at creation, all memory allocated up front; the
 * least recently used entry is evicted (and its pod_meta reference dropped)
 * when a new one is needed. Host cgroups are cached too (empty pod_uid), so
 * host events do not repeat the path lookup. Cgroup ids are never reused by
 * the kernel, so a cached answer never goes stale, only its metadata does.
 */
#ifndef RINGTAP_POD_CACHE_H
#define RINGTAP_POD_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "enrich/pod_identity.h"

struct pod_cache_entry {
	struct pod_identity id;
	uint64_t meta_generation; /* pod_store generation id.meta was read at */
	int32_t prev, next;       /* LRU list, most recent first */
	int32_t hnext;            /* hash chain */
};

struct pod_cache {
	struct pod_cache_entry *entries;
	int32_t *buckets;
	size_t cap, nbuckets, used;
	int32_t head, tail;
	uint64_t hits, misses, evictions;
};

/* capacity >= 1. 0 or -EINVAL/-ENOMEM. */
int pod_cache_init(struct pod_cache *c, size_t capacity);
void pod_cache_fini(struct pod_cache *c);

/* The entry for id (marked most recently used) or NULL. Counts hit/miss. */
struct pod_cache_entry *pod_cache_find(struct pod_cache *c, uint64_t cgroup_id);

/* A fresh zeroed entry for id, evicting the least recently used one if the
 * cache is full. id must not be present. */
struct pod_cache_entry *pod_cache_insert(struct pod_cache *c, uint64_t cgroup_id);

#endif
