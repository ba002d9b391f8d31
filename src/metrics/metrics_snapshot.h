/* What the metrics endpoint serves: plain numbers copied out of the main
 * loop's state, fixed size, so the HTTP thread never touches live objects. */
#ifndef RINGTAP_METRICS_SNAPSHOT_H
#define RINGTAP_METRICS_SNAPSHOT_H

#include <stdint.h>
#include "ringtap_abi.h"
#include "sink/event_sink.h"
#include "source/event_source.h"
#include "enrich/process_table.h"

#define METRICS_MAX_SINKS 8
#define METRICS_SINK_NAME_MAX 32

struct metrics_sink {
	char name[METRICS_SINK_NAME_MAX];	/* the sink type ("kafka") */
	uint64_t emit_errors;			/* emit() returned an error */
	size_t n_counters;
	struct sink_counter counters[SINK_MAX_COUNTERS]; /* the sink's own */
};

struct metrics_snapshot {
	int have_kernel;				/* 0: the source has no kernel counters (replay) */
	struct source_type_stats kernel[RT_EVENT_MAX];	/* index = RT_EVENT_* */
	uint64_t events[RT_EVENT_MAX + 1];		/* handed to sinks; last slot: drop records */
	uint64_t decode_errors;				/* undecodable kernel records */
	uint32_t policy_generation;			/* 0 = no policy loaded */
	char features_disabled[256];			/* kernel features ringtap runs without ("a,b"; "" = none) */
	int have_process_table;
	struct process_table_stats process_table;	/* parent exe/argv lookups */
	size_t n_sinks;
	struct metrics_sink sinks[METRICS_MAX_SINKS];
};

struct pipeline;

/* Fill snap from the pipeline's counters, its sinks' counters() and the
 * kernel counters (kernel may be NULL: none). Call on the main thread. */
void metrics_snapshot_fill(struct metrics_snapshot *snap, const struct pipeline *p,
			   const struct source_type_stats *kernel, uint32_t policy_generation);

#endif
