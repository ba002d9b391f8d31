/* Placeholder until the pipeline lands (removed in the same series). */
#include <stdio.h>
#include "cli/commands.h"
int cmd_run_main(int argc, char **argv) { (void)argc; fprintf(stderr, "%s: not built yet\n", argv[0]); return 1; }
int cmd_record_main(int argc, char **argv) { (void)argc; fprintf(stderr, "%s: not built yet\n", argv[0]); return 1; }
int cmd_replay_main(int argc, char **argv) { (void)argc; fprintf(stderr, "%s: not built yet\n", argv[0]); return 1; }
