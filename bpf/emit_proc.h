/* SPDX-License-Identifier: GPL-2.0 */
/* Process-state events: credentials (setuid family, capset), injection
 * (ptrace, process_vm_writev), fileless execution (memfd_create), I/O
 * redirection (a socket dup'ed onto fd 0..2), signals to other processes,
 * and bpf() program loads / map creations (ringtap_abi.h). One handler per
 * family, tail-called by the sys_exit dispatcher like emit_file.h's.
 * Fixed-size records are built on the stack, judged by the process policy
 * (type switch, comm, uid), then copied into the ring. Included by
 * ringtap.bpf.c only, after emit_file.h. */
#ifndef RINGTAP_BPF_EMIT_PROC_H
#define RINGTAP_BPF_EMIT_PROC_H

#include "dispatch.h"
#include "socket.h"

/* ---- credentials ---- */

struct cred_record {
	struct rt_header hdr;
	struct rt_cred_body body;
};

/* How many ids each setuid-family call takes (RT_CRED_* index). */
static __always_inline int cred__nreq(__u32 kind)
{
	if (kind == RT_CRED_SETREUID || kind == RT_CRED_SETREGID)
		return 2;
	if (kind == RT_CRED_SETRESUID || kind == RT_CRED_SETRESGID)
		return 3;
	return 1;
}

/* kernel_cap_t is a u64 since 6.3 and two u32 before: both are 8 bytes. */
static __always_inline __u64 cred__cap(const void *cap)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), cap);
	return v;
}

#define RT_CAP_V1 0x19980330 /* _LINUX_CAPABILITY_VERSION_1: one data word */

static __always_inline void cred__capset_request(const struct sc_call *c, struct rt_cred_body *b)
{
	struct { __u32 version; __s32 pid; } hdr = {};
	struct { __u32 effective, permitted, inheritable; } data[2] = {};

	bpf_probe_read_user(&hdr, sizeof(hdr), (const void *)c->args.a[0]);
	b->req[0] = hdr.version;
	b->req[1] = hdr.pid;
	if (hdr.version == RT_CAP_V1)
		bpf_probe_read_user(&data[0], sizeof(data[0]), (const void *)c->args.a[1]);
	else
		bpf_probe_read_user(&data, sizeof(data), (const void *)c->args.a[1]);
	b->req_cap_effective = data[0].effective | (__u64)data[1].effective << 32;
	b->req_cap_permitted = data[0].permitted | (__u64)data[1].permitted << 32;
	b->req_cap_inheritable = data[0].inheritable | (__u64)data[1].inheritable << 32;
}

SC_HANDLER(rt_sc_cred)
{
	struct sc_call *c = sc_call__get();
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cr;
	struct cred_record rec = {};
	__u32 kind;
	int i, n;

	if (!c || !event__enabled(RT_EVENT_CRED))
		return 0;
	kind = c->kind & ~RT_CRED_16BIT;
	rec.body.ret = c->ret;
	rec.body.syscall = kind;
	rec.body.req[0] = rec.body.req[1] = rec.body.req[2] = (__u32)-1;
	if (kind == RT_CRED_CAPSET) {
		cred__capset_request(c, &rec.body);
	} else {
		n = cred__nreq(kind);
		for (i = 0; i < 3; i++)
			if (i < n)
				rec.body.req[i] = chown__id(c->args.a[i], c->kind & RT_CRED_16BIT);
	}
	/* What the call left in force: the task's credentials at exit. */
	cr = task->cred;
	rec.body.uid = cr->uid.val;
	rec.body.euid = cr->euid.val;
	rec.body.suid = cr->suid.val;
	rec.body.fsuid = cr->fsuid.val;
	rec.body.gid = cr->gid.val;
	rec.body.egid = cr->egid.val;
	rec.body.sgid = cr->sgid.val;
	rec.body.fsgid = cr->fsgid.val;
	rec.body.cap_effective = cred__cap(&cr->cap_effective);
	rec.body.cap_permitted = cred__cap(&cr->cap_permitted);
	rec.body.cap_inheritable = cred__cap(&cr->cap_inheritable);
	record__fill_header(&rec.hdr, RT_EVENT_CRED, sizeof(rec));
	if (!policy__allows_process(&rec.hdr))
		return 0;
	RECORD_COMMIT(RT_EVENT_CRED, rec);
	return 0;
}

/* ---- injection ---- */

struct ptrace_record {
	struct rt_header hdr;
	struct rt_ptrace_body body;
};

