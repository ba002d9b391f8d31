#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "metrics/metrics_config.h"

#define MC(f) offsetof(struct metrics_config, f)

/* 9464: the port the chart already exposes; the daemon runs in the pod's own
 * network namespace there, so it cannot collide with node services. The
 * loopback default keeps a bare-metal install from exposing it by accident;
 * the chart sets 0.0.0.0. */
const struct option_def metrics_config_options[] = {
	{ "address", OPT_STRING, "127.0.0.1", MC(address),
	  "numeric IPv4/IPv6 address the metrics endpoint listens on (0.0.0.0 or :: = all)" },
	{ "port", OPT_INT, "0", MC(port),
	  "TCP port of /metrics, /healthz and /readyz; 0 = no endpoint" },
	{ "stale_after_ms", OPT_INT, "10000", MC(stale_after_ms),
	  "/healthz fails when the main loop published no counters for this long "
	  "(must exceed stats_interval_ms)" },
	{ "max_connections", OPT_INT, "16", MC(max_connections),
	  "concurrent HTTP connections; more wait in the listen backlog" },
	{ "max_connections_per_ip", OPT_INT, "4", MC(max_connections_per_ip),
	  "concurrent HTTP connections from one client address; more are closed at once" },
	{ "timeout_ms", OPT_INT, "5000", MC(timeout_ms),
	  "a connection is closed after this long idle, and a request that is not "
	  "answered this long after it could start (slow client) is cut" },
	OPT_END,
};

int metrics_config_load(struct metrics_config *cfg, const struct sink_options *section,
			int64_t stats_interval_ms, char *err, size_t errlen)
{
	const char *where = section && section->n ? section->items[0].where : "metrics";
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	rc = options_apply(metrics_config_options, cfg, section, NULL, err, errlen);
	if (rc)
		return rc;
	if (cfg->port < 0 || cfg->port > 65535)
		snprintf(err, errlen, "%s: metrics.port must be 0..65535", where), rc = -EINVAL;
	else if (cfg->max_connections < 1 || cfg->max_connections > 1024)
		snprintf(err, errlen, "%s: metrics.max_connections must be 1..1024", where), rc = -EINVAL;
	else if (cfg->max_connections_per_ip < 1 || cfg->max_connections_per_ip > cfg->max_connections)
		snprintf(err, errlen, "%s: metrics.max_connections_per_ip must be 1..max_connections (%lld); "
			 "below it, so one client cannot take every connection", where,
			 (long long)cfg->max_connections), rc = -EINVAL;
	else if (cfg->timeout_ms < 1000)
		snprintf(err, errlen, "%s: metrics.timeout_ms must be at least 1000", where), rc = -EINVAL;
	else if (cfg->port && stats_interval_ms <= 0)
		snprintf(err, errlen, "%s: the metrics endpoint needs stats_interval_ms > 0 "
			 "(counters are published each stats interval)", where), rc = -EINVAL;
	else if (cfg->stale_after_ms <= stats_interval_ms || cfg->stale_after_ms < 1)
		snprintf(err, errlen, "%s: metrics.stale_after_ms (%lld) must be longer than "
			 "stats_interval_ms (%lld), which is how often the counters are published",
			 where, (long long)cfg->stale_after_ms, (long long)stats_interval_ms), rc = -EINVAL;
	return rc;
}

void metrics_config_free(struct metrics_config *cfg)
{
	options_free_strings(metrics_config_options, cfg);
}
