/* Workload identity of a pod (src/enrich/pod_meta.c, pod_workload.c,
 * pod_identity.c) against a scripted API: the owner resolution
 * (ReplicaSet -> Deployment, Job -> CronJob, bare pods, a missing
 * ReplicaSet, 403 on replicasets with a one-time warning), the container
 * matched by runtime id (name, image, digest), namespace labels, the
 * metadata_pending flag, and hostile answers kept within the caps. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "enrich/pod_identity.h"
#include "enrich/pod_workload.h"

#define CID_MAIN "abababababababababababababababababababababababababababababababab"
#define CID_SIDE "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The scripted API: path -> (status, JSON body). */
struct answer {
	const char *path;
	int rc;
	const char *body;
};
static const struct answer *answers;
static int n_fetches;
static char fetched[16][256];

static int fake_fetch(void *ctx, const char *path, struct json_object **out)
{
	(void)ctx;
	if (n_fetches < 16)
		snprintf(fetched[n_fetches], sizeof(fetched[0]), "%s", path);
	n_fetches++;
	*out = NULL;
	for (const struct answer *a = answers; a && a->path; a++) {
		if (strcmp(a->path, path))
			continue;
		if (!a->rc)
			*out = json_tokener_parse(a->body);
		return a->rc;
	}
	return -ENOENT;
}

static uint64_t fake_now;
static uint64_t fake_clock(void)
{
	return fake_now;
}

static struct pod_meta *pod_from(const char *json)
{
	struct json_object *obj = json_tokener_parse(json);
	struct pod_meta *m = NULL;
	char err[128];

	assert_non_null(obj);
	assert_int_equal(pod_meta_from_json(obj, &m, err, sizeof(err)), 0);
	json_object_put(obj);
	return m;
}

static char *pod_json(const char *owner_kind, const char *owner_name)
{
	static char buf[4096];
	char owner[256] = "";

	if (owner_kind)
		snprintf(owner, sizeof(owner),
			 ",\"ownerReferences\":[{\"kind\":\"Other\",\"name\":\"x\"},"
			 "{\"kind\":\"%s\",\"name\":\"%s\",\"controller\":true}]", owner_kind, owner_name);
	snprintf(buf, sizeof(buf),
		 "{\"metadata\":{\"uid\":\"u-1\",\"name\":\"web-7d9f-abcde\",\"namespace\":\"shop\"%s},"
		 "\"spec\":{\"nodeName\":\"node-a\",\"containers\":[{\"name\":\"main\",\"image\":\"nginx:1.25\"},"
		 "{\"name\":\"side\",\"image\":\"envoy:1\"}]},"
		 "\"status\":{\"containerStatuses\":[{\"name\":\"main\",\"containerID\":\"containerd://" CID_MAIN "\","
		 "\"image\":\"docker.io/library/nginx:1.25\",\"imageID\":\"docker.io/library/nginx@" DIGEST "\"}]}}",
		 owner);
	return buf;
}

static struct pod_workload *workload(int ns_labels, const struct answer *a)
{
	struct pod_workload *w;

	answers = a;
	n_fetches = 0;
	fake_now = 1000000000ULL;
	assert_int_equal(pod_workload_new(ns_labels, fake_fetch, NULL, &w), 0);
	pod_workload_set_clock(w, fake_clock);
	return w;
}

static void test_replicaset_to_deployment(void **state)
{
	static const struct answer api[] = {
		{ "/apis/apps/v1/namespaces/shop/replicasets/web-7d9f", 0,
		  "{\"metadata\":{\"name\":\"web-7d9f\",\"ownerReferences\":"
		  "[{\"kind\":\"Deployment\",\"name\":\"web\",\"controller\":true}]}}" },
		{ NULL, 0, NULL },
	};
	struct pod_workload *w = workload(0, api);
	struct pod_meta *m = pod_from(pod_json("ReplicaSet", "web-7d9f"));
	char warn[256] = "";
	(void)state;

	assert_string_equal(m->owner_kind, "ReplicaSet"); /* the controller, not the first reference */
	assert_string_equal(m->owner_name, "web-7d9f");
	assert_string_equal(m->node, "node-a");
	assert_int_equal(pod_workload_apply(w, m, 1, warn, sizeof(warn)), -EAGAIN); /* not cached yet */
	assert_int_equal(n_fetches, 0);
	assert_int_equal(pod_workload_apply(w, m, 0, warn, sizeof(warn)), 0);
	assert_string_equal(m->owner_kind, "Deployment");
	assert_string_equal(m->owner_name, "web");
	assert_string_equal(warn, "");
	pod_meta_put(m);

	/* the next pod of that ReplicaSet: from the cache */
	m = pod_from(pod_json("ReplicaSet", "web-7d9f"));
	assert_int_equal(pod_workload_apply(w, m, 1, warn, sizeof(warn)), 0);
	assert_string_equal(m->owner_kind, "Deployment");
	assert_int_equal(n_fetches, 1);
	pod_meta_put(m);

	/* stale after the TTL: asked again */
	fake_now += (uint64_t)(POD_WORKLOAD_TTL_S + 1) * 1000000000ULL;
	m = pod_from(pod_json("ReplicaSet", "web-7d9f"));
	assert_int_equal(pod_workload_apply(w, m, 1, warn, sizeof(warn)), -EAGAIN);
	assert_int_equal(pod_workload_apply(w, m, 0, warn, sizeof(warn)), 0);
	assert_int_equal(n_fetches, 2);
	pod_meta_put(m);
	pod_workload_free(w);
}

