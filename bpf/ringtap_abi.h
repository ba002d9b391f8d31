/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ringtap kernel/user ABI: the one header both sides include.
 *
 * Rules: fixed-width types only (no bool, enum or pointer fields), explicit
 * padding, every struct a multiple of 8 bytes. A change to any layout bumps
 * RT_ABI_VERSION; userspace refuses records of another version.
 *
 * Every ring-buffer record is a common header followed by a typed body and,
 * for some types, variable-length data whose lengths the body carries:
 *
 *   0      2      4             8            12           16
 *   +------+------+-------------+------------+------------+
 *   | type | abi  | size        | flags      | policy_gen |   size = whole record
 *   +------+------+-------------+------------+------------+
 *   | ts_ns (boot time)         | start_ns (process start, boot time)   |
 *   +---------------------------+---------------------------------------+
 *   | cgroup_id                 | tgid       | tid        |
 *   +---------------------------+------------+------------+
 *   | ppid       | uid        | gid        | euid       |
 *   +------------+------------+------------+------------+
 *   | egid       | _pad       |
 *   +------------+------------+--------------------------+
 *   | comm[16]                                         |
 *   +---------------------------+----------------------+
 *   | parent_start_ns           |                          96 bytes in all
 *   +---------------------------+----------------------+
 *   | typed body (struct rt_*_body)                     |
 *   +--------------------------------------------------+
 *   | variable data: bytes whose lengths the body gives |
 *   +--------------------------------------------------+
 *
 * (boot time, tgid, start_ns) names a process even after PID reuse;
 * (boot time, ppid, parent_start_ns) its parent (the real parent's thread
 * group leader): userspace hashes both into entity ids.
 * uid/gid are the real ids, euid/egid the effective ones (what the kernel
 * checks permissions against): they differ after a setuid exec.
 */
#ifndef RINGTAP_ABI_H
#define RINGTAP_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define RT_ABI_VERSION 7 /* 2: euid, egid in the header; 3: file events;
			  * 4: parent_start_ns in the header, cred..bpf events;
			  * 5: network events (dns, tcp), connect.via;
			  * 6: exec cwd, fsconfig in the mount body;
			  * 7: module_name in the module body, io_uring
			  *    completions (kind 2) */

/* Event types (values of rt_header.type). 0 is never a valid type. */
#define RT_EVENT_EXEC    1
#define RT_EVENT_EXIT    2
#define RT_EVENT_FORK    3
#define RT_EVENT_OPEN    4
#define RT_EVENT_CONNECT 5
#define RT_EVENT_ACCEPT  6
#define RT_EVENT_UNLINK  7
#define RT_EVENT_RENAME  8
#define RT_EVENT_CHMOD   9
#define RT_EVENT_CHOWN   10
#define RT_EVENT_LINK    11
#define RT_EVENT_MKNOD   12
#define RT_EVENT_CRED      13 /* setuid family, capset */
#define RT_EVENT_PTRACE    14 /* ptrace, process_vm_writev (injection) */
#define RT_EVENT_MEMFD     15 /* memfd_create */
#define RT_EVENT_MODULE    16 /* init_module, finit_module, delete_module */
#define RT_EVENT_MOUNT     17 /* mount, umount2, chroot, pivot_root, new mount API */
#define RT_EVENT_NAMESPACE 18 /* unshare, setns */
#define RT_EVENT_DUP       19 /* dup/dup2/dup3/fcntl putting a socket on fd 0..2 */
#define RT_EVENT_SIGNAL    20 /* kill, tkill, tgkill, pidfd_send_signal of another process */
#define RT_EVENT_BPF       21 /* bpf(BPF_PROG_LOAD), bpf(BPF_MAP_CREATE) */
#define RT_EVENT_IO_URING  22 /* io_uring_setup, submitted open/connect/accept/send requests */
/* 23: reserved for this family */
#define RT_EVENT_DNS             24
#define RT_EVENT_TCP_ESTABLISHED 25
#define RT_EVENT_TCP_CLOSE       26
#define RT_EVENT_BIND            27
#define RT_EVENT_LISTEN          28
#define RT_EVENT_SOCKET          29
#define RT_EVENT_UNIX            30
#define RT_EVENT_MAX     32 /* one past the last type; sizes counter arrays */
/* The policy's event switch is a 32-bit mask indexed by type. */
_Static_assert(RT_EVENT_MAX <= 32, "event types must fit the policy's event mask");

