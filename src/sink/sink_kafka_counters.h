/* Kafka sink counters and their line in the shutdown summary. */
#ifndef RINGTAP_SINK_KAFKA_COUNTERS_H
#define RINGTAP_SINK_KAFKA_COUNTERS_H

#include <stdint.h>
#include <stdio.h>
#include <librdkafka/rdkafka.h>

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
	uint64_t spool_full_drops; /* the spool was at its budget (or the disk full) */
	uint64_t expired;          /* spooled records given up after spool.max_age_s */
	uint64_t stalls;           /* times the queue stayed full for queue_full_wait_ms */
	uint64_t restarts;         /* producer recreated after a fatal error */
	uint64_t reproduced;       /* messages re-sent on a recreated producer */
	uint64_t not_delivered;    /* still queued when the sink was destroyed */
};

void sink_kafka_count_failure(struct sink_kafka_counters *c, rd_kafka_resp_err_t err);
/* Events handed over and not delivered, counting in_flight as lost (at
 * shutdown, after the flush, what is still queued will not be sent). */
uint64_t sink_kafka_counters_lost(const struct sink_kafka_counters *c, uint64_t in_flight);
void sink_kafka_counters_print(const struct sink_kafka_counters *c, uint64_t in_flight, FILE *out);

#endif
