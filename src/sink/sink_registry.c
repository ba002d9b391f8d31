/* The sink types ringtap knows, and --sink SPEC parsing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sink/event_sink.h"

static const struct event_sink_ops *const sink_types[] = {
	&sink_kafka_ops,
	&sink_ndjson_ops,
	&sink_null_ops,
	&sink_record_ops,
	NULL,
};

const struct event_sink_ops *const *sink_types_all(void)
{
	return sink_types;
}

const struct event_sink_ops *sink_find(const char *name)
{
	for (const struct event_sink_ops *const *t = sink_types; *t; t++)
		if (!strcmp((*t)->name, name))
			return *t;
	return NULL;
}

int sink_create_from_spec(const char *spec, const struct sink_options *opts,
			  struct event_sink **out)
{
	const struct event_sink_ops *ops;
	const char *arg = NULL;
	char name[32];

	*out = NULL;
	if (!strcmp(spec, "stdout")) {
		ops = &sink_ndjson_ops;
		arg = "-";
	} else {
		const char *colon = strchr(spec, ':');
		size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
		if (len == 0 || len >= sizeof(name))
			return -EINVAL;
		memcpy(name, spec, len);
		name[len] = '\0';
		arg = colon ? colon + 1 : NULL;
		ops = sink_find(name);
		if (!ops)
			return -EINVAL;
	}
	return ops->create(arg, opts, out);
}