/* rt_header.flags */
#define RT_FLAG_TRUNCATED (1u << 0) /* some variable data was cut short */

#define RT_COMM_LEN 16

/* Bounds on variable-length data. Larger values are cut and flagged. */
#define RT_PATH_MAX 4096 /* one path (open, exec filename) */
#define RT_ARGV_MAX 4096 /* argv bytes, NUL-separated */
#define RT_ARGC_MAX 64   /* argv entries read for a failed exec */

struct rt_header {
	__u16 type;
	__u16 abi_version;
	__u32 size;
	__u32 flags;
	__u32 policy_gen;
	__u64 ts_ns;
	__u64 start_ns;
	__u64 cgroup_id;
	__u32 tgid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 egid;
	__u32 _pad;
	char comm[RT_COMM_LEN];
	__u64 parent_start_ns;
};

/* exec: data = filename[filename_len] then argv[argv_len] (NUL-separated,
 * each argument NUL-terminated) then cwd[cwd_len] (no NUL). ret is 0 or -errno of execve/execveat.
 * argc: for a successful exec the new image's argument count, even when
 * argv was cut (RT_FLAG_TRUNCATED; the last argument may then lack its NUL);
 * for a failed exec the arguments present in argv (at most RT_ARGC_MAX). */
struct rt_exec_body {
	__s32 ret;
	__u32 filename_len;
	__u32 argv_len;
	__u32 argc;
	/* ABI 4: who runs it, with what, and the executable's identity. The
	 * exe_* fields are those of the file the kernel executed (0 for a
	 * failed exec). auid/sessionid: (__u32)-1 when unset or without audit. */
	__u32 auid;
	__u32 sessionid;
	__u64 cap_effective;
	__u64 cap_permitted;
	__u64 exe_ino;
	__u32 exe_dev;   /* the superblock's dev_t (kernel encoding: major << 20 | minor) */
	__u32 exe_mode;  /* file type and permissions: S_ISUID 04000, S_ISGID 02000 */
	__s64 exe_ctime; /* seconds */
	__s64 exe_mtime;
	__u32 exe_nlink;
	__u32 exe_flags; /* RT_EXE_* */
	__u32 tty;       /* controlling terminal's dev_t (kernel encoding), 0: none */
	/* ABI 6: the current directory (task->fs->pwd) as the process sees it
	 * (up to its root, like getcwd(2)), found by a dentry walk of at most
	 * RT_CWD_DEPTH_MAX components; RT_CWD_TRUNCATED: the walk was cut and
	 * cwd holds the deepest components only. cwd_len 0: unknown. */
	__u32 cwd_len;
	__u32 cwd_flags; /* RT_CWD_* */
	__u32 _pad;
};

#define RT_CWD_DEPTH_MAX 32        /* path components walked for cwd */
#define RT_CWD_TRUNCATED (1u << 0) /* leading components are missing */

#define RT_EXE_MEMFD    (1u << 0) /* a memfd (fileless execution) */
#define RT_EXE_DELETED  (1u << 1) /* no links left: deleted after open */
#define RT_EXE_OVERLAY  (1u << 2) /* on overlayfs (a container image or its upper layer) */
#define RT_EXE_WRITABLE (1u << 3) /* mode bits let the caller's euid/egid write it */

/* exit: code is the exit status (0..255); signal the terminating signal or 0.
 * One record per process, when its last thread exits. */
struct rt_exit_body {
	__s32 code;
	__u32 signal;
};

/* fork: the new process (thread group leader) created by fork/clone. */
struct rt_fork_body {
	__u32 child_pid;
	__u32 _pad;
	__u64 child_start_ns; /* ABI 4: the child's start (boot time): its entity */
};

/* Which syscall an open record came from (rt_open_body.syscall). */
#define RT_OPEN_OPENAT  0
#define RT_OPEN_OPENAT2 1
#define RT_OPEN_OPEN    2
#define RT_OPEN_CREAT   3

