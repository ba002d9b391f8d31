/* EventSink: where decoded events go (ndjson, null, record, kafka, ...).
 *
 * Ownership: emit() borrows the event for the duration of the call; a sink
 * that keeps data copies it. Backpressure is a return code (-EAGAIN), never an
 * unbounded block. destroy() accepts NULL and half-initialized instances.
 */
#ifndef RINGTAP_EVENT_SINK_H
#define RINGTAP_EVENT_SINK_H

#include <stdint.h>
#include <stdio.h>
#include "ringtap/v1/event.pb-c.h"
#include "config/options.h"

struct event_sink;

/* One of a sink's own counters, for the metrics endpoint. name and help are
 * static strings (they outlive the sink): name "kafka_delivered" is exported
 * as ringtap_sink_kafka_delivered_total. */
struct sink_counter {
	const char *name;
	const char *help;
	int gauge;	/* 0: a monotonic counter (…_total), 1: a current value */
	uint64_t value;
};

#define SINK_MAX_COUNTERS 24

struct event_sink_ops {
	const char *name;
	/* Create from a spec argument (the part after "name:" in --sink, may be
	 * NULL) and an optional YAML-derived option list. */
	int (*create)(const char *arg, const struct sink_options *opts, struct event_sink **out);
	/* Hand over one event. 0, -EAGAIN (queue full, caller may retry), or
	 * -errno. A sink that sheds load itself (kafka) counts the drop and
	 * returns 0, so the event is not counted twice. */
	int (*emit)(struct event_sink *sink, const Ringtap__V1__Event *ev);
	/* Serve background work without blocking (delivery reports, producer
	 * recovery). The main loop calls it at least once per poll interval,
	 * also when no events arrive. May be NULL. */
	void (*poll)(struct event_sink *sink);
	/* Deliver what is buffered, waiting at most timeout_ms. 0 when every
	 * event this sink was handed is delivered; -ETIMEDOUT if something is
	 * still undelivered; -EIO if the sink lost events (failed or dropped,
	 * counted in its summary); other -errno. */
	int (*flush)(struct event_sink *sink, int timeout_ms);
	/* Append the sink's counters to the shutdown summary line (may be NULL). */
	void (*summary)(struct event_sink *sink, FILE *out);
	/* Copy the sink's counters into out (at most max); returns how many.
	 * Called from the main thread only; may be NULL (no counters). */
	size_t (*counters)(struct event_sink *sink, struct sink_counter *out, size_t max);
	void (*destroy)(struct event_sink *sink);
	/* Check an argument and options as create() would, without opening,
	 * connecting to or allocating anything that outlives the call (`ringtap
	 * check`, and run before create). 0, -ENOMEM, or -EINVAL with what is
	 * wrong in err (prefixed by the option's FILE:LINE:COL when one option
	 * is at fault). May be NULL: create() then checks alone. */
	int (*validate)(const char *arg, const struct sink_options *opts, char *err, size_t errlen);
	/* Options the sink accepts in the config file (for --help); may be NULL. */
	const struct option_def *options;
};

/* Every sink instance starts with this; implementations embed it first. */
struct event_sink {
	const struct event_sink_ops *ops;
};

extern const struct event_sink_ops sink_kafka_ops;
extern const struct event_sink_ops sink_ndjson_ops;
extern const struct event_sink_ops sink_null_ops;
extern const struct event_sink_ops sink_record_ops;

/* Every sink type, NULL-terminated. */
const struct event_sink_ops *const *sink_types_all(void);

/* Look up a sink type by name ("ndjson", "null", "record", "kafka"). */
const struct event_sink_ops *sink_find(const char *name);

/* Check a sink SPEC and its options without creating the sink: 0, -ENOMEM,
 * or -EINVAL with "WHERE: what is wrong" in err (WHERE is where the sink
 * was given: "FILE:LINE:COL" or "--sink"). */
int sink_validate_spec(const char *spec, const struct sink_options *opts, const char *where,
		       char *err, size_t errlen);

/* Parse a --sink SPEC ("stdout", "ndjson:PATH", "null", "NAME:ARG") and
 * create the sink. -EINVAL for an unknown type. */
int sink_create_from_spec(const char *spec, const struct sink_options *opts,
			  struct event_sink **out);

static inline int sink_emit(struct event_sink *s, const Ringtap__V1__Event *ev)
{
	return s->ops->emit(s, ev);
}

static inline int sink_flush(struct event_sink *s, int timeout_ms)
{
	return s->ops->flush ? s->ops->flush(s, timeout_ms) : 0;
}

static inline void sink_destroy(struct event_sink *s)
{
	if (s && s->ops && s->ops->destroy)
		s->ops->destroy(s);
}

#endif
