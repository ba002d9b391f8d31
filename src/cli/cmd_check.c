/* ringtap check FILE...: validate policy and daemon config files.
 * One "FILE:LINE:COL: message" per problem on stderr; exit 0 when every
 * file is valid, 1 when any is not, 2 on a usage error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>
#include "cli/commands.h"
#include "config/daemon_config.h"
#include "config/daemon_config_check.h"
#include "config/yaml_strict.h"
#include "policy/policy_parse.h"

/* A kind of file `check` knows, and how to recognise it by a top-level key.
 * A file goes to the kind that claims most of its top-level keys (ties: the
 * earlier kind). check() prints FILE:LINE:COL problems on errs and returns
 * 0, -EINVAL (invalid) or -errno (unreadable). */
struct check_kind {
	const char *name;
	int (*claims)(const char *key);
	int (*check)(const char *path, FILE *errs);
};

static int policy_claims(const char *key)
{
	static const char *const keys[] = { "version", "events", "exclude", "file", "network" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return 0;
}

static int config_claims(const char *key)
{
	if (!strcmp(key, "sinks") || !strcmp(key, "kubernetes") || !strcmp(key, "metrics"))
		return 1;
	for (const struct option_def *d = daemon_config_options; d->name; d++)
		if (!strcmp(key, d->name))
			return 1;
	return 0;
}

/* A daemon config (every part run checks: sinks, metrics:, kubernetes:),
 * and the policy file it names (opened as the daemon would: the path as
 * written). */
static int config_check_file(const char *path, FILE *errs)
{
	struct daemon_config cfg;
	char err[1024];
	int ret = daemon_config_defaults(&cfg);

	if (ret == 0) {
		ret = daemon_config_load(path, &cfg, err, sizeof(err));
		if (ret == 0)
			ret = daemon_config_check(&cfg, err, sizeof(err));
		if (ret < 0 && ret != -ENOMEM)
			fprintf(errs, "%s\n", err);
	}
	if (ret == 0 && cfg.policy && cfg.policy[0]) {
		ret = policy_check_file(cfg.policy, errs);
		if (ret < 0)
			fprintf(errs, "%s: the policy file it names (%s) has problems\n", path, cfg.policy);
	}
	if (ret == -ENOMEM)
		fprintf(errs, "%s: out of memory\n", path);
	daemon_config_free(&cfg);
	return ret;
}

static const struct check_kind kinds[] = {
	{ "policy", policy_claims, policy_check_file },
	{ "config", config_claims, config_check_file },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Count, per kind, how many of the file's top-level keys it knows. An
 * unreadable or malformed file scores 0 everywhere: the first kind then
 * reports the problem. */
static void score_kinds(const char *path, unsigned scores[NKINDS])
{
	yaml_parser_t yp;
	yaml_event_t ev;
	FILE *f = fopen(path, "re");
	int depth = 0, is_key = 1, done = 0;

	memset(scores, 0, NKINDS * sizeof(scores[0]));
	if (!f)
		return;
	if (!yaml_parser_initialize(&yp)) {
		fclose(f);
		return;
	}
	yaml_parser_set_input_file(&yp, f);
	/* depth 1 = inside the root mapping, whose nodes alternate key, value. */
	while (!done && yaml_parser_parse(&yp, &ev)) {
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
			done = depth == 0; /* the root is not a mapping */
			/* fall through */
		case YAML_MAPPING_START_EVENT:
			/* Deeper nesting is refused by the loader; scanning it here
			 * would cost the square of its depth. */
			done = done || ++depth > YAML_STRICT_MAX_DEPTH;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (--depth == 1)
				is_key = !is_key;
			done = depth == 0;
			break;
		case YAML_SCALAR_EVENT:
			if (depth == 1 && is_key)
				for (size_t k = 0; k < NKINDS; k++)
					scores[k] += (unsigned)kinds[k].claims((const char *)ev.data.scalar.value);
			/* fall through */
		case YAML_ALIAS_EVENT:
			if (depth == 1)
				is_key = !is_key;
			done = depth == 0; /* a scalar root */
			break;
		case YAML_STREAM_END_EVENT:
		case YAML_NO_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
	fclose(f);
}

static const struct check_kind *kind_for(const char *path, const char *forced)
{
	unsigned scores[NKINDS];
	size_t best = 0;

	if (forced) {
		for (size_t k = 0; k < NKINDS; k++)
			if (!strcmp(kinds[k].name, forced))
				return &kinds[k];
		return NULL;
	}
	score_kinds(path, scores);
	for (size_t k = 1; k < NKINDS; k++)
		if (scores[k] > scores[best])
			best = k;
	return &kinds[best];
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ringtap check [--kind KIND] [--quiet] FILE...\n"
		"\n"
		"Validates ringtap policy files and daemon config files (for a config,\n"
		"also the policy file its 'policy:' key names). Prints one\n"
		"FILE:LINE:COL: message per problem on stderr and exits 1 if any file\n"
		"has a problem; exits 0 when every file is valid.\n"
		"\n"
		"options:\n"
		"  -k, --kind KIND  read every FILE as KIND instead of detecting it from\n"
		"                   its top-level keys; KIND is one of:");
	for (size_t k = 0; k < NKINDS; k++)
		fprintf(out, " %s", kinds[k].name);
	fprintf(out,
		"\n"
		"  -q, --quiet      print nothing for valid files\n"
		"  -h, --help       show this help\n");
}

int cmd_check_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *forced = NULL;
	int quiet = 0, opt, status = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "k:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			forced = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "ringtap check: no FILE given\n\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (forced && !kind_for(NULL, forced)) {
		fprintf(stderr, "ringtap check: unknown kind '%s'\n\n", forced);
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		const struct check_kind *kind = kind_for(argv[i], forced);
		if (kind->check(argv[i], stderr) < 0)
			status = 1;
		else if (!quiet)
			printf("%s: ok (%s)\n", argv[i], kind->name);
	}
	return status;
}