static void test_job_to_cronjob_and_plain_job(void **state)
{
	static const struct answer api[] = {
		{ "/apis/batch/v1/namespaces/shop/jobs/backup-28812345", 0,
		  "{\"metadata\":{\"ownerReferences\":[{\"kind\":\"CronJob\",\"name\":\"backup\",\"controller\":true}]}}" },
		{ "/apis/batch/v1/namespaces/shop/jobs/migrate", 0, "{\"metadata\":{\"name\":\"migrate\"}}" },
		{ NULL, 0, NULL },
	};
	struct pod_workload *w = workload(0, api);
	struct pod_meta *m = pod_from(pod_json("Job", "backup-28812345"));
	char warn[256] = "";
	(void)state;

	assert_int_equal(pod_workload_apply(w, m, 0, warn, sizeof(warn)), 0);
	assert_string_equal(m->owner_kind, "CronJob");
	assert_string_equal(m->owner_name, "backup");
	assert_string_equal(fetched[0], "/apis/batch/v1/namespaces/shop/jobs/backup-28812345");
	pod_meta_put(m);

	m = pod_from(pod_json("Job", "migrate")); /* a Job of its own: it is the workload */
	assert_int_equal(pod_workload_apply(w, m, 0, warn, sizeof(warn)), 0);
	assert_string_equal(m->owner_kind, "Job");
	assert_string_equal(m->owner_name, "migrate");
	pod_meta_put(m);
	pod_workload_free(w);
}

static void test_owner_needs_no_lookup_or_is_missing(void **state)
{
	struct pod_workload *w = workload(0, NULL); /* every GET: 404 */
	char warn[256] = "";
	struct pod_meta *m;
	(void)state;

	m = pod_from(pod_json("DaemonSet", "agent"));
	assert_int_equal(pod_workload_apply(w, m, 1, warn, sizeof(warn)), 0);
	assert_string_equal(m->owner_kind, "DaemonSet");
	assert_string_equal(m->owner_name, "agent");
	pod_meta_put(m);

	m = pod_from(pod_json(NULL, NULL)); /* a bare pod */
	assert_int_equal(pod_workload_apply(w, m, 1, warn, sizeof(warn)), 0);
	assert_string_equal(m->owner_kind, "");
	assert_string_equal(m->owner_name, "");
	pod_meta_put(m);
	assert_int_equal(n_fetches, 0);

	m = pod_from(pod_json("ReplicaSet", "gone-1")); /* deleted already: 404 */
	assert_int_equal(pod_workload_apply(w, m, 0, warn, sizeof(warn)), 0);
	assert_string_equal(m->owner_kind, "ReplicaSet");
	assert_string_equal(m->owner_name, "gone-1");
	assert_string_equal(warn, "");
	pod_meta_put(m);

	/* Not names the API makes (RFC 1123): never in a URL. ".." alone is
	 * made of allowed characters (found by the fuzz target). */
	static const char *const bad[] = { "a/../../secrets", "..", "a..b", ".a", "a.", "-a", "a-", "a.-b" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = pod_from(pod_json("ReplicaSet", bad[i]));
		assert_int_equal(pod_workload_apply(w, m, 0, warn, sizeof(warn)), 0);
		assert_string_equal(m->owner_kind, "ReplicaSet");
		assert_int_equal(n_fetches, 1);
		pod_meta_put(m);
	}
	pod_workload_free(w);
}

