/* Pod resolver on real cgroups: directories laid out as each kubelet
 * driver/runtime does, created in the cgroup v2 hierarchy; their inode
 * numbers are the cgroup ids events carry. Where cgroup v2 is not writable
 * the path/parse half runs on a temporary directory tree instead (inode
 * numbers stand in for cgroup ids) and says so. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "enrich/cgroup_path.h"
#include "enrich/cgroup_root.h"
#include "enrich/pod_cgroup_parse.h"
#include "enrich/pod_resolver.h"
#include "../k8s/kubelet_cgroup.h"

#define UID "5f8a7c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
#define CID "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

static char base[2048];  /* <cgroup v2 root>/ringtap-test-<pid>, or a tmp dir */
static int on_cgroup2;

static int setup(void **state)
{
	char root[1024];
	(void)state;

	if (cgroup_root_detect(NULL, root, sizeof(root)) == 0) {
		snprintf(base, sizeof(base), "%s/ringtap-test-%d", root, (int)getpid());
		if (mkdir(base, 0755) == 0) {
			on_cgroup2 = 1;
			printf("# cgroup v2 at %s: real cgroups under %s\n", root, base);
			return 0;
		}
	}
	snprintf(base, sizeof(base), "/tmp/ringtap-cg-XXXXXX");
	if (!mkdtemp(base))
		return -1;
	printf("# cgroup v2 not writable here: a temporary directory tree at %s stands in\n", base);
	return 0;
}

static int teardown(void **state)
{
	char rel[1024];
	(void)state;

	for (int l = 0; l < KL_COUNT; l++)
		if (kubelet_cgroup_path(l, UID, CID, rel, sizeof(rel)) == 0)
			kubelet_cgroup_rmdirs(base, rel);
	rmdir(base);
	return 0;
}

static uint64_t make(const char *rel)
{
	char abs[4096];
	uint64_t id = 0;

	assert_int_equal(kubelet_cgroup_mkdirs(base, rel), 0);
	snprintf(abs, sizeof(abs), "%s/%s", base, rel);
	assert_int_equal(cgroup_path_id(abs, &id), 0);
	return id;
}

static struct pod_resolver *resolver(int api)
{
	struct pod_resolver_config cfg = { .cache_size = 64, .api = api, .cgroup_root = "",
					   .api_url = "", .token_file = "", .ca_file = "", .node_name = "" };
	struct pod_resolver *r = NULL;
	char err[256];

	assert_int_equal(pod_resolver_create(&cfg, &r, err, sizeof(err)), 0);
	return r;
}

static void test_each_layout(void **state)
{
	char rel[1024];
	const struct pod_identity *id;
	struct pod_resolver_stats st;
	(void)state;

	if (!on_cgroup2)
		skip();
	struct pod_resolver *r = resolver(0);
	for (int l = 0; l < KL_COUNT; l++) {
		assert_int_equal(kubelet_cgroup_path(l, UID, CID, rel, sizeof(rel)), 0);
		uint64_t cg = make(rel);
		assert_int_equal(pod_resolver_lookup(r, cg, &id), 0);
		if (strcmp(id->pod_uid, UID) || strcmp(id->container_id, CID))
			fail_msg("%s (%s): uid=%s cid=%s", kubelet_layout_name(l), rel, id->pod_uid, id->container_id);
		/* the pod's own cgroup: pod, no container */
		*strrchr(rel, '/') = '\0';
		char abs[4096];
		uint64_t pod_cg;
		snprintf(abs, sizeof(abs), "%s/%s", base, rel);
		assert_int_equal(cgroup_path_id(abs, &pod_cg), 0);
		assert_int_equal(pod_resolver_lookup(r, pod_cg, &id), 0);
		assert_string_equal(id->pod_uid, UID);
		assert_string_equal(id->container_id, "");
		assert_null(id->meta); /* no API here */
	}
	/* a host cgroup (the test's base) has no pod */
	uint64_t host;
	assert_int_equal(cgroup_path_id(base, &host), 0);
	assert_int_equal(pod_resolver_lookup(r, host, &id), 0);
	assert_string_equal(id->pod_uid, "");
	/* a second lookup is a cache hit */
	assert_int_equal(pod_resolver_lookup(r, host, &id), 0);
	pod_resolver_stats(r, &st);
	assert_int_equal(st.pods, 2 * KL_COUNT);
	assert_int_equal(st.host, 1);
	assert_int_equal(st.hits, 1);
	if (geteuid() == 0)
		assert_int_equal(st.walks, 0); /* root has CAP_DAC_READ_SEARCH: handles, no walk */
	pod_resolver_destroy(r);
}