/* Which syscall a (failed) exec came from: the dispatcher's kind only, not
 * in the record. */
#define RT_EXEC_EXECVE   0
#define RT_EXEC_EXECVEAT 1

/* open: data = path[path_len] (no NUL). dirfd is AT_FDCWD (-100) for open/creat.
 * path_len is 0 when the path could not be read (e.g. a bad pointer). */
struct rt_open_body {
	__s32 ret; /* fd or -errno */
	__u32 flags;
	__u32 mode;
	__s32 dirfd;
	__u32 path_len;
	__u32 syscall;
};

/* An IPv4 address is stored in the first 4 bytes of addr, network order. */
struct rt_sockaddr {
	__u8 addr[16];
	__u16 port; /* host order */
	__u16 family; /* AF_INET (2) or AF_INET6 (10); 0 = unknown */
	__u32 _pad;
};

/* connect: dst and protocol are what the kernel was asked for, from its own
 * copy of the caller's sockaddr (the cgroup connect4/connect6 hooks, inside
 * the call), whatever the caller's memory says by the time the call returns.
 * src is the socket's local end after the call, read only when the fd still
 * names the socket the hook saw; family 0 = unknown (the connect failed
 * early, or another socket was dup2()ed over the fd meanwhile). Only
 * IPv4/IPv6 connects that reached the protocol are reported; one that
 * failed before it (EISCONN, EALREADY, EBADF, ...) is counted in the
 * connect type's unsupported counter, as is an unknown local end. */
#define RT_CONNECT_VIA_CONNECT 0 /* connect(2) (any protocol) */
#define RT_CONNECT_VIA_SENDMSG 1 /* an unconnected UDP socket's first datagram to dst */

/* A datagram sent with a destination (sendto/sendmsg/sendmmsg on an
 * unconnected UDP socket) is a connect record too, via RT_CONNECT_VIA_SENDMSG,
 * once per (socket, destination): taken from the cgroup sendmsg4/sendmsg6
 * hook inside the call, before the datagram leaves; ret is 0 and fd -1 (the
 * hook sees no fd), src is the socket's local end (port 0 before the first
 * datagram binds it). */
struct rt_connect_body {
	__s32 ret;
	__s32 fd;
	__u32 protocol; /* IPPROTO_TCP, IPPROTO_UDP, ... (0 = unknown) */
	__u32 via;	/* RT_CONNECT_VIA_* */
	struct rt_sockaddr src;
	struct rt_sockaddr dst;
};

/* accept: ret is the new fd or -errno; local/peer are the accepted socket's.
 * -EAGAIN (a non-blocking accept with nothing pending) is not reported; on
 * other errors local is the listening socket's address and peer is unset. */
struct rt_accept_body {
	__s32 ret;
	__s32 listen_fd;
	struct rt_sockaddr local;
	struct rt_sockaddr peer;
};

/* ---- file events ----------------------------------------------------------
 * Paths are the caller's, as passed (no NUL), each with its length; a path
 * that could not be read has length 0, a cut one sets RT_FLAG_TRUNCATED.
 * Relative paths come with their dirfd (AT_FDCWD, -100, for the calls that
 * take none). ret is the syscall's result: 0 or -errno. syscall says which
 * call of the family it was (RT_<FAMILY>_<CALL>). */

#define RT_UNLINK_UNLINK   0
#define RT_UNLINK_UNLINKAT 1
#define RT_UNLINK_RMDIR    2

/* unlink: data = path[path_len]. flags: unlinkat's (AT_REMOVEDIR 0x200). */
struct rt_unlink_body {
	__s32 ret;
	__s32 dirfd;
	__u32 flags;
	__u32 path_len;
	__u32 syscall;
	__u32 _pad;
};

#define RT_RENAME_RENAME    0
#define RT_RENAME_RENAMEAT  1
#define RT_RENAME_RENAMEAT2 2

/* rename: data = old_path[old_len] then new_path[new_len]. flags:
 * renameat2's (RENAME_NOREPLACE 1, RENAME_EXCHANGE 2, RENAME_WHITEOUT 4). */
