#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "enrich/k8s_json.h"
#include "enrich/pod_workload.h"

struct wl_entry {
	char *key;         /* "ReplicaSet/NS/NAME", "Job/NS/NAME", "Namespace/NAME" */
	char *kind, *name; /* the owner's controller; NULL: keep the direct owner */
	char **labels;     /* namespace labels, key/value pairs */
	size_t n_labels;
	uint64_t fetched_ns, used;
};

struct wl_cache {
	struct wl_entry *e;
	size_t n, cap;
};

/* A resource whose 403 is reported once. */
enum { WL_RS, WL_JOB, WL_NS, WL_NRES };
static const char *const wl_resource[WL_NRES] = { "replicasets (apps)", "jobs (batch)", "namespaces" };

struct pod_workload {
	int namespace_labels;
	pod_workload_fetch_fn fetch;
	void *ctx;
	struct wl_cache owners, namespaces;
	uint64_t tick;
	int warned[WL_NRES];
	uint64_t (*now_ns)(void);
	struct pod_workload_stats st;
};

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void entry_clear(struct wl_entry *e)
{
	free(e->key);
	free(e->kind);
	free(e->name);
	for (size_t i = 0; i < 2 * e->n_labels; i++)
		free(e->labels[i]);
	free(e->labels);
	memset(e, 0, sizeof(*e));
}

static int cache_init(struct wl_cache *c, size_t cap)
{
	c->e = calloc(cap, sizeof(*c->e));
	c->n = 0;
	c->cap = cap;
	return c->e ? 0 : -ENOMEM;
}

static void cache_fini(struct wl_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		entry_clear(&c->e[i]);
	free(c->e);
}

static struct wl_entry *cache_find(struct wl_cache *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->e[i].key, key))
			return &c->e[i];
	return NULL;
}

/* A cleared entry for key: a free slot or the least recently used one. */
static struct wl_entry *cache_slot(struct pod_workload *w, struct wl_cache *c, const char *key)
{
	struct wl_entry *e = cache_find(c, key);

	if (!e && c->n < c->cap) {
		e = &c->e[c->n++];
	} else if (!e) {
		e = &c->e[0];
		for (size_t i = 1; i < c->n; i++)
			if (c->e[i].used < e->used)
				e = &c->e[i];
		w->st.evictions++;
	}
	entry_clear(e);
	e->key = strdup(key);
	if (!e->key) { /* drop the slot rather than keep a key-less entry */
		*e = c->e[--c->n];
		memset(&c->e[c->n], 0, sizeof(c->e[c->n]));
		return NULL;
	}
	return e;
}

int pod_workload_new(int namespace_labels, pod_workload_fetch_fn fetch, void *ctx, struct pod_workload **out)
{
	struct pod_workload *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->namespace_labels = namespace_labels;
	w->fetch = fetch;
	w->ctx = ctx;
	w->now_ns = monotonic_ns;
	if (cache_init(&w->owners, POD_WORKLOAD_MAX_OWNERS) || cache_init(&w->namespaces, POD_WORKLOAD_MAX_NAMESPACES)) {
		pod_workload_free(w);
		return -ENOMEM;
	}
	*out = w;
	return 0;
}

void pod_workload_free(struct pod_workload *w)
{
	if (!w)
		return;
	cache_fini(&w->owners);
	cache_fini(&w->namespaces);
	free(w);
}

void pod_workload_set_clock(struct pod_workload *w, uint64_t (*now_ns)(void))
{
	w->now_ns = now_ns;
}

void pod_workload_stats(const struct pod_workload *w, struct pod_workload_stats *out)
{
	*out = w->st;
	out->owners = w->owners.n;
	out->namespaces = w->namespaces.n;
}

/* An object name the API could have made (RFC 1123 subdomain): safe in a
 * URL path as it is. */
