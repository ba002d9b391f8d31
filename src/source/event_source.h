/* EventSource: where events come from (live BPF ring buffer, replayed file).
 *
 * A source hands each item to the pipeline's callback, borrowed for the
 * duration of the call: the bpf source hands raw kernel records (the pipeline
 * decodes them), the replay source hands already-decoded events.
 * The main loop owns scheduling: it polls fd() (when >= 0) and calls read().
 * destroy() accepts NULL and half-initialized instances.
 */
#ifndef RINGTAP_EVENT_SOURCE_H
#define RINGTAP_EVENT_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "ringtap/v1/event.pb-c.h"
#include "config/options.h"
#include "policy_maps.h"

struct source_item {
	const void *raw;		   /* a kernel record (struct rt_header ...), or NULL */
	size_t raw_len;
	const Ringtap__V1__Event *event; /* a decoded event, or NULL */
	const char *where;		   /* "FILE:LINE" for replayed items, else NULL */
};

/* Return 0 to continue, or -errno to stop reading (read() returns it). */
typedef int (*source_item_fn)(void *ctx, const struct source_item *item);

/* Kernel-side counters for one event type, summed over CPUs. */
struct source_type_stats {
	uint64_t emitted;
	uint64_t dropped;
	uint64_t truncated;
	uint64_t filtered;
	uint64_t unsupported; /* syscalls seen but not decoded (slot 0: type unknown) */
	uint64_t filtered_by[RT_POLICY_RULE_MAX]; /* per rule class (RT_POLICY_RULE_*); sum = filtered */
};

struct source_config {
	uint64_t ring_bytes;	  /* bpf: ring buffer size (power of two pages) */
	int poll_interval_ms;	  /* bpf: bounded delivery latency */
	uint32_t target_tgid;	  /* bpf: only this process (0 = all) */
	/* bpf: the policy in force from the first event on (written into the
	 * filter maps and published before the probes attach); NULL = none
	 * (generation 0: the kernel filters nothing). */
	const struct policy_compiled *policy;
	const char *path;	  /* replay: the NDJSON file ("-" = stdin) */
	const unsigned char *event_enabled; /* [RT_EVENT_MAX] or NULL = all on */
	const char *cgroup_root;  /* bpf: cgroup v2 root for the socket hooks; NULL/"" = detect */
	const uint16_t *dns_ports; /* bpf: ports whose packets are DNS; n_dns_ports 0 = [53] */
	size_t n_dns_ports;
};

struct event_source;
struct policy_compiled;

struct event_source_ops {
	const char *name;
	int (*create)(const struct source_config *cfg, struct event_source **out);
	/* A pollable fd, or -1 when the source is always ready (files). */
	int (*fd)(struct event_source *src);
	/* Deliver what is ready now (at most max items, 0 = no limit).
	 * Returns the number delivered (>= 0), -ENODATA at end of stream,
	 * or -errno (the callback's error, or a source error such as a
	 * malformed replay line: -EBADMSG with the reason in last_error()). */
	int (*read)(struct event_source *src, source_item_fn fn, void *ctx, int max);
	/* Kernel counters per event type (index = RT_EVENT_*); -ENOTSUP if none. */
	int (*stats)(struct event_source *src, struct source_type_stats *out, size_t n);
	/* Stop producing new items; what is already buffered can still be
	 * read (bpf: detach the probes, so the final drain empties the ring
	 * and the counters stop moving). May be NULL. */
	void (*stop)(struct event_source *src);
	/* Human-readable reason for the last error, or NULL. */
	const char *(*last_error)(struct event_source *src);
	void (*destroy)(struct event_source *src);
};

struct event_source {
	const struct event_source_ops *ops;
};

extern const struct event_source_ops source_bpf_ops;
extern const struct event_source_ops source_replay_ops;

static inline void source_destroy(struct event_source *s)
{
	if (s && s->ops && s->ops->destroy)
		s->ops->destroy(s);
}

#endif
