/* Daemon config loader on libyaml's document API (node marks give the
 * FILE:LINE:COL of every problem). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>
#include "config/daemon_config.h"
#include "config/yaml_strict.h"

#define CFG(f) offsetof(struct daemon_config, f)

const struct option_def daemon_config_options[] = {
	{ "node_name", OPT_STRING, NULL, CFG(node_name),
	  "node name on events and Kafka keys; empty = $NODE_NAME, else the hostname" },
	{ "policy", OPT_STRING, NULL, CFG(policy),
	  "path of the policy file (what the kernel filters)" },
	{ "ring_buffer_size", OPT_SIZE, "8M", CFG(ring_buffer_size),
	  "BPF ring buffer size: a power of two, at least the page size (K/M/G suffixes)" },
	{ "poll_interval_ms", OPT_INT, "100", CFG(poll_interval_ms),
	  "longest time an event waits in the ring before userspace reads it" },
	{ "stats_interval_ms", OPT_INT, "1000", CFG(stats_interval_ms),
	  "how often kernel drop counters are read and reported as Drop events" },
	{ "flush_timeout_ms", OPT_INT, "5000", CFG(flush_timeout_ms),
	  "shutdown budget from the stop: ring drain and every sink's delivery share it" },
	OPT_END,
};

#define DAEMON_MAX_KEYS 256
#define DAEMON_MAX_KEYS_TEXT "256"

struct loader {
	const char *path;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
};

static int fail_at(struct loader *l, const yaml_node_t *n, const char *msg, const char *arg)
{
	char shown[OPTIONS_SHOWN_MAX];

	snprintf(l->err, l->errlen, "%s:%zu:%zu: %s%s%s%s", l->path, n->start_mark.line + 1,
		 n->start_mark.column + 1, msg, arg ? " '" : "", arg ? options_shown(arg, shown) : "",
		 arg ? "'" : "");
	return -EINVAL;
}

static void where_of(struct loader *l, const yaml_node_t *n, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%zu:%zu", l->path, n->start_mark.line + 1, n->start_mark.column + 1);
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Reject a mapping that names the same key twice. Every mapping here has a
 * handful of keys; a huge one is refused before the quadratic scan. */
static int check_duplicates(struct loader *l, const yaml_node_t *map)
{
	if (map->data.mapping.pairs.top - map->data.mapping.pairs.start > DAEMON_MAX_KEYS)
		return fail_at(l, map, "more than " DAEMON_MAX_KEYS_TEXT " keys in one mapping", NULL);
	for (yaml_node_pair_t *a = map->data.mapping.pairs.start; a < map->data.mapping.pairs.top; a++) {
		const yaml_node_t *ka = yaml_document_get_node(l->doc, a->key);
		for (yaml_node_pair_t *b = map->data.mapping.pairs.start; b < a; b++) {
			const yaml_node_t *kb = yaml_document_get_node(l->doc, b->key);
			if (scalar(ka) && scalar(kb) && !strcmp(scalar(ka), scalar(kb)))
				return fail_at(l, ka, "duplicate key", scalar(ka));
		}
	}
	return 0;
}

static int load_sink(struct loader *l, const yaml_node_t *n, struct daemon_sink_conf *sc)
{
	char where[512];
	int rc;

	where_of(l, n, where, sizeof(where));
	sc->where = strdup(where);
	if (!sc->where)
		return -ENOMEM;
	if (scalar(n)) {
		sc->spec = strdup(scalar(n));
		return sc->spec ? 0 : -ENOMEM;
	}
	if (n->type != YAML_MAPPING_NODE)
		return fail_at(l, n, "a sink is a spec string or a mapping with 'type'", NULL);
	if ((rc = check_duplicates(l, n)))
		return rc;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		const char *key = scalar(k);

		if (!key)
			return fail_at(l, k, "sink option names must be plain strings", NULL);
		if (!strcmp(key, "type")) {
			if (!scalar(v))
				return fail_at(l, v, "'type' wants a string", NULL);
			free(sc->where);
			where_of(l, v, where, sizeof(where));
			sc->where = strdup(where);
			sc->spec = strdup(scalar(v));
			if (!sc->spec || !sc->where)
				return -ENOMEM;
			continue;
		}
		if (v->type == YAML_MAPPING_NODE) {
			/* A nested map (e.g. rdkafka:) becomes prefixed keys. */
			if ((rc = check_duplicates(l, v)))
				return rc;
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
				const yaml_node_t *k2 = yaml_document_get_node(l->doc, q->key);
				const yaml_node_t *v2 = yaml_document_get_node(l->doc, q->value);
				char full[512];
				if (!scalar(k2) || !scalar(v2))
					return fail_at(l, v2, "nested sink options must be string: value pairs", NULL);
				snprintf(full, sizeof(full), "%s.%s", key, scalar(k2));
				where_of(l, v2, where, sizeof(where));
				if ((rc = sink_options_add(&sc->opts, full, scalar(v2), where)))
					return rc;
			}
			continue;
		}
		if (!scalar(v))
			return fail_at(l, v, "sink option wants a scalar value:", key);
		where_of(l, v, where, sizeof(where));
		if ((rc = sink_options_add(&sc->opts, key, scalar(v), where)))
			return rc;
	}
	if (!sc->spec)
		return fail_at(l, n, "sink entry has no 'type'", NULL);
	return 0;
}

