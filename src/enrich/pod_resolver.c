#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include "enrich/cgroup_path.h"
#include "enrich/cgroup_root.h"
#include "enrich/cgroup_watch.h"
#include "enrich/k8s_client.h"
#include "enrich/pod_cache.h"
#include "enrich/pod_cgroup_parse.h"
#include "enrich/pod_resolver.h"
#include "enrich/pod_store.h"

#define OFF(f) offsetof(struct pod_resolver_config, f)

const struct option_def pod_resolver_options[] = {
	{ "cgroup_root", OPT_STRING, "", OFF(cgroup_root),
	  "cgroup v2 mount; empty = detect /sys/fs/cgroup or /sys/fs/cgroup/unified" },
	{ "cache_size", OPT_SIZE, "8192", OFF(cache_size), "cgroups remembered (LRU)" },
	{ "api", OPT_BOOL, "true", OFF(api), "read pod name, namespace and labels from the Kubernetes API" },
	{ "api_url", OPT_STRING, "", OFF(api_url), "API server URL; empty = in-cluster" },
	{ "token_file", OPT_STRING, "", OFF(token_file), "bearer token file; empty = service-account token" },
	{ "ca_file", OPT_STRING, "", OFF(ca_file), "CA bundle; empty = service-account CA" },
	{ "node_name", OPT_STRING, "", OFF(node_name), "this node's name; empty = $NODE_NAME" },
	{ "watch_timeout_s", OPT_INT, "300", OFF(watch_timeout_s), "server-side timeout of one pod watch" },
	{ "namespace_labels", OPT_BOOL, "false", OFF(namespace_labels),
	  "add the labels of each pod's namespace to its events (needs get/list/watch on namespaces)" },
	{ "insecure_http", OPT_BOOL, "false", OFF(insecure_http),
	  "allow an http:// api_url, which sends the service-account token in cleartext" },
	OPT_END,
};

struct pod_resolver {
	struct cgroup_fs fs;
	struct pod_cache cache;
	struct pod_store store;
	int store_ready;
	struct cgroup_watch watch;
	int watching;
	struct k8s_client *api;
	uint64_t lookups, pods, host, gone, recovered;
};

int pod_resolver_create(const struct pod_resolver_config *cfg, struct pod_resolver **out,
			char *err, size_t errlen)
{
	struct pod_resolver *r = calloc(1, sizeof(*r));
	char root[PATH_MAX];
	int rc;

	err[0] = '\0';
	if (!r)
		return -ENOMEM;
	r->fs.root_fd = -1;
	rc = cgroup_root_detect(cfg->cgroup_root, root, sizeof(root));
	if (rc) {
		snprintf(err, errlen, "%s: no cgroup v2 hierarchy (%s); mount it or set kubernetes.cgroup_root",
			 cfg->cgroup_root && *cfg->cgroup_root ? cfg->cgroup_root : "/sys/fs/cgroup",
			 strerror(-rc));
		goto cleanup;
	}
	if ((rc = cgroup_fs_open(&r->fs, root))) {
		snprintf(err, errlen, "%s: %s", root, strerror(-rc));
		goto cleanup;
	}
	/* Not fatal: without it only cgroups removed before their first event
	 * is read go unattributed. */
	r->watching = cgroup_watch_start(&r->watch, root) == 0;
	if ((rc = pod_cache_init(&r->cache, cfg->cache_size ? cfg->cache_size : 8192))) {
		snprintf(err, errlen, "kubernetes.cache_size %llu: %s",
			 (unsigned long long)cfg->cache_size, strerror(-rc));
		goto cleanup;
	}
	if ((rc = pod_store_init(&r->store)))
		goto cleanup;
	r->store_ready = 1;
	if (cfg->api) {
		struct k8s_config ov = {
			.api_url = cfg->api_url, .token_file = cfg->token_file, .ca_file = cfg->ca_file,
			.node_name = cfg->node_name, .watch_timeout_s = (int)cfg->watch_timeout_s,
			.insecure_http = cfg->insecure_http, .namespace_labels = cfg->namespace_labels,
		}, kc;
		/* No API is not fatal: pod UID and container id still come from
		 * cgroups. A config that would leak the token is (-EPERM). */
		rc = k8s_config_resolve(&ov, &kc, err, errlen);
		if (rc == -EPERM)
			goto cleanup;
		if (rc == 0) {
			if (!strncasecmp(kc.api_url, "http://", 7)) /* once, at start */
				fprintf(stderr, "ringtap: warning: kubernetes.api_url %s is plain http "
					"(insecure_http: true): the service-account token is sent in cleartext\n",
					kc.api_url);
			rc = k8s_client_new(&kc, &r->store, &r->api);
			k8s_config_free(&kc);
			if (rc || (rc = k8s_client_start(r->api))) {
				snprintf(err, errlen, "kubernetes API client: %s", strerror(-rc));
				goto cleanup;
			}
		}
	}
	*out = r;
	return 0;
cleanup:
	pod_resolver_destroy(r);
	return rc;
}

