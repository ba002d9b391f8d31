/* `ringtap run` and `ringtap record`: live probes through the pipeline. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "policy/policy_reload.h"
#include "metrics/metrics_config.h"
#include "metrics/metrics_server.h"
#include "metrics/metrics_snapshot.h"
#include "pipeline/runner.h"
#include "source/source_bpf.h"

struct live_args {
	const char *cmd;
	const char *config_path;
	const char *policy_path; /* overrides the config's policy: */
	char *specs[PIPELINE_MAX_SINKS];
	size_t n_specs;
	const char *format; /* --format, for every sink (run only) */
	int duration_ms;
	uint64_t ring_bytes; /* 0 = from config */
	uint32_t target_tgid;
};

static void usage(FILE *out, const char *cmd)
{
	if (!strcmp(cmd, "record"))
		fprintf(out,
			"usage: ringtap record --out FILE [--duration SECONDS] [--config FILE]\n"
			"                      [--policy FILE] [--ring-size BYTES] [--pid PID]\n\n"
			"Records live kernel events to FILE as NDJSON, which `ringtap replay` reads.\n\n");
	else
		fprintf(out,
			"usage: ringtap run [--config FILE] [--policy FILE] [--sink SPEC]... [--format FMT]\n"
			"                   [--duration SECONDS] [--ring-size BYTES] [--pid PID]\n\n"
			"Loads the probes and sends every event to the sinks until SIGINT/SIGTERM\n"
			"(or the duration), then drains the ring, flushes the sinks and prints a\n"
			"one-line summary on stderr. The policy is in force before the probes\n"
			"attach and is reloaded on SIGHUP or when its file changes; a bad file keeps\n"
			"the running policy (FILE:LINE:COL: message on stderr).\n\n");
	fprintf(out,
		"options:\n"
		"  -c, --config FILE     daemon config (YAML; default: built-in defaults)\n"
		"  -P, --policy FILE     policy file (overrides the config's policy:)\n");
	if (!strcmp(cmd, "record"))
		fprintf(out, "  -o, --out FILE        NDJSON output file\n");
	else
		fprintf(out, "  -s, --sink SPEC       send events here (repeatable; replaces the config's sinks)\n"
			CLI_FORMAT_HELP);
	fprintf(out,
		"  -d, --duration SEC    stop after SEC seconds\n"
		"  -r, --ring-size BYTES ring buffer size (power of two; K/M suffixes)\n"
		"  -p, --pid PID         capture only this process\n"
		"  -h, --help            this help\n\n");
	if (strcmp(cmd, "record"))
		cli_print_sink_help(out);
	fprintf(out, "\nconfig file keys:\n");
	options_print_help(daemon_config_options, out, "  ");
	fprintf(out, "  %-22s %-8s %s\n", "sinks", "list", "sink SPECs or {type: NAME, OPTION: VALUE...}");
	fprintf(out, "\nconfig file 'metrics:' section (HTTP /metrics, /healthz, /readyz):\n");
	options_print_help(metrics_config_options, out, "  ");
	fprintf(out, "\nconfig file 'kubernetes:' section (pod identity):\n");
	options_print_help(pod_resolver_options, out, "  ");
}