/* A mapping of scalars whose keys a module's option table checks later. */
static int load_section(struct loader *l, const yaml_node_t *map, const char *name,
			struct sink_options *out)
{
	char where[512];
	int rc;

	if (map->type != YAML_MAPPING_NODE)
		return fail_at(l, map, "wants a mapping:", name);
	if ((rc = check_duplicates(l, map)))
		return rc;
	sink_options_clear(out);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		if (!scalar(k) || !scalar(v))
			return fail_at(l, v, "wants key: value pairs:", name);
		where_of(l, k, where, sizeof(where));
		if ((rc = sink_options_add(out, scalar(k), scalar(v), where)))
			return rc;
	}
	return 0;
}

static void free_sinks(struct daemon_config *cfg)
{
	for (size_t i = 0; i < cfg->n_sinks; i++) {
		free(cfg->sinks[i].spec);
		free(cfg->sinks[i].where);
		sink_options_clear(&cfg->sinks[i].opts);
	}
	cfg->n_sinks = 0;
}

static int load_sinks(struct loader *l, const yaml_node_t *seq, struct daemon_config *cfg)
{
	int rc;

	if (seq->type != YAML_SEQUENCE_NODE)
		return fail_at(l, seq, "'sinks' wants a list", NULL);
	free_sinks(cfg);
	if (seq->data.sequence.items.top == seq->data.sequence.items.start)
		return fail_at(l, seq, "'sinks' is empty: events would go nowhere "
			       "(use [null] to discard them on purpose)", NULL);
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		const yaml_node_t *n = yaml_document_get_node(l->doc, *it);
		if (cfg->n_sinks == DAEMON_MAX_SINKS)
			return fail_at(l, n, "too many sinks (at most 8)", NULL);
		struct daemon_sink_conf *sc = &cfg->sinks[cfg->n_sinks++];
		memset(sc, 0, sizeof(*sc));
		if ((rc = load_sink(l, n, sc)))
			return rc;
	}
	return 0;
}

/* What the sensor refuses at start, refused here with the value's place. */
static int check_range(struct loader *l, const yaml_node_t *v, const char *key,
		       const struct daemon_config *cfg)
{
	static const struct {
		const char *name;
		size_t offset;
		int64_t min, max;
		const char *text;
	} ranges[] = {
		{ "poll_interval_ms", CFG(poll_interval_ms), 1, 10000, "poll_interval_ms must be 1..10000" },
		{ "stats_interval_ms", CFG(stats_interval_ms), 0, 3600000, "stats_interval_ms must be 0..3600000" },
		{ "flush_timeout_ms", CFG(flush_timeout_ms), 0, 3600000, "flush_timeout_ms must be 0..3600000" },
	};
	uint64_t ring = cfg->ring_buffer_size;

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (strcmp(key, ranges[i].name))
			continue;
		int64_t n = *(const int64_t *)((const char *)cfg + ranges[i].offset);
		if (n < ranges[i].min || n > ranges[i].max)
			return fail_at(l, v, ranges[i].text, NULL);
	}
	if (!strcmp(key, "ring_buffer_size") &&
	    ((ring & (ring - 1)) || ring < DAEMON_RING_MIN || ring < (uint64_t)sysconf(_SC_PAGESIZE) ||
	     ring > DAEMON_RING_MAX))
		return fail_at(l, v, "ring_buffer_size must be a power of two from 16K (and at least "
			       "the page size) to 1G, e.g. 8M", NULL);
	return 0;
}

