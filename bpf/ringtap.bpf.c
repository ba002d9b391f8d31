// SPDX-License-Identifier: GPL-2.0
/* ringtap's probes. One tp_btf/sys_exit program tests a syscall bitmap
 * before anything else and tail-calls the syscall's handler (dispatch.h),
 * which emits one record with the syscall's result. The arguments are read from the exit-time pt_regs, where the
 * kernel leaves them (x86-64: di/si/dx/r10; arm64: orig_x0 and x1..x5), so
 * no syscall needs enter-side work and no sys_enter program is attached:
 * every syscall on the machine pays for one program, not two. Where the
 * kernel knows better than the caller's memory (a connected socket's peer)
 * the record says what the kernel knows. Process lifecycle comes from the
 * sched tracepoints. Records are laid out in ringtap_abi.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "ringtap_abi.h"
#include "maps.h"
#include "syscall_regs.h"
#include "record.h"
#include "socket.h"
#include "policy.h"
#include "sock_hooks.bpf.h"
#include "dispatch.h"
#include "exec_identity.h"

char LICENSE[] SEC("license") = "GPL";

#define RT_AT_FDCWD (-100)
#define RT_EAGAIN 11
#define RT_EINPROGRESS 115 /* same on x86 and arm64 (asm-generic) */
#define RT_O_WRONLY 01
#define RT_O_CREAT 0100
#define RT_O_TRUNC 01000

#define HDR_SIZE sizeof(struct rt_header)

static __always_inline bool syscall__interesting(long id)
{
	if (id < 0 || id >= RT_SYSCALL_BITMAP_WORDS * 64)
		return false;
	return syscall_bitmap[id >> 6] & (1ULL << (id & 63));
}

/* ---- variable-size records (built in scratch) -------------------------- */

/* Read a user or kernel string of at most RT_PATH_MAX bytes into dst (which
 * has RT_PATH_MAX + 2 bytes of room). Returns its length without the NUL and
 * sets RT_FLAG_TRUNCATED in *flags when the string was longer. */
static __always_inline __u32 string__read(void *dst, const void *src, bool user, __u32 *flags)
{
	long n;

	if (user)
		n = bpf_probe_read_user_str(dst, RT_PATH_MAX + 2, src);
	else
		n = bpf_probe_read_kernel_str(dst, RT_PATH_MAX + 2, src);
	if (n <= 0)
		return 0;
	if (n > RT_PATH_MAX + 1) {
		*flags |= RT_FLAG_TRUNCATED;
		return RT_PATH_MAX;
	}
	return n - 1;
}

static __always_inline void emit__open(__u32 kind, const struct sc_args *args, long ret)
{
	struct rt_policy_ctx pc;
	struct rt_scratch *s;
	struct rt_header *hdr;
	struct rt_open_body *body;
	const void *upath;
	char *path;
	__u32 flags = 0, len, size;

	if (!event__enabled(RT_EVENT_OPEN))
		return;
	s = scratch__get();
	if (!s)
		return;
	hdr = (void *)s->buf;
	body = (void *)(s->buf + HDR_SIZE);
	path = (void *)(s->buf + HDR_SIZE + sizeof(*body));

	/* Type switch, comm and uid first: an excluded process (kubelet,
	 * containerd) costs no path read. The size is known later. */
	record__fill_header(hdr, RT_EVENT_OPEN, 0);
	if (bench_open_stop == RT_BENCH_OPEN_HEADER)
		return;
	if (!policy__open_task(&pc, hdr))
		return;
	if (bench_open_stop == RT_BENCH_OPEN_TASK)
		return;

	body->ret = ret;
	body->syscall = kind;
	if (kind == RT_OPEN_OPENAT || kind == RT_OPEN_OPENAT2) {
		body->dirfd = (__s32)args->a[0];
		upath = (const void *)args->a[1];
		if (kind == RT_OPEN_OPENAT) {
			body->flags = args->a[2];
			body->mode = args->a[3];
		} else {
			struct open_how how = {};

			bpf_probe_read_user(&how, sizeof(how.flags) + sizeof(how.mode),
					    (void *)args->a[2]);
			body->flags = how.flags;
			body->mode = how.mode;
		}
	} else {
		body->dirfd = RT_AT_FDCWD;
		upath = (const void *)args->a[0];
		if (kind == RT_OPEN_OPEN) {
			body->flags = args->a[1];
			body->mode = args->a[2];
		} else {
			body->flags = RT_O_CREAT | RT_O_WRONLY | RT_O_TRUNC;
			body->mode = args->a[1];
		}
	}
	len = string__read(path, upath, true, &flags);
	body->path_len = len;
	if (bench_open_stop == RT_BENCH_OPEN_PATH)
		return;

	size = HDR_SIZE + sizeof(*body) + len;
	hdr->size = size;
	hdr->flags = flags;
	if (!policy__open_path(&pc, s, path, len))
		return;
	if (bench_open_stop == RT_BENCH_OPEN_POLICY)
		return;
	record__output(s, RT_EVENT_OPEN, size, flags);
}

