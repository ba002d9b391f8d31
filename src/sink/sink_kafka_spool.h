/* The Kafka sink's disk spool (on by default): every event is appended to a
 * segment log (sink/spool.h) before the producer sees it, and leaves it only
 * when its delivery report says delivered (or failed, counted). While the
 * producer keeps up, an event goes straight from memory to librdkafka after
 * its append; when it does not (more than spool.high_water messages in
 * flight, queue full, broker away), events wait on disk and drain back in
 * spool order — one FIFO for all keys, so per-key order holds — at most
 * spool.drain_rate records/s. Memory holds at most high_water messages.
 *
 * Accounting (summary line and metrics):
 *   events + recovered = delivered + failed + queue_full_drops
 *                        + spool_full_drops + expired + pending
 * where pending is what the spool still holds (delivered at the next start),
 * recovered what it held at this start, and resent (apart) how many of the
 * recovered records may have reached the broker before a crash.
 */
#ifndef RINGTAP_SINK_KAFKA_SPOOL_H
#define RINGTAP_SINK_KAFKA_SPOOL_H

#include <stdint.h>
#include <stdio.h>
#include "ringtap/v1/event.pb-c.h"
#include "sink/event_sink.h"

struct sink_kafka;
struct sink_kafka_msg;
struct spool;

#define SINK_KAFKA_SPOOL_TYPES 64 /* drop counts per Event body case */

struct sink_kafka_spool {
	struct spool *spool;
	uint64_t pending;          /* records on disk not yet delivered (incl. in flight) */
	uint64_t spooled;          /* events that waited on disk */
	uint64_t drained;          /* records read back from disk into the producer */
	uint64_t drop_records;     /* Drop records the sink made (spool full, expired) */
	uint64_t drop_pending[SINK_KAFKA_SPOOL_TYPES]; /* dropped, not yet in a Drop record */
	uint64_t drop_total[SINK_KAFKA_SPOOL_TYPES];
	uint64_t expired_pending;  /* expired, not yet in a Drop record */
	double tokens;             /* drain rate budget */
	int64_t last_refill_ms, last_sync_ms, last_expire_ms;
	int full_said;             /* "spool full" logged for this episode */
};

/* Open the sink's spool directory (spool.dir/kafka-<brokers>); when it cannot
 * be used, say so once on stderr and go on without (returns 0 either way,
 * -ENOMEM aside). */
int sink_kafka_spool_start(struct sink_kafka *s);
/* Persist the cursor and close (after sink_kafka_spool_tick while the
 * in-flight list was still there). */
void sink_kafka_spool_stop(struct sink_kafka *s);
/* Take m (owned from here on) for ev: append it, then produce it at once if
 * nothing waits on disk and the producer has room. */
void sink_kafka_spool_emit(struct sink_kafka *s, const Ringtap__V1__Event *ev,
			   struct sink_kafka_msg *m);
/* Move up to budget waiting records into the producer, as room and the
 * drain rate allow. */
void sink_kafka_spool_drain(struct sink_kafka *s, int budget);
/* Periodic work: move the ack cursor (deleting delivered segments), start
 * writeback, expire old records. */
void sink_kafka_spool_tick(struct sink_kafka *s);
/* m's delivery report was final (delivered or failed). */
void sink_kafka_spool_done(struct sink_kafka *s, const struct sink_kafka_msg *m);
void sink_kafka_spool_summary(struct sink_kafka *s, FILE *out);
size_t sink_kafka_spool_counters(struct sink_kafka *s, struct sink_counter *out, size_t max);

#endif