struct rt_rename_body {
	__s32 ret;
	__s32 old_dirfd;
	__s32 new_dirfd;
	__u32 flags;
	__u32 old_len;
	__u32 new_len;
	__u32 syscall;
	__u32 _pad;
};

#define RT_CHMOD_CHMOD     0
#define RT_CHMOD_FCHMOD    1
#define RT_CHMOD_FCHMODAT  2
#define RT_CHMOD_FCHMODAT2 3

/* chmod: data = path[path_len] (empty for fchmod, which gives fd; fd is -1
 * for the others). mode as passed, with S_ISUID 04000, S_ISGID 02000 and
 * S_ISVTX 01000. flags: fchmodat2's (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH). */
struct rt_chmod_body {
	__s32 ret;
	__s32 dirfd;
	__s32 fd;
	__u32 mode;
	__u32 flags;
	__u32 path_len;
	__u32 syscall;
	__u32 _pad;
};

#define RT_CHOWN_CHOWN    0
#define RT_CHOWN_FCHOWN   1
#define RT_CHOWN_LCHOWN   2
#define RT_CHOWN_FCHOWNAT 3
#define RT_CHOWN_16BIT    0x10 /* dispatcher kind only: i386 16-bit ids */

/* chown: data = path[path_len] (empty for fchown: fd). uid/gid as passed,
 * (__u32)-1 meaning "unchanged" (also for i386's 16-bit calls). flags:
 * fchownat's (AT_SYMLINK_NOFOLLOW 0x100, AT_EMPTY_PATH 0x1000). */
struct rt_chown_body {
	__s32 ret;
	__s32 dirfd;
	__s32 fd;
	__u32 uid;
	__u32 gid;
	__u32 flags;
	__u32 path_len;
	__u32 syscall;
};

#define RT_LINK_LINK      0
#define RT_LINK_LINKAT    1
#define RT_LINK_SYMLINK   2
#define RT_LINK_SYMLINKAT 3

/* link: data = target[target_len] then link_path[link_len]. For a symlink
 * the target is the link's content (old_dirfd is AT_FDCWD: it is not
 * resolved), for a hard link an existing file. flags: linkat's. */
struct rt_link_body {
	__s32 ret;
	__s32 old_dirfd;
	__s32 new_dirfd;
	__u32 flags;
	__u32 target_len;
	__u32 link_len;
	__u32 syscall;
	__u32 _pad;
};

#define RT_MKNOD_MKNOD   0
#define RT_MKNOD_MKNODAT 1

/* mknod: data = path[path_len]. mode has the file type (S_IFCHR, S_IFBLK,
 * S_IFIFO, S_IFSOCK, S_IFREG) and permissions; dev as passed (new_encode_dev). */
struct rt_mknod_body {
	__s32 ret;
	__s32 dirfd;
	__u32 mode;
	__u32 path_len;
	__u64 dev;
	__u32 syscall;
	__u32 _pad;
};

/* ---- network events from socket hooks ------------------------------------
 * Records from softirq context (packets, TCP state changes) carry the
 * header of the socket's owner: the process that last bound, connected or
 * sent from the socket through a hooked call (socket storage, cloned to
 * accepted sockets from their listener); tgid 0 when no hooked call ever
 * ran on it. ts_ns is always the event's own time. */

#define RT_DNS_PAYLOAD_MAX 2048 /* bytes of a DNS message kept; more: cut and flagged */

#define RT_DIR_EGRESS  0
#define RT_DIR_INGRESS 1

/* dns: one UDP datagram or TCP segment to or from a DNS port (53 unless the
 * dns_ports map says otherwise), seen by cgroup_skb egress/ingress on the
 * cgroup v2 root. data = payload[payload_len]: the L4 payload from its first
 * byte (a TCP segment's payload keeps DNS's 2-byte length prefix);
 * orig_len is the whole payload's length (payload_len < orig_len: cut,
 * RT_FLAG_TRUNCATED). local/remote: this socket's end and the far end. */