#define EXEC_DATA (HDR_SIZE + sizeof(struct rt_exec_body))
#define EXEC_CWD_OFF_MASK (RT_PATH_MAX + RT_ARGV_MAX - 1) /* cwd offset after the filename */
_Static_assert(EXEC_DATA + EXEC_CWD_OFF_MASK + RT_PATH_MAX <= RT_SCRATCH_SIZE, "cwd copy bound");

/* The identity part of the exec body in scratch (exe: the executed file,
 * NULL for a failed exec). Called before any argv loop: code after the
 * loop is verified once per state the loop leaves, this only once. */
static __always_inline void exec__identity(struct rt_scratch *s, struct file *exe)
{
	struct rt_exec_body *body = (void *)(s->buf + HDR_SIZE);
	struct task_struct *task = bpf_get_current_task_btf();

	/* The header here too, before any loop: after it, its task reads
	 * would be verified once per state the loop leaves. */
	record__fill_header((void *)s->buf, RT_EVENT_EXEC, 0);
	__builtin_memset((void *)body + 16, 0, sizeof(*body) - 16);
	exec__task_identity(task, body);
	exec__cwd_walk(task, body);
	if (exe)
		exec__file_identity(task, exe, body);
}

/* Finish an exec record whose header and identity (exec__identity), filename
 * (fname_len bytes) and argv (argv_len) are already in scratch: the cwd
 * goes after them. */
static __always_inline void emit__exec(struct rt_scratch *s, long ret, __u32 fname_len,
				       __u32 argv_len, __u32 argc, __u32 flags)
{
	struct rt_header *hdr = (void *)s->buf;
	struct rt_exec_body *body = (void *)(s->buf + HDR_SIZE);
	__u32 size, off = fname_len + argv_len;

	/* The mask is the bound the verifier keeps; a filename and argv both
	 * at their maximum (off 8192) leave no room: the cwd is then cut. */
	if (off <= EXEC_CWD_OFF_MASK) {
		barrier_var(off); /* or the compiler drops the mask as redundant */
		body->cwd_len = exec__cwd_copy(s->buf + EXEC_DATA + (off & EXEC_CWD_OFF_MASK), body);
	} else {
		body->cwd_len = 0;
		body->cwd_flags |= RT_CWD_TRUNCATED;
	}
	if (body->cwd_flags & RT_CWD_TRUNCATED)
		flags |= RT_FLAG_TRUNCATED;
	size = EXEC_DATA + off + body->cwd_len;
	body->ret = ret;
	body->filename_len = fname_len;
	body->argv_len = argv_len;
	body->argc = argc;
	hdr->size = size; /* the rest of the header: exec__identity() */
	hdr->flags = flags;
	if (!policy__allows_process(hdr))
		return;
	record__output(s, RT_EVENT_EXEC, size, flags);
}

/* The i-th pointer of a user argv array whose entries are ptr_size bytes
 * (8 native, 4 for a 32-bit caller). Returns 0 on success. */