void pod_resolver_destroy(struct pod_resolver *r)
{
	if (!r)
		return;
	k8s_client_free(r->api); /* stops the watcher before the store goes */
	if (r->watching)
		cgroup_watch_stop(&r->watch);
	pod_cache_fini(&r->cache);
	if (r->store_ready)
		pod_store_fini(&r->store);
	cgroup_fs_close(&r->fs);
	free(r);
}

/* (Re)attach API metadata when the store changed since we last looked. */
static void refresh_meta(struct pod_resolver *r, struct pod_cache_entry *e)
{
	uint64_t gen = pod_store_generation(&r->store);

	if (!e->id.pod_uid[0] || e->meta_generation == gen)
		return;
	struct pod_meta *m = pod_store_find(&r->store, e->id.pod_uid);
	if (m || !e->id.meta) { /* keep what we had if the pod has gone from the store */
		pod_meta_put(e->id.meta);
		e->id.meta = m;
		pod_identity_match_container(&e->id);
	}
	e->meta_generation = gen;
}

int pod_resolver_lookup(struct pod_resolver *r, uint64_t cgroup_id, const struct pod_identity **out)
{
	struct pod_cache_entry *e;
	char path[PATH_MAX];
	struct pod_cgroup pc;

	r->lookups++;
	e = pod_cache_find(&r->cache, cgroup_id);
	if (!e) {
		int rc = cgroup_path_lookup(&r->fs, cgroup_id, path, sizeof(path));
		if (rc && rc != -ENOENT)
			return rc;
		if (rc == -ENOENT && r->watching && cgroup_watch_find(&r->watch, cgroup_id, path, sizeof(path)) == 0) {
			rc = 0; /* removed already, but seen when it was made */
			r->recovered++;
		}
		e = pod_cache_insert(&r->cache, cgroup_id);
		e->meta_generation = UINT64_MAX;
		e->id.api = r->api != NULL;
		if (rc == -ENOENT) {
			r->gone++; /* removed before we looked: nothing more to learn */
		} else if (pod_cgroup_parse(path, &pc) == 0) {
			memcpy(e->id.pod_uid, pc.pod_uid, sizeof(pc.pod_uid));
			memcpy(e->id.container_id, pc.container_id, sizeof(pc.container_id));
			r->pods++;
		} else {
			r->host++;
		}
	}
	refresh_meta(r, e);
	*out = &e->id;
	return 0;
}

void pod_resolver_stats(struct pod_resolver *r, struct pod_resolver_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->lookups = r->lookups;
	out->hits = r->cache.hits;
	out->misses = r->cache.misses;
	out->evictions = r->cache.evictions;
	out->walks = r->fs.walks;
	out->pods = r->pods;
	out->host = r->host;
	out->gone = r->gone;
	out->recovered = r->recovered;
	out->watching = r->watching;
	out->api_pods = pod_store_count(&r->store);
	out->api_enabled = r->api != NULL;
}

const char *pod_resolver_cgroup_root(const struct pod_resolver *r)
{
	return r->fs.root;
}