static int dns_name(const char *s)
{
	size_t n = strlen(s);
	char prev = '.';

	if (!n || n > POD_META_MAX_NAME)
		return 0;
	/* RFC 1123 subdomain: dot-separated labels of [a-z0-9-], each starting
	 * and ending with [a-z0-9]; so never "..", a leading or trailing dot. */
	for (; *s; prev = *s++) {
		int alnum = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9');

		if (!alnum && *s != '-' && *s != '.')
			return 0;
		if ((*s == '.' || *s == '-') && prev == '.')
			return 0;
		if (*s == '.' && prev == '-')
			return 0;
	}
	return prev != '.' && prev != '-';
}

/* The controller ownerReference of an object: kind and name, or -ENOENT. */
static int controller_of(struct json_object *obj, const char **kind, const char **name)
{
	struct json_object *refs = k8s_json_member(k8s_json_member(obj, "metadata", json_type_object), "ownerReferences",
					  json_type_array);
	size_t n = refs ? json_object_array_length(refs) : 0;

	for (size_t i = 0; i < n && i < POD_META_MAX_CONTAINERS; i++) {
		struct json_object *r = json_object_array_get_idx(refs, i);
		struct json_object *ctl = k8s_json_member(r, "controller", json_type_boolean);
		*kind = k8s_json_string(r, "kind", POD_META_MAX_NAME);
		*name = k8s_json_string(r, "name", POD_META_MAX_NAME);
		if (ctl && json_object_get_boolean(ctl) && *kind && *name)
			return 0;
	}
	return -ENOENT;
}

static void refused(struct pod_workload *w, int res, const char *path, char *warn, size_t warnlen)
{
	w->st.forbidden++;
	if (w->warned[res] || !warn)
		return;
	w->warned[res] = 1;
	if (res == WL_NS)
		snprintf(warn, warnlen, "kubernetes: GET %s: forbidden: events carry no namespace labels; "
			 "grant get, list, watch on namespaces (the chart does with kubernetes.namespaceLabels)", path);
	else
		snprintf(warn, warnlen, "kubernetes: GET %s: forbidden: pods owned by %s show that as their owner "
			 "(owner_kind %s), not the workload above it; grant get, list, watch on %s",
			 path, res == WL_RS ? "a ReplicaSet" : "a Job", res == WL_RS ? "ReplicaSet" : "Job",
			 wl_resource[res]);
}

/* The cached entry for key, fetched if missing or stale. NULL with *rc:
 * -EAGAIN (cached_only), a transport error (not cached), -ENOMEM. */
static struct wl_entry *lookup(struct pod_workload *w, struct wl_cache *c, int res, const char *key,
			       const char *path, int cached_only, struct json_object **obj, int *rc,
			       char *warn, size_t warnlen)
{
	uint64_t now = w->now_ns();
	struct wl_entry *e = cache_find(c, key);

	*obj = NULL;
	*rc = 0;
	if (e && now - e->fetched_ns < (uint64_t)POD_WORKLOAD_TTL_S * 1000000000ULL) {
		e->used = ++w->tick;
		w->st.hits++;
		return e;
	}
	if (cached_only) {
		*rc = -EAGAIN;
		return NULL;
	}
	w->st.fetches++;
	*rc = w->fetch(w->ctx, path, obj);
	if (*rc == -EACCES)
		refused(w, res, path, warn, warnlen);
	else if (*rc == -ENOENT)
		w->st.not_found++;
	else if (*rc) {
		w->st.errors++;
		return NULL;
	}
	e = cache_slot(w, c, key);
	if (!e) {
		json_object_put(*obj);
		*obj = NULL;
		*rc = -ENOMEM;
		return NULL;
	}
	e->fetched_ns = now;
	e->used = ++w->tick;
	*rc = 0;
	return e;
}