static __always_inline long argv__entry(const void *argv, int i, __u32 ptr_size, const char **out)
{
	__u32 p32 = 0;
	long err;

	if (ptr_size == 8)
		return bpf_probe_read_user(out, sizeof(*out), (const __u8 *)argv + (__u64)i * 8);
	err = bpf_probe_read_user(&p32, sizeof(p32), (const __u8 *)argv + (__u64)i * 4);
	*out = (const char *)(__u64)p32;
	return err;
}

/* A failed execve/execveat: filename and argv from the caller's memory. */
static __always_inline void emit__exec_failed(const char *filename, const void *argv,
					      __u32 ptr_size, long ret)
{
	struct rt_scratch *s;
	const char *arg;
	__u32 flags = 0, fname_len, off = 0, argc = 0;
	__u8 *args;
	int i;

	if (!event__enabled(RT_EVENT_EXEC))
		return;
	s = scratch__get();
	if (!s)
		return;
	exec__identity(s, NULL);
	fname_len = string__read(s->buf + EXEC_DATA, filename, true, &flags);
	if (fname_len > RT_PATH_MAX)
		return;
	args = s->buf + EXEC_DATA + fname_len;

	for (i = 0; i < RT_ARGC_MAX; i++) {
		long n;

		if (argv__entry(argv, i, ptr_size, &arg) || !arg)
			break;
		if (off >= RT_ARGV_MAX) {
			flags |= RT_FLAG_TRUNCATED;
			break;
		}
		/* off < RT_ARGV_MAX and args has 2 * RT_ARGV_MAX + 2 of room
		 * (RT_SCRATCH_NEEDED). One byte past the bound: an argument
		 * that fills the rest of argv and one that overflows it are
		 * told apart (off > RT_ARGV_MAX below). */
		n = bpf_probe_read_user_str(args + off, RT_ARGV_MAX + 1, arg);
		if (n <= 0)
			break;
		off += n;
		argc++;
	}
	if (i == RT_ARGC_MAX && !argv__entry(argv, i, ptr_size, &arg) && arg)
		flags |= RT_FLAG_TRUNCATED;
	if (off > RT_ARGV_MAX) {
		off = RT_ARGV_MAX;
		flags |= RT_FLAG_TRUNCATED;
	}
	emit__exec(s, ret, fname_len, off, argc, flags);
}

/* ---- fixed-size records (reserve/submit) ------------------------------- */

struct connect_record {
	struct rt_header hdr;
	struct rt_connect_body body;
};

struct accept_record {
	struct rt_header hdr;
	struct rt_accept_body body;
};

/* Records are built on the stack so policy can decide before anything is
 * reserved; the copy into the ring is a handful of stores. */
#define RECORD_COMMIT(type, rec)                                               \
	do {                                                                   \
		void *__slot = record__reserve(type, sizeof(rec));             \
		if (__slot) {                                                  \
			__builtin_memcpy(__slot, &(rec), sizeof(rec));         \
			record__submit(__slot, type, (rec).hdr.flags);         \
		}                                                              \
	} while (0)

/* A connect the hooks did not see: it failed before the protocol looked at
 * the address (EISCONN, EALREADY, a bad fd or length), or it was not a
 * network connect at all. The caller's memory is the only account left and
 * is not trusted for the record; a network family there (or memory that
 * cannot be read) is counted, never silent. AF_UNIX and AF_UNSPEC
 * (disconnect) are not network connects. */
static __always_inline void connect__count_unseen(const void *uaddr, __u64 len)
{
	__u16 family = 0;

	if (len >= sizeof(family) && bpf_probe_read_user(&family, sizeof(family), uaddr)) {
		counters__inc(RT_EVENT_CONNECT, COUNTER_UNSUPPORTED);
		return;
	}
	if (family == RT_AF_INET || family == RT_AF_INET6)
		counters__inc(RT_EVENT_CONNECT, COUNTER_UNSUPPORTED);
}

/* The destination and protocol come from the connect hooks (the kernel's
 * copy of the sockaddr, taken inside the call); the local end from the fd's
 * socket only when it is the socket the hook saw: a socket dup2()ed over the
 * fd while connect blocked leaves src unknown (family 0), counted. */
