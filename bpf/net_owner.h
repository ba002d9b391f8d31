/* SPDX-License-Identifier: GPL-2.0 */
/* Who owns a socket, for records made where the current task says nothing
 * (softirq: packets arriving, TCP state changes on ACKs and timers).
 *
 * The socket hooks that run inside a process's call (connect, sendmsg,
 * bind) write that process's record header into the socket's storage;
 * cgroup_skb and inet_sock_set_state programs copy it into their records.
 * BPF_F_CLONE: an accepted socket starts with its listener's owner (the
 * process that bound it), so the server side is attributed before accept()
 * returns. A socket handed to another process (fork, SCM_RIGHTS) keeps the
 * owner of its last hooked call. Include after maps.h and record.h. */
#ifndef RINGTAP_BPF_NET_OWNER_H
#define RINGTAP_BPF_NET_OWNER_H

#include "ringtap_abi.h"
#include "maps.h"
#include "record.h"

struct rt_sock_owner {
	struct rt_header hdr; /* the owner's header; type, size, ts set per record */
	__u64 established_ns; /* TCP: when it reached ESTABLISHED; 0 = not (or closed) */
	__u32 tcp_direction;  /* RT_TCP_CONNECTED / RT_TCP_ACCEPTED */
	__u32 traced;	      /* the owner passed task__traced() when it claimed */
	struct rt_sockaddr local, remote; /* TCP: both ends when established (a closing
					   * socket may have let its port go already) */
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct rt_sock_owner);
} sock_owner SEC(".maps");

/* The current task claims sk (a socket a hook was handed). Rewrites the
 * header only when the owner changes: a busy UDP sender pays one lookup. */
static __always_inline struct rt_sock_owner *sock_owner__claim(void *sk)
{
	struct rt_sock_owner *o;
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	o = bpf_sk_storage_get(&sock_owner, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!o)
		return 0;
	if (o->hdr.tgid == (__u32)(pid_tgid >> 32) && o->hdr.tid)
		return o;
	record__fill_header(&o->hdr, 0, 0);
	o->traced = task__traced(pid_tgid >> 32);
	return o;
}

/* Fill h for a record of type about sk's owner: its header, this moment. */
static __always_inline bool sock_owner__header(const struct rt_sock_owner *o, struct rt_header *h,
					       __u16 type, __u32 size)
{
	if (o) {
		if (!o->traced)
			return false;
		__builtin_memcpy(h, &o->hdr, sizeof(*h));
	} else {
		if (target_tgid)
			return false; /* --pid: an unowned socket is nobody's we watch */
		__builtin_memset(h, 0, sizeof(*h));
	}
	h->type = type;
	h->abi_version = RT_ABI_VERSION;
	h->size = size;
	h->flags = 0;
	h->ts_ns = bpf_ktime_get_boot_ns();
	return true;
}

#endif
