// SPDX-License-Identifier: GPL-2.0
/* The floor of the hook-tax benchmark: empty programs on the same two
 * hooks ringtap uses, so (ringtap - none) / (floor - none) isolates what
 * ringtap's probes add beyond merely being attached. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter, struct pt_regs *regs, long id)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit, struct pt_regs *regs, long ret)
{
	return 0;
}
