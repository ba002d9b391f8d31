/* Pieces the run/record/replay commands share. */
#ifndef RINGTAP_CLI_COMMON_H
#define RINGTAP_CLI_COMMON_H

#include "config/daemon_config.h"
#include "pipeline/pipeline.h"
#include "source/event_source.h"

/* Create one sink per spec (command line) or, when n_specs is 0, per sink in
 * cfg. format (--format, may be NULL) is given to every one of them as its
 * `format` option, over the config's. Prints "ringtap CMD: ..." on failure
 * and returns -errno; on success *n sinks are in out. */
int cli_sinks_create(const char *cmd, char **specs, size_t n_specs, const char *format,
		     const struct daemon_config *cfg, struct event_sink **out, size_t *n);

/* Check a --format value: 0, or -EINVAL after printing why for CMD. */
int cli_check_format(const char *cmd, const char *format);

#define CLI_FORMAT_HELP \
	"  -f, --format FMT      event format of every sink: json (default) or ocsf (OCSF 1.8.0)\n"
void cli_sinks_destroy(struct event_sink **sinks, size_t n);

/* Parse a positive number of seconds ("5", "0.5") into ms. 0 or -EINVAL. */
int cli_parse_seconds(const char *s, int *ms);

/* Print the sink spec help shared by every command. */
void cli_print_sink_help(FILE *out);

#endif
