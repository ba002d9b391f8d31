/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel side of the policy: the filter maps and the per-event checks, in
 * the order and with the keys bpf/policy_maps.h specifies. Include once,
 * from the probes' .bpf.c, after vmlinux.h and <bpf/bpf_helpers.h>.
 * tests/bpf/test_policy_filter.c runs these very functions (through a
 * SEC("syscall") program) against the userspace matcher.
 *
 * Use, before bpf_ringbuf_reserve:
 *
 *   struct rt_policy_ctx pc;
 *   policy__begin(&pc, READ_ONCE(policy_gen));           // once per event
 *   __u32 rule = policy__check_task(&pc, RT_EVENT_OPEN, comm, uid);
 *   if (rule == RT_POLICY_KEEP)
 *           rule = policy__check_path(&pc, (struct rt_policy_path_key *)scratch, path, path_len);
 *   if (rule != RT_POLICY_KEEP) { count filtered[type][rule]; return 0; }
 *   ... reserve, fill, hdr->policy_gen = pc.gen, submit
 */
#ifndef RINGTAP_POLICY_FILTER_BPF_H
#define RINGTAP_POLICY_FILTER_BPF_H

#include "policy_maps.h"
#include "path_evasive.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct rt_policy_config);
} rt_policy_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * RT_POLICY_MAX_COMMS);
	__type(key, struct rt_policy_comm_key);
	__type(value, __u8);
} rt_policy_comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * RT_POLICY_MAX_UIDS);
	__type(key, struct rt_policy_uid_key);
	__type(value, __u8);
} rt_policy_uids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 2 * RT_POLICY_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rt_policy_path_key);
	__type(value, struct rt_policy_path_val);
} rt_policy_paths SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 2 * RT_POLICY_MAX_CIDRS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rt_policy_cidr4_key);
	__type(value, __u8);
} rt_policy_cidr4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 2 * RT_POLICY_MAX_CIDRS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rt_policy_cidr6_key);
	__type(value, __u8);
} rt_policy_cidr6 SEC(".maps");

struct rt_policy_ctx {
	__u32 gen;
	__u32 slot;
	const struct rt_policy_config *cfg; /* NULL: pass everything */
};

/* gen: the live generation, read ONCE per event by the caller from the
 * global userspace publishes (policy_gen in bpf/maps.h); every lookup for
 * this event uses its slot, and the record must be stamped with pc->gen,
 * not with a second read of the global. 0 = no policy: pass everything. */
static __always_inline void policy__begin(struct rt_policy_ctx *pc, __u32 gen)
{
	pc->gen = gen;
	pc->slot = pc->gen & 1;
	pc->cfg = pc->gen ? bpf_map_lookup_elem(&rt_policy_config, &pc->slot) : NULL;
}

/* Rules 1-3: event type switch, comm (16 bytes as bpf_get_current_comm
 * wrote them, NUL-padded), uid. */
static __always_inline __u32 policy__check_task(const struct rt_policy_ctx *pc, __u32 type,
						const char *comm, __u32 uid)
{
	const struct rt_policy_config *cfg = pc->cfg;

	if (!cfg)
		return RT_POLICY_KEEP;
	if (type >= 32 || !(cfg->event_mask & (1u << type)))
		return RT_POLICY_RULE_EVENT;
	if (cfg->flags & RT_POLICY_HAS_COMMS) {
		struct rt_policy_comm_key k = { .slot = pc->slot };
		__builtin_memcpy(k.comm, comm, RT_COMM_LEN);
		if (bpf_map_lookup_elem(&rt_policy_comms, &k))
			return RT_POLICY_RULE_COMM;
	}
	if (cfg->flags & RT_POLICY_HAS_UIDS) {
		struct rt_policy_uid_key k = { .slot = pc->slot, .uid = uid };
		if (bpf_map_lookup_elem(&rt_policy_uids, &k))
			return RT_POLICY_RULE_UID;
	}
	return RT_POLICY_KEEP;
}

/* The path scanner's state, per CPU. In map memory, not on the stack: the
 * verifier tracks nothing there, so the bpf_loop body is checked once
 * instead of once per distinct scanner state. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_path_scan);
} rt_path_scan_state SEC(".maps");

struct policy_path_scan {
	const __u8 *path; /* RT_PATH_MAX readable bytes from here */
	struct rt_path_scan *st;
};

static long policy__path_scan_byte(__u64 i, void *arg)
{
	struct policy_path_scan *x = arg;

	rt_path_scan_step(x->st, x->path[i & (RT_PATH_MAX - 1)]);
	return x->st->evasive ? 1 : 0; /* 1 stops the loop: the answer is known */
}

