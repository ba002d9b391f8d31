/* SPDX-License-Identifier: GPL-2.0 */
/* DNS messages from cgroup_skb egress/ingress on the cgroup v2 root: every
 * UDP datagram and TCP segment with payload to or from a watched port
 * (dns_port_bits, 53 by default) is copied, up to RT_DNS_PAYLOAD_MAX bytes,
 * into a dns record. Whatever syscall sent it (send, sendto, sendmsg,
 * sendmmsg, write, io_uring) the packet passes here. The message is parsed
 * in userspace (src/codec/dns_parse.c). Ingress runs in softirq: the
 * record's header is the socket owner's (net_owner.h), so a response names
 * the process whose socket asked; the socket cookie joins it to the query.
 *
 * Not seen: IPv4 fragments (a UDP answer above the path MTU; loopback's MTU
 * is 64 KiB), IPv6 extension headers before the L4 header. TCP DNS is
 * reported per segment: a message split over segments arrives in pieces
 * (the first flagged cut by the parser). Programs always return 1 (allow). */
#ifndef RINGTAP_BPF_NET_DNS_H
#define RINGTAP_BPF_NET_DNS_H

#include "ringtap_abi.h"
#include "net_owner.h"
#include "policy.h"

#define RT_ETH_P_IP 0x0800
#define RT_ETH_P_IPV6 0x86DD
#define RT_SKB_ALLOW 1

/* One bit per port: set by userspace (53 unless configured). */
__u64 dns_port_bits[1024] = {};

#define RT_DNS_SCRATCH 4096 /* a power of two: the record size is masked with it */
_Static_assert(RT_DNS_SCRATCH >= sizeof(struct rt_header) + sizeof(struct rt_dns_body) + RT_DNS_PAYLOAD_MAX,
	       "dns scratch too small");
struct rt_dns_scratch {
	__u8 buf[RT_DNS_SCRATCH];
};

/* Per CPU, one slot per direction: softirq ingress may interrupt egress on
 * the same CPU. Not the syscall programs' scratch, for the same reason. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct rt_dns_scratch);
} dns_scratch SEC(".maps");

static __always_inline bool net_dns__port(__u16 port)
{
	return dns_port_bits[(port >> 6) & 1023] & (1ULL << (port & 63));
}

struct rt_l4 {
	struct rt_sockaddr src, dst;
	__u32 protocol;
	__u32 payload_off;
	__u32 payload_len;
};

/* The packet's addresses, ports and payload span; false when it is not a
 * UDP/TCP packet with payload (or cannot be read). */
static __always_inline bool net_dns__parse_l4(struct __sk_buff *skb, struct rt_l4 *l4)
{
	__u32 off;

	if (skb->protocol == bpf_htons(RT_ETH_P_IP)) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
			return false;
		if (ip.frag_off & bpf_htons(0x3fff)) /* MF or an offset: a fragment */
			return false;
		l4->protocol = ip.protocol;
		off = ip.ihl * 4;
		__builtin_memcpy(l4->src.addr, &ip.saddr, 4);
		__builtin_memcpy(l4->dst.addr, &ip.daddr, 4);
		l4->src.family = l4->dst.family = RT_AF_INET;
	} else if (skb->protocol == bpf_htons(RT_ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return false;
		l4->protocol = ip6.nexthdr;
		off = sizeof(ip6);
		__builtin_memcpy(l4->src.addr, &ip6.saddr, 16);
		__builtin_memcpy(l4->dst.addr, &ip6.daddr, 16);
		l4->src.family = l4->dst.family = RT_AF_INET6;
	} else {
		return false;
	}
	if (l4->protocol == IPPROTO_UDP) {
		struct udphdr uh;

		if (bpf_skb_load_bytes(skb, off, &uh, sizeof(uh)))
			return false;
		l4->src.port = bpf_ntohs(uh.source);
		l4->dst.port = bpf_ntohs(uh.dest);
		off += sizeof(uh);
	} else if (l4->protocol == IPPROTO_TCP) {
		struct tcphdr th;

		if (bpf_skb_load_bytes(skb, off, &th, sizeof(th)))
			return false;
		l4->src.port = bpf_ntohs(th.source);
		l4->dst.port = bpf_ntohs(th.dest);
		off += th.doff * 4;
	} else {
		return false;
	}
	if (off >= skb->len)
		return false; /* no payload: a bare ACK, SYN or FIN */
	l4->payload_off = off;
	l4->payload_len = skb->len - off;
	return true;
}

static __always_inline void net_dns__skb(struct __sk_buff *skb, __u32 dir)
{
	struct rt_sock_owner *o = 0;
	struct rt_dns_scratch *s;
	struct rt_header *hdr;
	struct rt_dns_body *body;
	struct bpf_sock *sk;
	struct rt_l4 l4 = {};
	__u32 len, size, flags = 0;

	if (!event__enabled(RT_EVENT_DNS))
		return;
	if (!net_dns__parse_l4(skb, &l4))
		return;
	if (!net_dns__port(l4.src.port) && !net_dns__port(l4.dst.port))
		return;
	sk = skb->sk;
	if (sk)
		sk = bpf_sk_fullsock(sk);
	if (sk)
		o = bpf_sk_storage_get(&sock_owner, sk, 0, 0);
	s = bpf_map_lookup_elem(&dns_scratch, &dir);
	if (!s)
		return;
	hdr = (void *)s->buf;
	body = (void *)(s->buf + sizeof(*hdr));
	len = l4.payload_len;
	if (len > RT_DNS_PAYLOAD_MAX) {
		len = RT_DNS_PAYLOAD_MAX;
		flags |= RT_FLAG_TRUNCATED;
	}
	size = sizeof(*hdr) + sizeof(*body) + len;
	if (!sock_owner__header(o, hdr, RT_EVENT_DNS, size))
		return;
	hdr->flags = flags;
	body->cookie = bpf_get_socket_cookie(skb);
	body->direction = dir;
	body->protocol = l4.protocol;
	body->payload_len = len;
	body->orig_len = l4.payload_len;
	body->local = dir == RT_DIR_EGRESS ? l4.src : l4.dst;
	body->remote = dir == RT_DIR_EGRESS ? l4.dst : l4.src;
	/* len is 1..RT_DNS_PAYLOAD_MAX (a power of two); written so the
	 * verifier sees that range in the register the helper gets. */
	if (bpf_skb_load_bytes(skb, l4.payload_off, s->buf + sizeof(*hdr) + sizeof(*body),
			       ((len - 1) & (RT_DNS_PAYLOAD_MAX - 1)) + 1))
		return;
	if (!policy__allows_net(hdr, &body->remote, net_dns__port(body->remote.port) ?
							    body->remote.port : body->local.port))
		return;
	if (bpf_ringbuf_output(&events, s->buf, size & (RT_DNS_SCRATCH - 1), record__wakeup_flags())) {
		counters__inc(RT_EVENT_DNS, COUNTER_DROPPED);
		return;
	}
	counters__inc(RT_EVENT_DNS, COUNTER_EMITTED);
	if (flags & RT_FLAG_TRUNCATED)
		counters__inc(RT_EVENT_DNS, COUNTER_TRUNCATED);
}

SEC("cgroup_skb/egress")
int rt_dns_egress(struct __sk_buff *skb)
{
	net_dns__skb(skb, RT_DIR_EGRESS);
	return RT_SKB_ALLOW;
}

SEC("cgroup_skb/ingress")
int rt_dns_ingress(struct __sk_buff *skb)
{
	net_dns__skb(skb, RT_DIR_INGRESS);
	return RT_SKB_ALLOW;
}

#endif
