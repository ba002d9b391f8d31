#include <string.h>
#include "metrics/metrics_snapshot.h"
#include "pipeline/pipeline.h"

_Static_assert(METRICS_MAX_SINKS >= PIPELINE_MAX_SINKS, "a snapshot holds every pipeline sink");
_Static_assert(sizeof(((struct metrics_snapshot *)0)->events) == sizeof(((struct pipeline *)0)->per_type),
	       "per-type event counts are copied whole");

void metrics_snapshot_fill(struct metrics_snapshot *snap, const struct pipeline *p,
			   const struct source_type_stats *kernel, uint32_t policy_generation)
{
	memset(snap, 0, sizeof(*snap));
	if (kernel) {
		snap->have_kernel = 1;
		memcpy(snap->kernel, kernel, sizeof(snap->kernel));
	}
	memcpy(snap->events, p->per_type, sizeof(snap->events));
	snap->decode_errors = p->decode_errors;
	snap->policy_generation = policy_generation;
	if (p->lineage.table) {
		snap->have_process_table = 1;
		process_table_stats(p->lineage.table, &snap->process_table);
	}
	snap->n_sinks = p->n_sinks;
	for (size_t i = 0; i < p->n_sinks; i++) {
		struct event_sink *s = p->sinks[i];
		struct metrics_sink *ms = &snap->sinks[i];

		snprintf(ms->name, sizeof(ms->name), "%s", s->ops->name);
		ms->emit_errors = p->sink_errors[i];
		if (s->ops->counters)
			ms->n_counters = s->ops->counters(s, ms->counters, SINK_MAX_COUNTERS);
	}
}
