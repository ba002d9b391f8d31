#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli_common.h"

int cli_sinks_create(const char *cmd, char **specs, size_t n_specs,
		     const struct daemon_config *cfg, struct event_sink **out, size_t *n)
{
	size_t count = n_specs ? n_specs : cfg->n_sinks;

	*n = 0;
	if (count > PIPELINE_MAX_SINKS) {
		fprintf(stderr, "ringtap %s: at most %d sinks\n", cmd, PIPELINE_MAX_SINKS);
		return -E2BIG;
	}
	for (size_t i = 0; i < count; i++) {
		const char *spec = n_specs ? specs[i] : cfg->sinks[i].spec;
		const struct sink_options *opts = n_specs ? NULL : &cfg->sinks[i].opts;
		int rc = sink_create_from_spec(spec, opts, &out[i]);
		if (rc) {
			if (rc == -EINVAL && opts && opts->n)
				fprintf(stderr, "ringtap %s: %s: sink '%s': unknown type, or an option it "
					"does not take (see --help for sink options)\n",
					cmd, opts->items[0].where, spec);
			else if (rc == -EINVAL)
				fprintf(stderr, "ringtap %s: sink '%s': unknown sink type or bad argument "
					"(see --help for sink specs)\n", cmd, spec);
			else
				fprintf(stderr, "ringtap %s: sink '%s': %s\n", cmd, spec, strerror(-rc));
			cli_sinks_destroy(out, *n);
			*n = 0;
			return rc;
		}
		(*n)++;
	}
	return 0;
}

void cli_sinks_destroy(struct event_sink **sinks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sink_destroy(sinks[i]);
}

int cli_parse_seconds(const char *s, int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 31536000.0)
		return -EINVAL;
	*ms = (int)ceil(v * 1000.0);
	return 0;
}

void cli_print_sink_help(FILE *out)
{
	fprintf(out,
		"sink SPEC:\n"
		"  stdout            NDJSON to standard output\n"
		"  ndjson:PATH       NDJSON to a file (one ringtap.v1.Event per line)\n"
		"  null              count and discard\n"
		"  kafka:BROKERS     Kafka (protobuf values; see docs/kafka.md); in the config file\n"
		"                    an rdkafka: {PROPERTY: VALUE} map goes to librdkafka unchanged\n");
	for (const struct event_sink_ops *const *t = sink_types_all(); *t; t++) {
		if (!(*t)->options)
			continue;
		fprintf(out, "\n%s sink options (config file: sinks: [{type: %s, OPTION: VALUE}]):\n",
			(*t)->name, (*t)->name);
		options_print_help((*t)->options, out, "  ");
	}
}