static void test_removed_cgroup(void **state)
{
	char rel[1024], abs[4096];
	const struct pod_identity *id;
	struct pod_resolver_stats st;
	(void)state;

	if (!on_cgroup2)
		skip();
	struct pod_resolver *r = resolver(0);
	/* seen once while alive: stays attributed after the cgroup is gone */
	assert_int_equal(kubelet_cgroup_path(KL_SYSTEMD_CONTAINERD, UID, CID, rel, sizeof(rel)), 0);
	uint64_t alive = make(rel);
	assert_int_equal(pod_resolver_lookup(r, alive, &id), 0);
	snprintf(abs, sizeof(abs), "%s/%s", base, rel);
	assert_int_equal(rmdir(abs), 0);
	assert_int_equal(pod_resolver_lookup(r, alive, &id), 0);
	assert_string_equal(id->pod_uid, UID);

	/* first looked up after removal (a container that lived a few ms): the
	 * creation watcher saw it made. The runtime leaves at least some time
	 * between making a cgroup and removing it; try growing gaps. */
	int recovered = 0;
	for (int gap_ms = 1; gap_ms <= 512 && !recovered; gap_ms *= 2) {
		uint64_t gone = make(rel);
		usleep((useconds_t)gap_ms * 1000);
		assert_int_equal(rmdir(abs), 0);
		assert_int_equal(pod_resolver_lookup(r, gone, &id), 0);
		if (!strcmp(id->pod_uid, UID) && !strcmp(id->container_id, CID)) {
			recovered = 1;
			printf("# removed cgroup attributed (made, %d ms, removed, looked up)\n", gap_ms);
		}
	}
	assert_true(recovered);
	pod_resolver_stats(r, &st);
	assert_true(st.watching);
	assert_true(st.recovered >= 1);

	/* outside kubepods nothing watches: a removed host cgroup is just gone */
	uint64_t host = make("system.slice/short.scope");
	snprintf(abs, sizeof(abs), "%s/system.slice/short.scope", base);
	assert_int_equal(rmdir(abs), 0);
	assert_int_equal(pod_resolver_lookup(r, host, &id), 0);
	assert_string_equal(id->pod_uid, "");
	pod_resolver_stats(r, &st);
	assert_true(st.gone >= 1);
	kubelet_cgroup_rmdirs(base, "system.slice");
	pod_resolver_destroy(r);
}

/* The path half alone, by walking (what runs without CAP_DAC_READ_SEARCH),
 * on cgroup v2 or on the temporary tree. */
static void test_walk_fallback(void **state)
{
	char rel[1024], got[PATH_MAX], want[2048];
	struct cgroup_fs fs;
	struct pod_cgroup pc;
	(void)state;

	assert_int_equal(cgroup_fs_open(&fs, on_cgroup2 ? base : base), 0);
	fs.use_handles = 0;
	for (int l = 0; l < KL_COUNT; l++) {
		assert_int_equal(kubelet_cgroup_path(l, UID, CID, rel, sizeof(rel)), 0);
		uint64_t cg = make(rel);
		assert_int_equal(cgroup_path_lookup(&fs, cg, got, sizeof(got)), 0);
		snprintf(want, sizeof(want), "/%s", rel);
		assert_string_equal(got, want);
		assert_int_equal(pod_cgroup_parse(got, &pc), 0);
		assert_string_equal(pc.pod_uid, UID);
		assert_string_equal(pc.container_id, CID);
	}
	assert_int_equal(cgroup_path_lookup(&fs, 1ULL << 62, got, sizeof(got)), -ENOENT);
	assert_true(fs.walks > 0);
	cgroup_fs_close(&fs);
}

