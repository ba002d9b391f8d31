/* Kafka sink internals, shared by the sink_kafka_*.c files (not a public API).
 *
 * Delivery accounting: every event handed to emit() ends in exactly one of
 *   delivered        the broker acknowledged it (delivery report, acks=all)
 *   failed           a delivery report or produce() said it cannot be sent
 *                    (counted per librdkafka error)
 *   queue_full_drops no room in the bounded queue after a bounded wait
 *   still queued     in flight; at destroy() counted as not delivered
 * so events = delivered + failed + queue_full_drops + in_flight.
 *
 * The sink keeps each queued message (payload, key, header values) until its
 * delivery report arrives. When the producer hits a fatal error, the messages
 * it did not deliver are re-produced, in their original order, on a new
 * producer; a message the old producer did send but could not confirm may then
 * arrive twice, and only ever after a counted restart.
 */
#ifndef RINGTAP_SINK_KAFKA_H
#define RINGTAP_SINK_KAFKA_H

#include <stdint.h>
#include <librdkafka/rdkafka.h>
#include "pipeline/json_codec.h"
#include "sink/event_sink.h"

enum sink_kafka_class {
	SINK_KAFKA_PROCESS, /* exec, exit, fork */
	SINK_KAFKA_FILE,    /* open */
	SINK_KAFKA_NETWORK, /* connect, accept */
	SINK_KAFKA_SENSOR,  /* ringtap's own drop / health records */
	SINK_KAFKA_NCLASSES,
};

enum sink_kafka_encoding { SINK_KAFKA_PROTOBUF, SINK_KAFKA_JSON };
enum sink_kafka_key { SINK_KAFKA_KEY_AUTO, SINK_KAFKA_KEY_NODE, SINK_KAFKA_KEY_NONE };

/* Filled from the option table (sink_kafka_options.c). */
struct sink_kafka_config {
	char *brokers;
	char *encoding;
	char *key;
	char *node;
	char *topics[SINK_KAFKA_NCLASSES];
	int64_t queue_max_messages;
	uint64_t queue_max_bytes;
	int64_t queue_full_wait_ms;
	int64_t message_timeout_ms;
	char *sasl_password;
	char *ssl_key_password;
};

/* One event as queued in librdkafka; owned by the sink until its delivery
 * report. data[] holds key, value, ce_source and ce_id back to back. */
struct sink_kafka_msg {
	struct sink_kafka_msg *prev, *next; /* in-flight list, produce order */
	enum sink_kafka_class cls;
	const char *ce_type;                /* static string */
	uint32_t key_len;                   /* 0 = no key */
	uint32_t value_len;
	uint16_t source_len;
	uint16_t id_len;
	char data[];
};

static inline const char *sink_kafka_msg_key(const struct sink_kafka_msg *m) { return m->data; }
static inline const char *sink_kafka_msg_value(const struct sink_kafka_msg *m) { return m->data + m->key_len; }
static inline const char *sink_kafka_msg_source(const struct sink_kafka_msg *m)
{
	return m->data + m->key_len + m->value_len;
}
static inline const char *sink_kafka_msg_id(const struct sink_kafka_msg *m)
{
	return sink_kafka_msg_source(m) + m->source_len;
}

#define SINK_KAFKA_MAX_ERRS 8

struct sink_kafka_counters {
	uint64_t events;           /* handed to emit() */
	uint64_t produced;         /* accepted into the producer queue (first time) */
	uint64_t delivered;        /* acknowledged by the broker */
	uint64_t failed;           /* permanently failed, total */
	struct {
		rd_kafka_resp_err_t err;
		uint64_t n;
	} failed_by[SINK_KAFKA_MAX_ERRS + 1]; /* last slot: any other error */
	uint64_t queue_full_drops;
	uint64_t restarts;         /* producer recreated after a fatal error */
	uint64_t reproduced;       /* messages re-sent on a recreated producer */
	uint64_t not_delivered;    /* still queued when the sink was destroyed */
};

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
	int last_err;                  /* transient error log rate limit */
	int64_t last_err_ms;
	uint64_t errs_suppressed;
	struct sink_kafka_msg *head, *tail; /* in flight, in produce order */
	uint64_t in_flight;
	struct strbuf json;            /* reused for encoding: json */
	struct sink_kafka_counters c;
};

/* sink_kafka_options.c */
extern const struct option_def sink_kafka_option_table[];
/* Apply options and build the librdkafka configuration template. On error
 * writes "WHERE: what is wrong" into err (never a secret's value). */
int sink_kafka_configure(struct sink_kafka *s, const char *arg, const struct sink_options *opts,
			 char *err, size_t errlen);
/* The same checks with nothing kept (the sink's validate operation). */
int sink_kafka_validate(const char *arg, const struct sink_options *opts, char *err, size_t errlen);

/* sink_kafka_route.c */
enum sink_kafka_class sink_kafka_route_class(const Ringtap__V1__Event *ev);
const char *sink_kafka_route_ce_type(const Ringtap__V1__Event *ev);
/* The node this event is attributed to (option, event header, default). */
const char *sink_kafka_route_node(const struct sink_kafka *s, const Ringtap__V1__Event *ev);
/* Build the message for ev (key, encoded value, header values). 0 or -errno. */
int sink_kafka_msg_build(struct sink_kafka *s, const Ringtap__V1__Event *ev,
			 struct sink_kafka_msg **out);
/* Hand m to librdkafka (no copy: m stays owned by the sink until its delivery
 * report). Returns librdkafka's error code. */
rd_kafka_resp_err_t sink_kafka_msg_produce(struct sink_kafka *s, struct sink_kafka_msg *m);

/* sink_kafka_producer.c */
int sink_kafka_producer_start(struct sink_kafka *s, char *err, size_t errlen);
/* Replace a producer that raised a fatal error; re-produce what it did not
 * deliver. 0 or -errno. */
int sink_kafka_producer_restart(struct sink_kafka *s);
/* Produce m, polling for queue room at most queue_full_wait_ms. On success m
 * is in librdkafka's queue (the caller lists it in flight). */
rd_kafka_resp_err_t sink_kafka_produce(struct sink_kafka *s, struct sink_kafka_msg *m);
/* Serve delivery reports, waiting at most timeout_ms; restart on fatal. */
void sink_kafka_producer_poll(struct sink_kafka *s, int timeout_ms);
/* Destroy the producer; whatever is still queued counts as not delivered. */
void sink_kafka_producer_stop(struct sink_kafka *s);
void sink_kafka_inflight_add(struct sink_kafka *s, struct sink_kafka_msg *m);
void sink_kafka_inflight_remove(struct sink_kafka *s, struct sink_kafka_msg *m);

/* sink_kafka_counters.c */
void sink_kafka_count_failure(struct sink_kafka_counters *c, rd_kafka_resp_err_t err);
void sink_kafka_counters_print(const struct sink_kafka_counters *c, uint64_t in_flight, FILE *out);

#endif
