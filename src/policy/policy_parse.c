/* Policy YAML parser: libyaml's document loader gives every node its
 * position; this file walks the tree against the version 1 schema and
 * records one diagnostic per problem, continuing past semantic errors so a
 * user sees them all at once.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>
#include "config/yaml_strict.h"
#include "policy/policy_parse.h"

#define POLICY_MAX_KEYS 64 /* pairs in one mapping before we stop looking */

struct walk {
	yaml_document_t *doc;
	struct policy *p;
	struct policy_diags *d;
	unsigned full; /* FULL_* lists whose overflow was reported: once is enough */
};

#define FULL_COMMS    (1u << 0)
#define FULL_UIDS     (1u << 1)
#define FULL_PREFIXES (1u << 2)
#define FULL_CIDR4    (1u << 3)
#define FULL_CIDR6    (1u << 4)

/* True the first time a list overflows. */
static bool first_overflow(struct walk *w, unsigned which)
{
	bool first = !(w->full & which);
	w->full |= which;
	return first;
}

typedef void (*key_handler)(struct walk *w, yaml_node_t *key, yaml_node_t *val);

struct key_spec {
	const char *name;
	key_handler handle;
};

static void diag_at(struct policy_diags *d, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void diag_at(struct policy_diags *d, unsigned line, unsigned col, const char *fmt, ...)
{
	if (d->n >= POLICY_MAX_DIAGS) {
		d->dropped++;
		return;
	}
	struct policy_diag *g = &d->items[d->n++];
	va_list ap;

	g->line = line;
	g->col = col;
	va_start(ap, fmt);
	vsnprintf(g->msg, sizeof(g->msg), fmt, ap);
	va_end(ap);
}

#define diag(w, node, ...) \
	diag_at((w)->d, (unsigned)(node)->start_mark.line + 1, \
		(unsigned)(node)->start_mark.column + 1, __VA_ARGS__)

/* A value quoted for a message: printable ASCII, escapes for the rest, cut
 * at 60 bytes, so a hostile file cannot garble the terminal. */
struct shown {
	char s[64 * 4 + 8];
};

static struct shown show(const unsigned char *v, size_t len)
{
	struct shown out;
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (i == 60) {
			memcpy(out.s + o, "...", 3);
			o += 3;
			break;
		}
		unsigned char c = v[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			out.s[o++] = (char)c;
		else
			o += (size_t)snprintf(out.s + o, sizeof(out.s) - o, "\\x%02x", c);
	}
	out.s[o] = '\0';
	return out;
}

#define SCALAR(n) ((const unsigned char *)(n)->data.scalar.value)
#define SHOW(n) (show(SCALAR(n), (n)->data.scalar.length).s)

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

static bool scalar_is(const yaml_node_t *n, const char *s)
{
	size_t len = strlen(s);
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == len &&
	       !memcmp(n->data.scalar.value, s, len);
}

/* `key:` with no value, `~` or `null`: an omitted section or empty list. */
static bool is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return n->data.scalar.length == 0 || scalar_is(n, "~") || scalar_is(n, "null") ||
	       scalar_is(n, "Null") || scalar_is(n, "NULL");
}

static bool has_nul(const yaml_node_t *n)
{
	return memchr(n->data.scalar.value, '\0', n->data.scalar.length) != NULL;
}

/* 0755, 00: YAML 1.1 reads a leading zero as octal, strtol(3) too; ringtap
 * reads decimal only and refuses to guess. */
static bool leading_zero(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length > 1 &&
	       n->data.scalar.value[0] == '0' && isdigit(n->data.scalar.value[1]);
}

#define DECIMAL_ONLY "write it in decimal, without a leading zero (YAML 1.1 would read it as octal)"

/* Plain decimal digits only: no sign, no 0x, no leading zero, no YAML 1.1
 * sexagesimal. */
static bool parse_uint(const yaml_node_t *n, unsigned long long max, unsigned long long *out)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	size_t len = n->data.scalar.length;
	if (len == 0 || len > 20 || leading_zero(n))
		return false;
	unsigned long long v = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = n->data.scalar.value[i];
		if (!isdigit(c))
			return false;
		if (v > (max - (c - '0')) / 10)
			return false;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return true;
}

