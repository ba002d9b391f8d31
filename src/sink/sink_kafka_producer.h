/* The librdkafka producer behind the Kafka sink: creation, bounded produce,
 * delivery reports, replacement after a fatal error, the in-flight list. */
#ifndef RINGTAP_SINK_KAFKA_PRODUCER_H
#define RINGTAP_SINK_KAFKA_PRODUCER_H

#include <stddef.h>
#include <librdkafka/rdkafka.h>

struct sink_kafka;
struct sink_kafka_msg;

int sink_kafka_producer_start(struct sink_kafka *s, char *err, size_t errlen);
/* Replace a producer that raised a fatal error; re-produce what it did not
 * deliver. 0 or -errno. */
int sink_kafka_producer_restart(struct sink_kafka *s);
/* Produce m. A full queue is waited on (polling for delivery reports) at most
 * queue_full_wait_ms once per stall; while the stall lasts (no delivery
 * report since), it returns _QUEUE_FULL at once. On success m is in
 * librdkafka's queue (the caller lists it in flight). */
rd_kafka_resp_err_t sink_kafka_produce(struct sink_kafka *s, struct sink_kafka_msg *m);
/* Serve delivery reports, waiting at most timeout_ms; restart on fatal. */
void sink_kafka_producer_poll(struct sink_kafka *s, int timeout_ms);
/* The emit path's poll: sink_kafka_producer_poll(s, 0) every
 * SINK_KAFKA_EMIT_POLL_EVERY events, or at once while the producer is
 * missing, failed or stalled. */
void sink_kafka_producer_poll_emit(struct sink_kafka *s);
/* Destroy the producer; whatever is still queued counts as not delivered. */
void sink_kafka_producer_stop(struct sink_kafka *s);
void sink_kafka_inflight_add(struct sink_kafka *s, struct sink_kafka_msg *m);
void sink_kafka_inflight_remove(struct sink_kafka *s, struct sink_kafka_msg *m);

#endif
