/* ringtap subcommands: one file each (cmd_*.c), dispatched by main.c. */
#ifndef RINGTAP_CLI_COMMANDS_H
#define RINGTAP_CLI_COMMANDS_H

struct cli_command {
	const char *name;
	const char *summary;
	/* argv[0] is the command name. Returns the process exit code. */
	int (*main)(int argc, char **argv);
};

int cmd_run_main(int argc, char **argv);
int cmd_record_main(int argc, char **argv);
int cmd_replay_main(int argc, char **argv);
int cmd_version_main(int argc, char **argv);
int cmd_check_main(int argc, char **argv);

/* The table, NULL-terminated (commands.c). */
extern const struct cli_command cli_commands[];

/* Exit codes shared by every command. */
#define EXIT_USAGE 2

#endif
