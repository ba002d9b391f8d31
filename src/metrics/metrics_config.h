/* The daemon config's "metrics:" section: where the HTTP endpoint listens
 * and when /healthz calls the main loop stuck. */
#ifndef RINGTAP_METRICS_CONFIG_H
#define RINGTAP_METRICS_CONFIG_H

#include <stdint.h>
#include "config/options.h"

struct metrics_config {
	char *address;		 /* numeric IPv4 or IPv6 address */
	int64_t port;		 /* 0 = no endpoint */
	int64_t stale_after_ms;	 /* /healthz fails when no snapshot came for this long */
	int64_t max_connections; /* concurrent connections; more are refused */
	int64_t max_connections_per_ip; /* of those, from one client address; 0 = no
					 * limit (struct users only: the config needs >= 1) */
	int64_t timeout_ms;	 /* idle limit, and absolute limit per request */
};

extern const struct option_def metrics_config_options[];

/* Defaults, then the section's keys. Unknown keys, bad values and a
 * staleness not longer than stats_interval_ms (the publishing period) are
 * -EINVAL with "WHERE: why" in err. Free with metrics_config_free(). */
int metrics_config_load(struct metrics_config *cfg, const struct sink_options *section,
			int64_t stats_interval_ms, char *err, size_t errlen);

void metrics_config_free(struct metrics_config *cfg);

#endif
