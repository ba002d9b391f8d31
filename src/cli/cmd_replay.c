/* `ringtap replay FILE`: a recording through the same pipeline and sinks. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "policy/policy_reload.h"
#include "pipeline/runner.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ringtap replay FILE [--sink SPEC]... [--format FMT] [--config FILE] [--policy FILE]\n\n"
		"Reads an NDJSON recording (one ringtap.v1.Event per line; '-' = stdin) and\n"
		"sends each event to the sinks (default: stdout). A malformed line stops the\n"
		"replay after the lines before it were delivered: FILE:LINE: reason, exit 1.\n"
		"With a policy, events it filters are dropped exactly as the kernel would\n"
		"have dropped them live (and counted in the summary).\n\n"
		"options:\n"
		"  -s, --sink SPEC     send events here (repeatable; replaces the config's sinks)\n"
		"  -f, --format FMT    event format of every sink: json (default) or ocsf (OCSF 1.8.0)\n"
		"  -c, --config FILE   daemon config (its sinks, flush timeout and policy)\n"
		"  -P, --policy FILE   apply this policy (overrides the config's policy:)\n"
		"  -h, --help          this help\n\n");
	cli_print_sink_help(out);
}

int cmd_replay_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sink", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "policy", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *specs[PIPELINE_MAX_SINKS];
	size_t n_specs = 0, n_sinks = 0;
	const char *config_path = NULL, *policy_path = NULL, *format = NULL;
	struct policy_reload *policy = NULL;
	struct event_sink *sinks[PIPELINE_MAX_SINKS];
	struct daemon_config cfg;
	struct event_source *src = NULL;
	struct pipeline *pipe = NULL;
	char err[1024];
	int c, sigfd = -1, exit_code = 1, rc, flush_rc = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:f:c:P:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (n_specs == PIPELINE_MAX_SINKS) {
				fprintf(stderr, "ringtap replay: at most %d --sink options\n", PIPELINE_MAX_SINKS);
				return EXIT_USAGE;
			}
			specs[n_specs++] = optarg;
			break;
		case 'f':
			if (cli_check_format("replay", optarg))
				return EXIT_USAGE;
			format = optarg;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'P':
			policy_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "ringtap replay: option '%s' needs a value\n\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "ringtap replay: unknown option '%s'\n\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "ringtap replay: expected exactly one FILE\n\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (daemon_config_defaults(&cfg))
		return 1;
	if (config_path && daemon_config_load(config_path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "ringtap replay: %s\n", err);
		goto cleanup;
	}
	if (!policy_path)
		policy_path = cfg.policy;
	/* The same load as the daemon's (generation 1), applied in userspace. */
	if (policy_path && policy_path[0] &&
	    policy_reload_create(policy_path, "ringtap replay", stderr, &policy))
		goto cleanup;
	sigfd = runner_signals_block();
	if (sigfd < 0) {
		fprintf(stderr, "ringtap replay: cannot set up signal handling: %s\n", strerror(-sigfd));
		goto cleanup;
	}
	struct source_config scfg = { .path = argv[optind] };
	rc = source_replay_ops.create(&scfg, &src);
	if (rc) {
		const char *why = src ? src->ops->last_error(src) : NULL;
		fprintf(stderr, "ringtap replay: %s\n", why ? why : strerror(-rc));
		goto cleanup;
	}
	if (cli_sinks_create("replay", specs, n_specs, format, &cfg, sinks, &n_sinks))
		goto cleanup;
	pipe = malloc(sizeof(*pipe));
	if (!pipe || pipeline_init(pipe, sinks, n_sinks, cfg.node_name)) {
		fprintf(stderr, "ringtap replay: cannot start the pipeline\n");
		goto cleanup;
	}
	pipe->policy = policy ? policy_reload_initial(policy) : NULL;
	struct runner_opts ro = {
		.src = src,
		.pipe = pipe,
		.signal_fd = sigfd,
		.poll_interval_ms = (int)cfg.poll_interval_ms,
		.flush_timeout_ms = (int)cfg.flush_timeout_ms,
	};
	rc = runner_run(&ro, &flush_rc);
	if (rc) {
		const char *why = src->ops->last_error(src);
		fprintf(stderr, "%s\n", why ? why : strerror(-rc));
	}
	if (flush_rc || pipeline_sink_errors(pipe))
		fprintf(stderr, "ringtap replay: not every event reached the sinks (%s); the summary "
			"below counts what was lost\n", flush_rc ? strerror(-flush_rc) : "emit errors");
	pipeline_summary(pipe, NULL, stderr);
	exit_code = rc || flush_rc || pipeline_sink_errors(pipe) ? 1 : 0;
cleanup:
	if (pipe)
		pipeline_fini(pipe);
	free(pipe);
	source_destroy(src);
	policy_reload_destroy(policy);
	cli_sinks_destroy(sinks, n_sinks);
	daemon_config_free(&cfg);
	if (sigfd >= 0)
		close(sigfd);
	return exit_code;
}