struct rt_dns_body {
	__u64 cookie;	   /* the socket's cookie: joins a response to its query */
	__u32 direction;   /* RT_DIR_* */
	__u32 protocol;	   /* IPPROTO_UDP or IPPROTO_TCP */
	__u32 payload_len;
	__u32 orig_len;
	struct rt_sockaddr local;
	struct rt_sockaddr remote;
};

#define RT_TCP_CONNECTED 0 /* we connected (SYN_SENT -> ESTABLISHED) */
#define RT_TCP_ACCEPTED  1 /* we accepted (SYN_RECV -> ESTABLISHED) */

/* tcp_established: from tp_btf/inet_sock_set_state. */
struct rt_tcp_established_body {
	__u64 cookie;
	__u32 direction; /* RT_TCP_* */
	__u32 _pad;
	struct rt_sockaddr local;
	struct rt_sockaddr remote;
};

#define RT_TCP_CLOSE_FIN 0 /* orderly: closed from FIN_WAIT*, CLOSING, LAST_ACK */
#define RT_TCP_CLOSE_RST 1 /* abortive: closed straight from ESTABLISHED/CLOSE_WAIT/SYN_* (RST sent or received, or timed out) */

/* tcp_close: one per connection that was established, when the socket
 * enters TCP_CLOSE. bytes_sent: data bytes the peer acknowledged
 * (tcp_sock.bytes_acked less the SYN and FIN), bytes_received: data bytes
 * received (bytes_received less the FIN); retransmits: total_retrans.
 * local/remote as they were when established. */
struct rt_tcp_close_body {
	__u64 cookie;
	__u64 bytes_sent;
	__u64 bytes_received;
	__u64 duration_ns; /* since established */
	__u32 retransmits;
	__u32 reason;	   /* RT_TCP_CLOSE_* */
	__u32 direction;   /* RT_TCP_* of the establishment */
	__u32 old_state;   /* the TCP state closed from (TCP_ESTABLISHED 1 ...) */
	struct rt_sockaddr local;
	struct rt_sockaddr remote;
};

/* ---- credentials, injection, fileless, modules, mounts, namespaces,
 * I/O redirection, signals, bpf (ABI 4) -------------------------------------
 * Each reported at sys_exit with the call's result; "kind" fields name the
 * call within the family (RT_<FAMILY>_<CALL>). */

#define RT_CRED_SETUID    0
#define RT_CRED_SETGID    1
#define RT_CRED_SETREUID  2
#define RT_CRED_SETREGID  3
#define RT_CRED_SETRESUID 4
#define RT_CRED_SETRESGID 5
#define RT_CRED_SETFSUID  6
#define RT_CRED_SETFSGID  7
#define RT_CRED_CAPSET    8
#define RT_CRED_16BIT     0x10 /* dispatcher kind only: i386 16-bit ids */

/* cred: req[0..2] are the ids the call asked for, in its argument order
 * ((__u32)-1 = leave unchanged; setuid/setgid/setfs*: req[0] only). The
 * resulting ids and capability sets are the task's credentials at exit:
 * what the call left in force, whether it succeeded or not. There is no
 * "before" in the record: the sensor has no sys_enter program (docs/events.md).
 * capset: req[0] is the header's version, req[1] its pid, req_cap_* the
 * sets asked for (v1 headers: the low 32 bits only). They are read from the
 * caller's memory at exit: for an unknown version the kernel has by then
 * written the version it supports there (and failed with -EINVAL). setfsuid/setfsgid return the
 * previous fs id in ret, never -errno. */
struct rt_cred_body {
	__s32 ret;
	__u32 syscall;
	__u32 req[3];
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u32 _pad;
	__u64 cap_effective, cap_permitted, cap_inheritable;
	__u64 req_cap_effective, req_cap_permitted, req_cap_inheritable;
};

#define RT_PTRACE_PTRACE            0
#define RT_PTRACE_PROCESS_VM_WRITEV 1

/* ptrace: request, addr and data as passed (request 0 = PTRACE_TRACEME,
 * whose target is the parent: target_pid = ppid). process_vm_writev:
 * target_pid and the iovec counts; ret is the bytes written or -errno. */
