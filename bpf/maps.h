/* SPDX-License-Identifier: GPL-2.0 */
/* The map and global-variable catalogue of ringtap.bpf.c: everything the
 * kernel side keeps, in one place. Userspace reaches the globals through the
 * skeleton (skel->rodata / skel->bss / skel->data), the maps by name. */
#ifndef RINGTAP_BPF_MAPS_H
#define RINGTAP_BPF_MAPS_H

#include "ringtap_abi.h"

/* ---- fixed at load (rodata; the verifier prunes on their values) ---- */

/* Syscall numbers of the host architecture, filled by userspace from
 * <sys/syscall.h>; -1 where the architecture lacks the call. */
const volatile int nr_openat = -1;
const volatile int nr_openat2 = -1;
const volatile int nr_open = -1;
const volatile int nr_creat = -1;
const volatile int nr_execve = -1;
const volatile int nr_execveat = -1;
const volatile int nr_connect = -1;
const volatile int nr_accept = -1;
const volatile int nr_accept4 = -1;

/* The i386 table's numbers, seen from 32-bit callers on x86-64 (-1 elsewhere). */
const volatile int nr32_openat = -1;
const volatile int nr32_openat2 = -1;
const volatile int nr32_open = -1;
const volatile int nr32_creat = -1;
const volatile int nr32_execve = -1;
const volatile int nr32_execveat = -1;
const volatile int nr32_socketcall = -1;
const volatile int nr32_connect = -1;
const volatile int nr32_accept4 = -1;

/* only this process, its pid as seen in ringtap's pid namespace; 0 = all */
const volatile __u32 target_tgid = 0;
const volatile __u64 wakeup_bytes = 0; /* force a wakeup past this fill */

/* Benchmark only (bench/open_stages.sh; RINGTAP_BENCH_OPEN_STOP in the
 * environment): the open path stops after stage N (RT_BENCH_OPEN_*), so
 * the kernel's accounting prices each stage. 0, the default, is the product:
 * the verifier sees a constant and drops every stop. */
#define RT_BENCH_OPEN_DISPATCH 1 /* bitmap test and self test only */
#define RT_BENCH_OPEN_TAIL 2	 /* + call slot filled, tail call to rt_sc_open */
#define RT_BENCH_OPEN_HEADER 3	 /* + scratch and the common header */
#define RT_BENCH_OPEN_TASK 4	 /* + policy: generation, type switch, comm, uid */
#define RT_BENCH_OPEN_PATH 5	 /* + body and the path read */
#define RT_BENCH_OPEN_POLICY 6	 /* + path policy (prefix trie) */
const volatile __u32 bench_open_stop = 0;

/* ---- runtime knobs (mmapped globals: read without a helper call) ---- */

/* One bit per syscall number the probes care about, native or compat;
 * sys_exit tests it before anything else. compat_bitmap has the compat
 * numbers alone. Userspace derives both from the numbers above and
 * event_enabled[]. */
#define RT_SYSCALL_BITMAP_WORDS 8 /* 512 syscall numbers */
__u64 syscall_bitmap[RT_SYSCALL_BITMAP_WORDS] = {};
__u64 compat_bitmap[RT_SYSCALL_BITMAP_WORDS] = {};

/* Event types switched on (index = RT_EVENT_*), consulted before reserving. */
__u8 event_enabled[RT_EVENT_MAX] = {};

/* ringtap itself, never traced: its global tgid, and its pid namespace
 * (which --pid is given in), learned by rt_learn_self at load time. In a
 * container, getpid() would be the namespaced pid: not what the probes see. */
__u32 self_tgid = 0;
__u32 self_pidns_level = 0;
__u64 self_pidns = 0; /* struct pid_namespace *, compared, never followed */

/* Policy generation stamped on every record. */
__u32 policy_gen = 0;

/* ---- maps ---- */

/* The one ring every record goes through. Size set by userspace. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

/* Per-CPU counters per event type (index = RT_EVENT_*). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RT_EVENT_MAX);
	__type(key, __u32);
	__type(value, struct rt_counters);
} counters SEC(".maps");

/* Per-CPU count of records written, for record__wakeup_flags(): the ring's
 * fill is tested once per RT_WAKEUP_TEST_EVERY records, not per record. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} wakeup_tick SEC(".maps");

/* Per-CPU scratch where variable-size records (open, exec) are built
 * before bpf_ringbuf_output() copies out exactly the bytes used.
 * Layout: header, body, then data; argv gets twice its bound so each
 * argument can be read with a constant size at any offset below the bound,
 * and an exec's cwd follows argv. */
#define RT_MAX_(a, b) ((a) > (b) ? (a) : (b))
#define RT_SCRATCH_NEEDED (sizeof(struct rt_header) + sizeof(struct rt_exec_body) + RT_PATH_MAX + \
			   RT_MAX_(2 * RT_ARGV_MAX + 2, RT_ARGV_MAX + RT_PATH_MAX))
#define RT_SCRATCH_SIZE 16384 /* a power of two: sizes are bounded by masking */
_Static_assert(RT_SCRATCH_SIZE >= RT_SCRATCH_NEEDED, "scratch too small");
struct rt_scratch {
	__u8 buf[RT_SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_scratch);
} scratch SEC(".maps");

#endif
