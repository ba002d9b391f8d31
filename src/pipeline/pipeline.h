/* The pipeline core: source items in, events out to every sink.
 * Raw kernel records are decoded and enriched with host identity; replayed
 * events pass through as recorded. Also turns kernel drop counters into
 * in-band Drop events and keeps the numbers for the shutdown summary. */
#ifndef RINGTAP_PIPELINE_H
#define RINGTAP_PIPELINE_H

#include "pipeline/dns_join.h"
#include <stdint.h>
#include <stdio.h>
#include "ringtap_abi.h"
#include "pipeline/decode.h"
#include "pipeline/enrich.h"
#include "sink/event_sink.h"
#include "source/event_source.h"
#include "enrich/pod_resolver.h"
#include "policy/policy_match.h"
#include "enrich/process_lineage.h"

#define PIPELINE_MAX_SINKS 8

struct pipeline {
	struct event_sink *sinks[PIPELINE_MAX_SINKS];
	size_t n_sinks;
	struct enrich_host host;
	struct decoded_event scratch;
	Ringtap__V1__Pod scratch_pod;
	struct pod_resolver *pods; /* borrowed; NULL: events carry no pod */
	uint32_t self_pid;	   /* ringtap's host tgid for Drop records; 0: getpid() */
	/* Borrowed; applied to replayed events (the kernel applies it to live
	 * ones). NULL: replayed events pass as recorded. */
	const struct policy_compiled *policy;
	struct policy_counters policy_filtered; /* what policy dropped, per type and rule */
	uint64_t events;			/* handed to the sinks */
	uint64_t per_type[RT_EVENT_MAX + 1];	/* last slot: drop records */
	uint64_t decode_errors;
	struct process_lineage lineage; /* parent exe/argv on live execs */
	uint64_t sink_errors[PIPELINE_MAX_SINKS];
	struct source_type_stats reported[RT_EVENT_MAX]; /* kernel counters at the last Drop */
	struct dns_join dns_join; /* live DNS responses -> their query's ts_ns */
};

/* Sinks are borrowed; the caller destroys them after pipeline_fini(). */
int pipeline_init(struct pipeline *p, struct event_sink **sinks, size_t n, const char *node);
void pipeline_fini(struct pipeline *p);

/* source_item_fn: decode/enrich if raw, then emit to every sink. */
int pipeline_on_item(void *ctx, const struct source_item *item);

/* Emit one Drop event per event type whose kernel drop or truncation
 * counters grew since the last call. */
int pipeline_report_drops(struct pipeline *p, const struct source_type_stats *now);

/* Events some sink refused (emit errors), summed over sinks. */
uint64_t pipeline_sink_errors(const struct pipeline *p);

/* Let every sink serve its background work (never blocks). */
void pipeline_poll_sinks(struct pipeline *p);

/* Flush every sink within timeout_ms. Returns the first error. */
int pipeline_flush(struct pipeline *p, int timeout_ms);

/* One line: events read, per-type counts, kernel drops, truncations and
 * policy filtering by type and rule class (when kernel != NULL), what
 * p->policy filtered in userspace, then each sink's own counters. */
void pipeline_summary(const struct pipeline *p, const struct source_type_stats *kernel, FILE *out);

#endif