static __always_inline void emit__connect(int fd, const void *uaddr, __u64 len, long ret)
{
	struct connect_record rec = {};
	struct rt_connect_stash st;
	struct sock *sk;

	if (!event__enabled(RT_EVENT_CONNECT))
		return;
	if (!sock_hooks__take_connect(&st)) {
		connect__count_unseen(uaddr, len);
		return;
	}
	rec.body.ret = ret;
	rec.body.fd = fd;
	rec.body.dst = st.dst;
	rec.body.protocol = st.protocol;
	sk = sock__from_fd(fd);
	if (sk && sock__cookie(sk) == st.cookie)
		sock__local(sk, &rec.body.src);
	else
		counters__inc(RT_EVENT_CONNECT, COUNTER_UNSUPPORTED);
	record__fill_header(&rec.hdr, RT_EVENT_CONNECT, sizeof(rec));
	if (!policy__allows_net(&rec.hdr, &rec.body.dst, rec.body.dst.port))
		return;
	RECORD_COMMIT(RT_EVENT_CONNECT, rec);
}

static __always_inline void emit__accept(int listen_fd, long ret)
{
	struct accept_record rec = {};
	struct sock *sk;
	__u16 family;

	if (!event__enabled(RT_EVENT_ACCEPT))
		return;
	if (ret == -RT_EAGAIN) /* a non-blocking poll that found nothing */
		return;
	rec.body.ret = ret;
	rec.body.listen_fd = listen_fd;
	/* The accepted socket, read from the fd the call returned: a racing
	 * thread that closes or replaces that fd before the syscall exits
	 * leaves no socket (counted) or another one (README, Known limits). */
	sk = sock__from_fd(ret >= 0 ? (int)ret : rec.body.listen_fd);
	if (!sk) {
		if (ret >= 0)
			counters__inc(RT_EVENT_ACCEPT, COUNTER_UNSUPPORTED);
		return;
	}
	family = sock__family(sk);
	if (family != RT_AF_INET && family != RT_AF_INET6)
		return;
	sock__local(sk, &rec.body.local);
	if (ret >= 0)
		sock__peer(sk, &rec.body.peer);
	record__fill_header(&rec.hdr, RT_EVENT_ACCEPT, sizeof(rec));
	if (!policy__allows_net(&rec.hdr, &rec.body.peer, rec.body.local.port))
		return;
	RECORD_COMMIT(RT_EVENT_ACCEPT, rec);
}

/* ---- sys_exit: one record per interesting syscall ----------------------- */

/* Handlers, one program per event family, found through the tail-call
 * tables of dispatch.h; each reads the call from sc_call__get(). */

SC_HANDLER(rt_sc_open)
{
	struct sc_call *c = sc_call__get();

	if (bench_open_stop == RT_BENCH_OPEN_TAIL)
		return 0;
	if (c)
		emit__open(c->kind, &c->args, c->ret);
	return 0;
}

SC_HANDLER(rt_sc_exec)
{
	struct sc_call *c = sc_call__get();
	const void *filename, *argv;

	/* Successful execs are reported by sched_process_exec (and their
	 * registers no longer hold the caller's arguments). */
	if (!c || c->ret >= 0)
		return 0;
	if (c->kind == RT_EXEC_EXECVEAT)
		filename = (const void *)c->args.a[1], argv = (const void *)c->args.a[2];
	else
		filename = (const void *)c->args.a[0], argv = (const void *)c->args.a[1];
	/* A constant pointer size lets the verifier prune the argv loop's
	 * other branch (one unknown size: 500k instructions, 8 s to load). */
	if (c->compat)
		emit__exec_failed(filename, argv, 4, c->ret);
	else
		emit__exec_failed(filename, argv, 8, c->ret);
	return 0;
}

SC_HANDLER(rt_sc_connect)
{
	struct sc_call *c = sc_call__get();

	if (c) {
		net_unix__connect(c); /* AF_UNIX: the unix record (net_unix.h) */
		emit__connect((__s32)c->args.a[0], (const void *)c->args.a[1], c->args.a[2], c->ret);
	}
	return 0;
}

SC_HANDLER(rt_sc_accept)
{
	struct sc_call *c = sc_call__get();

	if (c)
		emit__accept((__s32)c->args.a[0], c->ret);
	return 0;
}

