/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ringtap policy filter maps: the layout both the kernel probes and the
 * userspace policy compiler (src/policy/) use. Fixed-width types only.
 *
 * Two copies of the policy live side by side, in "slots" 0 and 1; a slot is
 * the parity of the policy generation (slot = gen & 1). Every key carries its
 * slot. Userspace writes a new policy into the slot that is not in use, then
 * publishes the new generation with one aligned 32-bit store; a probe reads
 * the generation once, and does all its lookups in that generation's slot,
 * so no event is ever judged by a half-written policy. See docs/policy.md.
 *
 * Maps (names as the BPF side should declare them; userspace finds them by
 * these names):
 *
 *   rt_policy_config  ARRAY     key __u32 slot       value struct rt_policy_config
 *                               max_entries 2
 *   rt_policy_comms   HASH      key struct rt_policy_comm_key   value __u8 (1)
 *                               max_entries 2 * RT_POLICY_MAX_COMMS
 *   rt_policy_uids    HASH      key struct rt_policy_uid_key    value __u8 (1)
 *                               max_entries 2 * RT_POLICY_MAX_UIDS
 *   rt_policy_paths   LPM_TRIE  key struct rt_policy_path_key   value struct rt_policy_path_val
 *                               max_entries 2 * RT_POLICY_MAX_PREFIXES, BPF_F_NO_PREALLOC
 *   rt_policy_cidr4   LPM_TRIE  key struct rt_policy_cidr4_key  value __u8 (1)
 *                               max_entries 2 * RT_POLICY_MAX_CIDRS, BPF_F_NO_PREALLOC
 *   rt_policy_cidr6   LPM_TRIE  key struct rt_policy_cidr6_key  value __u8 (1)
 *                               max_entries 2 * RT_POLICY_MAX_CIDRS, BPF_F_NO_PREALLOC
 *
 * How a probe decides, in this order; the first rule class that rejects the
 * event is the one charged in the per-type filtered counter
 * (RT_POLICY_RULE_*). Skip a lookup when its RT_POLICY_HAS_* flag is clear.
 *
 *   gen  = READ_ONCE(policy_gen)      the published generation (.bss), read
 *                                     once; the record is stamped with it.
 *                                     0 = no policy loaded: pass everything.
 *   slot = gen & 1; cfg = rt_policy_config[slot]
 *   1 EVENT   !(cfg->event_mask & (1u << type))                    -> filter
 *   2 COMM    rt_policy_comms{slot, header comm (16 bytes, NUL-padded
 *             as bpf_get_current_comm writes it)} exists            -> filter
 *   3 UID     rt_policy_uids{slot, header uid} exists               -> filter
 *   open only (the path bytes as passed to the syscall, not resolved;
 *   n = path length without the NUL, capped at RT_POLICY_PREFIX_MAX):
 *      v = rt_policy_paths{prefixlen = 8 + 8 * n, slot, path[0..n)}
 *   4 PATH_EXCLUDE  v && (v->flags & RT_POLICY_PATH_EXCLUDE)         -> filter
 *   5 PATH_INCLUDE  (cfg->flags & RT_POLICY_HAS_INCLUDE) &&
 *                   !(v && (v->flags & RT_POLICY_PATH_INCLUDE))      -> filter
 *   connect and accept only: the remote address (connect: dst, accept:
 *   peer) and the service port (connect: dst port, accept: local port):
 *   6 CIDR    AF_INET, or AF_INET6 holding an IPv4-mapped ::ffff:a.b.c.d:
 *                 rt_policy_cidr4{prefixlen = 8 + 32, slot, a.b.c.d} exists
 *             AF_INET6 otherwise:
 *                 rt_policy_cidr6{prefixlen = 8 + 128, slot, addr} exists -> filter
 *   7 PORT    port != 0 && (cfg->exclude_ports[port >> 3] & (1 << (port & 7))) -> filter
 *
 * Paths: the trie holds the union of include and exclude prefixes; the value
 * of each entry says whether that entry or any shorter entry that is a prefix
 * of it came from the include or exclude list. The longest match therefore
 * answers "is the path under any include prefix / any exclude prefix" in one
 * lookup. Matching is on raw bytes ("/proc" also matches "/processes"; write
 * "/proc/"). Prefixes are at most RT_POLICY_PREFIX_MAX bytes, far less than
 * RT_PATH_MAX, so a path cut at RT_PATH_MAX matches exactly as the full path
 * would. Tip: if the probe keeps its per-CPU path scratch buffer laid out as
 * struct rt_policy_path_key (prefixlen, slot, then the path bytes), that
 * buffer is itself the lookup key: no copy.
 *
 * The leading slot byte is part of every LPM key's data, so prefixlen always
 * counts 8 bits for it plus the prefix's own bits.
 */