/* bpf/path_evasive.h over path[0..len): one bpf_loop step per byte (the
 * callback is verified once, whatever the length). An unusable scanner
 * answers "evasive": the path is then kept, never hidden. */
static __always_inline bool policy__path_evasive(const __u8 *path, __u32 len)
{
	__u32 zero = 0;
	struct policy_path_scan x = { .path = path };

	x.st = bpf_map_lookup_elem(&rt_path_scan_state, &zero);
	if (!x.st)
		return true;
	__builtin_memset(x.st, 0, sizeof(*x.st));
	if (len > RT_PATH_MAX)
		len = RT_PATH_MAX;
	bpf_loop(len, policy__path_scan_byte, &x, 0);
	if (!x.st->evasive)
		rt_path_scan_end(x.st);
	return x.st->evasive;
}

/* Rules 4-5, open only. key: the caller's path buffer laid out as struct
 * rt_policy_path_key (prefixlen, slot, then the path bytes, which may run
 * on past RT_POLICY_PREFIX_MAX: the trie reads only its key size). This
 * sets prefixlen and slot. path: the whole path (path_len bytes without
 * the NUL; RT_PATH_MAX bytes readable from it), scanned only when a path
 * rule would filter it: a path spelled to dodge prefixes (bpf/path_evasive.h)
 * is never filtered by them. */
static __always_inline __u32 policy__check_path(const struct rt_policy_ctx *pc,
						struct rt_policy_path_key *key, const __u8 *path,
						__u32 path_len)
{
	const struct rt_policy_config *cfg = pc->cfg;
	__u32 flags = 0, rule = RT_POLICY_KEEP;

	if (!cfg)
		return RT_POLICY_KEEP;
	if (cfg->flags & RT_POLICY_HAS_PATHS) {
		__u32 n = path_len > RT_POLICY_PREFIX_MAX ? RT_POLICY_PREFIX_MAX : path_len;

		key->prefixlen = 8 + 8 * n;
		key->slot = (__u8)pc->slot;
		struct rt_policy_path_val *v = bpf_map_lookup_elem(&rt_policy_paths, key);
		if (v)
			flags = v->flags;
	}
	if (flags & RT_POLICY_PATH_EXCLUDE)
		rule = RT_POLICY_RULE_PATH_EXCLUDE;
	else if ((cfg->flags & RT_POLICY_HAS_INCLUDE) && !(flags & RT_POLICY_PATH_INCLUDE))
		rule = RT_POLICY_RULE_PATH_INCLUDE;
	if (rule != RT_POLICY_KEEP && policy__path_evasive(path, path_len))
		return RT_POLICY_KEEP;
	return rule;
}

/* Rules 6-7, connect and accept. addr: the remote address as in struct
 * rt_sockaddr (IPv4 in the first 4 bytes); port: the service port, host
 * order (connect: dst port, accept: local port). */
static __always_inline __u32 policy__check_net(const struct rt_policy_ctx *pc, __u16 family,
					       const __u8 *addr, __u16 port)
{
	const struct rt_policy_config *cfg = pc->cfg;

	if (!cfg)
		return RT_POLICY_KEEP;
	int mapped = family == AF_INET6 && !addr[0] && !addr[1] && !addr[2] && !addr[3] &&
		     !addr[4] && !addr[5] && !addr[6] && !addr[7] && !addr[8] && !addr[9] &&
		     addr[10] == 0xff && addr[11] == 0xff;
	if (family == AF_INET || mapped) {
		if (cfg->flags & RT_POLICY_HAS_CIDR4) {
			struct rt_policy_cidr4_key k = { .prefixlen = 8 + 32, .slot = (__u8)pc->slot };
			if (mapped)
				__builtin_memcpy(k.addr, addr + 12, 4);
			else
				__builtin_memcpy(k.addr, addr, 4);
			if (bpf_map_lookup_elem(&rt_policy_cidr4, &k))
				return RT_POLICY_RULE_CIDR;
		}
	} else if (family == AF_INET6 && (cfg->flags & RT_POLICY_HAS_CIDR6)) {
		struct rt_policy_cidr6_key k = { .prefixlen = 8 + 128, .slot = (__u8)pc->slot };
		__builtin_memcpy(k.addr, addr, 16);
		if (bpf_map_lookup_elem(&rt_policy_cidr6, &k))
			return RT_POLICY_RULE_CIDR;
	}
	if ((cfg->flags & RT_POLICY_HAS_PORTS) && port &&
	    (cfg->exclude_ports[port >> 3] & (1u << (port & 7))))
		return RT_POLICY_RULE_PORT;
	return RT_POLICY_KEEP;
}

#endif /* RINGTAP_POLICY_FILTER_BPF_H */