static int parse_args(int argc, char **argv, struct live_args *a)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "policy", required_argument, NULL, 'P' },
		{ "sink", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "ring-size", required_argument, NULL, 'r' },
		{ "pid", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int is_record = !strcmp(a->cmd, "record");
	const char *out_path = NULL;
	static char record_spec[4200];
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:P:s:f:o:d:r:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->config_path = optarg;
			break;
		case 'P':
			a->policy_path = optarg;
			break;
		case 's':
			if (is_record)
				goto bad;
			if (a->n_specs == PIPELINE_MAX_SINKS) {
				fprintf(stderr, "ringtap %s: at most %d --sink options\n", a->cmd, PIPELINE_MAX_SINKS);
				return EXIT_USAGE;
			}
			a->specs[a->n_specs++] = optarg;
			break;
		case 'f':
			/* record writes what replay reads: ringtap JSON only */
			if (is_record)
				goto bad;
			if (cli_check_format(a->cmd, optarg))
				return EXIT_USAGE;
			a->format = optarg;
			break;
		case 'o':
			if (!is_record)
				goto bad;
			out_path = optarg;
			break;
		case 'd':
			if (cli_parse_seconds(optarg, &a->duration_ms)) {
				fprintf(stderr, "ringtap %s: --duration wants a positive number of seconds, got '%s'\n",
					a->cmd, optarg);
				return EXIT_USAGE;
			}
			break;
		case 'r': {
			struct option_def d = { "ring-size", OPT_SIZE, NULL, 0, "" };
			if (options_set(&d, &a->ring_bytes, optarg) || !a->ring_bytes) {
				fprintf(stderr, "ringtap %s: --ring-size wants a size such as 256K or 8M, got '%s'%s%s\n",
					a->cmd, optarg, *options_value_problem(&d, optarg) ? ": " : "",
					options_value_problem(&d, optarg));
				return EXIT_USAGE;
			}
			break;
		}
		case 'p': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || !v || v > UINT32_MAX) {
				fprintf(stderr, "ringtap %s: --pid wants a process id, got '%s'\n", a->cmd, optarg);
				return EXIT_USAGE;
			}
			a->target_tgid = (uint32_t)v;
			break;
		}
		case 'h':
			usage(stdout, a->cmd);
			return 0;
		case ':':
			fprintf(stderr, "ringtap %s: option '%s' needs a value\n\n", a->cmd, argv[optind - 1]);
			usage(stderr, a->cmd);
			return EXIT_USAGE;
		default:
			goto bad;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ringtap %s: unexpected argument '%s'\n\n", a->cmd, argv[optind]);
		usage(stderr, a->cmd);
		return EXIT_USAGE;
	}
	if (is_record) {
		if (!out_path) {
			fprintf(stderr, "ringtap record: --out FILE is required\n\n");
			usage(stderr, a->cmd);
			return EXIT_USAGE;
		}
		snprintf(record_spec, sizeof(record_spec), "ndjson:%s", out_path);
		a->specs[a->n_specs++] = record_spec;
	}
	return -1; /* go on */
bad:
	fprintf(stderr, "ringtap %s: unknown option '%s'\n\n", a->cmd, argv[optind - 1]);
	usage(stderr, a->cmd);
	return EXIT_USAGE;
}

/* Publishes counters to the metrics endpoint each stats interval. */
struct live_metrics {
	struct metrics_server *server;
	struct pipeline *pipe;
	struct event_source *src;
	struct metrics_snapshot snap;
};

static void publish_metrics(void *ctx, const struct source_type_stats *kernel)
{
	struct live_metrics *lm = ctx;

	metrics_snapshot_fill(&lm->snap, lm->pipe, kernel, source_bpf_policy_gen(lm->src));
	snprintf(lm->snap.features_disabled, sizeof(lm->snap.features_disabled), "%s",
		 source_bpf_features_disabled(lm->src, 0));
	metrics_publish(lm->server, &lm->snap);
}

/* Why the sinks did not deliver everything, for people. */
static const char *flush_failure(int flush_rc, const struct daemon_config *cfg)
{
	static char why[128];

	if (flush_rc == -ETIMEDOUT)
		snprintf(why, sizeof(why), "still queued after flush_timeout_ms %" PRId64 " ms",
			 (int64_t)cfg->flush_timeout_ms);
	else if (flush_rc == -EIO)
		snprintf(why, sizeof(why), "a sink failed or dropped events");
	else if (flush_rc)
		snprintf(why, sizeof(why), "%s", strerror(-flush_rc));
	else
		snprintf(why, sizeof(why), "emit errors");
	return why;
}

