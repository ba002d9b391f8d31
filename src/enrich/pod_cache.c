#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "enrich/pod_cache.h"

static size_t bucket_of(const struct pod_cache *c, uint64_t id)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL; /* murmur3 finalizer: ids are sequential */
	id ^= id >> 33;
	return (size_t)(id & (c->nbuckets - 1));
}

int pod_cache_init(struct pod_cache *c, size_t capacity)
{
	memset(c, 0, sizeof(*c));
	if (capacity < 1 || capacity > INT32_MAX / 4)
		return -EINVAL;
	c->nbuckets = 1;
	while (c->nbuckets < 2 * capacity)
		c->nbuckets <<= 1;
	c->entries = calloc(capacity, sizeof(*c->entries));
	c->buckets = malloc(c->nbuckets * sizeof(*c->buckets));
	if (!c->entries || !c->buckets) {
		pod_cache_fini(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->nbuckets; i++)
		c->buckets[i] = -1;
	c->cap = capacity;
	c->head = c->tail = -1;
	return 0;
}

void pod_cache_fini(struct pod_cache *c)
{
	for (size_t i = 0; c->entries && i < c->used; i++)
		pod_meta_put(c->entries[i].id.meta);
	free(c->entries);
	free(c->buckets);
	memset(c, 0, sizeof(*c));
}

static void lru_unlink(struct pod_cache *c, int32_t i)
{
	struct pod_cache_entry *e = &c->entries[i];

	if (e->prev >= 0)
		c->entries[e->prev].next = e->next;
	else
		c->head = e->next;
	if (e->next >= 0)
		c->entries[e->next].prev = e->prev;
	else
		c->tail = e->prev;
}

static void lru_push_front(struct pod_cache *c, int32_t i)
{
	struct pod_cache_entry *e = &c->entries[i];

	e->prev = -1;
	e->next = c->head;
	if (c->head >= 0)
		c->entries[c->head].prev = i;
	c->head = i;
	if (c->tail < 0)
		c->tail = i;
}

static void hash_remove(struct pod_cache *c, int32_t i)
{
	int32_t *link = &c->buckets[bucket_of(c, c->entries[i].id.cgroup_id)];

	while (*link != i)
		link = &c->entries[*link].hnext;
	*link = c->entries[i].hnext;
}

struct pod_cache_entry *pod_cache_find(struct pod_cache *c, uint64_t cgroup_id)
{
	for (int32_t i = c->buckets[bucket_of(c, cgroup_id)]; i >= 0; i = c->entries[i].hnext) {
		if (c->entries[i].id.cgroup_id == cgroup_id) {
			if (c->head != i) {
				lru_unlink(c, i);
				lru_push_front(c, i);
			}
			c->hits++;
			return &c->entries[i];
		}
	}
	c->misses++;
	return NULL;
}

struct pod_cache_entry *pod_cache_insert(struct pod_cache *c, uint64_t cgroup_id)
{
	int32_t i;

	if (c->used < c->cap) {
		i = (int32_t)c->used++;
	} else {
		i = c->tail;
		lru_unlink(c, i);
		hash_remove(c, i);
		pod_meta_put(c->entries[i].id.meta);
		c->evictions++;
	}
	struct pod_cache_entry *e = &c->entries[i];
	memset(e, 0, sizeof(*e));
	e->id.cgroup_id = cgroup_id;
	size_t b = bucket_of(c, cgroup_id);
	e->hnext = c->buckets[b];
	c->buckets[b] = i;
	lru_push_front(c, i);
	return e;
}