struct rt_ptrace_body {
	__s64 ret;
	__s64 request;
	__u64 addr;
	__u64 data;
	__u32 target_pid;
	__u32 syscall;
	__u32 local_iovcnt;
	__u32 remote_iovcnt;
};

/* memfd: data = name[name_len] (as passed, without the kernel's "memfd:"
 * prefix). flags: MFD_CLOEXEC 1, MFD_ALLOW_SEALING 2, MFD_HUGETLB 4,
 * MFD_NOEXEC_SEAL 8, MFD_EXEC 0x10. ret is the new fd or -errno. */
struct rt_memfd_body {
	__s32 ret;
	__u32 flags;
	__u32 name_len;
	__u32 _pad;
};

#define RT_MODULE_INIT   0
#define RT_MODULE_FINIT  1
#define RT_MODULE_DELETE 2

#define RT_MODULE_NAME_LEN 56 /* MODULE_NAME_LEN on 64-bit kernels */

/* module: data = name[name_len] then params[params_len].
 * init_module: params is the argument string, len the image's size.
 * finit_module: fd, params and flags; name is the file's name (the last
 * component of its path, read from the fd's dentry).
 * delete_module: name as passed, flags (O_NONBLOCK, O_TRUNC).
 * module_name (init/finit): the name the kernel loaded the module under,
 * from the module's own ELF (module:module_load), NUL-padded; empty when
 * the call failed before the kernel parsed the image, on delete_module,
 * and on kernels without the tracepoint. */
struct rt_module_body {
	__s32 ret;
	__u32 syscall;
	__u64 len;
	__s32 fd;
	__u32 flags;
	__u32 name_len;
	__u32 params_len;
	char module_name[RT_MODULE_NAME_LEN];
};

#define RT_MOUNT_MOUNT         0
#define RT_MOUNT_UMOUNT2       1
#define RT_MOUNT_CHROOT        2
#define RT_MOUNT_PIVOT_ROOT    3
#define RT_MOUNT_FSOPEN        4
#define RT_MOUNT_FSMOUNT       5
#define RT_MOUNT_MOVE_MOUNT    6
#define RT_MOUNT_OPEN_TREE     7
#define RT_MOUNT_MOUNT_SETATTR 8
#define RT_MOUNT_FSCONFIG      9
#define RT_FSTYPE_MAX 64 /* a filesystem type name (fstype, fsopen's fsname) */

/* mount: data = fstype[fstype_len] then source[source_len] then
 * target[target_len] then key[key_len] then value[value_len], each as
 * passed. Per call:
 *   mount(source, target, fstype, flags)   umount2(target, flags)
 *   chroot(target)                        pivot_root(source = new_root, target = put_old)
 *   fsopen(fstype, flags)                 fsmount(fd, flags, attr = attr_flags)
 *   move_mount(dirfd, source, dirfd2, target, flags)
 *   open_tree(dirfd, source, flags)       mount_setattr(dirfd, target, flags)
 *   fsconfig(fd, cmd, key, value, aux)
 * fsconfig: value is the string of FSCONFIG_SET_STRING, SET_PATH and
 * SET_PATH_EMPTY (empty for the others: SET_BINARY's blob is not read);
 * aux as passed (SET_PATH*'s dirfd, SET_FD's fd, SET_BINARY's length).
 * Unused descriptors are -1; cmd, aux, key and value are 0/empty but
 * for fsconfig. */
struct rt_mount_body {
	__s32 ret;
	__u32 syscall;
	__u64 flags;
	__u64 attr;
	__s32 fd;
	__s32 dirfd;
	__s32 dirfd2;
	__u32 fstype_len;
	__u32 source_len;
	__u32 target_len;
	__u32 cmd;	 /* fsconfig's FSCONFIG_* command */
	__s32 aux;
	__u32 key_len;
	__u32 value_len;
};

#define RT_NS_UNSHARE 0
#define RT_NS_SETNS   1

/* namespace: flags are unshare's CLONE_NEW* flags, or setns's nstype (0 =
 * any); fd is setns's namespace or pidfd (-1 for unshare). */
struct rt_namespace_body {
	__s32 ret;
	__u32 syscall;
	__u64 flags;
	__s32 fd;
	__u32 _pad;
};