static void test_runs_without_api(void **state)
{
	struct pod_resolver_config cfg = { .cache_size = 16, .api = 1, .cgroup_root = "",
					   .api_url = "", .token_file = "", .ca_file = "", .node_name = "n" };
	struct pod_resolver *r = NULL;
	const struct pod_identity *id;
	char err[256], rel[1024];
	(void)state;

	if (!on_cgroup2)
		skip();
	unsetenv("KUBERNETES_SERVICE_HOST");
	assert_int_equal(pod_resolver_create(&cfg, &r, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "KUBERNETES_SERVICE_HOST")); /* told why, keeps running */
	assert_int_equal(kubelet_cgroup_path(KL_CGROUPFS, UID, CID, rel, sizeof(rel)), 0);
	assert_int_equal(pod_resolver_lookup(r, make(rel), &id), 0);
	assert_string_equal(id->pod_uid, UID);
	assert_string_equal(id->container_id, CID);
	pod_resolver_destroy(r);
}

/* Hybrid hosts: a host /sys/fs/cgroup (here, or mounted into a pod) that is
 * not itself cgroup2 leads to its unified/ subdirectory. */
static void test_root_detect(void **state)
{
	char got[1024], via_override[1024];
	(void)state;

	if (cgroup_root_detect(NULL, got, sizeof(got)))
		skip();
	assert_int_equal(cgroup_root_check(got), 0);
	assert_int_equal(cgroup_root_detect("/sys/fs/cgroup", via_override, sizeof(via_override)), 0);
	assert_string_equal(via_override, got);
	assert_int_equal(cgroup_root_detect("/tmp", got, sizeof(got)), -ENOTDIR);
	assert_int_equal(cgroup_root_detect("/nonexistent", got, sizeof(got)), -ENOENT);
}

/* The "kubernetes:" config section as the chart renders it. */
static void test_options_table(void **state)
{
	struct pod_resolver_config cfg = { 0 };
	struct sink_options kv = { 0 };
	char err[256];
	(void)state;

	assert_int_equal(sink_options_add(&kv, "cgroup_root", "/host/sys/fs/cgroup", "ringtap.yaml:9:5"), 0);
	assert_int_equal(sink_options_add(&kv, "cache_size", "4K", "ringtap.yaml:10:5"), 0);
	assert_int_equal(sink_options_add(&kv, "api", "false", "ringtap.yaml:11:5"), 0);
	assert_int_equal(options_apply(pod_resolver_options, &cfg, &kv, NULL, err, sizeof(err)), 0);
	assert_string_equal(cfg.cgroup_root, "/host/sys/fs/cgroup");
	assert_int_equal(cfg.cache_size, 4096);
	assert_int_equal(cfg.api, 0);
	assert_int_equal(cfg.watch_timeout_s, 300);
	assert_string_equal(cfg.api_url, "");
	options_free_strings(pod_resolver_options, &cfg);
	sink_options_clear(&kv);

	assert_int_equal(sink_options_add(&kv, "cgroup_rot", "/x", "ringtap.yaml:9:5"), 0);
	assert_int_equal(options_apply(pod_resolver_options, &cfg, &kv, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ringtap.yaml:9:5"));
	assert_non_null(strstr(err, "cgroup_rot"));
	options_free_strings(pod_resolver_options, &cfg);
	sink_options_clear(&kv);
}

static void test_bad_cgroup_root(void **state)
{
	struct pod_resolver_config cfg = { .cache_size = 16, .cgroup_root = "/tmp" };
	struct pod_resolver *r = NULL;
	char err[256];
	(void)state;

	assert_int_equal(pod_resolver_create(&cfg, &r, err, sizeof(err)), -ENOTDIR);
	assert_non_null(strstr(err, "/tmp"));
	assert_null(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_layout),
		cmocka_unit_test(test_removed_cgroup),
		cmocka_unit_test(test_walk_fallback),
		cmocka_unit_test(test_runs_without_api),
		cmocka_unit_test(test_root_detect),
		cmocka_unit_test(test_options_table),
		cmocka_unit_test(test_bad_cgroup_root),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
