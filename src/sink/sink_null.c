/* null sink: counts and discards (benchmarks, dry runs). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include "sink/event_sink.h"

struct sink_null {
	struct event_sink base;
	uint64_t events;
};

static int null_validate(const char *arg, const struct sink_options *opts, char *err, size_t errlen)
{
	if ((arg && *arg) || (opts && opts->n)) {
		snprintf(err, errlen, "takes no argument and no options");
		return -EINVAL;
	}
	return 0;
}

static int null_create(const char *arg, const struct sink_options *opts, struct event_sink **out)
{
	struct sink_null *s;

	if ((arg && *arg) || (opts && opts->n))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &sink_null_ops;
	*out = &s->base;
	return 0;
}

static int null_emit(struct event_sink *base, const Ringtap__V1__Event *ev)
{
	struct sink_null *s = (struct sink_null *)base;

	(void)ev;
	s->events++;
	return 0;
}

static void null_summary(struct event_sink *base, FILE *out)
{
	fprintf(out, "null: %" PRIu64 " discarded", ((struct sink_null *)base)->events);
}

static void null_destroy(struct event_sink *base)
{
	free(base);
}

const struct event_sink_ops sink_null_ops = {
	.name = "null",
	.create = null_create,
	.emit = null_emit,
	.summary = null_summary,
	.destroy = null_destroy,
	.validate = null_validate,
};