#ifndef RINGTAP_POLICY_MAPS_H
#define RINGTAP_POLICY_MAPS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include "ringtap_abi.h"

/* Per-slot bounds: each map holds twice this (two slots). */
#define RT_POLICY_MAX_COMMS    256
#define RT_POLICY_MAX_UIDS     256
#define RT_POLICY_MAX_PREFIXES 256 /* include + exclude together */
#define RT_POLICY_MAX_CIDRS    256 /* per family */
#define RT_POLICY_PREFIX_MAX   255 /* bytes in one path prefix */
#define RT_POLICY_PORT_BITMAP  (65536 / 8)

/* Rule classes, in evaluation order: index of the filtered counters. */
#define RT_POLICY_RULE_EVENT        0
#define RT_POLICY_RULE_COMM         1
#define RT_POLICY_RULE_UID          2
#define RT_POLICY_RULE_PATH_EXCLUDE 3
#define RT_POLICY_RULE_PATH_INCLUDE 4
#define RT_POLICY_RULE_CIDR         5
#define RT_POLICY_RULE_PORT         6
#define RT_POLICY_RULE_MAX          7
#define RT_POLICY_KEEP RT_POLICY_RULE_MAX /* a check's result: no rule filters */

/* rt_policy_config.flags: which lookups can match at all. */
#define RT_POLICY_HAS_COMMS   (1u << 0)
#define RT_POLICY_HAS_UIDS    (1u << 1)
#define RT_POLICY_HAS_PATHS   (1u << 2) /* rt_policy_paths has entries */
#define RT_POLICY_HAS_INCLUDE (1u << 3) /* include_prefixes is not empty */
#define RT_POLICY_HAS_CIDR4   (1u << 4)
#define RT_POLICY_HAS_CIDR6   (1u << 5)
#define RT_POLICY_HAS_PORTS   (1u << 6)

struct rt_policy_config {
	__u32 generation;  /* the generation this slot was written for */
	__u32 event_mask;  /* bit (1u << RT_EVENT_*) set = type enabled */
	__u32 flags;       /* RT_POLICY_HAS_* */
	__u32 _pad;
	__u8 exclude_ports[RT_POLICY_PORT_BITMAP]; /* bit per port, host order */
};

struct rt_policy_comm_key {
	__u32 slot;
	char comm[RT_COMM_LEN]; /* NUL-padded to 16 bytes */
};

struct rt_policy_uid_key {
	__u32 slot;
	__u32 uid;
};

/* rt_policy_path_val.flags */
#define RT_POLICY_PATH_INCLUDE (1u << 0)
#define RT_POLICY_PATH_EXCLUDE (1u << 1)

struct rt_policy_path_key {
	__u32 prefixlen; /* bits: 8 (slot) + 8 * bytes */
	__u8 slot;
	__u8 path[RT_POLICY_PREFIX_MAX];
};

struct rt_policy_path_val {
	__u32 flags; /* RT_POLICY_PATH_* */
};

struct rt_policy_cidr4_key {
	__u32 prefixlen; /* bits: 8 (slot) + 0..32 */
	__u8 slot;
	__u8 addr[4];    /* network order */
	__u8 _pad[3];    /* never inside a prefix; zero */
};

struct rt_policy_cidr6_key {
	__u32 prefixlen; /* bits: 8 (slot) + 0..128 */
	__u8 slot;
	__u8 addr[16];   /* network order */
	__u8 _pad[3];
};

#endif /* RINGTAP_POLICY_MAPS_H */