SC_HANDLER(rt_sc_ptrace)
{
	struct sc_call *c = sc_call__get();
	struct ptrace_record rec = {};

	if (!c || !event__enabled(RT_EVENT_PTRACE))
		return 0;
	record__fill_header(&rec.hdr, RT_EVENT_PTRACE, sizeof(rec));
	rec.body.ret = c->ret;
	rec.body.syscall = c->kind;
	if (c->kind == RT_PTRACE_PTRACE) {
		/* request is a long: an i386 caller's is 32 bits, signed */
		rec.body.request = c->compat ? (__s64)(__s32)c->args.a[0] : (__s64)c->args.a[0];
		rec.body.target_pid = c->args.a[1];
		rec.body.addr = c->args.a[2];
		rec.body.data = c->args.a[3];
		if (rec.body.request == 0) /* PTRACE_TRACEME: the parent traces us */
			rec.body.target_pid = rec.hdr.ppid;
	} else {
		rec.body.request = -1;
		rec.body.target_pid = c->args.a[0];
		rec.body.local_iovcnt = c->args.a[2];
		rec.body.remote_iovcnt = c->args.a[4];
	}
	if (!policy__allows_process(&rec.hdr))
		return 0;
	RECORD_COMMIT(RT_EVENT_PTRACE, rec);
	return 0;
}

/* ---- fileless execution ---- */

SC_HANDLER(rt_sc_memfd)
{
	struct sc_call *c = sc_call__get();
	struct rt_memfd_body *b;
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	__u32 flags = 0, len;

	if (!c || !(s = file__begin(RT_EVENT_MEMFD, &pc)))
		return 0;
	b = FILE_BODY(s, struct rt_memfd_body);
	b->ret = c->ret;
	b->flags = c->args.a[1];
	b->_pad = 0;
	len = file__path(s, FILE_DATA(*b), c->args.a[0], &flags);
	b->name_len = len;
	file__finish(s, &pc, FILE_DATA(*b) + len, flags, false, 0, 0, 0, 0);
	return 0;
}

/* ---- I/O redirection ---- */

#define RT_F_DUPFD 0
#define RT_F_DUPFD_CLOEXEC 1030

struct dup_record {
	struct rt_header hdr;
	struct rt_dup_body body;
};

SC_HANDLER(rt_sc_dup)
{
	struct sc_call *c = sc_call__get();
	struct dup_record rec = {};
	struct sock *sk;
	long ret, newfd;

	if (!c || !event__enabled(RT_EVENT_DUP))
		return 0;
	ret = c->ret;
	rec.body.oldfd = c->args.a[0];
	/* newfd: the call's result, or when it failed the fd it asked for */
	newfd = ret;
	switch (c->kind) {
	case RT_DUP_FCNTL:
		rec.body.flags = c->args.a[1];
		if (rec.body.flags != RT_F_DUPFD && rec.body.flags != RT_F_DUPFD_CLOEXEC)
			return 0;
		if (ret < 0)
			newfd = c->args.a[2]; /* the lowest fd acceptable */
		break;
	case RT_DUP_DUP3:
		rec.body.flags = c->args.a[2];
		/* fall through */
	case RT_DUP_DUP2:
		if (ret < 0)
			newfd = c->args.a[1];
		break;
	default:
		break;
	}
	if (newfd < 0 || newfd > 2)
		return 0;
	/* After the call newfd names the file; a failed call leaves oldfd's. */
	sk = sock__from_fd(ret >= 0 ? (int)ret : rec.body.oldfd);
	if (!sk)
		return 0;
	rec.body.ret = ret;
	rec.body.syscall = c->kind;
	rec.body.newfd = newfd;
	rec.body.family = sock__family(sk);
	rec.body.sock_type = BPF_CORE_READ(sk, sk_type);
	rec.body.protocol = sock__protocol(sk);
	sock__local(sk, &rec.body.local);
	sock__peer(sk, &rec.body.peer);
	record__fill_header(&rec.hdr, RT_EVENT_DUP, sizeof(rec));
	if (!policy__allows_process(&rec.hdr))
		return 0;
	RECORD_COMMIT(RT_EVENT_DUP, rec);
	return 0;
}

/* ---- signals ---- */

#define RT_PIDFS_MAGIC 0x50494446 /* Linux 6.9+: pidfds live on pidfs */

