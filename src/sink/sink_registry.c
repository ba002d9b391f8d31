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

/* "stdout", or "NAME" / "NAME:ARG" for a known NAME. */
static int parse_spec(const char *spec, const struct event_sink_ops **ops, const char **arg)
{
	char name[32];

	if (!strcmp(spec, "stdout")) {
		*ops = &sink_ndjson_ops;
		*arg = "-";
		return 0;
	}
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (len == 0 || len >= sizeof(name))
		return -EINVAL;
	memcpy(name, spec, len);
	name[len] = '\0';
	*arg = colon ? colon + 1 : NULL;
	*ops = sink_find(name);
	return *ops ? 0 : -EINVAL;
}

/* Does msg already start with the place of one of the options? */
static int located(const char *msg, const struct sink_options *opts)
{
	for (size_t i = 0; opts && i < opts->n; i++) {
		size_t n = opts->items[i].where ? strlen(opts->items[i].where) : 0;
		if (n && !strncmp(msg, opts->items[i].where, n) && msg[n] == ':')
			return 1;
	}
	return 0;
}

int sink_validate_spec(const char *spec, const struct sink_options *opts, const char *where,
		       char *err, size_t errlen)
{
	const struct event_sink_ops *ops;
	const char *arg;
	char msg[512], shown[OPTIONS_SHOWN_MAX];
	int rc;

	if (!where)
		where = "sink";
	options_shown(spec, shown);
	if (parse_spec(spec, &ops, &arg)) {
		size_t o = (size_t)snprintf(err, errlen, "%s: sink '%s': unknown type (one of: stdout", where, shown);
		for (const struct event_sink_ops *const *t = sink_types; *t && o < errlen; t++)
			o += (size_t)snprintf(err + o, errlen - o, ", %s", (*t)->name);
		if (o < errlen)
			snprintf(err + o, errlen - o, ")");
		return -EINVAL;
	}
	if (!ops->validate)
		return 0;
	msg[0] = '\0';
	rc = ops->validate(arg, opts, msg, sizeof(msg));
	/* A sink's message may quote what the file said (librdkafka does). */
	for (char *c = msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	if (rc == -EINVAL && located(msg, opts))
		snprintf(err, errlen, "%s", msg);
	else if (rc == -EINVAL)
		snprintf(err, errlen, "%s: sink '%s': %s", where, shown, msg[0] ? msg : "invalid");
	else if (rc)
		snprintf(err, errlen, "%s: sink '%s': %s", where, shown, strerror(-rc));
	return rc;
}

int sink_create_from_spec(const char *spec, const struct sink_options *opts,
			  struct event_sink **out)
{
	const struct event_sink_ops *ops;
	const char *arg;

	*out = NULL;
	if (parse_spec(spec, &ops, &arg))
		return -EINVAL;
	return ops->create(arg, opts, out);
}