#define RT_DUP_DUP    0
#define RT_DUP_DUP2   1
#define RT_DUP_DUP3   2
#define RT_DUP_FCNTL  3 /* F_DUPFD, F_DUPFD_CLOEXEC */

/* dup: a socket put on fd 0, 1 or 2 (stdin, stdout, stderr): the sign of
 * a reverse shell. Reported only then: newfd (the call's result, or the fd
 * asked for when it failed) is 0..2 and oldfd is a socket. flags: dup3's,
 * or fcntl's cmd. family/type/protocol/local/peer are the socket's (family
 * AF_UNIX 1 has no addresses). */
struct rt_dup_body {
	__s32 ret;
	__u32 syscall;
	__s32 oldfd;
	__s32 newfd;
	__u32 flags;
	__u32 family;
	__u32 sock_type;
	__u32 protocol;
	struct rt_sockaddr local;
	struct rt_sockaddr peer;
};

#define RT_SIGNAL_KILL              0
#define RT_SIGNAL_TKILL             1
#define RT_SIGNAL_TGKILL            2
#define RT_SIGNAL_PIDFD_SEND_SIGNAL 3

/* signal: sent to another process (a process signalling itself, e.g.
 * raise() or a runtime's preemption, is not reported). target_pid: kill's
 * pid (0 = own group, -1 = every process, < -1 = group -pid), tgkill's
 * tgid, tkill's tid, or the pidfd's process (0 when the fd is not a pidfd).
 * target_tid: tkill/tgkill's tid, else 0. pidfd: -1 but for pidfd_send_signal. */
struct rt_signal_body {
	__s32 ret;
	__u32 syscall;
	__u32 sig;
	__s32 target_pid;
	__s32 target_tid;
	__s32 pidfd;
};

#define RT_BPF_MAP_CREATE 0
#define RT_BPF_PROG_LOAD  5
#define RT_BPF_NAME_LEN   16

/* bpf: cmd is BPF_MAP_CREATE (0) or BPF_PROG_LOAD (5), read from the
 * caller's union bpf_attr. prog load: type = prog_type, attach_type =
 * expected_attach_type, count = insn_cnt. map create: type = map_type,
 * count = max_entries, key_size and value_size. name as given (may be
 * empty, NUL-padded). ret is the new fd or -errno. */
struct rt_bpf_body {
	__s32 ret;
	__u32 cmd;
	__u32 type;
	__u32 attach_type;
	__u32 count;
	__u32 key_size;
	__u32 value_size;
	__u32 _pad;
	char name[RT_BPF_NAME_LEN];
};

#define RT_IO_URING_SETUP  0 /* the io_uring_setup syscall */
#define RT_IO_URING_SUBMIT 1 /* a request submitted (io_uring:io_uring_submit_req) */
#define RT_IO_URING_COMPLETE 2 /* a reported request completed (io_uring:io_uring_complete) */

/* io_uring: what the syscall tracepoints never see. setup: ret is the ring
 * fd or -errno, entries and flags (IORING_SETUP_*) as asked. submit: one
 * record per submitted request whose opcode opens (OPENAT 18, OPENAT2 28),
 * connects (CONNECT 16), accepts (ACCEPT 13), sends (SEND 26, SENDMSG 9,
 * SEND_ZC 47, SENDMSG_ZC 48) or creates a socket (SOCKET 45), flags 0; fd is the
 * request's fd (the dirfd for opens), user_data the submitter's tag; ret is
 * 0 (the result arrives later, in the completion). data = path[path_len]
 * for opens: the kernel's copy (struct filename), with open_flags; addr is
 * a connect's destination, read from the caller's sockaddr at submission
 * (family 0 when absent or unreadable).
 * complete: one record per completion of a request reported at submission,
 * with the submitter's header: ret is the CQE's res (a new fd, a byte
 * count, 0, or -errno), opcode, fd and user_data as submitted, flags the
 * CQE's flags (IORING_CQE_F_MORE: a multishot request goes on, one record
 * per completion); no data. */
struct rt_io_uring_body {
	__s32 ret;
	__u32 kind;
	__u32 opcode;
	__s32 fd;
	__u64 user_data;
	__u32 flags;
	__u32 entries;
	__u32 path_len;
	__u32 open_flags;
	struct rt_sockaddr addr;
};

