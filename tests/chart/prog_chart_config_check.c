/* Loads a ringtap.yaml the way the daemon does (daemon_config_load) and
 * applies its kubernetes: and metrics: sections to their option tables, so the
 * chart test can prove the ConfigMap it renders is a config ringtap accepts.
 *
 * usage: prog_chart_config_check RINGTAP_YAML   (exit 0 valid, 1 invalid)
 */
#include <stdio.h>
#include "config/daemon_config.h"
#include "enrich/pod_resolver.h"
#include "metrics/metrics_config.h"

int main(int argc, char **argv)
{
	struct daemon_config cfg;
	struct pod_resolver_config k8s = { 0 };
	struct metrics_config metrics = { 0 };
	char err[512];
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s RINGTAP_YAML\n", argv[0]);
		return 2;
	}
	if (daemon_config_defaults(&cfg)) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	if (daemon_config_load(argv[1], &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto cleanup;
	}
	if (options_apply(pod_resolver_options, &k8s, &cfg.kubernetes, NULL, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto cleanup;
	}
	if (metrics_config_load(&metrics, &cfg.metrics, cfg.stats_interval_ms, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto cleanup;
	}
	printf("%s: valid (%zu sinks, kubernetes.cgroup_root=%s, metrics on %s:%lld)\n", argv[1], cfg.n_sinks,
	       k8s.cgroup_root, metrics.address, (long long)metrics.port);
	rc = 0;
cleanup:
	options_free_strings(pod_resolver_options, &k8s);
	metrics_config_free(&metrics);
	daemon_config_free(&cfg);
	return rc;
}
