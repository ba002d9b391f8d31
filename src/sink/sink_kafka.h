/* The Kafka sink: ringtap.v1.Event messages into per-class topics, keyed by
 * pod (or node), with CloudEvents headers, from an idempotent producer.
 * Its entry point is sink_kafka_ops (sink/event_sink.h); this header adds
 * only its option table, for --help and config checks. The internals are in
 * sink_kafka_instance.h and the headers it includes.
 *
 * Delivery accounting: every event handed to emit() ends in exactly one of
 *   delivered        the broker acknowledged it (delivery report, acks=all)
 *   failed           a delivery report or produce() said it cannot be sent
 *                    (counted per librdkafka error)
 *   queue_full_drops no room in the bounded queue: the first event of a stall
 *                    waits at most queue_full_wait_ms, the next ones are
 *                    dropped at once until a delivery report frees room
 *   still queued     in flight; at destroy() counted as not delivered
 * so events = delivered + lost, lost = failed + queue_full_drops + in_flight
 * (+ not_delivered after destroy).
 */
#ifndef RINGTAP_SINK_KAFKA_H
#define RINGTAP_SINK_KAFKA_H

#include "sink/event_sink.h"

extern const struct option_def sink_kafka_option_table[];

#endif
