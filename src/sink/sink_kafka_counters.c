/* Kafka sink counters and their line in the shutdown summary. */
#include <inttypes.h>
#include "sink/sink_kafka_counters.h"

void sink_kafka_count_failure(struct sink_kafka_counters *c, rd_kafka_resp_err_t err)
{
	int i;

	c->failed++;
	for (i = 0; i < SINK_KAFKA_MAX_ERRS; i++) {
		if (c->failed_by[i].n && c->failed_by[i].err == err)
			break;
		if (!c->failed_by[i].n) {
			c->failed_by[i].err = err;
			break;
		}
	}
	c->failed_by[i].n++; /* i == SINK_KAFKA_MAX_ERRS: "other" */
}

uint64_t sink_kafka_counters_lost(const struct sink_kafka_counters *c, uint64_t in_flight)
{
	return c->failed + c->queue_full_drops + c->spool_full_drops + c->expired + c->not_delivered +
	       in_flight;
}

void sink_kafka_counters_print(const struct sink_kafka_counters *c, uint64_t in_flight, FILE *out)
{
	fprintf(out,
		"kafka: events=%" PRIu64 " produced=%" PRIu64 " delivered=%" PRIu64
		" failed=%" PRIu64,
		c->events, c->produced, c->delivered, c->failed);
	if (c->failed) {
		const char *sep = " (";
		for (int i = 0; i <= SINK_KAFKA_MAX_ERRS; i++) {
			if (!c->failed_by[i].n)
				continue;
			fprintf(out, "%s%s=%" PRIu64, sep,
				i < SINK_KAFKA_MAX_ERRS ? rd_kafka_err2name(c->failed_by[i].err) : "other",
				c->failed_by[i].n);
			sep = " ";
		}
		fputc(')', out);
	}
	fprintf(out,
		" queue_full_drops=%" PRIu64 " spool_full_drops=%" PRIu64 " expired=%" PRIu64
		" stalls=%" PRIu64 " restarts=%" PRIu64
		" reproduced=%" PRIu64 " not_delivered=%" PRIu64 " lost=%" PRIu64,
		c->queue_full_drops, c->spool_full_drops, c->expired, c->stalls, c->restarts, c->reproduced,
		c->not_delivered + in_flight, sink_kafka_counters_lost(c, in_flight));
}
