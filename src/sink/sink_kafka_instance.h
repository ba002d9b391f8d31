/* One Kafka sink instance: its configuration, producer, in-flight messages
 * and counters (shared by the sink_kafka_*.c files; not a public API).
 *
 * The sink keeps each queued message (payload, key, header values) until its
 * delivery report arrives. When the producer hits a fatal error, the messages
 * it did not deliver are re-produced, in their original order, on a new
 * producer; a message the old producer did send but could not confirm may then
 * arrive twice, and only ever after a counted restart.
 */
#ifndef RINGTAP_SINK_KAFKA_INSTANCE_H
#define RINGTAP_SINK_KAFKA_INSTANCE_H

#include <stdint.h>
#include <librdkafka/rdkafka.h>
#include "codec/json_codec.h"
#include "sink/event_sink.h"
#include "sink/sink_kafka.h"
#include "sink/sink_kafka_config.h"
#include "sink/sink_kafka_counters.h"
#include "sink/sink_kafka_msg.h"
#include "sink/sink_kafka_producer.h"
#include "sink/sink_kafka_registry.h"
#include "sink/sink_kafka_route.h"
#include "sink/sink_kafka_spool.h"
#include "sink/sink_kafka_rotate.h"
#include "sink/sink_kafka_tls.h"

struct sink_kafka {
	struct event_sink base;
	struct sink_kafka_config cfg;
	enum sink_kafka_encoding encoding;
	enum sink_kafka_key key_mode;
	char *default_node;            /* NODE_NAME or hostname */
	uint64_t instance;             /* wall ns at create: makes ce_id unique across runs */
	uint64_t seq;                  /* per-event sequence for ce_id */
	rd_kafka_conf_t *conf;         /* template, duplicated for each producer */
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt[SINK_KAFKA_NCLASSES];
	int fatal;                     /* the current producer raised a fatal error */
	int stalled;                   /* queue full past one wait; no delivery report since */
	unsigned emit_polls_skipped;   /* sink_kafka_producer_poll_emit's countdown */
	int last_err;                  /* transient error log rate limit */
	int64_t last_err_ms;
	uint64_t errs_suppressed;
	struct sink_kafka_msg *head, *tail; /* in flight, in produce order */
	uint64_t in_flight;
	struct strbuf json;            /* reused for encoding: json */
	struct sink_kafka_counters c;
	struct sink_kafka_spool sp;    /* disk spool; sp.spool NULL: in-memory queue only */
	struct sink_kafka_tls_state tls; /* broker-side TLS/SASL failures */
	struct sink_kafka_rotate *rotate; /* NULL: no TLS/SASL files to watch */
	struct sink_kafka_registry reg; /* schema-registry framing; reg.enabled 0: none */
};

#endif