static bool all_digits(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.length == 0)
		return false;
	for (size_t i = 0; i < n->data.scalar.length; i++)
		if (!isdigit(n->data.scalar.value[i]))
			return false;
	return true;
}

static int parse_bool(const yaml_node_t *n, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return -EINVAL;
	const char *v = (const char *)n->data.scalar.value;
	for (size_t i = 0; i < 3; i++) {
		if (!strcasecmp(v, yes[i]) && !has_nul(n)) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(v, no[i]) && !has_nul(n)) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Walk a mapping against a key table: unknown keys, duplicate keys and
 * non-scalar keys are reported; known keys go to their handler. */
static void walk_mapping(struct walk *w, yaml_node_t *map, const char *section,
			 const struct key_spec *keys, size_t nkeys)
{
	yaml_node_pair_t *start = map->data.mapping.pairs.start;
	yaml_node_pair_t *top = map->data.mapping.pairs.top;

	char expected[256] = "";
	size_t o = 0;
	for (size_t j = 0; j < nkeys && o < sizeof(expected); j++)
		o += (size_t)snprintf(expected + o, sizeof(expected) - o, "%s%s", j ? ", " : "",
				      keys[j].name);
	/* Every section has a handful of keys; a huge mapping is a mistake, and
	 * checking it for duplicates would take quadratic time. */
	if (top - start > POLICY_MAX_KEYS) {
		if (section)
			diag(w, map, "'%s' has %td keys; expected at most %zu, each once (%s)", section,
			     top - start, nkeys, expected);
		else
			diag(w, map, "the policy has %td top-level keys; expected at most %zu, each once (%s)",
			     top - start, nkeys, expected);
		return;
	}
	for (yaml_node_pair_t *pair = start; pair < top; pair++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, pair->value);
		if (!k || !v)
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			diag(w, k, "keys must be plain names, not %s", node_kind(k));
			continue;
		}
		bool dup = false;
		for (yaml_node_pair_t *prev = start; prev < pair; prev++) {
			yaml_node_t *pk = yaml_document_get_node(w->doc, prev->key);
			if (pk && pk->type == YAML_SCALAR_NODE &&
			    pk->data.scalar.length == k->data.scalar.length &&
			    !memcmp(pk->data.scalar.value, k->data.scalar.value, k->data.scalar.length)) {
				diag(w, k, "duplicate key '%s' (first at line %zu)", SHOW(k),
				     pk->start_mark.line + 1);
				dup = true;
				break;
			}
		}
		if (dup)
			continue;
		size_t i;
		for (i = 0; i < nkeys; i++)
			if (scalar_is(k, keys[i].name))
				break;
		if (i < nkeys) {
			if (keys[i].handle)
				keys[i].handle(w, k, v);
			continue;
		}
		if (section)
			diag(w, k, "unknown key '%s' in '%s' (expected one of: %s)", SHOW(k), section,
			     expected);
		else
			diag(w, k, "unknown key '%s' (expected one of: %s)", SHOW(k), expected);
	}
}

/* A section value must be a mapping (or null = empty). */
static bool want_mapping(struct walk *w, yaml_node_t *v, const char *what)
{
	if (v->type == YAML_MAPPING_NODE)
		return true;
	if (!is_null(v))
		diag(w, v, "'%s' must be a mapping, not %s", what, node_kind(v));
	return false;
}

/* A list value must be a sequence (or null = empty); calls each() per item. */
static void walk_list(struct walk *w, yaml_node_t *v, const char *what,
		      void (*each)(struct walk *w, yaml_node_t *item))
{
	if (v->type != YAML_SEQUENCE_NODE) {
		if (!is_null(v))
			diag(w, v, "'%s' must be a list, not %s", what, node_kind(v));
		return;
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(w->doc, *it);
		if (item)
			each(w, item);
	}
}