static void test_forbidden_replicasets_warn_once(void **state)
{
	static const struct answer api[] = {
		{ "/apis/apps/v1/namespaces/shop/replicasets/web-1", -EACCES, NULL },
		{ "/apis/apps/v1/namespaces/shop/replicasets/web-2", -EACCES, NULL },
		{ NULL, 0, NULL },
	};
	struct pod_workload *w = workload(0, api);
	struct pod_workload_stats st;
	char warn[512] = "";
	(void)state;

	struct pod_meta *m = pod_from(pod_json("ReplicaSet", "web-1"));
	assert_int_equal(pod_workload_apply(w, m, 0, warn, sizeof(warn)), 0);
	assert_string_equal(m->owner_kind, "ReplicaSet");
	assert_string_equal(m->owner_name, "web-1");
	assert_non_null(strstr(warn, "/apis/apps/v1/namespaces/shop/replicasets/web-1"));
	assert_non_null(strstr(warn, "forbidden"));
	assert_non_null(strstr(warn, "replicasets"));
	pod_meta_put(m);

	warn[0] = '\0';
	m = pod_from(pod_json("ReplicaSet", "web-2"));
	assert_int_equal(pod_workload_apply(w, m, 0, warn, sizeof(warn)), 0);
	assert_string_equal(m->owner_kind, "ReplicaSet");
	assert_string_equal(warn, ""); /* said once */
	pod_meta_put(m);
	pod_workload_stats(w, &st);
	assert_int_equal(st.forbidden, 2);
	pod_workload_free(w);
}

static void test_namespace_labels(void **state)
{
	static const struct answer api[] = {
		{ "/api/v1/namespaces/shop", 0,
		  "{\"metadata\":{\"name\":\"shop\",\"labels\":{\"team\":\"payments\",\"n\":7,"
		  "\"kubernetes.io/metadata.name\":\"shop\"}}}" },
		{ NULL, 0, NULL },
	};
	struct pod_workload *w = workload(1, api);
	char warn[256] = "";
	(void)state;

	struct pod_meta *m = pod_from(pod_json(NULL, NULL));
	assert_int_equal(pod_workload_apply(w, m, 0, warn, sizeof(warn)), 0);
	assert_int_equal(m->ns_labels.n, 2); /* the number is no label value */
	assert_string_equal(m->ns_labels.ptrs[0]->key, "team");
	assert_string_equal(m->ns_labels.ptrs[0]->value, "payments");
	assert_ptr_equal(m->ns_labels.ptrs[0]->base.descriptor, &ringtap__v1__pod__namespace_labels_entry__descriptor);
	pod_meta_put(m);
	pod_workload_free(w);

	w = workload(0, api); /* off by default: never asked */
	m = pod_from(pod_json(NULL, NULL));
	assert_int_equal(pod_workload_apply(w, m, 0, warn, sizeof(warn)), 0);
	assert_int_equal(m->ns_labels.n, 0);
	assert_int_equal(n_fetches, 0);
	pod_meta_put(m);
	pod_workload_free(w);
}

/* The event's pod: container by runtime id; pending until the API has it. */
static void test_header_container_and_pending(void **state)
{
	struct pod_identity id = { .api = 1 };
	Ringtap__V1__Header hdr = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Pod pod;
	(void)state;

	snprintf(id.pod_uid, sizeof(id.pod_uid), "u-1");
	snprintf(id.container_id, sizeof(id.container_id), "%s", CID_MAIN);
	pod_identity_fill_header(&id, &hdr, &pod); /* the API has not answered */
	assert_ptr_equal(hdr.pod, &pod);
	assert_true(pod.metadata_pending);
	assert_string_equal(pod.image, "");

	id.meta = pod_from(pod_json("StatefulSet", "web"));
	pod_identity_match_container(&id);
	pod_identity_fill_header(&id, &hdr, &pod);
	assert_false(pod.metadata_pending);
	assert_string_equal(pod.container_name, "main");
	assert_string_equal(pod.image, "docker.io/library/nginx:1.25");
	assert_string_equal(pod.image_digest, DIGEST);
	assert_string_equal(pod.owner_kind, "StatefulSet");
	assert_string_equal(pod.owner_name, "web");
	assert_string_equal(pod.node, "node-a");

	/* the sidecar has started but the status does not list it yet */
	snprintf(id.container_id, sizeof(id.container_id), "%s", CID_SIDE);
	pod_identity_match_container(&id);
	pod_identity_fill_header(&id, &hdr, &pod);
	assert_true(pod.metadata_pending);
	assert_string_equal(pod.name, "web-7d9f-abcde");
	assert_string_equal(pod.container_name, "");
	pod_meta_put(id.meta);

	/* a single-container pod before its status has the id: spec name and
	 * image, no digest, still pending */
	id.meta = pod_from("{\"metadata\":{\"uid\":\"u-1\",\"name\":\"p\",\"namespace\":\"n\"},"
			   "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"app:2\"}]}}");
	pod_identity_match_container(&id);
	pod_identity_fill_header(&id, &hdr, &pod);
	assert_string_equal(pod.container_name, "app");
	assert_string_equal(pod.image, "app:2");
	assert_string_equal(pod.image_digest, "");
	assert_true(pod.metadata_pending);
	pod_meta_put(id.meta);

	/* without the API nothing is pending: nothing will come */
	id.meta = NULL;
	id.api = 0;
	pod_identity_match_container(&id);
	pod_identity_fill_header(&id, &hdr, &pod);
	assert_false(pod.metadata_pending);
}

