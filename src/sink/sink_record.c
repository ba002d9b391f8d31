/* record sink: deep-copies each event (pack + unpack through protobuf-c, so
 * what tests inspect went through the wire encoding too). Bounded by the
 * optional argument "record:MAX" (default 1,000,000 events): past it, emit
 * returns -ENOSPC rather than growing without limit. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include "sink/sink_record.h"

struct sink_record {
	struct event_sink base;
	Ringtap__V1__Event **events;
	size_t n, cap, max;
};

/* "record" or "record:MAX" (decimal, > 0); no options. */
static int record_max(const char *arg, const struct sink_options *opts, int64_t *max, char *err,
		      size_t errlen)
{
	static const struct option_def max_def = { "MAX", OPT_INT, NULL, 0, "" };

	*max = 1000000;
	if (opts && opts->n) {
		snprintf(err, errlen, "takes no options");
		return -EINVAL;
	}
	if (arg && *arg && (options_set(&max_def, max, arg) || *max < 1)) {
		snprintf(err, errlen, "record:MAX wants a positive decimal count, got '%s'", arg);
		return -EINVAL;
	}
	return 0;
}

static int record_validate(const char *arg, const struct sink_options *opts, char *err, size_t errlen)
{
	int64_t max;

	return record_max(arg, opts, &max, err, errlen);
}

static int record_create(const char *arg, const struct sink_options *opts, struct event_sink **out)
{
	struct sink_record *s;
	int64_t max;
	char err[128];

	if (record_max(arg, opts, &max, err, sizeof(err)))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &sink_record_ops;
	s->max = (size_t)max;
	*out = &s->base;
	return 0;
}

static int record_emit(struct event_sink *base, const Ringtap__V1__Event *ev)
{
	struct sink_record *s = (struct sink_record *)base;
	size_t len = ringtap__v1__event__get_packed_size(ev);
	uint8_t *buf;
	Ringtap__V1__Event *copy;

	if (s->n == s->max)
		return -ENOSPC;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		Ringtap__V1__Event **p = realloc(s->events, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		s->events = p;
		s->cap = cap;
	}
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	ringtap__v1__event__pack(ev, buf);
	copy = ringtap__v1__event__unpack(NULL, len, buf);
	free(buf);
	if (!copy)
		return -EBADMSG;
	s->events[s->n++] = copy;
	return 0;
}

size_t sink_record_count(struct event_sink *base)
{
	return ((struct sink_record *)base)->n;
}

const Ringtap__V1__Event *sink_record_get(struct event_sink *base, size_t i)
{
	struct sink_record *s = (struct sink_record *)base;
	return i < s->n ? s->events[i] : NULL;
}

static void record_summary(struct event_sink *base, FILE *out)
{
	fprintf(out, "record: %zu kept", ((struct sink_record *)base)->n);
}

static void record_destroy(struct event_sink *base)
{
	struct sink_record *s = (struct sink_record *)base;

	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		ringtap__v1__event__free_unpacked(s->events[i], NULL);
	free(s->events);
	free(s);
}

const struct event_sink_ops sink_record_ops = {
	.name = "record",
	.create = record_create,
	.emit = record_emit,
	.summary = record_summary,
	.destroy = record_destroy,
	.validate = record_validate,
};
