/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Test harness for bpf/policy_filter.bpf.h: a raw_tp program (not
 * sleepable, like the probes; syscall programs may not use LPM tries) run
 * with BPF_PROG_TEST_RUN. The test_input map carries one event's fields;
 * the program copies the path into a per-CPU buffer as a probe would, runs
 * the checks and writes the verdict back into test_input. Built at test
 * time by tests/bpf/test_policy_filter.c. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "ringtap_abi.h"
#include "policy_filter.bpf.h"

struct policy_test_ctx {
	__u32 gen;
	__u32 type;
	__u32 uid;
	__u16 family;
	__u16 port;
	char comm[RT_COMM_LEN];
	__u8 addr[16];
	__u32 path_len;
	__u32 result;
	__u8 path[RT_PATH_MAX];
};

/* A probe's per-CPU path buffer, laid out as the trie key. */
struct path_scratch {
	__u32 prefixlen;
	__u8 slot;
	__u8 path[RT_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct policy_test_ctx);
} test_input SEC(".maps");

SEC("raw_tp")
int policy_filter_test(void *unused)
{
	struct rt_policy_ctx pc;
	__u32 zero = 0;
	char comm[RT_COMM_LEN];
	__u8 addr[16];
	struct policy_test_ctx *ctx = bpf_map_lookup_elem(&test_input, &zero);

	if (!ctx)
		return 1;

	policy__begin(&pc, ctx->gen); /* a probe reads its published global once */
	__builtin_memcpy(comm, ctx->comm, RT_COMM_LEN);
	__u32 rule = policy__check_task(&pc, ctx->type, comm, ctx->uid);
	if (rule == RT_POLICY_KEEP && ctx->type == RT_EVENT_OPEN) {
		struct path_scratch *s = bpf_map_lookup_elem(&scratch, &zero);
		if (!s)
			return 1;
		bpf_probe_read_kernel(s->path, sizeof(s->path), ctx->path);
		rule = policy__check_path(&pc, (struct rt_policy_path_key *)s, s->path, ctx->path_len);
	}
	if (rule == RT_POLICY_KEEP && (ctx->type == RT_EVENT_CONNECT || ctx->type == RT_EVENT_ACCEPT)) {
		__builtin_memcpy(addr, ctx->addr, 16);
		rule = policy__check_net(&pc, ctx->family, addr, ctx->port);
	}
	ctx->result = rule;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
