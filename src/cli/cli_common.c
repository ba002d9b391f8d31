#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli_common.h"
#include "codec/event_format.h"

int cli_check_format(const char *cmd, const char *format)
{
	enum event_format f;

	if (!format || !event_format_parse(format, &f))
		return 0;
	fprintf(stderr, "ringtap %s: --format wants json or ocsf, got '%s'\n", cmd, format);
	return -EINVAL;
}

/* opts (may be NULL) plus format=FORMAT from --format: a later key wins. */
static int with_format(const struct sink_options *opts, const char *format,
		       struct sink_options *out)
{
	int rc = 0;

	for (size_t i = 0; opts && i < opts->n && !rc; i++)
		rc = sink_options_add(out, opts->items[i].key, opts->items[i].value,
				      opts->items[i].where);
	if (!rc)
		rc = sink_options_add(out, "format", format, "--format");
	return rc;
}

int cli_sinks_create(const char *cmd, char **specs, size_t n_specs, const char *format,
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
		const char *where = n_specs ? "--sink" : cfg->sinks[i].where ? cfg->sinks[i].where : "sink";
		struct sink_options formatted = { 0 };
		char err[1024];
		int rc = 0;

		if (format && !(rc = with_format(opts, format, &formatted)))
			opts = &formatted;
		/* The checks `ringtap check` makes, with the same messages. */
		if (!rc)
			rc = sink_validate_spec(spec, opts, where, err, sizeof(err));
		if (rc == -EINVAL) {
			fprintf(stderr, "ringtap %s: %s (see --help for sink specs and options)\n", cmd, err);
		} else if (!rc && (rc = sink_create_from_spec(spec, opts, &out[i]))) {
			fprintf(stderr, "ringtap %s: %s: sink '%s': %s\n", cmd, where, spec, strerror(-rc));
		} else if (rc) {
			fprintf(stderr, "ringtap %s: sink '%s': %s\n", cmd, spec, strerror(-rc));
		}
		sink_options_clear(&formatted);
		if (rc) {
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
