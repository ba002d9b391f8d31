/* The main loop: poll the source (bounded interval), hand items to the
 * pipeline, turn kernel counters into Drop events, stop on SIGINT/SIGTERM,
 * the duration, or the end of a replayed stream, then drain and flush. */
#ifndef RINGTAP_RUNNER_H
#define RINGTAP_RUNNER_H

#include "pipeline/pipeline.h"
#include "source/event_source.h"

struct runner_opts {
	struct event_source *src;
	struct pipeline *pipe;
	int signal_fd;		/* from runner_signals_block(), or -1 */
	int duration_ms;	/* 0 = until a signal or the end of the stream */
	int poll_interval_ms;	/* bounded delivery latency */
	int stats_interval_ms;	/* how often kernel counters are read */
	int flush_timeout_ms;
	/* Called each stats interval with the kernel counters, after the Drop
	 * events for them were emitted (may be NULL): metrics publishing. */
	void (*on_stats)(void *ctx, const struct source_type_stats *kernel);
	void *stats_ctx;
	/* Called on SIGHUP (may be NULL). */
	int (*on_reload)(void *ctx);
	void *reload_ctx;
	/* Polled too when > 0; on_watch(reload_ctx) runs when it is readable
	 * (e.g. the policy file's inotify fd); 0 or -1: nothing to watch. */
	int watch_fd;
	int (*on_watch)(void *ctx);
};

/* Block SIGINT, SIGTERM and SIGHUP and return a signalfd for them (so sink
 * threads started afterwards inherit the mask). -errno on failure. */
int runner_signals_block(void);

/* 0 on a clean stop; the source's error otherwise (see last_error()). The
 * sinks are flushed either way; *flush_rc receives the flush result. */
int runner_run(const struct runner_opts *o, int *flush_rc);

#endif