#if defined(__TARGET_ARCH_x86)
#define RT_SYS_CONNECT 3 /* socketcall(2) call numbers, linux/net.h */
#define RT_SYS_ACCEPT 5
#define RT_SYS_ACCEPT4 18

/* i386 socketcall(call, args): unpack connect/accept into the call slot and
 * continue at the native handler of the same call. */
SC_HANDLER(rt_sc_socketcall)
{
	struct sc_call *c = sc_call__get();
	__u32 call, words[3] = {};

	if (!c)
		return 0;
	call = c->args.a[0];
	if (call != RT_SYS_CONNECT && call != RT_SYS_ACCEPT && call != RT_SYS_ACCEPT4)
		return 0;
	if (bpf_probe_read_user(words, sizeof(words), (const void *)c->args.a[1])) {
		counters__inc(call == RT_SYS_CONNECT ? RT_EVENT_CONNECT : RT_EVENT_ACCEPT,
			      COUNTER_UNSUPPORTED);
		return 0;
	}
	c->args.a[0] = words[0];
	c->args.a[1] = words[1];
	c->args.a[2] = words[2];
	bpf_tail_call(ctx, &sys_exit_native, call == RT_SYS_CONNECT ? nr_connect : nr_accept4);
	return 0;
}
#endif

#include "emit_file.h"
#include "net_events.h"
#include "emit_proc.h"
#include "emit_mount.h"
#include "emit_io_uring.h"

/* The dispatcher: bitmap test, then one tail call to the syscall's handler. */
SEC("tp_btf/sys_exit")
int BPF_PROG(rt_sys_exit, struct pt_regs *regs, long ret)
{
	long id = SYSCALL_NR(regs);
	struct task_struct *task;
	struct sc_call *c;

	/* syscall_bitmap is native | compat numbers: one test for both. */
	if (!syscall__interesting(id))
		return 0;
	task = bpf_get_current_task_btf();
	if (!task__traced(task->tgid)) /* a load, not a helper call */
		return 0;
	if (bench_open_stop == RT_BENCH_OPEN_DISPATCH && id == nr_openat)
		return 0;
	c = sc_call__get();
	if (!c)
		return 0;
	c->nr = id;
	c->ret = ret;
	if (SYSCALL_IS_COMPAT(task)) {
#if defined(__TARGET_ARCH_x86)
		/* The i386 table: arguments in bx, cx, dx, si, di, bp,
		 * 32-bit pointers. */
		c->args.a[0] = (__u32)regs->bx;
		c->args.a[1] = (__u32)regs->cx;
		c->args.a[2] = (__u32)regs->dx;
		c->args.a[3] = (__u32)regs->si;
		c->args.a[4] = (__u32)regs->di;
		c->args.a[5] = (__u32)regs->bp;
		c->ptr_size = 4;
		c->compat = 1;
		c->kind = sc_kind[1][id & (RT_SYSCALL_NR_MAX - 1)];
		bpf_tail_call(ctx, &sys_exit_compat, id);
#else
		/* aarch32 tasks are not decoded: a 32-bit syscall whose number
		 * the native bitmap watches is counted (slot 0: type
		 * unknown), never silent. */
		counters__inc(0, COUNTER_UNSUPPORTED);
#endif
		return 0;
	}
	c->args.a[0] = SYSCALL_ARG1(regs);
	c->args.a[1] = SYSCALL_ARG2(regs);
	c->args.a[2] = SYSCALL_ARG3(regs);
	c->args.a[3] = SYSCALL_ARG4(regs);
	c->args.a[4] = SYSCALL_ARG5(regs);
	c->args.a[5] = SYSCALL_ARG6(regs);
	c->ptr_size = 8;
	c->compat = 0;
	c->kind = sc_kind[0][id & (RT_SYSCALL_NR_MAX - 1)];
	/* A number with no native handler was in the bitmap for the compat
	 * table: the tail call falls through. */
	bpf_tail_call(ctx, &sys_exit_native, id);
	return 0;
}

/* ---- load time ---------------------------------------------------------- */

