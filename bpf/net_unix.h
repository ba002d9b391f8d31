/* SPDX-License-Identifier: GPL-2.0 */
/* Unix-domain sockets: connect(2) and bind(2) with the socket path, so that
 * access to /var/run/docker.sock or containerd.sock is visible. Taken at the
 * syscall's exit: the cgroup connect_unix hook exists only since 6.7 and
 * there is no bind_unix hook at all, while a successful call leaves the
 * path in kernel memory (unix_sock.addr: ours after bind, the peer's after
 * connect), which a racing thread cannot rewrite. A failed call (ENOENT,
 * ECONNREFUSED, EACCES: probes for a socket) left nothing in the kernel:
 * its path comes from the caller's memory and says so (path_source USER).
 * Included by sock_hooks.bpf.h (rt_sc_connect calls net_unix__connect). */
#ifndef RINGTAP_BPF_NET_UNIX_H
#define RINGTAP_BPF_NET_UNIX_H

#include "ringtap_abi.h"
#include "dispatch.h"
#include "policy.h"
#include "socket.h"

#define RT_SUN_PATH_OFF 2 /* offsetof(struct sockaddr_un, sun_path) */

struct unix_record {
	struct rt_header hdr;
	struct rt_unix_body body;
};

/* len bytes of an address's sun_path (len counted from sun_path) into b. */
static __always_inline void net_unix__copy(struct rt_unix_body *b, const void *src, long len, bool user)
{
	__u32 n;

	if (len <= 0)
		return;
	if (len > RT_UNIX_PATH_MAX)
		len = RT_UNIX_PATH_MAX;
	n = len & (sizeof(b->path) - 1);
	if (!n)
		return;
	if (user ? bpf_probe_read_user(b->path, n, src) : bpf_probe_read_kernel(b->path, n, src))
		return;
	b->path_len = n;
}

/* The address sk is bound to (unix_sock.addr), from kernel memory. */
static __always_inline void net_unix__kernel_path(struct sock *sk, struct rt_unix_body *b)
{
	struct unix_address *a = BPF_CORE_READ((struct unix_sock *)sk, addr);
	int len;

	if (!a)
		return;
	len = BPF_CORE_READ(a, len);
	net_unix__copy(b, (const char *)a + bpf_core_field_offset(struct unix_address, name) + RT_SUN_PATH_OFF,
		       len - RT_SUN_PATH_OFF, false);
	b->path_source = RT_UNIX_PATH_KERNEL;
}

static __always_inline void net_unix__emit(struct sock *sk, const struct sc_call *c, __u32 op)
{
	struct unix_record rec = {};
	struct sock *peer;
	void *slot;

	if (!event__enabled(RT_EVENT_UNIX))
		return;
	rec.body.ret = c->ret;
	rec.body.fd = (__s32)c->args.a[0];
	rec.body.op = op;
	rec.body.type = BPF_CORE_READ(sk, sk_type);
	if (c->ret >= 0) {
		if (op == RT_UNIX_CONNECT) {
			peer = BPF_CORE_READ((struct unix_sock *)sk, peer);
			if (peer)
				net_unix__kernel_path(peer, &rec.body);
			rec.body.peer_pid = BPF_CORE_READ(sk, sk_peer_pid, numbers[0].nr);
		} else {
			net_unix__kernel_path(sk, &rec.body);
		}
	}
	if (!rec.body.path_len) {
		rec.body.path_source = RT_UNIX_PATH_USER;
		net_unix__copy(&rec.body, (const char *)c->args.a[1] + RT_SUN_PATH_OFF,
			       (long)(__u32)c->args.a[2] - RT_SUN_PATH_OFF, true);
	}
	record__fill_header(&rec.hdr, RT_EVENT_UNIX, sizeof(rec));
	if (!policy__allows_process(&rec.hdr))
		return;
	slot = record__reserve(RT_EVENT_UNIX, sizeof(rec));
	if (!slot)
		return;
	__builtin_memcpy(slot, &rec, sizeof(rec));
	record__submit(slot, RT_EVENT_UNIX, 0);
}

static __always_inline void net_unix__bind(struct sock *sk, const struct sc_call *c)
{
	net_unix__emit(sk, c, RT_UNIX_BIND);
}

/* Called for every connect(2) exit: only AF_UNIX sockets go further. */
static __always_inline void net_unix__connect(const struct sc_call *c)
{
	struct sock *sk;

	if (!event__enabled(RT_EVENT_UNIX))
		return;
	sk = sock__from_fd((__s32)c->args.a[0]);
	if (!sk || sock__family(sk) != RT_AF_UNIX_VAL)
		return;
	net_unix__emit(sk, c, RT_UNIX_CONNECT);
}

#endif
