/* SPDX-License-Identifier: GPL-2.0 */
/* In-kernel policy, wired into the probes: one decision per event, taken
 * after the event type's enable check and before anything is reserved in
 * the ring. The maps and checks are bpf/policy_filter.bpf.h's (the lookup
 * procedure is written out in bpf/policy_maps.h).
 *
 * Each emit path calls policy__start() once: it reads the published
 * generation once and stamps it on the record's header, so an event is
 * judged by one generation and labelled with that same one. A rejected event
 * is counted by the rule class that rejected it (policy_filtered) and in the
 * type's filtered counter, and never reaches the ring. */
#ifndef RINGTAP_BPF_POLICY_H
#define RINGTAP_BPF_POLICY_H

#include "ringtap_abi.h"
#include "maps.h"
#include "record.h"
#include "policy_filter.bpf.h"

/* Filtered events per (event type, rule class): index
 * type * RT_POLICY_RULE_MAX + rule. rt_counters.filtered is their sum. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RT_EVENT_MAX * RT_POLICY_RULE_MAX);
	__type(key, __u32);
	__type(value, __u64);
} policy_filtered SEC(".maps");

/* The open path is copied into the tail of the per-CPU scratch laid out as
 * an LPM key (prefixlen, slot, bytes): the record itself must not be
 * overwritten by the key's header. */
#define POLICY_PATH_KEY_OFF (RT_SCRATCH_SIZE - sizeof(struct rt_policy_path_key) - 4)
_Static_assert(RT_SCRATCH_NEEDED <= POLICY_PATH_KEY_OFF, "scratch too small for the path key");

static __always_inline void policy__start(struct rt_policy_ctx *pc, struct rt_header *hdr)
{
	policy__begin(pc, *(volatile __u32 *)&policy_gen);
	hdr->policy_gen = pc->gen;
}

/* true when rule lets the event through; otherwise counts it. */
static __always_inline bool policy__verdict(__u32 type, __u32 rule)
{
	__u32 idx;
	__u64 *n;

	if (rule >= RT_POLICY_RULE_MAX)
		return true;
	idx = type * RT_POLICY_RULE_MAX + rule;
	n = bpf_map_lookup_elem(&policy_filtered, &idx);
	if (n)
		(*n)++;
	counters__inc(type, COUNTER_FILTERED);
	return false;
}

/* Process lifecycle (exec, exit, fork): type switch, comm, uid. */
static __always_inline bool policy__allows_process(struct rt_header *hdr)
{
	struct rt_policy_ctx pc;

	policy__start(&pc, hdr);
	return policy__verdict(hdr->type, policy__check_task(&pc, hdr->type, hdr->comm, hdr->uid));
}

/* File opens, in two steps so an excluded process costs no path read:
 * policy__open_task() once the header is filled (it reads the generation
 * into pc), then policy__open_path() with the path read: s holds the record,
 * path (path_len bytes, no NUL) inside it is the user path as passed, with
 * RT_PATH_MAX bytes of scratch after it. */
static __always_inline bool policy__open_task(struct rt_policy_ctx *pc, struct rt_header *hdr)
{
	policy__start(pc, hdr);
	return policy__verdict(RT_EVENT_OPEN, policy__check_task(pc, RT_EVENT_OPEN, hdr->comm, hdr->uid));
}

static __always_inline bool policy__open_path(const struct rt_policy_ctx *pc, struct rt_scratch *s,
					      const char *path, __u32 path_len)
{
	struct rt_policy_path_key *key = (void *)(s->buf + POLICY_PATH_KEY_OFF);

	if (pc->cfg && (pc->cfg->flags & RT_POLICY_HAS_PATHS))
		bpf_probe_read_kernel(key->path, sizeof(key->path), path);
	return policy__verdict(RT_EVENT_OPEN, policy__check_path(pc, key, (const __u8 *)path, path_len));
}

/* Network (connect, accept): remote is the far end (connect: dst, accept:
 * peer); service_port the port the service listens on (connect: dst port,
 * accept: local port). */
static __always_inline bool policy__allows_net(struct rt_header *hdr,
					       const struct rt_sockaddr *remote,
					       __u16 service_port)
{
	struct rt_policy_ctx pc;
	__u8 addr[16];
	__u32 rule;

	policy__start(&pc, hdr);
	rule = policy__check_task(&pc, hdr->type, hdr->comm, hdr->uid);
	if (rule == RT_POLICY_KEEP) {
		__builtin_memcpy(addr, remote->addr, sizeof(addr));
		rule = policy__check_net(&pc, remote->family, addr, service_port);
	}
	return policy__verdict(hdr->type, rule);
}

#endif
