/* SPDX-License-Identifier: GPL-2.0 */
/* io_uring (ringtap_abi.h, RT_EVENT_IO_URING): io_uring_setup through the
 * dispatcher, and the requests a ring submits through the
 * io_uring:io_uring_submit_req tracepoint, which fires after the request
 * was prepared: the open's path is the kernel's copy by then (a connect's
 * address is read from the caller, see below). Only opcodes that open, connect, accept, send or create
 * a socket are reported. Each reported request's completion
 * (io_uring:io_uring_complete) is reported too, with its result, found
 * through a bounded LRU map of the requests in flight. Userspace leaves
 * the tracepoint programs unloaded on kernels without them
 * (source_bpf_features.c). Included by ringtap.bpf.c only, after
 * emit_mount.h. */
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

#define RT_IORING_CQE_F_MORE (1u << 1) /* a multishot request goes on */

/* Set by userspace when a completion program is loaded: submissions are
 * remembered only then. */
const volatile __u32 io_uring_completions = 0;

/* A request in flight, named by its ring and the submitter's tag: that is
 * all a multishot request's further completions carry (they are posted as
 * auxiliary CQEs, with no request). Two requests in flight with the same
 * tag on one ring keep the later one's entry: the earlier one's completion
 * is then not reported (never misattributed: the request must match). */
struct io_uring_req_key {
	__u64 ctx;
	__u64 user_data;
};

/* What the completion record repeats of the submission: the submitter's
 * header (the completion may run in an io-wq worker or in task work of
 * another thread), the opcode and the fd; and the request, which the
 * final completion must come from. */
struct io_uring_req_info {
	struct rt_header hdr;
	__u64 req;
	__u32 opcode;
	__s32 fd;
};

/* Requests that never complete (a ring torn down with requests pending,
 * a multishot accept left armed) age out of the LRU: memory stays bounded
 * at max_entries. Beyond it in flight, the oldest requests' completions
 * find no entry and are not reported (docs/events.md). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct io_uring_req_key);
	__type(value, struct io_uring_req_info);
} io_uring_inflight SEC(".maps");

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
 * addr, addr_len). The kernel's copy cannot be found by CO-RE: 6.1 makes it
 * only when the request is issued (after this tracepoint); later kernels at
 * preparation into req->async_data, a void * whose type BTF does not say,
 * and a 2026 stable fix ("use the sockaddr directly" for CONNECT and BIND)
 * changed it from struct io_async_msghdr (addr at 168 on 6.18's layout) to a
 * bare sockaddr_storage (offset 0, what this 6.18 host has) without any
 * type change BTF would show. So the caller's buffer is read, as for open
 * paths. */
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
	if (io_uring_completions) {
		struct io_uring_req_key key = {
			.ctx = (__u64)BPF_CORE_READ(req, ctx), .user_data = b->user_data,
		};
		struct io_uring_req_info info;

		__builtin_memcpy(&info.hdr, s->buf, sizeof(info.hdr));
		info.req = (__u64)req;
		info.opcode = op;
		info.fd = b->fd;
		bpf_map_update_elem(&io_uring_inflight, &key, &info, BPF_ANY);
	}
	return 0;
}

/* One completion: a record when its request was reported at submission.
 * req is 0 for an auxiliary CQE: one with IORING_CQE_F_MORE is a multishot
 * request's (its entry stays until the final completion, which has the
 * request and no F_MORE); other auxiliary CQEs (e.g. a message another
 * ring sent) are not a reported request's. */
static __always_inline void io_uring__complete(__u64 ctx, __u64 req, __u32 opcode, __u64 user_data,
					       __s32 res, __u32 cflags)
{
	struct io_uring_req_key key = { .ctx = ctx, .user_data = user_data };
	struct io_uring_req_info *info;
	struct {
		struct rt_header hdr;
		struct rt_io_uring_body b;
	} *rec;

	/* The common case, a completion of a request nobody watches (a read,
	 * a write), costs a look at its opcode rather than a map lookup. */
	if (req ? !io_uring__watched(opcode) : !(cflags & RT_IORING_CQE_F_MORE))
		return;
	info = bpf_map_lookup_elem(&io_uring_inflight, &key);

	if (!info || (req ? info->req != req : !(cflags & RT_IORING_CQE_F_MORE)))
		return;
	rec = record__reserve(RT_EVENT_IO_URING, sizeof(*rec));
	if (rec) {
		__builtin_memcpy(&rec->hdr, &info->hdr, sizeof(rec->hdr));
		rec->hdr.size = sizeof(*rec);
		rec->hdr.flags = 0;
		rec->hdr.ts_ns = bpf_ktime_get_boot_ns();
		__builtin_memset(&rec->b, 0, sizeof(rec->b));
		rec->b.ret = res;
		rec->b.kind = RT_IO_URING_COMPLETE;
		rec->b.opcode = info->opcode;
		rec->b.fd = info->fd;
		rec->b.user_data = user_data;
		rec->b.flags = cflags;
		record__submit(rec, RT_EVENT_IO_URING, 0);
	}
	if (!(cflags & RT_IORING_CQE_F_MORE))
		bpf_map_delete_elem(&io_uring_inflight, &key);
}

/* After Linux 6.12 (6.18 here): (ctx, req, cqe). The cqe is read
 * directly (a typed argument) and the request through bpf_core_cast
 * (Linux 6.2+, as every kernel with this prototype): plain loads, no
 * helper calls, on a path every io_uring completion takes. */
SEC("tp_btf/io_uring_complete")
int BPF_PROG(rt_io_uring_complete, struct io_ring_ctx *ring, void *req, struct io_uring_cqe *cqe)
{
	__u32 opcode = req ? bpf_core_cast(req, struct io_kiocb)->opcode : 0;

	io_uring__complete((__u64)ring, (__u64)req, opcode, cqe->user_data, cqe->res, cqe->flags);
	return 0;
}

/* Older kernels (the Debian 6.1 and 6.12 of the kernel matrix): (ctx, req,
 * user_data, res, cflags, extra1, extra2), read as raw arguments since
 * this build's BTF has the newer prototype. */
SEC("tp_btf/io_uring_complete")
int rt_io_uring_complete_args(__u64 *ctx)
{
	__u32 opcode = ctx[1] ? BPF_CORE_READ((struct io_kiocb *)ctx[1], opcode) : 0;

	io_uring__complete(ctx[0], ctx[1], opcode, ctx[2], (__s32)ctx[3], (__u32)ctx[4]);
	return 0;
}

#endif
