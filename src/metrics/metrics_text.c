#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "metrics/metrics_text.h"
#include "pipeline/decode.h"

struct out {
	char *buf;
	size_t len, pos;
	int full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->pos)
		o->full = 1;
	else
		o->pos += (size_t)n;
}

/* A label value: backslash, double quote and newline are escaped (0.0.4). */
static void put_label_value(struct out *o, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			put(o, "\\\\");
		else if (*v == '"')
			put(o, "\\\"");
		else if (*v == '\n')
			put(o, "\\n");
		else
			put(o, "%c", *v);
	}
}

static void put_family(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_sink_labels(struct out *o, const struct metrics_sink *s, size_t index)
{
	put(o, "{sink=\"");
	put_label_value(o, s->name);
	put(o, "\",index=\"%zu\"}", index);
}

static void put_kernel(struct out *o, const struct metrics_snapshot *snap)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} fams[] = {
		{ "ringtap_kernel_events_emitted_total",
		  "Records the probes wrote into the ring buffer, by event type.",
		  offsetof(struct source_type_stats, emitted) },
		{ "ringtap_kernel_events_dropped_total",
		  "Events lost because the ring buffer was full, by event type.",
		  offsetof(struct source_type_stats, dropped) },
		{ "ringtap_kernel_events_truncated_total",
		  "Events whose variable-length fields were cut to fit, by event type.",
		  offsetof(struct source_type_stats, truncated) },
		{ "ringtap_kernel_events_filtered_total",
		  "Events the kernel-side policy discarded, by event type.",
		  offsetof(struct source_type_stats, filtered) },
	};

	if (!snap->have_kernel)
		return;
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		put_family(o, fams[f].name, "counter", fams[f].help);
		for (unsigned t = 1; t < RT_EVENT_MAX; t++) {
			uint64_t v;
			if (!strcmp(event_type_name(t), "unknown"))
				continue; /* a number no event type has (yet) */
			memcpy(&v, (const char *)&snap->kernel[t] + fams[f].off, sizeof(v));
			put(o, "%s{type=\"%s\"} %" PRIu64 "\n", fams[f].name, event_type_name(t), v);
		}
	}
}

static void put_pipeline(struct out *o, const struct metrics_snapshot *snap)
{
	put_family(o, "ringtap_events_total", "counter",
		   "Events handed to the sinks, by event type (type=\"drop\": in-band Drop records).");
	for (unsigned t = 1; t <= RT_EVENT_MAX; t++)
		if (t == RT_EVENT_MAX || strcmp(event_type_name(t), "unknown"))
			put(o, "ringtap_events_total{type=\"%s\"} %" PRIu64 "\n",
		    t == RT_EVENT_MAX ? "drop" : event_type_name(t), snap->events[t]);
	put_family(o, "ringtap_undecodable_records_total", "counter",
		   "Kernel records userspace could not decode (skipped).");
	put(o, "ringtap_undecodable_records_total %" PRIu64 "\n", snap->decode_errors);
	put_family(o, "ringtap_policy_generation", "gauge",
		   "Generation of the policy the kernel filters with (0: none loaded).");
	put(o, "ringtap_policy_generation %" PRIu32 "\n", snap->policy_generation);
	if (snap->have_process_table) {
		const struct process_table_stats *pt = &snap->process_table;

		put_family(o, "ringtap_process_table_lookups_total", "counter",
			   "Parent lookups of exec events in the process table (result=hit: parent exe/argv attached).");
		put(o, "ringtap_process_table_lookups_total{result=\"hit\"} %" PRIu64 "\n", pt->hits);
		put(o, "ringtap_process_table_lookups_total{result=\"miss\"} %" PRIu64 "\n", pt->misses);
		put_family(o, "ringtap_process_table_evictions_total", "counter",
			   "Processes dropped from the full process table (least recently used).");
		put(o, "ringtap_process_table_evictions_total %" PRIu64 "\n", pt->evictions);
		put_family(o, "ringtap_process_table_entries", "gauge", "Processes in the process table.");
		put(o, "ringtap_process_table_entries %zu\n", pt->entries);
		put_family(o, "ringtap_process_table_capacity", "gauge", "The process table's fixed size, in processes.");
		put(o, "ringtap_process_table_capacity %zu\n", pt->capacity);
		put_family(o, "ringtap_process_table_bytes", "gauge", "Memory the process table holds (fixed).");
		put(o, "ringtap_process_table_bytes %zu\n", pt->bytes);
	}
	if (!snap->n_sinks)
		return;
	put_family(o, "ringtap_sink_emit_errors_total", "counter",
		   "Events a sink refused (emit() returned an error), by sink.");
	for (size_t i = 0; i < snap->n_sinks; i++) {
		put(o, "ringtap_sink_emit_errors_total");
		put_sink_labels(o, &snap->sinks[i], i);
		put(o, " %" PRIu64 "\n", snap->sinks[i].emit_errors);
	}
}

static int seen_before(const struct metrics_snapshot *snap, size_t sink, size_t counter)
{
	const char *name = snap->sinks[sink].counters[counter].name;

	for (size_t i = 0; i <= sink; i++)
		for (size_t c = 0; c < (i == sink ? counter : snap->sinks[i].n_counters); c++)
			if (!strcmp(snap->sinks[i].counters[c].name, name))
				return 1;
	return 0;
}

/* Sinks' own counters: one family per counter name, a series per sink that
 * has it (two kafka sinks share ringtap_sink_kafka_delivered_total). */
static void put_sink_counters(struct out *o, const struct metrics_snapshot *snap)
{
	for (size_t i = 0; i < snap->n_sinks; i++) {
		for (size_t c = 0; c < snap->sinks[i].n_counters; c++) {
			const struct sink_counter *sc = &snap->sinks[i].counters[c];
			char name[128];

			if (seen_before(snap, i, c))
				continue;
			snprintf(name, sizeof(name), "ringtap_sink_%s%s", sc->name, sc->gauge ? "" : "_total");
			put_family(o, name, sc->gauge ? "gauge" : "counter", sc->help);
			for (size_t j = i; j < snap->n_sinks; j++)
				for (size_t k = 0; k < snap->sinks[j].n_counters; k++) {
					const struct sink_counter *x = &snap->sinks[j].counters[k];
					if (strcmp(x->name, sc->name))
						continue;
					put(o, "%s", name);
					put_sink_labels(o, &snap->sinks[j], j);
					put(o, " %" PRIu64 "\n", x->value);
				}
		}
	}
}

int metrics_text_format(const struct metrics_snapshot *snap, const struct metrics_text_info *info,
			char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };

	put_family(&o, "ringtap_up", "gauge", "1 while the sensor serves metrics.");
	put(&o, "ringtap_up 1\n");
	put_family(&o, "ringtap_build_info", "gauge", "Always 1; the version is a label.");
	put(&o, "ringtap_build_info{version=\"");
	put_label_value(&o, info->version);
	put(&o, "\"} 1\n");
	put_family(&o, "process_start_time_seconds", "gauge",
		   "Start time of the process since the Unix epoch, in seconds.");
	put(&o, "process_start_time_seconds %.3f\n", info->start_time_s);
	if (info->published) {
		put_family(&o, "ringtap_snapshot_age_seconds", "gauge",
			   "Seconds since the main loop last published these counters.");
		put(&o, "ringtap_snapshot_age_seconds %.3f\n", info->snapshot_age_s);
		put_kernel(&o, snap);
		put_pipeline(&o, snap);
		put_sink_counters(&o, snap);
	}
	if (o.full)
		return -ENOSPC;
	return (int)o.pos;
}
