/* Kafka sink options (sink_kafka_options.c) and what they configure. */
#ifndef RINGTAP_SINK_KAFKA_CONFIG_H
#define RINGTAP_SINK_KAFKA_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "config/options.h"
#include "sink/sink_kafka_route.h"

struct sink_kafka;

enum sink_kafka_encoding { SINK_KAFKA_PROTOBUF, SINK_KAFKA_JSON, SINK_KAFKA_OCSF };
enum sink_kafka_key { SINK_KAFKA_KEY_AUTO, SINK_KAFKA_KEY_NODE, SINK_KAFKA_KEY_NONE };

/* Filled from the option table. */
struct sink_kafka_config {
	char *brokers;
	char *encoding;
	char *format; /* json: ringtap.v1.Event per encoding; ocsf: OCSF JSON */
	char *key;
	char *node;
	char *topics[SINK_KAFKA_NCLASSES];
	int64_t queue_max_messages;
	uint64_t queue_max_bytes;
	int64_t queue_full_wait_ms;
	int64_t message_timeout_ms;
	char *sasl_password;
	char *ssl_key_password;
	/* spool.*: the disk spool (sink_kafka_spool.c) */
	int spool_enabled;
	char *spool_dir;
	uint64_t spool_max_bytes;
	int64_t spool_max_age_s;
	int64_t spool_high_water;
	int64_t spool_drain_rate;
	int message_timeout_set;       /* message_timeout_ms given explicitly */
	/* schema_registry.*: Confluent wire format (sink_kafka_registry.c) */
	char *registry_url;
	char *registry_user;
	char *registry_password;
	char *registry_ca;
	int64_t registry_timeout_ms;
};

/* Apply options to s->cfg, s->encoding, s->key_mode and build the librdkafka
 * configuration template s->conf. On error writes "WHERE: what is wrong"
 * into err (never a secret's value). */
int sink_kafka_configure(struct sink_kafka *s, const char *arg, const struct sink_options *opts,
			 char *err, size_t errlen);
/* The same checks with nothing kept (the sink's validate operation). */
int sink_kafka_validate(const char *arg, const struct sink_options *opts, char *err, size_t errlen);

#endif
