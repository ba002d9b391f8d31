/* An absolute deadline for each HTTP request on the metrics port.
 *
 * libmicrohttpd's MHD_OPTION_CONNECTION_TIMEOUT is an idle timeout: a client
 * sending one byte per second never reaches it and holds its connection
 * slot for ever, and libmicrohttpd has no absolute one. This watchdog gives
 * every connection limit_ms from its accept, and again from the end of each
 * response (keep-alive), to send a whole request and read the answer; past
 * that it shuts the socket down (shutdown(2), never close(2)), so
 * libmicrohttpd sees the end of the stream and closes and frees the
 * connection itself, in its own thread.
 *
 * Sockets are tracked from libmicrohttpd's connection callbacks, which run
 * before it closes a socket, under the watchdog's lock: the watchdog never
 * shuts down a descriptor number that was already closed and reused.
 */
#ifndef RINGTAP_METRICS_DEADLINE_H
#define RINGTAP_METRICS_DEADLINE_H

#include <stdint.h>

struct metrics_deadline;
struct metrics_deadline_slot;

/* Up to max_conns sockets at once; checked every check_ms (at most
 * limit_ms / 4, so a deadline is enforced within 25 % of its length).
 * 0, -EINVAL, -ENOMEM, or the pthread_create error. */
int metrics_deadline_start(unsigned max_conns, int64_t limit_ms, struct metrics_deadline **out);

/* Stop the watchdog thread and free. NULL-safe. */
void metrics_deadline_stop(struct metrics_deadline *d);

/* A connection on fd was accepted: its clock starts now. NULL when all
 * slots are taken (the caller refuses the connection). */
struct metrics_deadline_slot *metrics_deadline_track(struct metrics_deadline *d, int fd);

/* A response was sent in full: the next request gets a fresh limit. NULL-safe. */
void metrics_deadline_rearm(struct metrics_deadline *d, struct metrics_deadline_slot *s);

/* The connection is being closed: stop watching its fd. NULL-safe. */
void metrics_deadline_forget(struct metrics_deadline *d, struct metrics_deadline_slot *s);

/* Connections shut down for running past their deadline, since start. */
uint64_t metrics_deadline_cut(struct metrics_deadline *d);

#endif