static int live_main(int argc, char **argv)
{
	struct live_args a = { .cmd = argv[0] };
	struct daemon_config cfg;
	struct event_sink *sinks[PIPELINE_MAX_SINKS];
	size_t n_sinks = 0;
	struct event_source *src = NULL;
	struct pipeline *pipe = NULL;
	struct pod_resolver_config podcfg = { 0 };
	struct pod_resolver *pods = NULL;
	struct source_type_stats kstats[RT_EVENT_MAX];
	struct policy_reload *policy = NULL;
	struct metrics_config mcfg = { 0 };
	struct live_metrics *lm = NULL;
	const char *policy_path;
	char err[1024];
	int sigfd = -1, exit_code = 1, rc, flush_rc = 0;

	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (daemon_config_defaults(&cfg)) {
		fprintf(stderr, "ringtap %s: out of memory\n", a.cmd);
		return 1;
	}
	if (a.config_path && daemon_config_load(a.config_path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "ringtap %s: %s\n", a.cmd, err);
		goto cleanup;
	}
	if (a.ring_bytes)
		cfg.ring_buffer_size = a.ring_bytes;
	policy_path = a.policy_path ? a.policy_path : cfg.policy;
	if (policy_path && policy_path[0]) {
		rc = policy_reload_create(policy_path, !strcmp(a.cmd, "record") ? "ringtap record" : "ringtap run",
					  stderr, &policy);
		if (rc)
			goto cleanup; /* the file's problems are printed */
	}

	sigfd = runner_signals_block();
	if (sigfd < 0) {
		fprintf(stderr, "ringtap %s: cannot set up signal handling: %s\n", a.cmd, strerror(-sigfd));
		goto cleanup;
	}
	if (cli_sinks_create(a.cmd, a.specs, a.n_specs, a.format, &cfg, sinks, &n_sinks))
		goto cleanup;
	if (metrics_config_load(&mcfg, &cfg.metrics, cfg.stats_interval_ms, err, sizeof(err))) {
		fprintf(stderr, "ringtap %s: %s\n", a.cmd, err);
		goto cleanup;
	}
	lm = calloc(1, sizeof(*lm));
	if (!lm)
		goto cleanup;
	rc = metrics_server_start(&mcfg, &lm->server);
	if (rc) {
		fprintf(stderr, "ringtap %s: cannot serve metrics on %s port %" PRId64 ": %s "
			"(set metrics.port in the config; 0 turns the endpoint off)\n",
			a.cmd, mcfg.address, mcfg.port, strerror(-rc));
		goto cleanup;
	}
	if (options_apply(pod_resolver_options, &podcfg, &cfg.kubernetes, NULL, err, sizeof(err))) {
		fprintf(stderr, "ringtap %s: %s\n", a.cmd, err);
		goto cleanup;
	}
	/* Only a kubernetes: config that would leak the token (-EPERM) stops the
	 * sensor; otherwise events go out with what is known. */
	if ((rc = pod_resolver_create(&podcfg, &pods, err, sizeof(err))) == -EPERM) {
		fprintf(stderr, "ringtap %s: %s\n", a.cmd, err); /* fail closed: the token must not leak */
		goto cleanup;
	} else if (rc)
		fprintf(stderr, "ringtap %s: %s; events carry no pod identity\n", a.cmd, err);
	else if (err[0] && (getenv("KUBERNETES_SERVICE_HOST") || (podcfg.api_url && *podcfg.api_url)))
		/* Outside a cluster having no API is normal, not worth a line. */
		fprintf(stderr, "ringtap %s: %s; pods get UID and container id only\n", a.cmd, err);

	struct source_config scfg = {
		.ring_bytes = cfg.ring_buffer_size,
		.poll_interval_ms = (int)cfg.poll_interval_ms,
		.target_tgid = a.target_tgid,
		.policy = policy ? policy_reload_initial(policy) : NULL,
		.cgroup_root = podcfg.cgroup_root, /* the host's root, as pod attribution uses */
		.dns_ports = cfg.dns_ports,
		.n_dns_ports = cfg.n_dns_ports,
	};
	rc = source_bpf_ops.create(&scfg, &src);
	if (rc) {
		const char *why = src && src->ops->last_error ? src->ops->last_error(src) : NULL;
		fprintf(stderr, "ringtap %s: %s\n", a.cmd, why ? why : strerror(-rc));
		goto cleanup;
	}
	if (policy && (rc = policy_reload_watch(policy, src)))
		fprintf(stderr, "ringtap %s: cannot watch the policy file's directory (%s); "
			"reload with SIGHUP\n", a.cmd, strerror(-rc));
	pipe = malloc(sizeof(*pipe));
	if (!pipe || pipeline_init(pipe, sinks, n_sinks, cfg.node_name)) {
		fprintf(stderr, "ringtap %s: cannot start the pipeline\n", a.cmd);
		goto cleanup;
	}
	pipe->pods = pods;
	pipe->self_pid = source_bpf_self_tgid(src);
	lm->pipe = pipe;
	lm->src = src;
	if (policy)
		fprintf(stderr, "ringtap %s: policy %s: generation 1 in force\n", a.cmd, policy_path);
	if (*source_bpf_features_disabled(src, 1))
		fprintf(stderr, "ringtap %s: running without kernel features: %s\n", a.cmd,
			source_bpf_features_disabled(src, 1));
	/* Scripts wait for this line: from here on events are captured. */
	fprintf(stderr, "ringtap %s: probes attached (ring %" PRIu64 " KiB, node %s); capturing\n",
		a.cmd, cfg.ring_buffer_size >> 10, pipe->host.node);
	struct runner_opts ro = {
		.src = src,
		.pipe = pipe,
		.signal_fd = sigfd,
		.duration_ms = a.duration_ms,
		.poll_interval_ms = (int)cfg.poll_interval_ms,
		.stats_interval_ms = (int)cfg.stats_interval_ms,
		.flush_timeout_ms = (int)cfg.flush_timeout_ms,
		.on_stats = lm->server ? publish_metrics : NULL,
		.stats_ctx = lm,
		.on_reload = policy ? policy_reload_now : NULL,
		.reload_ctx = policy,
		.watch_fd = policy_reload_fd(policy),
		.on_watch = policy ? policy_reload_on_fd : NULL,
	};
	rc = runner_run(&ro, &flush_rc);
	if (rc) {
		const char *why = src->ops->last_error ? src->ops->last_error(src) : NULL;
		fprintf(stderr, "ringtap %s: %s\n", a.cmd, why ? why : strerror(-rc));
	}
	if (flush_rc || pipeline_sink_errors(pipe))
		fprintf(stderr, "ringtap %s: not every event reached the sinks (%s); the summary "
			"below counts what was lost\n", a.cmd, flush_failure(flush_rc, &cfg));
	int have_k = src->ops->stats && !src->ops->stats(src, kstats, RT_EVENT_MAX);
	pipeline_summary(pipe, have_k ? kstats : NULL, stderr);
	if (*source_bpf_features_disabled(src, 0))
		fprintf(stderr, "ringtap: kernel features disabled: %s\n", source_bpf_features_disabled(src, 0));
	if (policy) {
		fprintf(stderr, "ringtap: ");
		policy_reload_summary(policy, stderr);
		fputc('\n', stderr);
	}
	exit_code = rc || flush_rc || pipeline_sink_errors(pipe) ? 1 : 0;
cleanup:
	if (lm)
		metrics_server_stop(lm->server); /* first: it reads nothing else, but stop serving */
	free(lm);
	metrics_config_free(&mcfg);
	if (pipe)
		pipeline_fini(pipe);
	free(pipe);
	pod_resolver_destroy(pods); /* after the pipeline: it borrowed identities */
	options_free_strings(pod_resolver_options, &podcfg);
	source_destroy(src);
	policy_reload_destroy(policy);
	cli_sinks_destroy(sinks, n_sinks);
	daemon_config_free(&cfg);
	if (sigfd >= 0)
		close(sigfd);
	return exit_code;
}

int cmd_run_main(int argc, char **argv)
{
	return live_main(argc, argv);
}

int cmd_record_main(int argc, char **argv)
{
	return live_main(argc, argv);
}