static bool want_string(struct walk *w, yaml_node_t *item, const char *what)
{
	if (item->type == YAML_SCALAR_NODE)
		return true;
	diag(w, item, "%s must be a string, not %s", what, node_kind(item));
	return false;
}

/* ---- version ----------------------------------------------------------- */

static void on_version(struct walk *w, yaml_node_t *k, yaml_node_t *v)
{
	unsigned long long n;

	(void)k;
	if (!parse_uint(v, 1000000, &n)) {
		if (leading_zero(v))
			diag(w, v, "'version' is '%s': " DECIMAL_ONLY, SHOW(v));
		else if (v->type == YAML_SCALAR_NODE)
			diag(w, v, "'version' must be an integer, got '%s'", SHOW(v));
		else
			diag(w, v, "'version' must be an integer, not %s", node_kind(v));
		return;
	}
	if (n != POLICY_VERSION)
		diag(w, v, "unsupported version %llu (this ringtap reads version %d)", n,
		     POLICY_VERSION);
}

/* ---- events ------------------------------------------------------------ */

static void on_event_switch(struct walk *w, yaml_node_t *k, yaml_node_t *v, unsigned type)
{
	bool on;

	if (parse_bool(v, &on) < 0) {
		if (v->type == YAML_SCALAR_NODE)
			diag(w, v, "'events.%s' must be true or false, got '%s'", SHOW(k), SHOW(v));
		else
			diag(w, v, "'events.%s' must be true or false, not %s", SHOW(k), node_kind(v));
		return;
	}
	if (on)
		w->p->event_mask |= 1u << type;
	else
		w->p->event_mask &= ~(1u << type);
}

static void on_event_key(struct walk *w, yaml_node_t *k, yaml_node_t *v)
{
	for (unsigned t = 0; t < RT_EVENT_MAX; t++)
		if (policy_event_names[t] && scalar_is(k, policy_event_names[t]))
			on_event_switch(w, k, v, t);
}

static void on_events(struct walk *w, yaml_node_t *k, yaml_node_t *v)
{
	struct key_spec keys[RT_EVENT_MAX];
	size_t nkeys = 0;

	(void)k;
	if (!want_mapping(w, v, "events"))
		return;
	for (unsigned t = 0; t < RT_EVENT_MAX; t++)
		if (policy_event_names[t])
			keys[nkeys++] = (struct key_spec){ policy_event_names[t], on_event_key };
	walk_mapping(w, v, "events", keys, nkeys);
}

/* ---- exclude ----------------------------------------------------------- */

static void on_comm(struct walk *w, yaml_node_t *item)
{
	struct policy *p = w->p;

	if (!want_string(w, item, "a comm"))
		return;
	size_t len = item->data.scalar.length;
	if (len == 0 || has_nul(item)) {
		diag(w, item, "comm must be a non-empty name without NUL bytes");
		return;
	}
	if (len >= RT_COMM_LEN) {
		diag(w, item, "comm '%s' is %zu bytes; the kernel keeps at most %d", SHOW(item), len,
		     RT_COMM_LEN - 1);
		return;
	}
	char comm[RT_COMM_LEN] = { 0 };
	memcpy(comm, item->data.scalar.value, len);
	for (size_t i = 0; i < p->n_comms; i++)
		if (!memcmp(p->comms[i], comm, RT_COMM_LEN))
			return;
	if (p->n_comms == RT_POLICY_MAX_COMMS) {
		if (first_overflow(w, FULL_COMMS))
			diag(w, item, "too many comms: at most %d (the size of rt_policy_comms)",
			     RT_POLICY_MAX_COMMS);
		return;
	}
	memcpy(p->comms[p->n_comms++], comm, RT_COMM_LEN);
}

