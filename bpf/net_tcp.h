/* SPDX-License-Identifier: GPL-2.0 */
/* TCP connection lifecycle from tp_btf/inet_sock_set_state (both endpoints
 * in the socket, any context): an established record when a socket reaches
 * ESTABLISHED (from SYN_SENT: we connected; from SYN_RECV: we accepted), and
 * one close record when an established socket reaches CLOSE, with its byte
 * and retransmit counts and how long it lived. The close reason is read from
 * the state it closed from: FIN_WAIT1/2, CLOSING, LAST_ACK mean both sides
 * sent FIN; ESTABLISHED, CLOSE_WAIT or a SYN state mean a reset (sent or
 * received) or an abort. The socket's storage (net_owner.h) holds the
 * establishment time, so each connection closes once. (bind4/bind6, which
 * claim listening sockets for the accepted ones, are in net_sock.h.) */
#ifndef RINGTAP_BPF_NET_TCP_H
#define RINGTAP_BPF_NET_TCP_H

#include "ringtap_abi.h"
#include "net_owner.h"
#include "policy.h"
#include "socket.h"

/* include/net/tcp_states.h */
#define RT_TCP_ESTABLISHED 1
#define RT_TCP_SYN_SENT 2
#define RT_TCP_SYN_RECV 3
#define RT_TCP_FIN_WAIT1 4
#define RT_TCP_FIN_WAIT2 5
#define RT_TCP_CLOSE 7
#define RT_TCP_LAST_ACK 9
#define RT_TCP_CLOSING 11
#define RT_SEND_SHUTDOWN 2 /* include/net/sock.h */

struct tcp_established_record {
	struct rt_header hdr;
	struct rt_tcp_established_body body;
};

struct tcp_close_record {
	struct rt_header hdr;
	struct rt_tcp_close_body body;
};

/* Remote policy: the far end's address; the service port is ours when we
 * accepted, theirs when we connected. */
static __always_inline bool net_tcp__allowed(struct rt_header *hdr, const struct rt_sockaddr *local,
					     const struct rt_sockaddr *remote, __u32 direction)
{
	return policy__allows_net(hdr, remote, direction == RT_TCP_ACCEPTED ? local->port : remote->port);
}

static __always_inline void net_tcp__established(struct sock *sk, struct rt_sock_owner *o, int oldstate)
{
	struct tcp_established_record rec = {};
	void *slot;

	o->established_ns = bpf_ktime_get_boot_ns();
	o->tcp_direction = oldstate == RT_TCP_SYN_SENT ? RT_TCP_CONNECTED : RT_TCP_ACCEPTED;
	sock__local(sk, &o->local);
	sock__peer(sk, &o->remote);
	if (!event__enabled(RT_EVENT_TCP_ESTABLISHED))
		return;
	if (!sock_owner__header(o->hdr.tid ? o : 0, &rec.hdr, RT_EVENT_TCP_ESTABLISHED, sizeof(rec)))
		return;
	rec.body.cookie = bpf_get_socket_cookie(sk);
	rec.body.direction = o->tcp_direction;
	rec.body.local = o->local;
	rec.body.remote = o->remote;
	if (!net_tcp__allowed(&rec.hdr, &rec.body.local, &rec.body.remote, rec.body.direction))
		return;
	slot = record__reserve(RT_EVENT_TCP_ESTABLISHED, sizeof(rec));
	if (!slot)
		return;
	__builtin_memcpy(slot, &rec, sizeof(rec));
	record__submit(slot, RT_EVENT_TCP_ESTABLISHED, 0);
}

static __always_inline void net_tcp__close(struct sock *sk, struct rt_sock_owner *o, int oldstate)
{
	struct tcp_close_record rec = {};
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u64 since = o->established_ns, acked, received;
	void *slot;

	o->established_ns = 0; /* one close per connection */
	if (!event__enabled(RT_EVENT_TCP_CLOSE))
		return;
	if (!sock_owner__header(o->hdr.tid ? o : 0, &rec.hdr, RT_EVENT_TCP_CLOSE, sizeof(rec)))
		return;
	rec.body.cookie = bpf_get_socket_cookie(sk);
	/* The counters are sequence space: an active open's SYN is acked
	 * (bytes_acked + 1), an acked FIN adds 1, a received FIN (SOCK_DONE)
	 * adds 1 to bytes_received. Data bytes are what is reported. */
	acked = BPF_CORE_READ(tp, bytes_acked);
	received = BPF_CORE_READ(tp, bytes_received);
	if (o->tcp_direction == RT_TCP_CONNECTED && acked)
		acked--;
	if ((BPF_CORE_READ_BITFIELD_PROBED(sk, sk_shutdown) & RT_SEND_SHUTDOWN) &&
	    BPF_CORE_READ(tp, snd_una) == BPF_CORE_READ(tp, write_seq) && acked)
		acked--;
	if ((BPF_CORE_READ(sk, __sk_common.skc_flags) & (1ULL << bpf_core_enum_value(enum sock_flags, SOCK_DONE))) &&
	    received)
		received--;
	rec.body.bytes_sent = acked;
	rec.body.bytes_received = received;
	rec.body.retransmits = BPF_CORE_READ(tp, total_retrans);
	rec.body.duration_ns = rec.hdr.ts_ns - since;
	rec.body.direction = o->tcp_direction;
	rec.body.old_state = oldstate;
	rec.body.reason = (oldstate == RT_TCP_FIN_WAIT1 || oldstate == RT_TCP_FIN_WAIT2 ||
			   oldstate == RT_TCP_CLOSING || oldstate == RT_TCP_LAST_ACK) ?
				  RT_TCP_CLOSE_FIN : RT_TCP_CLOSE_RST;
	rec.body.local = o->local;
	rec.body.remote = o->remote;
	if (!net_tcp__allowed(&rec.hdr, &rec.body.local, &rec.body.remote, rec.body.direction))
		return;
	slot = record__reserve(RT_EVENT_TCP_CLOSE, sizeof(rec));
	if (!slot)
		return;
	__builtin_memcpy(slot, &rec, sizeof(rec));
	record__submit(slot, RT_EVENT_TCP_CLOSE, 0);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(rt_inet_sock_set_state, struct sock *sk, int oldstate, int newstate)
{
	struct rt_sock_owner *o;

	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	if (newstate == RT_TCP_ESTABLISHED && (oldstate == RT_TCP_SYN_SENT || oldstate == RT_TCP_SYN_RECV)) {
		if (!event__enabled(RT_EVENT_TCP_ESTABLISHED) && !event__enabled(RT_EVENT_TCP_CLOSE))
			return 0;
		o = bpf_sk_storage_get(&sock_owner, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
		if (o)
			net_tcp__established(sk, o, oldstate);
	} else if (newstate == RT_TCP_CLOSE) {
		o = bpf_sk_storage_get(&sock_owner, sk, 0, 0);
		if (o && o->established_ns)
			net_tcp__close(sk, o, oldstate);
	}
	return 0;
}

#endif
