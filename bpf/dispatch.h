/* SPDX-License-Identifier: GPL-2.0 */
/* The sys_exit dispatcher's maps: how a syscall that passed the bitmap test
 * finds its handler in one step.
 *
 * rt_sys_exit tests the syscall bitmap (the only cost of a syscall nobody
 * asked for), writes the syscall's number, result and normalised arguments
 * into the per-CPU sc_call slot, then tail-calls the handler program at
 * index nr of sys_exit_native (or sys_exit_compat for a 32-bit caller):
 * one indirect jump, however many syscalls are watched. Each handler is
 * verified on its own, so a new syscall adds its handler's verification
 * cost once, not once per path through a growing if-chain (Falco's
 * modern_bpf does the same with its syscall_exit_tail_table).
 *
 * Userspace fills both tables and sc_kind from src/source/source_bpf_syscalls.c
 * after loading; a slot left empty makes the tail call fall through (the
 * number was in the bitmap for the other table). The slot is safe to share
 * between the dispatcher and its handler: a tail call never returns, and a
 * program does not re-enter itself on one CPU (prog->active). */
#ifndef RINGTAP_BPF_DISPATCH_H
#define RINGTAP_BPF_DISPATCH_H

#include "maps.h"

#define RT_SYSCALL_NR_MAX (RT_SYSCALL_BITMAP_WORDS * 64)

/* A syscall's six arguments, whatever table it came from (32-bit values
 * zero-extended, pointers usable as they are). */
struct sc_args {
	__u64 a[6];
};

struct sc_call {
	struct sc_args args;
	__s64 ret;
	__u32 nr;
	__u32 kind;	/* the handler's sub-kind for this number (RT_*_SYSCALL) */
	__u32 ptr_size; /* 8 native, 4 for a 32-bit caller */
	__u32 compat;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sc_call);
} sc_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, RT_SYSCALL_NR_MAX);
	__type(key, __u32);
	__type(value, __u32);
} sys_exit_native SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, RT_SYSCALL_NR_MAX);
	__type(key, __u32);
	__type(value, __u32);
} sys_exit_compat SEC(".maps");

/* The sub-kind of each syscall number for its handler ([0] native, [1]
 * compat), e.g. RT_OPEN_OPENAT2 for openat2; set by userspace. */
__u8 sc_kind[2][RT_SYSCALL_NR_MAX] = {};

static __always_inline struct sc_call *sc_call__get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sc_calls, &zero);
}

/* A handler program: a tp_btf/sys_exit program that userspace does not
 * attach but puts in the tail-call tables. */
#define SC_HANDLER(name) SEC("tp_btf/sys_exit") int name(__u64 *ctx)

#endif
