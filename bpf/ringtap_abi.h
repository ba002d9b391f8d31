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
 *   | comm[16]                                         |   88 bytes in all
 *   +--------------------------------------------------+
 *   | typed body (struct rt_*_body)                     |
 *   +--------------------------------------------------+
 *   | variable data: bytes whose lengths the body gives |
 *   +--------------------------------------------------+
 *
 * (boot time, tgid, start_ns) names a process even after PID reuse.
 * uid/gid are the real ids, euid/egid the effective ones (what the kernel
 * checks permissions against): they differ after a setuid exec.
 */
#ifndef RINGTAP_ABI_H
#define RINGTAP_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define RT_ABI_VERSION 2 /* 2: euid, egid in the header */

/* Event types (values of rt_header.type). 0 is never a valid type. */
#define RT_EVENT_EXEC    1
#define RT_EVENT_EXIT    2
#define RT_EVENT_FORK    3
#define RT_EVENT_OPEN    4
#define RT_EVENT_CONNECT 5
#define RT_EVENT_ACCEPT  6
#define RT_EVENT_MAX     7 /* one past the last type; sizes counter arrays */

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
};

/* exec: data = filename[filename_len] then argv[argv_len] (NUL-separated,
 * each argument NUL-terminated). ret is 0 or -errno of execve/execveat.
 * argc: for a successful exec the new image's argument count, even when
 * argv was cut (RT_FLAG_TRUNCATED; the last argument may then lack its NUL);
 * for a failed exec the arguments present in argv (at most RT_ARGC_MAX). */
struct rt_exec_body {
	__s32 ret;
	__u32 filename_len;
	__u32 argv_len;
	__u32 argc;
};

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

/* connect: src is the socket's local end after the call (may be unset when
 * the connect failed early). dst is the socket's peer as the kernel set it
 * when the connect succeeded or is in progress (-EINPROGRESS), else the
 * caller's sockaddr. Only IPv4/IPv6 destinations are reported (not AF_UNIX,
 * not AF_UNSPEC disconnects). */
struct rt_connect_body {
	__s32 ret;
	__s32 fd;
	__u32 protocol; /* IPPROTO_TCP, IPPROTO_UDP, ... (0 = unknown) */
	__u32 _pad;
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

/* Per-CPU counters, one slot per event type (index = type). */
struct rt_counters {
	__u64 emitted;   /* records submitted to the ring */
	__u64 dropped;   /* ring full: the record was lost */
	__u64 truncated; /* records with RT_FLAG_TRUNCATED */
	__u64 filtered;  /* discarded in the kernel by policy */
	__u64 unsupported; /* syscalls seen but not decoded (32-bit callers on
			    * arm64: slot 0; unreadable socketcall args) */
};

#endif /* RINGTAP_ABI_H */
