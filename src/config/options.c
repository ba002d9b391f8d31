/* Declarative option tables: defaults, parsing, help. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "config/options.h"

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") || !strcasecmp(v, "on"))
		*out = 1;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") || !strcasecmp(v, "off"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

/* The one integer syntax of ringtap's files and options: decimal digits,
 * no sign (the caller handles '-'), no leading zero. YAML 1.1 and strtol(3)
 * read 0755 as octal and 0x1F as hex; a leading zero is refused rather than
 * guessed at. On success *end points past the digits. */
static int parse_decimal(const char *v, uint64_t *out, const char **end, const char **why)
{
	uint64_t n = 0;
	const char *p = v;

	if (!isdigit((unsigned char)*p)) {
		*why = *p ? "not a decimal number" : "empty value";
		return -EINVAL;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		*why = "hexadecimal is not read: write the number in decimal";
		return -EINVAL;
	}
	if (p[0] == '0' && isdigit((unsigned char)p[1])) {
		*why = "a leading zero is not allowed (it would read as octal elsewhere): "
		       "write the number in decimal";
		return -EINVAL;
	}
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (n > (UINT64_MAX - d) / 10) {
			*why = "out of range";
			return -EINVAL;
		}
		n = n * 10 + d;
	}
	*out = n;
	*end = p;
	return 0;
}

static int parse_int(const char *v, int64_t *out, const char **why)
{
	int negative = *v == '-';
	const char *end;
	uint64_t n;

	if (parse_decimal(v + negative, &n, &end, why))
		return -EINVAL;
	if (*end) {
		*why = "not a decimal number";
		return -EINVAL;
	}
	if (n > (uint64_t)INT64_MAX + (uint64_t)negative) {
		*why = "out of range";
		return -EINVAL;
	}
	*out = negative ? (int64_t)(0 - n) : (int64_t)n;
	return 0;
}

/* Decimal bytes with an optional K, M or G (x1024) suffix, as in 8M or
 * 64MiB. */
static int parse_size(const char *v, uint64_t *out, const char **why)
{
	const char *end;
	uint64_t n, mul = 1;

	if (parse_decimal(v, &n, &end, why))
		return -EINVAL;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': mul = 1ull << 10; break;
		case 'm': case 'M': mul = 1ull << 20; break;
		case 'g': case 'G': mul = 1ull << 30; break;
		default:
			*why = "a size is decimal bytes with an optional K, M or G suffix";
			return -EINVAL;
		}
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
		if (*end) {
			*why = "a size is decimal bytes with an optional K, M or G suffix";
			return -EINVAL;
		}
	}
	if (n > UINT64_MAX / mul) {
		*why = "out of range";
		return -EINVAL;
	}
	*out = n * mul;
	return 0;
}

/* Parse value per def into field; *why says what is wrong on -EINVAL. */
static int set_field(const struct option_def *def, void *target, const char *value, const char **why)
{
	char *field = (char *)target + def->offset;
	int rc;

	*why = "";
	switch (def->type) {
	case OPT_STRING:
	case OPT_SECRET: {
		char *copy = strdup(value);
		if (!copy)
			return -ENOMEM;
		free(*(char **)field);
		*(char **)field = copy;
		return 0;
	}
	case OPT_INT: {
		int64_t n;
		rc = parse_int(value, &n, why);
		if (!rc)
			*(int64_t *)field = n;
		return rc;
	}
	case OPT_BOOL: {
		int b;
		rc = parse_bool(value, &b);
		if (rc)
			*why = "wants true or false";
		else
			*(int *)field = b;
		return rc;
	}
	case OPT_SIZE: {
		uint64_t n;
		rc = parse_size(value, &n, why);
		if (!rc)
			*(uint64_t *)field = n;
		return rc;
	}
	}
	return -EINVAL;
}

int options_set(const struct option_def *def, void *target, const char *value)
{
	const char *why;

	return set_field(def, target, value, &why);
}

const char *options_value_problem(const struct option_def *def, const char *value)
{
	union {
		int64_t i;
		uint64_t u;
		int b;
	} scratch = { 0 }; /* -O3 sees set_field free() a (never taken) string field */
	struct option_def d = *def;
	const char *why = "";

	if (def->type == OPT_STRING || def->type == OPT_SECRET)
		return "";
	d.offset = 0;
	set_field(&d, &scratch, value, &why);
	return why;
}