static void on_uid(struct walk *w, yaml_node_t *item)
{
	struct policy *p = w->p;
	unsigned long long uid;

	/* (uid_t)-1 means "no uid" to the kernel: never a real user. */
	if (!parse_uint(item, 4294967294ull, &uid)) {
		if (leading_zero(item))
			diag(w, item, "uid '%s': " DECIMAL_ONLY, SHOW(item));
		else if (item->type != YAML_SCALAR_NODE)
			diag(w, item, "a uid must be an integer, not %s", node_kind(item));
		else if (all_digits(item) && item->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			diag(w, item, "uid %s is out of range 0..4294967294", SHOW(item));
		else
			diag(w, item, "uid '%s' must be an integer 0..4294967294", SHOW(item));
		return;
	}
	for (size_t i = 0; i < p->n_uids; i++)
		if (p->uids[i] == uid)
			return;
	if (p->n_uids == RT_POLICY_MAX_UIDS) {
		if (first_overflow(w, FULL_UIDS))
			diag(w, item, "too many uids: at most %d (the size of rt_policy_uids)",
			     RT_POLICY_MAX_UIDS);
		return;
	}
	p->uids[p->n_uids++] = (uint32_t)uid;
}

static void on_comms(struct walk *w, yaml_node_t *k, yaml_node_t *v) { (void)k; walk_list(w, v, "exclude.comms", on_comm); }
static void on_uids(struct walk *w, yaml_node_t *k, yaml_node_t *v) { (void)k; walk_list(w, v, "exclude.uids", on_uid); }

static void on_exclude(struct walk *w, yaml_node_t *k, yaml_node_t *v)
{
	static const struct key_spec keys[] = { { "comms", on_comms }, { "uids", on_uids } };

	(void)k;
	if (want_mapping(w, v, "exclude"))
		walk_mapping(w, v, "exclude", keys, sizeof(keys) / sizeof(keys[0]));
}

/* ---- file -------------------------------------------------------------- */

static void add_prefix(struct walk *w, yaml_node_t *item, struct policy_prefix *list, size_t *n)
{
	if (!want_string(w, item, "a path prefix"))
		return;
	size_t len = item->data.scalar.length;
	if (len == 0) {
		diag(w, item, "empty path prefix; write '/' to match every absolute path");
		return;
	}
	if (has_nul(item)) {
		diag(w, item, "path prefix '%s' contains a NUL byte", SHOW(item));
		return;
	}
	if (len > RT_POLICY_PREFIX_MAX) {
		diag(w, item, "path prefix '%s' is %zu bytes; the limit is %d", SHOW(item), len,
		     RT_POLICY_PREFIX_MAX);
		return;
	}
	for (size_t i = 0; i < *n; i++)
		if (list[i].len == len && !memcmp(list[i].bytes, item->data.scalar.value, len))
			return;
	if (*n == RT_POLICY_MAX_PREFIXES) {
		if (first_overflow(w, FULL_PREFIXES))
			diag(w, item, "too many path prefixes: at most %d (the size of rt_policy_paths)",
			     RT_POLICY_MAX_PREFIXES);
		return;
	}
	struct policy_prefix *pp = &list[(*n)++];
	pp->len = (uint16_t)len;
	memcpy(pp->bytes, item->data.scalar.value, len);
	pp->bytes[len] = '\0';
}

static void on_include_prefix(struct walk *w, yaml_node_t *item)
{
	add_prefix(w, item, w->p->include_prefixes, &w->p->n_include);
}

static void on_exclude_prefix(struct walk *w, yaml_node_t *item)
{
	add_prefix(w, item, w->p->exclude_prefixes, &w->p->n_exclude);
}

static void on_include_prefixes(struct walk *w, yaml_node_t *k, yaml_node_t *v)
{
	(void)k;
	walk_list(w, v, "file.include_prefixes", on_include_prefix);
}

static void on_exclude_prefixes(struct walk *w, yaml_node_t *k, yaml_node_t *v)
{
	(void)k;
	walk_list(w, v, "file.exclude_prefixes", on_exclude_prefix);
}

static void on_file(struct walk *w, yaml_node_t *k, yaml_node_t *v)
{
	static const struct key_spec keys[] = {
		{ "include_prefixes", on_include_prefixes },
		{ "exclude_prefixes", on_exclude_prefixes },
	};

	(void)k;
	if (!want_mapping(w, v, "file"))
		return;
	walk_mapping(w, v, "file", keys, sizeof(keys) / sizeof(keys[0]));
	/* Both lists share one trie: count distinct prefixes across them. */
	struct policy *p = w->p;
	size_t total = p->n_include;
	for (size_t i = 0; i < p->n_exclude; i++) {
		bool shared = false;
		for (size_t j = 0; j < p->n_include && !shared; j++)
			shared = p->include_prefixes[j].len == p->exclude_prefixes[i].len &&
				 !memcmp(p->include_prefixes[j].bytes, p->exclude_prefixes[i].bytes,
					 p->exclude_prefixes[i].len);
		total += !shared;
	}
	if (total > RT_POLICY_MAX_PREFIXES)
		diag(w, v, "include_prefixes and exclude_prefixes hold %zu distinct prefixes; "
			   "at most %d together (the size of rt_policy_paths)",
		     total, RT_POLICY_MAX_PREFIXES);
}

/* ---- network ----------------------------------------------------------- */

static void on_cidr(struct walk *w, yaml_node_t *item)
{
	struct policy *p = w->p;
	struct policy_cidr c = { 0 };
	char text[INET6_ADDRSTRLEN + 8];

	if (!want_string(w, item, "a CIDR"))
		return;
	size_t len = item->data.scalar.length;
	if (len == 0 || len >= sizeof(text) || has_nul(item)) {
		diag(w, item, "bad CIDR '%s': expected ADDRESS/PREFIXLEN, e.g. 10.0.0.0/8 or fd00::/8",
		     SHOW(item));
		return;
	}
	memcpy(text, item->data.scalar.value, len);
	text[len] = '\0';
	char *slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	unsigned max;
	if (inet_pton(AF_INET, text, c.addr) == 1) {
		c.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, text, c.addr) == 1) {
		c.family = AF_INET6;
		max = 128;
	} else {
		diag(w, item, "bad CIDR '%s': '%s' is not an IPv4 or IPv6 address", SHOW(item),
		     show((const unsigned char *)text, strlen(text)).s);
		return;
	}
	unsigned plen = max;
	if (slash) {
		const char *s = slash + 1;
		size_t n = strlen(s);
		bool digits = n > 0 && n <= 3;
		for (size_t i = 0; i < n && digits; i++)
			digits = isdigit((unsigned char)s[i]);
		plen = digits ? (unsigned)atoi(s) : 1000;
		if (plen > max) {
			diag(w, item, "bad CIDR '%s': prefix length must be 0..%u", SHOW(item), max);
			return;
		}
	}
	c.prefixlen = (uint8_t)plen;
	/* Host bits set usually means a typo in the address or the length. */
	uint8_t masked[16];
	memcpy(masked, c.addr, sizeof(masked));
	for (unsigned bit = plen; bit < max; bit++)
		masked[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	if (memcmp(masked, c.addr, sizeof(masked))) {
		char net[INET6_ADDRSTRLEN];
		inet_ntop(c.family, masked, net, sizeof(net));
		diag(w, item, "bad CIDR '%s': host bits are set (did you mean %s/%u?)", SHOW(item),
		     net, plen);
		return;
	}
	if (c.family == AF_INET6 && plen >= 96 && policy_addr_is_v4mapped(c.addr)) {
		diag(w, item, "bad CIDR '%s': IPv4-mapped addresses are matched as IPv4; "
			      "write %u.%u.%u.%u/%u", SHOW(item), c.addr[12], c.addr[13], c.addr[14],
		     c.addr[15], plen - 96);
		return;
	}
	size_t same_family = 0;
	for (size_t i = 0; i < p->n_cidrs; i++) {
		if (!memcmp(&p->cidrs[i], &c, sizeof(c)))
			return;
		same_family += p->cidrs[i].family == c.family;
	}
	if (same_family == RT_POLICY_MAX_CIDRS) {
		if (first_overflow(w, c.family == AF_INET ? FULL_CIDR4 : FULL_CIDR6))
			diag(w, item, "too many %s CIDRs: at most %d (the size of %s)",
			     c.family == AF_INET ? "IPv4" : "IPv6", RT_POLICY_MAX_CIDRS,
			     c.family == AF_INET ? "rt_policy_cidr4" : "rt_policy_cidr6");
		return;
	}
	p->cidrs[p->n_cidrs++] = c;
}

static void on_port(struct walk *w, yaml_node_t *item)
{
	struct policy *p = w->p;
	unsigned long long port;

	if (!parse_uint(item, 65535, &port) || port == 0) {
		if (leading_zero(item))
			diag(w, item, "port '%s': " DECIMAL_ONLY, SHOW(item));
		else if (item->type != YAML_SCALAR_NODE)
			diag(w, item, "a port must be an integer, not %s", node_kind(item));
		else if (all_digits(item) && item->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			diag(w, item, "port %s is out of range 1..65535", SHOW(item));
		else
			diag(w, item, "port '%s' must be an integer 1..65535", SHOW(item));
		return;
	}
	uint8_t bit = (uint8_t)(1u << (port & 7));
	if (!(p->exclude_ports[port >> 3] & bit)) {
		p->exclude_ports[port >> 3] |= bit;
		p->n_ports++;
	}
}

static void on_cidrs(struct walk *w, yaml_node_t *k, yaml_node_t *v) { (void)k; walk_list(w, v, "network.exclude_cidrs", on_cidr); }
static void on_ports(struct walk *w, yaml_node_t *k, yaml_node_t *v) { (void)k; walk_list(w, v, "network.exclude_ports", on_port); }

static void on_network(struct walk *w, yaml_node_t *k, yaml_node_t *v)
{
	static const struct key_spec keys[] = {
		{ "exclude_cidrs", on_cidrs },
		{ "exclude_ports", on_ports },
	};

	(void)k;
	if (want_mapping(w, v, "network"))
		walk_mapping(w, v, "network", keys, sizeof(keys) / sizeof(keys[0]));
}

/* ---- document ---------------------------------------------------------- */

static void walk_root(struct walk *w, yaml_node_t *root)
{
	static const struct key_spec keys[] = {
		{ "version", NULL }, /* checked first, below */
		{ "events", on_events },
		{ "exclude", on_exclude },
		{ "file", on_file },
		{ "network", on_network },
	};

	if (root->type != YAML_MAPPING_NODE) {
		diag(w, root, "a policy must be a mapping with 'version: %d', not %s", POLICY_VERSION,
		     node_kind(root));
		return;
	}
	/* The version decides how to read the rest: with a wrong one, the
	 * other keys' errors would be noise. */
	yaml_node_t *version = NULL;
	for (yaml_node_pair_t *pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top && !version; pair++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, pair->key);
		if (k && scalar_is(k, "version"))
			version = yaml_document_get_node(w->doc, pair->value);
	}
	if (!version) {
		diag(w, root, "missing required key 'version' (write 'version: %d' first)",
		     POLICY_VERSION);
		return;
	}
	size_t before = w->d->n + w->d->dropped;
	on_version(w, NULL, version);
	if (w->d->n + w->d->dropped > before)
		return;
	walk_mapping(w, root, NULL, keys, sizeof(keys) / sizeof(keys[0]));
}

int policy_parse_buffer(const char *buf, size_t len, struct policy *out, struct policy_diags *diags)
{
	struct yaml_strict_error err;
	yaml_document_t doc;
	int ret;

	diags->n = 0;
	diags->dropped = 0;
	policy_init_defaults(out);
	ret = yaml_strict_load(buf, len, &doc, &err);
	if (ret == -EINVAL)
		diag_at(diags, err.line, err.col, "%s", err.msg);
	if (ret)
		return ret;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		diag_at(diags, 1, 1, "empty policy: write at least 'version: %d'", POLICY_VERSION);
		ret = -EINVAL;
		goto cleanup;
	}
	struct walk w = { .doc = &doc, .p = out, .d = diags };
	walk_root(&w, root);
	if (diags->n || diags->dropped)
		ret = -EINVAL;
cleanup:
	yaml_document_delete(&doc);
	return ret;
}
