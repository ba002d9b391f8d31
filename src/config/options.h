/* Declarative options (after Fluent Bit's config_map): a table of
 * {name, type, default, offset, help} read by both the YAML loader and --help.
 * Unknown keys are errors; a pass-through prefix (e.g. "rdkafka.") hands keys
 * to a library unchanged.
 */
#ifndef RINGTAP_OPTIONS_H
#define RINGTAP_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum option_type {
	OPT_STRING,  /* char * (strdup'ed; free with options_free_strings) */
	OPT_INT,     /* int64_t, decimal (no leading zero: 0755 is refused, not octal) */
	OPT_BOOL,    /* int: true/false/yes/no/1/0 */
	OPT_SIZE,    /* uint64_t: decimal bytes, optional K/M/G (x1024) suffix, e.g. 8M, 64MiB */
	OPT_SECRET,  /* char *, like OPT_STRING but never printed; "env:NAME" or "file:PATH" */
};

struct option_def {
	const char *name;
	enum option_type type;
	const char *def; /* default as text, NULL = none/zero */
	size_t offset;   /* into the target struct */
	const char *help;
};

/* One key/value pair with where it came from, for error messages. */
struct option_kv {
	char *key;
	char *value;
	char *where; /* "FILE:LINE:COL" or "--sink" */
};

/* A list of key/values handed to a sink or source (from YAML or CLI). */
struct sink_options {
	struct option_kv *items;
	size_t n;
};

/* Apply defaults, then every kv whose key is in the table. Keys starting
 * with passthrough_prefix (may be NULL) are skipped here; the caller reads
 * them with options_passthrough(). On an unknown key or bad value returns
 * -EINVAL and writes "WHERE: message" into err. */
int options_apply(const struct option_def *table, void *target,
		  const struct sink_options *opts, const char *passthrough_prefix,
		  char *err, size_t errlen);

/* Parse one value into target per def. 0, -EINVAL or -ENOMEM. */
int options_set(const struct option_def *def, void *target, const char *value);

/* Why options_set() refuses value ("" when it does not): a static string
 * such as "a leading zero is not allowed ...". */
const char *options_value_problem(const struct option_def *def, const char *value);

/* Free the strings that options_apply allocated in target. */
void options_free_strings(const struct option_def *table, void *target);

/* Print the table as help text: name, type, default, help. */
void options_print_help(const struct option_def *table, FILE *out, const char *indent);

/* s as it may appear in a message: printable ASCII kept, any other byte
 * as \xNN, cut after 60 bytes with "...", so a hostile file cannot garble
 * a terminal or a log. Returns buf. */
#define OPTIONS_SHOWN_MAX (60 * 4 + 4)
const char *options_shown(const char *s, char buf[OPTIONS_SHOWN_MAX]);

/* Where the last value of key name was given ("FILE:LINE:COL", "--sink",
 * "--format"), or fallback when opts lacks it. */
const char *options_where(const struct sink_options *opts, const char *name, const char *fallback);

/* List handling. */
int sink_options_add(struct sink_options *o, const char *key, const char *value, const char *where);
void sink_options_clear(struct sink_options *o);

/* Resolve a secret value: "env:NAME" reads the environment, "file:PATH" the
 * file (trailing newline cut), anything else is literal. Returns a malloc'd
 * string in *out. 0 or -errno. */
int options_resolve_secret(const char *value, char **out);

#define OPT_END { NULL, 0, NULL, 0, NULL }

#endif
