/* SPDX-License-Identifier: GPL-2.0 */
/* UDP "connections": the first datagram an unconnected UDP socket sends to a
 * destination, from cgroup sendmsg4/sendmsg6 (inside sendto, sendmsg,
 * sendmmsg, io_uring sends: the hook runs in the protocol's send path,
 * after the kernel copied the destination). Reported as a connect record
 * with via = RT_CONNECT_VIA_SENDMSG, once per (socket cookie, destination).
 * A connected UDP socket sends without a destination: its connect(2) was
 * the connect record. The hook also claims the socket (net_owner.h), so
 * DNS answers arriving in softirq name the process that asked. Include
 * from ringtap.bpf.c after sock_hooks.bpf.h and policy.h. */
#ifndef RINGTAP_BPF_NET_UDP_H
#define RINGTAP_BPF_NET_UDP_H

#include "ringtap_abi.h"
#include "net_owner.h"
#include "policy.h"

struct rt_udp_flow {
	__u64 cookie;
	__u8 addr[16];
	__u16 port;
	__u16 family;
	__u32 _pad;
};

/* Flows already reported. LRU: a long-lived socket spraying destinations
 * ages its oldest out (and would report one again: never hidden). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct rt_udp_flow);
	__type(value, __u8);
} udp_flows SEC(".maps");

struct udp_connect_record {
	struct rt_header hdr;
	struct rt_connect_body body;
};

static __always_inline void net_udp__sendmsg(struct bpf_sock_addr *ctx, __u16 family)
{
	struct udp_connect_record rec = {};
	struct rt_udp_flow flow = {};
	struct bpf_sock *sk = ctx->sk;
	__u8 one = 1;
	void *slot;

	if (!sk)
		return;
	sock_owner__claim(sk);
	if (!event__enabled(RT_EVENT_CONNECT) || ctx->protocol != IPPROTO_UDP)
		return;
	if (!task__traced(bpf_get_current_pid_tgid() >> 32))
		return;
	flow.cookie = bpf_get_socket_cookie(ctx);
	flow.family = family;
	flow.port = bpf_ntohs((__u16)ctx->user_port);
	if (family == RT_AF_INET) {
		__u32 ip4 = ctx->user_ip4;

		__builtin_memcpy(flow.addr, &ip4, 4);
	} else {
		__u32 ip6[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] };

		__builtin_memcpy(flow.addr, ip6, 16);
	}
	if (bpf_map_update_elem(&udp_flows, &flow, &one, BPF_NOEXIST))
		return; /* reported before (or the map refused: -EEXIST is the usual) */

	rec.body.ret = 0;
	rec.body.fd = -1;
	rec.body.protocol = IPPROTO_UDP;
	rec.body.via = RT_CONNECT_VIA_SENDMSG;
	__builtin_memcpy(rec.body.dst.addr, flow.addr, 16);
	rec.body.dst.port = flow.port;
	rec.body.dst.family = family;
	rec.body.src.family = family;
	rec.body.src.port = sk->src_port;
	if (family == RT_AF_INET) {
		__u32 ip4 = sk->src_ip4;

		__builtin_memcpy(rec.body.src.addr, &ip4, 4);
	} else {
		__u32 ip6[4] = { sk->src_ip6[0], sk->src_ip6[1], sk->src_ip6[2], sk->src_ip6[3] };

		__builtin_memcpy(rec.body.src.addr, ip6, 16);
	}
	record__fill_header(&rec.hdr, RT_EVENT_CONNECT, sizeof(rec));
	if (!policy__allows_net(&rec.hdr, &rec.body.dst, rec.body.dst.port))
		return;
	slot = record__reserve(RT_EVENT_CONNECT, sizeof(rec));
	if (!slot)
		return;
	__builtin_memcpy(slot, &rec, sizeof(rec));
	record__submit(slot, RT_EVENT_CONNECT, 0);
}

SEC("cgroup/sendmsg4")
int rt_sendmsg4(struct bpf_sock_addr *ctx)
{
	net_udp__sendmsg(ctx, RT_AF_INET);
	return RT_SOCK_ALLOW;
}

SEC("cgroup/sendmsg6")
int rt_sendmsg6(struct bpf_sock_addr *ctx)
{
	net_udp__sendmsg(ctx, RT_AF_INET6);
	return RT_SOCK_ALLOW;
}

#endif
