/* SPDX-License-Identifier: GPL-2.0 */
/* bind, listen and raw/packet socket creation, at the syscall's exit (the
 * rt_sc_net handler of the sys_exit dispatcher, one program for the three
 * calls: sc_call.kind says which).
 *
 * bind: the cgroup bind4/bind6 hooks run inside bind(2) with the kernel's
 * copy of the address; they claim the socket (net_owner.h: accepted sockets
 * inherit the listener's owner) and stash that address with the socket's
 * cookie per thread. At exit a successful bind reports the kernel socket's
 * local end (the port the kernel chose for port 0); a failed one the
 * stashed address, only when the stash names the fd's socket (a stale entry
 * from an io_uring bind, or another socket dup2()ed over the fd, is not
 * believed). AF_UNIX binds go to net_unix.h.
 *
 * listen: the socket's local end and the kernel's clamped backlog.
 * socket: AF_PACKET and SOCK_RAW of AF_INET/AF_INET6 only, decided before
 * anything is read: every other socket() costs one comparison. Include
 * from ringtap.bpf.c after net_unix.h (via sock_hooks.bpf.h) and policy.h. */
#ifndef RINGTAP_BPF_NET_SOCK_H
#define RINGTAP_BPF_NET_SOCK_H

#include "ringtap_abi.h"
#include "dispatch.h"
#include "net_owner.h"
#include "net_unix.h"
#include "policy.h"
#include "socket.h"

#define RT_SOCK_TYPE_MASK 0xf /* SOCK_NONBLOCK / SOCK_CLOEXEC live above */

struct rt_bind_stash {
	struct rt_sockaddr addr;
	__u64 cookie;
};

/* Keyed by pid_tgid: one bind in flight per thread; LRU so an entry whose
 * exit never came ages out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct rt_bind_stash);
} bind_stash SEC(".maps");

struct bind_record {
	struct rt_header hdr;
	struct rt_bind_body body;
};

struct listen_record {
	struct rt_header hdr;
	struct rt_listen_body body;
};

struct socket_record {
	struct rt_header hdr;
	struct rt_socket_body body;
};

static __always_inline void net_sock__stash_bind(struct bpf_sock_addr *ctx, __u16 family)
{
	struct rt_bind_stash st = {};
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!ctx->sk)
		return;
	sock_owner__claim(ctx->sk);
	if (!event__enabled(RT_EVENT_BIND) || !task__traced(pid_tgid >> 32))
		return;
	st.addr.family = family;
	st.addr.port = bpf_ntohs((__u16)ctx->user_port);
	if (family == RT_AF_INET) {
		__u32 ip4 = ctx->user_ip4;

		__builtin_memcpy(st.addr.addr, &ip4, 4);
	} else {
		__u32 ip6[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] };

		__builtin_memcpy(st.addr.addr, ip6, 16);
	}
	st.cookie = bpf_get_socket_cookie(ctx);
	bpf_map_update_elem(&bind_stash, &pid_tgid, &st, BPF_ANY);
}

SEC("cgroup/bind4")
int rt_bind4(struct bpf_sock_addr *ctx)
{
	net_sock__stash_bind(ctx, RT_AF_INET);
	return RT_SOCK_ALLOW;
}

SEC("cgroup/bind6")
int rt_bind6(struct bpf_sock_addr *ctx)
{
	net_sock__stash_bind(ctx, RT_AF_INET6);
	return RT_SOCK_ALLOW;
}

static __always_inline void net_sock__bind(struct sock *sk, int fd, long ret)
{
	struct bind_record rec = {};
	struct rt_bind_stash *st;
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	st = bpf_map_lookup_elem(&bind_stash, &pid_tgid);
	if (ret >= 0)
		sock__local(sk, &rec.body.addr);
	else if (st && st->cookie == sock__cookie(sk))
		rec.body.addr = st->addr;
	if (st)
		bpf_map_delete_elem(&bind_stash, &pid_tgid);
	if (!rec.body.addr.family)
		counters__inc(RT_EVENT_BIND, COUNTER_UNSUPPORTED);
	rec.body.ret = ret;
	rec.body.fd = fd;
	rec.body.protocol = sock__protocol(sk);
	record__fill_header(&rec.hdr, RT_EVENT_BIND, sizeof(rec));
	if (!policy__allows_net(&rec.hdr, &rec.body.addr, rec.body.addr.port))
		return;
	RECORD_COMMIT(RT_EVENT_BIND, rec);
}

static __always_inline void net_sock__listen(struct sock *sk, int fd, int backlog, long ret)
{
	struct listen_record rec = {};

	if (!event__enabled(RT_EVENT_LISTEN))
		return;
	rec.body.ret = ret;
	rec.body.fd = fd;
	rec.body.backlog = backlog;
	rec.body.protocol = sock__protocol(sk);
	if (ret >= 0)
		rec.body.max_backlog = BPF_CORE_READ(sk, sk_max_ack_backlog);
	sock__local(sk, &rec.body.addr);
	record__fill_header(&rec.hdr, RT_EVENT_LISTEN, sizeof(rec));
	if (!policy__allows_net(&rec.hdr, &rec.body.addr, rec.body.addr.port))
		return;
	RECORD_COMMIT(RT_EVENT_LISTEN, rec);
}

static __always_inline void net_sock__socket(const struct sc_call *c)
{
	struct socket_record rec = {};
	__u32 family = c->args.a[0], type = c->args.a[1] & RT_SOCK_TYPE_MASK;

	if (family != RT_AF_PACKET_VAL &&
	    !((family == RT_AF_INET || family == RT_AF_INET6) && type == RT_SOCK_RAW_VAL))
		return;
	if (!event__enabled(RT_EVENT_SOCKET))
		return;
	rec.body.ret = c->ret;
	rec.body.family = family;
	rec.body.type = type;
	rec.body.protocol = c->args.a[2];
	record__fill_header(&rec.hdr, RT_EVENT_SOCKET, sizeof(rec));
	if (!policy__allows_process(&rec.hdr))
		return;
	RECORD_COMMIT(RT_EVENT_SOCKET, rec);
}

SC_HANDLER(rt_sc_net)
{
	struct sc_call *c = sc_call__get();
	struct sock *sk;
	__u16 family;
	int fd;

	if (!c)
		return 0;
	if (c->kind == RT_NET_SOCKET) {
		net_sock__socket(c);
		return 0;
	}
	fd = (__s32)c->args.a[0];
	sk = sock__from_fd(fd);
	if (!sk)
		return 0; /* EBADF, ENOTSOCK: nothing was bound or listened on */
	family = sock__family(sk);
	if (c->kind == RT_NET_BIND && family == RT_AF_UNIX_VAL) {
		net_unix__bind(sk, c);
		return 0;
	}
	if (family != RT_AF_INET && family != RT_AF_INET6)
		return 0;
	if (c->kind == RT_NET_BIND && event__enabled(RT_EVENT_BIND))
		net_sock__bind(sk, fd, c->ret);
	else if (c->kind == RT_NET_LISTEN)
		net_sock__listen(sk, fd, (__s32)c->args.a[1], c->ret);
	return 0;
}

#endif
