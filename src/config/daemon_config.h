/* The daemon config file (config/ringtap.yaml): sensor knobs and sinks. */
#ifndef RINGTAP_DAEMON_CONFIG_H
#define RINGTAP_DAEMON_CONFIG_H

#include <stdint.h>
#include <stdio.h>
#include "config/options.h"

#define DAEMON_MAX_SINKS 8
#define DAEMON_MAX_DNS_PORTS 32
#define DAEMON_MAX_DNS_PORTS_TEXT "32"
/* ring_buffer_size bounds (and a power of two, at least the page size). */
#define DAEMON_RING_MIN (16u << 10)
#define DAEMON_RING_MAX (1u << 30)

struct daemon_sink_conf {
	char *spec;		  /* "ndjson", "kafka", "stdout", "ndjson:PATH", ... */
	char *where;		  /* "FILE:LINE:COL" of the entry, for messages */
	struct sink_options opts; /* the entry's other keys; rdkafka: map -> rdkafka.KEY */
};

struct daemon_config {
	char *node_name;
	char *policy;
	uint64_t ring_buffer_size;
	int64_t poll_interval_ms;
	int64_t stats_interval_ms;
	int64_t flush_timeout_ms;
	struct daemon_sink_conf sinks[DAEMON_MAX_SINKS];
	size_t n_sinks;
	/* The "kubernetes:" section, applied by the pod resolver's option table. */
	struct sink_options kubernetes;
	/* The "metrics:" section, applied by metrics_config_load(). */
	struct sink_options metrics;
	uint16_t dns_ports[DAEMON_MAX_DNS_PORTS]; /* dns_ports: [53] unless configured */
	size_t n_dns_ports;
};

/* The top-level keys, with defaults and help (also printed by --help). */
extern const struct option_def daemon_config_options[];

/* Fill defaults (and the default sink: NDJSON to stdout). */
int daemon_config_defaults(struct daemon_config *cfg);

/* Load path over the defaults. -EINVAL with "FILE:LINE:COL: message" in err
 * for a problem in the file, -errno if it cannot be read. */
int daemon_config_load(const char *path, struct daemon_config *cfg, char *err, size_t errlen);

/* The same for a file already in memory; name is used in messages. */
int daemon_config_load_buffer(const char *name, const char *buf, size_t len,
			      struct daemon_config *cfg, char *err, size_t errlen);

void daemon_config_free(struct daemon_config *cfg);

#endif
