/* The Kafka sink's disk spool (on by default): events go to disk only when
 * the producer cannot take them, and drain back in order per key.
 *
 * Fast path: an event goes straight to librdkafka (no disk write) when no
 * record of its key waits in the spool and fewer than spool.high_water
 * messages are in flight. Otherwise it is appended to the spool (a segment
 * log, sink/spool.h) and waits. "Its key" is a slot in a fixed table of
 * SINK_KAFKA_SPOOL_KEY_SLOTS counters indexed by a hash of the message key
 * (pod UID or node), each counting the records of that slot waiting on disk
 * (rebuilt by scanning the spool at start): two keys sharing a slot only
 * cost latency, never order.
 *
 * The drain reads waiting records back in spool order (so a key's backlog
 * goes out before its newer events, which were appended behind it) at most
 * spool.drain_rate records/s, and leaves a quarter of high_water to the
 * fast path, so that after an outage the keys without a backlog are not
 * starved by the recovery.
 *
 * Spill: whenever a record is appended, the messages in flight that are
 * not on disk (fast path) are appended first, flagged as already produced,
 * so the spool holds everything handed over and not yet acknowledged, in
 * the order it was handed over: a ringtap killed during an outage loses
 * nothing it had taken. The same happens when the producer has confirmed
 * nothing for SPILL_AFTER_MS and at a shutdown that times out. The drain
 * skips the flagged records of this run; a restart re-sends them (counted
 * in resent). Memory holds at most high_water messages.
 *
 * Accounting (summary line and metrics):
 *   events + recovered + drop_records = delivered + failed + queue_full_drops
 *     + spool_full_drops + expired + not_delivered + pending
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
#define SINK_KAFKA_SPOOL_KEY_SLOTS 4096 /* per-key waiting counters (hashed) */

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
	int drops_waiting;         /* some drop_pending or expired_pending is not 0 */
	uint64_t spilled;          /* in-flight messages copied to disk (outage, shutdown) */
	uint64_t inflight_spooled; /* messages in flight that have a spool record */
	struct sink_kafka_msg *spill_from; /* first in-flight message not yet considered for a spill */
	uint64_t run_start;        /* write position at open: records before it are recovered */
	int64_t run_start_wall_ns;
	uint64_t last_settled;     /* delivered + failed at the last check */
	int64_t last_settled_ms, last_ack_ms;
	uint32_t key_waiting[SINK_KAFKA_SPOOL_KEY_SLOTS]; /* records waiting on disk, per key slot */
};

/* Open the sink's spool directory (spool.dir/kafka-<brokers>); when it cannot
 * be used, say so once on stderr and go on without (returns 0 either way,
 * -ENOMEM aside). */
int sink_kafka_spool_start(struct sink_kafka *s);
/* Persist the cursor and close (after sink_kafka_spool_tick while the
 * in-flight list was still there). */
void sink_kafka_spool_stop(struct sink_kafka *s);
/* Take m (owned from here on) for ev: produce it at once if no record of its
 * key waits on disk and the producer has room, else append it. */
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
/* Copy the in-flight messages that are only in memory to the spool (before a
 * shutdown gives up on them). */
void sink_kafka_spool_spill(struct sink_kafka *s);
/* In-flight messages that are not in the spool (lost if the process ends). */
uint64_t sink_kafka_spool_unspilled(const struct sink_kafka *s);
void sink_kafka_spool_summary(struct sink_kafka *s, FILE *out);
size_t sink_kafka_spool_counters(struct sink_kafka *s, struct sink_counter *out, size_t max);

#endif
