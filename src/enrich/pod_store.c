#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include "enrich/pod_store.h"

#define POD_STORE_GRACE_NS (120ULL * 1000000000ULL)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int pod_store_init(struct pod_store *s)
{
	memset(s, 0, sizeof(*s));
	s->grace_ns = POD_STORE_GRACE_NS;
	return -pthread_mutex_init(&s->lock, NULL);
}

void pod_store_fini(struct pod_store *s)
{
	for (size_t i = 0; i < s->n; i++)
		pod_meta_put(s->pods[i].meta);
	free(s->pods);
	s->pods = NULL;
	s->n = s->cap = 0;
	pthread_mutex_destroy(&s->lock);
}

static void bump(struct pod_store *s)
{
	__atomic_add_fetch(&s->generation, 1, __ATOMIC_RELEASE);
}

static ssize_t index_of(const struct pod_store *s, const char *uid)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->pods[i].meta->uid, uid))
			return (ssize_t)i;
	return -1;
}

/* Forget pods deleted longer ago than the grace period. */
static void prune(struct pod_store *s, uint64_t now)
{
	for (size_t i = 0; i < s->n;) {
		if (s->pods[i].deleted_ns && now - s->pods[i].deleted_ns > s->grace_ns) {
			pod_meta_put(s->pods[i].meta);
			s->pods[i] = s->pods[--s->n];
		} else {
			i++;
		}
	}
}

static int reserve(struct pod_store *s, size_t want)
{
	if (want <= s->cap)
		return 0;
	size_t cap = s->cap ? s->cap : 64;
	while (cap < want)
		cap *= 2;
	struct pod_store_slot *p = realloc(s->pods, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->pods = p;
	s->cap = cap;
	return 0;
}

static int put_locked(struct pod_store *s, struct pod_meta *m)
{
	ssize_t i = index_of(s, m->uid);
	int err;

	if (i >= 0) {
		pod_meta_put(s->pods[i].meta);
		s->pods[i] = (struct pod_store_slot){ .meta = m };
		return 0;
	}
	if (s->n >= POD_STORE_MAX) { /* make room from the deleted pods, oldest first */
		ssize_t old = -1;
		for (size_t j = 0; j < s->n; j++)
			if (s->pods[j].deleted_ns && (old < 0 || s->pods[j].deleted_ns < s->pods[old].deleted_ns))
				old = (ssize_t)j;
		if (old < 0) {
			pod_meta_put(m);
			return -ENOSPC;
		}
		pod_meta_put(s->pods[old].meta);
		s->pods[old] = s->pods[--s->n];
	}
	if ((err = reserve(s, s->n + 1))) {
		pod_meta_put(m);
		return err;
	}
	s->pods[s->n++] = (struct pod_store_slot){ .meta = m };
	return 0;
}

int pod_store_put(struct pod_store *s, struct pod_meta *m)
{
	pthread_mutex_lock(&s->lock);
	prune(s, now_ns());
	int err = put_locked(s, m);
	bump(s);
	pthread_mutex_unlock(&s->lock);
	return err;
}

int pod_store_remove(struct pod_store *s, const char *uid)
{
	int err = -ENOENT;
	uint64_t now = now_ns();

	pthread_mutex_lock(&s->lock);
	prune(s, now);
	ssize_t i = index_of(s, uid);
	if (i >= 0 && !s->pods[i].deleted_ns) {
		s->pods[i].deleted_ns = now;
		bump(s);
		err = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

int pod_store_reset(struct pod_store *s, struct pod_meta **pods, size_t n)
{
	uint64_t now = now_ns();
	int err = 0;

	pthread_mutex_lock(&s->lock);
	prune(s, now);
	for (size_t i = 0; i < s->n; i++)
		if (!s->pods[i].deleted_ns)
			s->pods[i].deleted_ns = now; /* revived below if still listed */
	for (size_t i = 0; i < n; i++) {
		int rc = put_locked(s, pods[i]);
		if (rc && !err)
			err = rc;
	}
	bump(s);
	pthread_mutex_unlock(&s->lock);
	return err;
}

struct pod_meta *pod_store_find(struct pod_store *s, const char *uid)
{
	struct pod_meta *m = NULL;

	pthread_mutex_lock(&s->lock);
	ssize_t i = index_of(s, uid);
	if (i >= 0)
		m = pod_meta_get(s->pods[i].meta);
	pthread_mutex_unlock(&s->lock);
	return m;
}

size_t pod_store_count(struct pod_store *s)
{
	size_t live = 0;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n; i++)
		live += !s->pods[i].deleted_ns;
	pthread_mutex_unlock(&s->lock);
	return live;
}

uint64_t pod_store_generation(const struct pod_store *s)
{
	return __atomic_load_n(&s->generation, __ATOMIC_ACQUIRE);
}

void pod_store_set_resource_version(struct pod_store *s, const char *rv)
{
	pthread_mutex_lock(&s->lock);
	snprintf(s->resource_version, sizeof(s->resource_version), "%s", rv ? rv : "");
	pthread_mutex_unlock(&s->lock);
}

void pod_store_resource_version(struct pod_store *s, char *out, size_t outlen)
{
	pthread_mutex_lock(&s->lock);
	snprintf(out, outlen, "%s", s->resource_version);
	pthread_mutex_unlock(&s->lock);
}