static int apply_owner(struct pod_workload *w, struct pod_meta *m, int cached_only, char *warn, size_t warnlen)
{
	int res = !strcmp(m->owner_kind, "ReplicaSet") ? WL_RS : !strcmp(m->owner_kind, "Job") ? WL_JOB : -1;
	char key[600], path[600];
	struct json_object *obj;
	const char *kind, *name;
	int rc;

	if (res < 0 || !dns_name(m->namespace_) || !dns_name(m->owner_name))
		return 0; /* DaemonSet, StatefulSet, ...: the controller is the workload */
	snprintf(key, sizeof(key), "%s/%s/%s", m->owner_kind, m->namespace_, m->owner_name);
	snprintf(path, sizeof(path), res == WL_RS ? "/apis/apps/v1/namespaces/%s/replicasets/%s"
						  : "/apis/batch/v1/namespaces/%s/jobs/%s",
		 m->namespace_, m->owner_name);
	struct wl_entry *e = lookup(w, &w->owners, res, key, path, cached_only, &obj, &rc, warn, warnlen);
	if (!e)
		return rc == -EAGAIN || rc == -ENOMEM ? rc : 0; /* API trouble: keep the direct owner */
	if (obj && controller_of(obj, &kind, &name) == 0) {
		e->kind = strdup(kind);
		e->name = strdup(name);
		if (!e->kind || !e->name) {
			free(e->kind);
			free(e->name);
			e->kind = e->name = NULL;
			rc = -ENOMEM;
		}
	}
	json_object_put(obj);
	if (!rc && e->kind)
		rc = pod_meta_set_owner(m, e->kind, e->name);
	return rc;
}

static int store_labels(struct wl_entry *e, struct json_object *obj)
{
	struct json_object *labels = k8s_json_member(k8s_json_member(obj, "metadata", json_type_object), "labels", json_type_object);

	if (!labels)
		return 0;
	e->labels = calloc(2 * POD_WORKLOAD_MAX_NS_LABELS, sizeof(*e->labels));
	if (!e->labels)
		return -ENOMEM;
	json_object_object_foreach(labels, key, val) {
		if (e->n_labels >= POD_WORKLOAD_MAX_NS_LABELS)
			break;
		if (!json_object_is_type(val, json_type_string) || strlen(key) > POD_META_MAX_LABEL_KEY ||
		    json_object_get_string_len(val) > POD_META_MAX_LABEL_VALUE)
			continue;
		size_t i = 2 * e->n_labels;
		e->labels[i] = strdup(key);
		e->labels[i + 1] = strdup(json_object_get_string(val));
		e->n_labels++; /* freed with the entry either way */
		if (!e->labels[i] || !e->labels[i + 1])
			return -ENOMEM;
	}
	return 0;
}

static int apply_namespace(struct pod_workload *w, struct pod_meta *m, int cached_only, char *warn, size_t warnlen)
{
	char key[300], path[300];
	struct json_object *obj;
	int rc;

	if (!w->namespace_labels || !dns_name(m->namespace_))
		return 0;
	snprintf(key, sizeof(key), "Namespace/%s", m->namespace_);
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s", m->namespace_);
	struct wl_entry *e = lookup(w, &w->namespaces, WL_NS, key, path, cached_only, &obj, &rc, warn, warnlen);
	if (!e)
		return rc == -EAGAIN || rc == -ENOMEM ? rc : 0;
	if (obj)
		rc = store_labels(e, obj);
	json_object_put(obj);
	if (!rc)
		rc = pod_meta_set_ns_labels(m, (const char *const *)e->labels, e->n_labels);
	return rc;
}

int pod_workload_apply(struct pod_workload *w, struct pod_meta *m, int cached_only, char *warn, size_t warnlen)
{
	int rc = apply_owner(w, m, cached_only, warn, warnlen);
	/* a warning from the owner is kept: the namespace's goes in only if there was none */
	int rn = apply_namespace(w, m, cached_only, warn && warn[0] ? NULL : warn, warnlen);

	if (rc == -ENOMEM || rn == -ENOMEM)
		return -ENOMEM;
	return rc ? rc : rn;
}
