/* Whole-config validation shared by `ringtap check` (see the header). */
#include <errno.h>
#include "config/daemon_config_check.h"
#include "enrich/pod_resolver.h"
#include "metrics/metrics_config.h"
#include "sink/event_sink.h"

int daemon_config_check(const struct daemon_config *cfg, char *err, size_t errlen)
{
	struct pod_resolver_config pods = { 0 };
	struct metrics_config metrics;
	int rc;

	for (size_t i = 0; i < cfg->n_sinks; i++) {
		rc = sink_validate_spec(cfg->sinks[i].spec, &cfg->sinks[i].opts, cfg->sinks[i].where,
					err, errlen);
		if (rc)
			return rc;
	}
	rc = metrics_config_load(&metrics, &cfg->metrics, cfg->stats_interval_ms, err, errlen);
	metrics_config_free(&metrics);
	if (rc)
		return rc;
	rc = options_apply(pod_resolver_options, &pods, &cfg->kubernetes, NULL, err, errlen);
	options_free_strings(pod_resolver_options, &pods);
	return rc;
}
