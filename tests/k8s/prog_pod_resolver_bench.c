/* Measures what a pod-resolver lookup costs on this machine: a cache hit,
 * a miss resolved by file handle (open_by_handle_at), and a miss resolved by
 * walking the cgroup tree (no CAP_DAC_READ_SEARCH). It builds a node-like
 * tree of real cgroups (PODS pods x 2 containers, systemd/containerd layout)
 * under the cgroup v2 root, times each kind of lookup over all of them,
 * repeats, and prints medians. Needs root; removes what it made.
 *
 * usage: prog_pod_resolver_bench [PODS=100] [RUNS=5]
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "enrich/cgroup_path.h"
#include "enrich/cgroup_root.h"
#include "enrich/pod_resolver.h"
#include "kubelet_cgroup.h"

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	int pods = argc > 1 ? atoi(argv[1]) : 100, runs = argc > 2 ? atoi(argv[2]) : 5;
	char root[1024], base[2048], rel[1024], abs[4096], uid[40], cid[65], path[PATH_MAX], err[256];
	int n = pods * 2, rc = 1;
	uint64_t *ids = calloc((size_t)n, sizeof(*ids));
	double hit[64], handle[64], walk[64];

	if (runs < 1 || runs > 64 || pods < 1 || !ids)
		return 2;
	if (cgroup_root_detect(NULL, root, sizeof(root))) {
		fprintf(stderr, "no cgroup v2 hierarchy\n");
		return 77;
	}
	snprintf(base, sizeof(base), "%s/ringtap-bench-%d", root, (int)getpid());
	if (mkdir(base, 0755)) {
		fprintf(stderr, "%s: %s (needs root)\n", base, strerror(errno));
		return 77;
	}
	for (int i = 0; i < n; i++) {
		snprintf(uid, sizeof(uid), "%08x-0000-4000-8000-%012x", i / 2, i / 2);
		snprintf(cid, sizeof(cid), "%064x", i);
		kubelet_cgroup_path(KL_SYSTEMD_CONTAINERD, uid, cid, rel, sizeof(rel));
		if (kubelet_cgroup_mkdirs(base, rel))
			goto cleanup;
		snprintf(abs, sizeof(abs), "%s/%s", base, rel);
		cgroup_path_id(abs, &ids[i]);
	}
	for (int r = 0; r < runs; r++) {
		struct pod_resolver_config cfg = { .cache_size = (uint64_t)n, .cgroup_root = "" };
		struct pod_resolver *res;
		const struct pod_identity *id;
		struct cgroup_fs fs;

		if (pod_resolver_create(&cfg, &res, err, sizeof(err)))
			goto cleanup;
		double t0 = now_ns();
		for (int i = 0; i < n; i++)
			pod_resolver_lookup(res, ids[i], &id); /* misses: handle + parse + insert */
		double t1 = now_ns();
		for (int i = 0; i < n; i++)
			pod_resolver_lookup(res, ids[i], &id); /* hits */
		double t2 = now_ns();
		pod_resolver_destroy(res);
		handle[r] = (t1 - t0) / n;
		hit[r] = (t2 - t1) / n;

		cgroup_fs_open(&fs, root);
		fs.use_handles = 0;
		int m = n < 50 ? n : 50; /* walks are slow: time a sample */
		double t3 = now_ns();
		for (int i = 0; i < m; i++)
			cgroup_path_lookup(&fs, ids[n - 1 - i], path, sizeof(path));
		walk[r] = (now_ns() - t3) / m;
		cgroup_fs_close(&fs);
	}
	printf("pod resolver, %d container cgroups (%d pods), median of %d runs:\n", n, pods, runs);
	printf("  hit                    %8.0f ns\n", median(hit, runs));
	printf("  miss, by file handle   %8.0f ns\n", median(handle, runs));
	printf("  miss, by walking       %8.0f ns  (%.0fx the handle miss)\n", median(walk, runs),
	       median(walk, runs) / median(handle, runs));
	rc = 0;
cleanup:
	for (int i = 0; i < n; i++) {
		snprintf(uid, sizeof(uid), "%08x-0000-4000-8000-%012x", i / 2, i / 2);
		snprintf(cid, sizeof(cid), "%064x", i);
		kubelet_cgroup_path(KL_SYSTEMD_CONTAINERD, uid, cid, rel, sizeof(rel));
		kubelet_cgroup_rmdirs(base, rel);
	}
	rmdir(base);
	free(ids);
	return rc;
}