/* Hostile answers: too many labels and containers, wrong types, oversized
 * strings, too many owners: all within the documented caps. */
static void test_hostile_answers_stay_bounded(void **state)
{
	struct json_object *pod = json_object_new_object(), *md = json_object_new_object();
	struct json_object *labels = json_object_new_object(), *spec = json_object_new_object();
	struct json_object *containers = json_object_new_array();
	char key[64], big[2000];
	struct pod_meta *m;
	char err[128];
	(void)state;

	json_object_object_add(md, "uid", json_object_new_string("u-h"));
	json_object_object_add(md, "name", json_object_new_string("h"));
	json_object_object_add(md, "namespace", json_object_new_string("n"));
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		json_object_object_add(labels, key, json_object_new_string("v"));
	}
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	json_object_object_add(labels, "huge", json_object_new_string(big));
	json_object_object_add(md, "labels", labels);
	json_object_object_add(md, "ownerReferences", json_object_new_string("not an array"));
	for (int i = 0; i < 500; i++) {
		struct json_object *c = json_object_new_object();
		snprintf(key, sizeof(key), "c%d", i);
		json_object_object_add(c, "name", json_object_new_string(key));
		json_object_object_add(c, "image", i == 0 ? json_object_new_string(big) : json_object_new_int(i));
		json_object_array_add(containers, c);
	}
	json_object_object_add(spec, "containers", containers);
	json_object_object_add(spec, "nodeName", json_object_new_int(5));
	json_object_object_add(pod, "metadata", md);
	json_object_object_add(pod, "spec", spec);
	json_object_object_add(pod, "status", json_object_new_array());

	assert_int_equal(pod_meta_from_json(pod, &m, err, sizeof(err)), 0);
	assert_int_equal(m->labels.n, POD_META_MAX_LABELS);
	for (size_t i = 0; i < m->labels.n; i++)
		assert_string_not_equal(m->labels.ptrs[i]->key, "huge");
	assert_int_equal(m->n_containers, POD_META_MAX_CONTAINERS);
	assert_string_equal(m->containers[0].image, ""); /* longer than any image reference */
	assert_string_equal(m->node, "");
	assert_string_equal(m->owner_kind, "");
	pod_meta_put(m);
	json_object_put(pod);

	/* more ReplicaSets than the owner cache holds: the oldest go */
	struct pod_workload *w = workload(0, NULL);
	struct pod_workload_stats st;
	for (int i = 0; i < POD_WORKLOAD_MAX_OWNERS + 100; i++) {
		char name[32];
		snprintf(name, sizeof(name), "rs-%d", i);
		m = pod_from(pod_json("ReplicaSet", name));
		assert_int_equal(pod_workload_apply(w, m, 0, NULL, 0), 0);
		pod_meta_put(m);
	}
	pod_workload_stats(w, &st);
	assert_int_equal(st.owners, POD_WORKLOAD_MAX_OWNERS);
	assert_int_equal(st.evictions, 100);
	pod_workload_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replicaset_to_deployment),
		cmocka_unit_test(test_job_to_cronjob_and_plain_job),
		cmocka_unit_test(test_owner_needs_no_lookup_or_is_missing),
		cmocka_unit_test(test_forbidden_replicasets_warn_once),
		cmocka_unit_test(test_namespace_labels),
		cmocka_unit_test(test_header_container_and_pending),
		cmocka_unit_test(test_hostile_answers_stay_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