const char *options_shown(const char *s, char buf[OPTIONS_SHOWN_MAX])
{
	size_t o = 0;

	for (size_t i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i == 60) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, OPTIONS_SHOWN_MAX - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

static const char *type_name(enum option_type t)
{
	switch (t) {
	case OPT_STRING: return "string";
	case OPT_SECRET: return "secret";
	case OPT_INT: return "integer";
	case OPT_BOOL: return "boolean";
	case OPT_SIZE: return "size";
	}
	return "?";
}

int options_apply(const struct option_def *table, void *target,
		  const struct sink_options *opts, const char *passthrough_prefix,
		  char *err, size_t errlen)
{
	int rc;

	for (const struct option_def *d = table; d->name; d++) {
		if (!d->def)
			continue;
		rc = options_set(d, target, d->def);
		if (rc) {
			snprintf(err, errlen, "internal: bad default for option '%s'", d->name);
			return rc;
		}
	}
	for (size_t i = 0; opts && i < opts->n; i++) {
		const struct option_kv *kv = &opts->items[i];
		const struct option_def *d;
		char shown[OPTIONS_SHOWN_MAX];

		if (passthrough_prefix && !strncmp(kv->key, passthrough_prefix, strlen(passthrough_prefix)))
			continue;
		for (d = table; d->name; d++)
			if (!strcmp(d->name, kv->key))
				break;
		if (!d->name) {
			snprintf(err, errlen, "%s: unknown option '%s'", kv->where ? kv->where : "?",
				 options_shown(kv->key, shown));
			return -EINVAL;
		}
		const char *why;
		rc = set_field(d, target, kv->value, &why);
		if (rc == -ENOMEM) {
			snprintf(err, errlen, "%s: out of memory", kv->where ? kv->where : "?");
			return rc;
		}
		if (rc) {
			/* Never echo a secret's value. */
			snprintf(err, errlen, "%s: option '%s' wants a %s, got '%s'%s%s",
				 kv->where ? kv->where : "?", kv->key, type_name(d->type),
				 d->type == OPT_SECRET ? "<hidden>" : options_shown(kv->value, shown),
				 *why ? ": " : "", why);
			return rc;
		}
	}
	return 0;
}

void options_free_strings(const struct option_def *table, void *target)
{
	for (const struct option_def *d = table; d->name; d++) {
		if (d->type == OPT_STRING || d->type == OPT_SECRET) {
			char **p = (char **)((char *)target + d->offset);
			free(*p);
			*p = NULL;
		}
	}
}

void options_print_help(const struct option_def *table, FILE *out, const char *indent)
{
	for (const struct option_def *d = table; d->name; d++) {
		fprintf(out, "%s%-22s %-8s %s", indent, d->name, type_name(d->type), d->help);
		if (d->def && d->type != OPT_SECRET)
			fprintf(out, " (default: %s)", d->def);
		fputc('\n', out);
	}
}

int sink_options_add(struct sink_options *o, const char *key, const char *value, const char *where)
{
	struct option_kv *items = realloc(o->items, (o->n + 1) * sizeof(*items));

	if (!items)
		return -ENOMEM;
	o->items = items;
	struct option_kv *kv = &items[o->n];
	kv->key = strdup(key);
	kv->value = strdup(value);
	kv->where = strdup(where ? where : "?");
	if (!kv->key || !kv->value || !kv->where) {
		free(kv->key);
		free(kv->value);
		free(kv->where);
		return -ENOMEM;
	}
	o->n++;
	return 0;
}

void sink_options_clear(struct sink_options *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->items[i].key);
		free(o->items[i].value);
		free(o->items[i].where);
	}
	free(o->items);
	o->items = NULL;
	o->n = 0;
}

int options_resolve_secret(const char *value, char **out)
{
	*out = NULL;
	if (!strncmp(value, "env:", 4)) {
		const char *v = getenv(value + 4);
		if (!v)
			return -ENOENT;
		*out = strdup(v);
		return *out ? 0 : -ENOMEM;
	}
	if (!strncmp(value, "file:", 5)) {
		FILE *f = fopen(value + 5, "re");
		if (!f)
			return -errno;
		char buf[4096];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		int failed = ferror(f);
		fclose(f);
		if (failed)
			return -EIO;
		buf[n] = '\0';
		while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		*out = strdup(buf);
		return *out ? 0 : -ENOMEM;
	}
	*out = strdup(value);
	return *out ? 0 : -ENOMEM;
}

const char *options_where(const struct sink_options *opts, const char *name, const char *fallback)
{
	for (size_t i = opts ? opts->n : 0; i-- > 0;)
		if (!strcmp(opts->items[i].key, name) && opts->items[i].where)
			return opts->items[i].where;
	return fallback;
}
