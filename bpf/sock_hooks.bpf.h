/* SPDX-License-Identifier: GPL-2.0 */
/* Socket hooks on the cgroup v2 root: what the kernel itself was asked to
 * do, read from its own copy of the caller's arguments.
 *
 * connect4/connect6 run inside connect(2), in the caller's context, after
 * the kernel copied the sockaddr out of user memory (move_addr_to_kernel)
 * and before the protocol uses it. They stash that destination and the
 * socket's cookie per thread; the sys_exit connect emitter (ringtap.bpf.c)
 * takes them from here, so a thread that rewrites the caller's buffer or
 * dup2()s another socket over the fd while connect blocks changes nothing
 * the record says. Hooks never change a verdict: they always return 1.
 *
 * Userspace attaches them to the cgroup v2 root with bpf_link (they go away
 * with the process). Loading and attaching them needs CAP_NET_ADMIN (or
 * CAP_SYS_ADMIN). Include from ringtap.bpf.c after maps.h and record.h. */
#ifndef RINGTAP_BPF_SOCK_HOOKS_H
#define RINGTAP_BPF_SOCK_HOOKS_H

#include "ringtap_abi.h"
#include "maps.h"
#include "record.h"
#include "syscall_regs.h"
#include "net_owner.h"
#include "net_unix.h"

#define RT_SOCK_ALLOW 1
#define RT_SYS_SOCKETCALL_CONNECT 3 /* socketcall(2) call number, linux/net.h */

/* What connect(2) asked the kernel for, seen from inside the call. */
struct rt_connect_stash {
	struct rt_sockaddr dst; /* the kernel's copy of the destination */
	__u64 cookie;		/* the socket's cookie (sk->sk_cookie) */
	__u32 protocol;		/* IPPROTO_* of that socket */
	__u32 _pad;
};

/* Keyed by pid_tgid: one connect in flight per thread. LRU: an entry whose
 * sys_exit never came (the task was not traced at exit) ages out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct rt_connect_stash);
} connect_stash SEC(".maps");

/* Is the current task inside connect(2) (native, i386 connect, or i386
 * socketcall(SYS_CONNECT))? Kernel-internal connects (io_uring issuing
 * IORING_OP_CONNECT inline, in-kernel clients) must not leave a stash that
 * the thread's next connect syscall would pick up. */
static __always_inline bool sock_hooks__in_connect_syscall(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	long id = SYSCALL_NR(regs);

	if (!SYSCALL_IS_COMPAT(task))
		return id == nr_connect;
#if defined(__TARGET_ARCH_x86)
	if (id == nr32_connect)
		return true;
	return id == nr32_socketcall && (__u32)regs->bx == RT_SYS_SOCKETCALL_CONNECT;
#else
	return false;
#endif
}

static __always_inline void sock_hooks__stash_connect(struct bpf_sock_addr *ctx, __u16 family)
{
	struct rt_connect_stash st = {};
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (ctx->sk)
		sock_owner__claim(ctx->sk);
	if (!event__enabled(RT_EVENT_CONNECT) || !task__traced(pid_tgid >> 32))
		return;
	if (!sock_hooks__in_connect_syscall())
		return;
	st.dst.family = family;
	st.dst.port = bpf_ntohs((__u16)ctx->user_port);
	if (family == RT_AF_INET) {
		__u32 ip4 = ctx->user_ip4;

		__builtin_memcpy(st.dst.addr, &ip4, 4);
	} else {
		__u32 ip6[4];

		ip6[0] = ctx->user_ip6[0];
		ip6[1] = ctx->user_ip6[1];
		ip6[2] = ctx->user_ip6[2];
		ip6[3] = ctx->user_ip6[3];
		__builtin_memcpy(st.dst.addr, ip6, 16);
	}
	st.protocol = ctx->protocol;
	st.cookie = bpf_get_socket_cookie(ctx); /* also makes sk->sk_cookie exist */
	bpf_map_update_elem(&connect_stash, &pid_tgid, &st, BPF_ANY);
}

SEC("cgroup/connect4")
int rt_connect4(struct bpf_sock_addr *ctx)
{
	sock_hooks__stash_connect(ctx, RT_AF_INET);
	return RT_SOCK_ALLOW;
}

SEC("cgroup/connect6")
int rt_connect6(struct bpf_sock_addr *ctx)
{
	sock_hooks__stash_connect(ctx, RT_AF_INET6);
	return RT_SOCK_ALLOW;
}

/* The stash of the current thread's connect, removed; false when the hook
 * did not run for it (the call failed before the protocol looked at the
 * address, or the hooks are not attached). */
static __always_inline bool sock_hooks__take_connect(struct rt_connect_stash *out)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct rt_connect_stash *st = bpf_map_lookup_elem(&connect_stash, &pid_tgid);

	if (!st)
		return false;
	__builtin_memcpy(out, st, sizeof(*out));
	bpf_map_delete_elem(&connect_stash, &pid_tgid);
	return true;
}

#endif
