/* Policy -> map entries. The one non-obvious step is the path trie: include
 * and exclude prefixes share one LPM trie, and each entry's flags say which
 * lists cover it (itself or any shorter prefix of it), so the kernel's
 * single longest-prefix lookup answers both questions. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "policy/policy_compile.h"

static int prefix_covers(const struct policy_prefix *p, const struct policy_prefix *of)
{
	return p->len <= of->len && !memcmp(p->bytes, of->bytes, p->len);
}

static uint32_t path_flags(const struct policy *p, const struct policy_prefix *e)
{
	uint32_t flags = 0;

	for (size_t i = 0; i < p->n_include; i++)
		if (prefix_covers(&p->include_prefixes[i], e))
			flags |= RT_POLICY_PATH_INCLUDE;
	for (size_t i = 0; i < p->n_exclude; i++)
		if (prefix_covers(&p->exclude_prefixes[i], e))
			flags |= RT_POLICY_PATH_EXCLUDE;
	return flags;
}

static int add_path(const struct policy *p, const struct policy_prefix *e, struct policy_compiled *out)
{
	for (size_t i = 0; i < out->n_paths; i++) {
		const struct rt_policy_path_key *k = &out->paths[i].key;
		if (k->prefixlen == 8u + 8u * e->len && !memcmp(k->path, e->bytes, e->len))
			return 0;
	}
	if (out->n_paths == RT_POLICY_MAX_PREFIXES)
		return -E2BIG;
	struct policy_path_entry *pe = &out->paths[out->n_paths++];
	memset(pe, 0, sizeof(*pe));
	pe->key.prefixlen = 8u + 8u * e->len;
	pe->key.slot = out->slot;
	memcpy(pe->key.path, e->bytes, e->len);
	pe->val.flags = path_flags(p, e);
	return 0;
}

int policy_compile(const struct policy *p, uint32_t generation, struct policy_compiled *out)
{
	int ret;

	if (generation == 0)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->generation = generation;
	out->slot = policy_slot(generation);

	struct rt_policy_config *cfg = &out->config;
	cfg->generation = generation;
	cfg->event_mask = p->event_mask;
	memcpy(cfg->exclude_ports, p->exclude_ports, sizeof(cfg->exclude_ports));

	if (p->n_comms > RT_POLICY_MAX_COMMS || p->n_uids > RT_POLICY_MAX_UIDS)
		return -E2BIG;
	for (size_t i = 0; i < p->n_comms; i++) {
		out->comms[i].slot = out->slot;
		memcpy(out->comms[i].comm, p->comms[i], RT_COMM_LEN);
	}
	out->n_comms = p->n_comms;
	for (size_t i = 0; i < p->n_uids; i++) {
		out->uids[i].slot = out->slot;
		out->uids[i].uid = p->uids[i];
	}
	out->n_uids = p->n_uids;

	for (size_t i = 0; i < p->n_include; i++)
		if ((ret = add_path(p, &p->include_prefixes[i], out)) < 0)
			return ret;
	for (size_t i = 0; i < p->n_exclude; i++)
		if ((ret = add_path(p, &p->exclude_prefixes[i], out)) < 0)
			return ret;

	for (size_t i = 0; i < p->n_cidrs; i++) {
		const struct policy_cidr *c = &p->cidrs[i];
		if (c->family == AF_INET) {
			if (out->n_cidr4 == RT_POLICY_MAX_CIDRS)
				return -E2BIG;
			struct rt_policy_cidr4_key *k = &out->cidr4[out->n_cidr4++];
			k->prefixlen = 8u + c->prefixlen;
			k->slot = out->slot;
			memcpy(k->addr, c->addr, 4);
		} else {
			if (out->n_cidr6 == RT_POLICY_MAX_CIDRS)
				return -E2BIG;
			struct rt_policy_cidr6_key *k = &out->cidr6[out->n_cidr6++];
			k->prefixlen = 8u + c->prefixlen;
			k->slot = out->slot;
			memcpy(k->addr, c->addr, 16);
		}
	}

	cfg->flags = (out->n_comms ? RT_POLICY_HAS_COMMS : 0) |
		     (out->n_uids ? RT_POLICY_HAS_UIDS : 0) |
		     (out->n_paths ? RT_POLICY_HAS_PATHS : 0) |
		     (p->n_include ? RT_POLICY_HAS_INCLUDE : 0) |
		     (out->n_cidr4 ? RT_POLICY_HAS_CIDR4 : 0) |
		     (out->n_cidr6 ? RT_POLICY_HAS_CIDR6 : 0) |
		     (p->n_ports ? RT_POLICY_HAS_PORTS : 0);
	return 0;
}