/* The file behind the current task's fd, or NULL. */
static __always_inline struct file *fd__file(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *file = NULL;

	if (fd < 0 || !fdt || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

/* The global tgid a pidfd refers to, or 0 when fd is not a pidfd. Before
 * pidfs (6.9) a pidfd is an anon inode named "[pidfd]" with the struct pid
 * in the file's private_data; pidfs keeps it in the inode's i_private
 * (6.14+) or, in between, in private_data as before. */
static __always_inline __u32 pidfd__tgid(int fd)
{
	struct file *file = fd__file(fd);
	struct pid *pid = NULL;
	char name[8] = {};

	if (!file)
		return 0;
	if (BPF_CORE_READ(file, f_inode, i_sb, s_magic) == RT_PIDFS_MAGIC) {
		pid = BPF_CORE_READ(file, f_inode, i_private);
	} else {
		bpf_probe_read_kernel(name, sizeof(name), BPF_CORE_READ(file, f_path.dentry, d_name.name));
		if (__builtin_memcmp(name, "[pidfd]", 8))
			return 0;
	}
	if (!pid)
		pid = BPF_CORE_READ(file, private_data);
	return pid ? BPF_CORE_READ(pid, numbers[0].nr) : 0;
}

struct signal_record {
	struct rt_header hdr;
	struct rt_signal_body body;
};

SC_HANDLER(rt_sc_signal)
{
	struct sc_call *c = sc_call__get();
	struct signal_record rec = {};
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;

	if (!c || !event__enabled(RT_EVENT_SIGNAL))
		return 0;
	rec.body.pidfd = -1;
	switch (c->kind) {
	case RT_SIGNAL_KILL:
		rec.body.target_pid = c->args.a[0];
		rec.body.sig = c->args.a[1];
		break;
	case RT_SIGNAL_TKILL:
		rec.body.target_tid = c->args.a[0];
		rec.body.sig = c->args.a[1];
		if ((__u32)rec.body.target_tid == (__u32)pid_tgid)
			return 0;
		break;
	case RT_SIGNAL_TGKILL:
		rec.body.target_pid = c->args.a[0];
		rec.body.target_tid = c->args.a[1];
		rec.body.sig = c->args.a[2];
		break;
	default:
		rec.body.pidfd = c->args.a[0];
		rec.body.sig = c->args.a[1];
		rec.body.target_pid = pidfd__tgid(rec.body.pidfd);
		break;
	}
	/* raise(), abort(), a runtime's preemption signals: not another process */
	if (rec.body.target_pid > 0 && (__u32)rec.body.target_pid == tgid)
		return 0;
	rec.body.ret = c->ret;
	rec.body.syscall = c->kind;
	record__fill_header(&rec.hdr, RT_EVENT_SIGNAL, sizeof(rec));
	if (!policy__allows_process(&rec.hdr))
		return 0;
	RECORD_COMMIT(RT_EVENT_SIGNAL, rec);
	return 0;
}

/* ---- bpf() ---- */

/* union bpf_attr offsets (uapi, fixed): the first 72 bytes hold every field
 * reported for BPF_MAP_CREATE and BPF_PROG_LOAD. */
#define RT_BPF_ATTR_READ 72
#define RT_BPF_MAP_NAME_OFF 28
#define RT_BPF_PROG_NAME_OFF 48
#define RT_BPF_PROG_ATTACH_OFF 68

struct bpf_record {
	struct rt_header hdr;
	struct rt_bpf_body body;
};

SC_HANDLER(rt_sc_bpf)
{
	struct sc_call *c = sc_call__get();
	struct bpf_record rec = {};
	__u32 attr[RT_BPF_ATTR_READ / 4] = {};
	__u32 cmd;

	if (!c || !event__enabled(RT_EVENT_BPF))
		return 0;
	cmd = c->args.a[0];
	if (cmd != RT_BPF_MAP_CREATE && cmd != RT_BPF_PROG_LOAD)
		return 0;
	/* The caller's copy (the kernel's is gone by exit); a short or
	 * unreadable attr leaves the fields 0. */
	bpf_probe_read_user(attr, sizeof(attr), (const void *)c->args.a[1]);
	rec.body.ret = c->ret;
	rec.body.cmd = cmd;
	rec.body.type = attr[0];
	if (cmd == RT_BPF_MAP_CREATE) {
		rec.body.key_size = attr[1];
		rec.body.value_size = attr[2];
		rec.body.count = attr[3];
		__builtin_memcpy(rec.body.name, (__u8 *)attr + RT_BPF_MAP_NAME_OFF, RT_BPF_NAME_LEN);
	} else {
		rec.body.count = attr[1];
		rec.body.attach_type = attr[RT_BPF_PROG_ATTACH_OFF / 4];
		__builtin_memcpy(rec.body.name, (__u8 *)attr + RT_BPF_PROG_NAME_OFF, RT_BPF_NAME_LEN);
	}
	record__fill_header(&rec.hdr, RT_EVENT_BPF, sizeof(rec));
	if (!policy__allows_process(&rec.hdr))
		return 0;
	RECORD_COMMIT(RT_EVENT_BPF, rec);
	return 0;
}

#endif
