#include <stddef.h>
#include "cli/commands.h"

const struct cli_command cli_commands[] = {
	{ "run", "run the sensor: live probes to the configured sinks", cmd_run_main },
	{ "record", "record live events to an NDJSON file", cmd_record_main },
	{ "replay", "replay an NDJSON recording through the pipeline", cmd_replay_main },
	{ "check", "validate policy and config files", cmd_check_main },
	{ "version", "print the version", cmd_version_main },
	{ NULL, NULL, NULL },
};
