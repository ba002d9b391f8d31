/* The HTTP endpoint: GET /metrics (Prometheus text), /healthz, /readyz.
 *
 * libmicrohttpd serves it from its own single thread with a connection
 * limit, a per-client-address limit, an idle timeout and (metrics_deadline)
 * an absolute deadline per request, so slow clients cannot hold every slot. The main loop publishes a fixed-size snapshot under a
 * mutex (copy in); each request copies it out and renders its own response
 * buffer, so nothing unbounded grows and live objects are never shared.
 *
 * Health is the main loop's, not this server's: the loop publishes after
 * reading the ring, so a stuck ring reader (or a sink blocking it) stops the
 * snapshots and /healthz turns 503 while this thread still answers.
 *
 *   /healthz  200 while snapshots keep coming (within stale_after_ms; before
 *             the first one, counted from the server's start), else 503
 *   /readyz   200 once the first snapshot is published (the main loop runs,
 *             so the probes are attached), 503 before
 *
 * Start it after runner_signals_block() so its thread inherits the mask.
 */
#ifndef RINGTAP_METRICS_SERVER_H
#define RINGTAP_METRICS_SERVER_H

#include <stdint.h>
#include "metrics/metrics_config.h"
#include "metrics/metrics_snapshot.h"

struct metrics_server;

/* Listen on cfg->address:cfg->port. port 0: no endpoint (*out = NULL,
 * returns 0); port < 0 (tests only, not from the config file): any free
 * port, see metrics_server_port(). -errno if the socket cannot be bound
 * (-EADDRINUSE, -EADDRNOTAVAIL, -EINVAL for a bad address). */
int metrics_server_start(const struct metrics_config *cfg, struct metrics_server **out);

/* Copy snap in; called by the main loop every stats interval. NULL-safe. */
void metrics_publish(struct metrics_server *m, const struct metrics_snapshot *snap);

/* The TCP port actually listened on. */
uint16_t metrics_server_port(const struct metrics_server *m);

/* The most connections ever open at once (never above max_connections). */
unsigned metrics_server_peak_connections(const struct metrics_server *m);

/* Connections shut down for running past timeout_ms (see metrics_deadline.h). */
uint64_t metrics_server_deadline_cuts(const struct metrics_server *m);

/* Stop serving and free. NULL-safe. */
void metrics_server_stop(struct metrics_server *m);

#endif
