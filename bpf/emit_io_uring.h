/* SPDX-License-Identifier: GPL-2.0 */
/* io_uring (ringtap_abi.h, RT_EVENT_IO_URING): io_uring_setup through the
 * dispatcher, and the requests a ring submits through the
 * io_uring:io_uring_submit_req tracepoint, which fires after the request
 * was prepared: the open's path is the kernel's copy by then (a connect's
 * address is read from the caller, see below). Only opcodes that open, connect, accept, send or create
 * a socket are reported. Userspace leaves the tracepoint program unloaded
 * on kernels without it (source_bpf_dispatch.c). Included by ringtap.bpf.c
 * only, after emit_mount.h. */
#ifndef RINGTAP_BPF_EMIT_IO_URING_H
#define RINGTAP_BPF_EMIT_IO_URING_H

#include "dispatch.h"

#define RT_IORING_OP_SENDMSG 9
#define RT_IORING_OP_ACCEPT 13
#define RT_IORING_OP_CONNECT 16
#define RT_IORING_OP_OPENAT 18
#define RT_IORING_OP_SEND 26
#define RT_IORING_OP_OPENAT2 28
#define RT_IORING_OP_SOCKET 45
#define RT_IORING_OP_SEND_ZC 47
#define RT_IORING_OP_SENDMSG_ZC 48

SC_HANDLER(rt_sc_io_uring)
{
	struct sc_call *c = sc_call__get();
	struct rt_io_uring_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;

	if (!c || !(s = file__begin(RT_EVENT_IO_URING, &pc)))
		return 0;
	b = FILE_BODY(s, struct rt_io_uring_body);
	__builtin_memset(b, 0, sizeof(*b));
	b->ret = c->ret;
	b->kind = RT_IO_URING_SETUP;
	b->fd = -1;
	b->entries = c->args.a[0];
	/* struct io_uring_params: sq_entries, cq_entries, flags */
	bpf_probe_read_user(&b->flags, sizeof(b->flags), (const __u8 *)c->args.a[1] + 8);
	file__finish(s, &pc, FILE_DATA(*b), 0, false, 0, 0, 0, 0);
	return 0;
}

static __always_inline bool io_uring__watched(__u8 op)
{
	switch (op) {
	case RT_IORING_OP_SENDMSG: case RT_IORING_OP_ACCEPT: case RT_IORING_OP_CONNECT:
	case RT_IORING_OP_OPENAT: case RT_IORING_OP_SEND: case RT_IORING_OP_OPENAT2:
	case RT_IORING_OP_SOCKET: case RT_IORING_OP_SEND_ZC: case RT_IORING_OP_SENDMSG_ZC:
		return true;
	default:
		return false;
	}
}

/* A connect's destination, from the caller's sockaddr (struct io_connect's
 * addr, addr_len): the kernel copied it during the request's preparation,
 * just before this tracepoint, but where it keeps that copy differs between
 * kernel versions (io_async_msghdr.addr, or the start of the async data on
 * 6.18), so the caller's buffer is read, as for open paths. */
static __always_inline void io_uring__connect_addr(struct io_kiocb *req, struct rt_sockaddr *out)
{
	struct io_connect *conn = (void *)&req->cmd;
	struct { __u16 family; __u16 port; __u32 flow_or_addr4; __u8 addr6[16]; } sa = {};
	const void *uaddr = BPF_CORE_READ(conn, addr);
	int len = BPF_CORE_READ(conn, addr_len);

	if (!uaddr || len < 8 || bpf_probe_read_user(&sa, sizeof(sa), uaddr))
		return;
	if (sa.family == RT_AF_INET) {
		__builtin_memcpy(out->addr, &sa.flow_or_addr4, 4);
	} else if (sa.family == RT_AF_INET6 && len >= 24) {
		__builtin_memcpy(out->addr, sa.addr6, 16);
	} else {
		return;
	}
	out->family = sa.family;
	out->port = bpf_ntohs(sa.port);
}

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(rt_io_uring_submit, struct io_kiocb *req)
{
	struct rt_io_uring_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	__u32 flags = 0, len = 0;
	__u8 op = BPF_CORE_READ(req, opcode);

	if (!io_uring__watched(op) || !task__traced(bpf_get_current_pid_tgid() >> 32))
		return 0;
	if (!(s = file__begin(RT_EVENT_IO_URING, &pc)))
		return 0;
	b = FILE_BODY(s, struct rt_io_uring_body);
	__builtin_memset(b, 0, sizeof(*b));
	b->kind = RT_IO_URING_SUBMIT;
	b->opcode = op;
	b->fd = BPF_CORE_READ(req, cqe.fd);
	b->user_data = BPF_CORE_READ(req, cqe.user_data);
	if (op == RT_IORING_OP_OPENAT || op == RT_IORING_OP_OPENAT2) {
		struct io_open *open = (void *)&req->cmd;
		struct filename *name = BPF_CORE_READ(open, filename);

		b->fd = BPF_CORE_READ(open, dfd);
		b->open_flags = BPF_CORE_READ(open, how.flags);
		if (name)
			len = string__read(s->buf + (FILE_DATA(*b) & FILE_OFF_MASK),
					   BPF_CORE_READ(name, name), false, &flags);
	} else if (op == RT_IORING_OP_CONNECT) {
		io_uring__connect_addr(req, &b->addr);
	}
	b->path_len = len;
	file__finish(s, &pc, FILE_DATA(*b) + len, flags, false, 0, 0, 0, 0);
	return 0;
}

#endif