/* dns_ports: [53, 5353]: a non-empty list of distinct ports 1..65535. */
static int load_dns_ports(struct loader *l, const yaml_node_t *seq, struct daemon_config *cfg)
{
	size_t n = 0;

	if (seq->type != YAML_SEQUENCE_NODE)
		return fail_at(l, seq, "'dns_ports' wants a list of ports, e.g. [53, 5353]", NULL);
	if (seq->data.sequence.items.top == seq->data.sequence.items.start)
		return fail_at(l, seq, "'dns_ports' is empty: DNS would never be seen "
			       "(leave the key out for [53]; turn the dns event off in the policy)", NULL);
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		const yaml_node_t *v = yaml_document_get_node(l->doc, *it);
		const char *text = scalar(v);
		char *end;
		long port;

		if (n == DAEMON_MAX_DNS_PORTS)
			return fail_at(l, v, "too many dns_ports (at most " DAEMON_MAX_DNS_PORTS_TEXT ")", NULL);
		if (!text || !*text || *text == '0' || *text == '+' || *text == '-')
			return fail_at(l, v, "dns_ports: not a port (1..65535):", text ? text : "(not a scalar)");
		errno = 0;
		port = strtol(text, &end, 10);
		if (errno || *end || port < 1 || port > 65535)
			return fail_at(l, v, "dns_ports: not a port (1..65535):", text);
		for (size_t i = 0; i < n; i++)
			if (cfg->dns_ports[i] == port)
				return fail_at(l, v, "dns_ports: port listed twice:", text);
		cfg->dns_ports[n++] = (uint16_t)port;
	}
	cfg->n_dns_ports = n;
	return 0;
}

static int load_root(struct loader *l, const yaml_node_t *root, struct daemon_config *cfg)
{
	char why[256];
	int rc;

	if (!root)
		return 0; /* an empty file keeps the defaults */
	if (root->type != YAML_MAPPING_NODE)
		return fail_at(l, root, "the config file must be a mapping of keys", NULL);
	if ((rc = check_duplicates(l, root)))
		return rc;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		const char *key = scalar(k);
		const struct option_def *d;

		if (!key)
			return fail_at(l, k, "keys must be plain strings", NULL);
		if (!strcmp(key, "sinks")) {
			if ((rc = load_sinks(l, v, cfg)))
				return rc;
			continue;
		}
		if (!strcmp(key, "dns_ports")) {
			if ((rc = load_dns_ports(l, v, cfg)))
				return rc;
			continue;
		}
		if (!strcmp(key, "kubernetes") || !strcmp(key, "metrics")) {
			if ((rc = load_section(l, v, key, !strcmp(key, "metrics") ? &cfg->metrics : &cfg->kubernetes)))
				return rc;
			continue;
		}
		for (d = daemon_config_options; d->name; d++)
			if (!strcmp(d->name, key))
				break;
		if (!d->name)
			return fail_at(l, k, "unknown key", key);
		if (!scalar(v))
			return fail_at(l, v, "wants a single value:", key);
		if ((rc = options_set(d, cfg, scalar(v)))) {
			if (rc == -ENOMEM)
				return rc;
			snprintf(why, sizeof(why), "bad value for '%s': %s", key,
				 options_value_problem(d, scalar(v)));
			return fail_at(l, v, why, NULL);
		}
		if ((rc = check_range(l, v, key, cfg)))
			return rc;
	}
	return 0;
}

int daemon_config_defaults(struct daemon_config *cfg)
{
	char err[128];
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	rc = options_apply(daemon_config_options, cfg, NULL, NULL, err, sizeof(err));
	if (rc)
		return rc;
	cfg->sinks[0].spec = strdup("stdout");
	if (!cfg->sinks[0].spec)
		return -ENOMEM;
	cfg->n_sinks = 1;
	cfg->dns_ports[0] = 53;
	cfg->n_dns_ports = 1;
	return 0;
}

int daemon_config_load_buffer(const char *name, const char *buf, size_t len,
			      struct daemon_config *cfg, char *err, size_t errlen)
{
	struct loader l = { .path = name, .err = err, .errlen = errlen };
	struct yaml_strict_error yerr;
	yaml_document_t doc;
	int rc;

	rc = yaml_strict_load(buf, len, &doc, &yerr);
	if (rc == -EINVAL)
		snprintf(err, errlen, "%s:%u:%u: %s", name, yerr.line, yerr.col, yerr.msg);
	if (rc)
		return rc;
	l.doc = &doc;
	rc = load_root(&l, yaml_document_get_root_node(&doc), cfg);
	yaml_document_delete(&doc);
	return rc;
}

int daemon_config_load(const char *path, struct daemon_config *cfg, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	rc = yaml_strict_read_file(path, YAML_STRICT_FILE_MAX, &buf, &len);
	if (rc == -EFBIG)
		snprintf(err, errlen, "%s: file is larger than %u bytes; a config is much smaller", path,
			 YAML_STRICT_FILE_MAX);
	else if (rc)
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-rc));
	if (rc)
		return rc;
	rc = daemon_config_load_buffer(path, buf, len, cfg, err, errlen);
	free(buf);
	return rc;
}

void daemon_config_free(struct daemon_config *cfg)
{
	options_free_strings(daemon_config_options, cfg);
	free_sinks(cfg);
	sink_options_clear(&cfg->kubernetes);
	sink_options_clear(&cfg->metrics);
}