/* Run once by userspace (BPF_PROG_TEST_RUN), in ringtap's own context: who
 * ringtap is as the probes see it (the global tgid) and its pid namespace. */
SEC("syscall")
int rt_learn_self(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	__u32 level = BPF_CORE_READ(pid, level);
	struct upid up = {};

	(void)ctx;
	if (level >= RT_PIDNS_LEVEL_MAX ||
	    bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level]))
		return 1;
	self_pidns_level = level;
	self_pidns = (__u64)up.ns; /* task_active_pid_ns(current) */
	self_tgid = bpf_get_current_pid_tgid() >> 32;
	return 0;
}

/* ---- process lifecycle -------------------------------------------------- */

SEC("tp_btf/sched_process_exec")
int BPF_PROG(rt_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct rt_scratch *s;
	struct mm_struct *mm;
	__u32 flags = 0, fname_len;
	__u64 start, end, len;

	if (!event__enabled(RT_EVENT_EXEC) || !task__traced(bpf_get_current_pid_tgid() >> 32))
		return 0;
	s = scratch__get();
	if (!s)
		return 0;
	exec__identity(s, bprm->file);
	fname_len = string__read(s->buf + EXEC_DATA, bprm->filename, false, &flags);
	if (fname_len > RT_PATH_MAX)
		return 0;

	/* The new image's arguments, NUL-separated, as the kernel laid them out. */
	mm = p->mm;
	start = mm->arg_start;
	end = mm->arg_end;
	len = end > start ? end - start : 0;
	if (len > RT_ARGV_MAX) {
		len = RT_ARGV_MAX;
		flags |= RT_FLAG_TRUNCATED;
	}
	barrier_var(len);
	if (len > RT_ARGV_MAX)
		return 0;
	if (bpf_probe_read_user(s->buf + EXEC_DATA + fname_len, len, (void *)start))
		len = 0;
	emit__exec(s, 0, fname_len, len, bprm->argc, flags);
	return 0;
}

struct exit_record {
	struct rt_header hdr;
	struct rt_exit_body body;
};

/* The tracepoint's prototype since Linux 6.10: group_dead says whether this
 * thread was the one that took signal->live to zero. */
typedef void (*btf_trace_sched_process_exit___group_dead)(void *, struct task_struct *, bool);

SEC("tp_btf/sched_process_exit")
int BPF_PROG(rt_process_exit, struct task_struct *p)
{
	struct exit_record rec = {};
	int code;

	/* Every thread passes here; the process ends with its last one. Older
	 * kernels give no group_dead: live == 0 is then the test, and two
	 * threads exiting together can both pass it. */
	if (bpf_core_type_matches(btf_trace_sched_process_exit___group_dead)) {
		if (!(__u8)ctx[1])
			return 0;
	} else if (p->signal->live.counter != 0) {
		return 0;
	}
	if (!event__enabled(RT_EVENT_EXIT) || !task__traced(bpf_get_current_pid_tgid() >> 32))
		return 0;
	code = p->exit_code;
	rec.body.code = (code >> 8) & 0xff;
	rec.body.signal = code & 0x7f;
	record__fill_header(&rec.hdr, RT_EVENT_EXIT, sizeof(rec));
	if (!policy__allows_process(&rec.hdr))
		return 0;
	RECORD_COMMIT(RT_EVENT_EXIT, rec);
	return 0;
}

struct fork_record {
	struct rt_header hdr;
	struct rt_fork_body body;
};

SEC("tp_btf/sched_process_fork")
int BPF_PROG(rt_process_fork, struct task_struct *parent, struct task_struct *child)
{
	struct fork_record rec = {};

	if (child->pid != child->tgid) /* a new thread, not a new process */
		return 0;
	if (!event__enabled(RT_EVENT_FORK) || !task__traced(bpf_get_current_pid_tgid() >> 32))
		return 0;
	rec.body.child_pid = child->tgid;
	rec.body.child_start_ns = child->start_boottime;
	record__fill_header(&rec.hdr, RT_EVENT_FORK, sizeof(rec));
	if (!policy__allows_process(&rec.hdr))
		return 0;
	RECORD_COMMIT(RT_EVENT_FORK, rec);
	return 0;
}
