/* SPDX-License-Identifier: GPL-2.0 */
/* From a file descriptor of the current task to its socket's addresses, and
 * its cookie. */
#ifndef RINGTAP_BPF_SOCKET_H
#define RINGTAP_BPF_SOCKET_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "ringtap_abi.h"

#define RT_AF_INET 2
#define RT_AF_INET6 10
#define RT_S_IFMT 00170000
#define RT_S_IFSOCK 0140000

/* current->files->fdt->fd[fd] -> file -> socket -> sk, or NULL when fd is
 * not an open socket. */
static __always_inline struct sock *sock__from_fd(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *file = NULL;
	struct socket *sock;
	umode_t mode;

	if (fd < 0 || !fdt || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & RT_S_IFMT) != RT_S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return BPF_CORE_READ(sock, sk);
}

static __always_inline __u16 sock__family(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_family);
}

/* The socket's cookie (0 until someone asked for it: the connect hooks do,
 * through bpf_get_socket_cookie). Unique for the socket's lifetime, unlike
 * its address, which a new socket may reuse. */
static __always_inline __u64 sock__cookie(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
}

static __always_inline __u32 sock__protocol(struct sock *sk)
{
	/* A bitfield before 5.6, a u16 since: the probed bitfield read fits both. */
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
}

/* BPF_CORE_READ_INTO copies sizeof(*dst): hence the typed casts of addr. */
static __always_inline void sock__local(struct sock *sk, struct rt_sockaddr *out)
{
	__u16 family = sock__family(sk);

	if (family == RT_AF_INET)
		BPF_CORE_READ_INTO((__u32 *)out->addr, sk, __sk_common.skc_rcv_saddr);
	else if (family == RT_AF_INET6)
		BPF_CORE_READ_INTO((struct in6_addr *)out->addr, sk, __sk_common.skc_v6_rcv_saddr);
	else
		return;
	out->family = family;
	out->port = BPF_CORE_READ(sk, __sk_common.skc_num);
}

static __always_inline void sock__peer(struct sock *sk, struct rt_sockaddr *out)
{
	__u16 family = sock__family(sk);

	if (family == RT_AF_INET)
		BPF_CORE_READ_INTO((__u32 *)out->addr, sk, __sk_common.skc_daddr);
	else if (family == RT_AF_INET6)
		BPF_CORE_READ_INTO((struct in6_addr *)out->addr, sk, __sk_common.skc_v6_daddr);
	else
		return;
	out->family = family;
	out->port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
}

#endif