/* Which call the network handler (rt_sc_net) was sent: the dispatcher's
 * kind only, not in the records. */
#define RT_NET_SOCKET 0
#define RT_NET_BIND   1
#define RT_NET_LISTEN 2

/* bind: from bind(2)'s exit (native and i386 bind; not socketcall). addr is
 * the socket's local end after a successful call, read from the kernel
 * socket (with the port the kernel chose for port 0); after a failed call,
 * the address the cgroup bind4/bind6 hook saw inside the call (the kernel's
 * copy), family 0 when the hook did not run (the call failed before the
 * protocol looked at it). AF_UNIX binds are unix records instead. */
struct rt_bind_body {
	__s32 ret;
	__s32 fd;
	__u32 protocol; /* IPPROTO_TCP, IPPROTO_UDP, ... of the socket */
	__u32 _pad;
	struct rt_sockaddr addr;
};

/* listen: from listen(2)'s exit, IPv4/IPv6 sockets. addr is the socket's
 * local end after the call (a listen on an unbound socket autobinds a
 * port); backlog as requested, max_backlog as the kernel clamped it
 * (sk_max_ack_backlog; 0 after a failure). */
struct rt_listen_body {
	__s32 ret;
	__s32 fd;
	__u32 protocol;
	__s32 backlog;
	__u32 max_backlog;
	__u32 _pad;
	struct rt_sockaddr addr;
};

#define RT_AF_UNIX_VAL   1
#define RT_AF_PACKET_VAL 17
#define RT_SOCK_RAW_VAL  3

/* socket: from socket(2)'s exit, only the sockets that see raw traffic:
 * AF_PACKET (any type) and SOCK_RAW of AF_INET/AF_INET6. family, type
 * (SOCK_* without SOCK_NONBLOCK/SOCK_CLOEXEC) and protocol as passed (for
 * AF_PACKET an ethertype in network order, e.g. 0x0300 = ETH_P_ALL);
 * ret the new fd or -errno. */
struct rt_socket_body {
	__s32 ret;
	__u32 family;
	__u32 type;
	__u32 protocol;
};

#define RT_UNIX_CONNECT 0
#define RT_UNIX_BIND    1

#define RT_UNIX_PATH_KERNEL 0 /* from the kernel socket (the bound address) */
#define RT_UNIX_PATH_USER   1 /* from the caller's memory: the call failed */
#define RT_UNIX_PATH_MAX    108 /* sizeof(sockaddr_un.sun_path) */

/* unix: connect(2) or bind(2) of an AF_UNIX socket, at the syscall's exit.
 * path[path_len]: the socket path (no NUL; an abstract name starts with a
 * NUL byte). A successful connect reports the address the peer socket is
 * bound to (kernel memory); a successful bind the address it bound; a
 * failed call the path the caller passed (path_source USER). peer_pid: a
 * connected stream socket's peer credentials (the listener's process, in
 * the initial pid namespace), 0 when unknown. */
struct rt_unix_body {
	__s32 ret;
	__s32 fd;
	__u32 op;	   /* RT_UNIX_CONNECT / RT_UNIX_BIND */
	__u32 type;	   /* SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5 */
	__u32 path_len;
	__u32 path_source; /* RT_UNIX_PATH_* */
	__u32 peer_pid;
	__u32 _pad;
	char path[128];	   /* RT_UNIX_PATH_MAX used; a power of two for the verifier */
};

/* Per-CPU counters, one slot per event type (index = type). */
struct rt_counters {
	__u64 emitted;   /* records submitted to the ring */
	__u64 dropped;   /* ring full: the record was lost */
	__u64 truncated; /* records with RT_FLAG_TRUNCATED */
	__u64 filtered;  /* discarded in the kernel by policy */
	__u64 unsupported; /* syscalls seen but not decoded (32-bit callers on
			    * arm64: slot 0; unreadable socketcall args;
			    * connects/accepts whose destination or socket
			    * kernel memory could not vouch for) */
};

#endif /* RINGTAP_ABI_H */
