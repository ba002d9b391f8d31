/* Prometheus text exposition format 0.0.4 for a metrics snapshot. */
#ifndef RINGTAP_METRICS_TEXT_H
#define RINGTAP_METRICS_TEXT_H

#include <stddef.h>
#include "metrics/metrics_snapshot.h"

#define METRICS_TEXT_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
/* Enough for a full snapshot (8 sinks x SINK_MAX_COUNTERS) with room to spare. */
#define METRICS_TEXT_MAX (64 * 1024)

/* What the server knows besides the snapshot. */
struct metrics_text_info {
	const char *version;	  /* build_info label */
	double start_time_s;	  /* process start, seconds since the epoch */
	int published;		  /* 0: no snapshot yet (only the process metrics are written) */
	double snapshot_age_s;	  /* since the last publish */
};

/* Write the exposition into buf. Returns its length, or -ENOSPC if it does
 * not fit (buf then holds a truncated text). */
int metrics_text_format(const struct metrics_snapshot *snap, const struct metrics_text_info *info,
			char *buf, size_t len);

#endif
