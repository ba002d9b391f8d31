/* SPDX-License-Identifier: GPL-2.0 */
/* Building and emitting records: the common header, the wakeup decision,
 * and the per-type counters every emit path updates. */
#ifndef RINGTAP_BPF_RECORD_H
#define RINGTAP_BPF_RECORD_H

#include "maps.h"

#define COUNTER_EMITTED 0
#define COUNTER_DROPPED 1
#define COUNTER_TRUNCATED 2
#define COUNTER_FILTERED 3
#define COUNTER_UNSUPPORTED 4

static __always_inline void counters__inc(__u32 type, int which)
{
	struct rt_counters *c = bpf_map_lookup_elem(&counters, &type);

	if (!c)
		return;
	/* Per-CPU slot and programs do not nest on a CPU: no atomics needed. */
	switch (which) {
	case COUNTER_EMITTED: c->emitted++; break;
	case COUNTER_DROPPED: c->dropped++; break;
	case COUNTER_TRUNCATED: c->truncated++; break;
	case COUNTER_UNSUPPORTED: c->unsupported++; break;
	default: c->filtered++; break;
	}
}

/* Records go out without a wakeup; the consumer polls on a bounded interval.
 * Only a ring past the fill threshold wakes it early. The fill test is a
 * helper call (bpf_ringbuf_query), so it runs on every 16th record of a CPU:
 * a burst passes the threshold by at most 15 records per CPU (< 256 KiB of
 * the default 8 MiB ring, whose threshold is at 2 MiB) before the wakeup.
 * A tick lost to a program nesting on the CPU (a socket hook in softirq)
 * only moves the next test. */
#define RT_WAKEUP_TEST_EVERY 16
static __always_inline __u64 record__wakeup_flags(void)
{
	__u32 zero = 0, *tick = bpf_map_lookup_elem(&wakeup_tick, &zero);

	if (tick && ((*tick)++ & (RT_WAKEUP_TEST_EVERY - 1)))
		return BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline bool event__enabled(__u32 type)
{
	return type < RT_EVENT_MAX && event_enabled[type];
}

#define RT_PIDNS_LEVEL_MAX 32 /* MAX_PID_NS_LEVEL */

/* The current process's tgid as numbered in ringtap's pid namespace, or 0
 * when it is not visible there. */
static __always_inline __u32 task__tgid_in_self_ns(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pid *pid = task->group_leader->thread_pid;
	__u32 level = self_pidns_level;
	struct upid up = {};

	if (level >= RT_PIDNS_LEVEL_MAX || !pid || pid->level < level)
		return 0;
	if (bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level]))
		return 0;
	return (__u64)up.ns == self_pidns ? up.nr : 0;
}

/* Should the current task (global tgid) be traced at all (self exclusion,
 * --pid)? */
static __always_inline bool task__traced(__u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	return target_tgid == 0 || task__tgid_in_self_ns() == target_tgid;
}

/* Zero the bytes of w (8 bytes of comm, little-endian) from the first NUL
 * on; *end carries "a NUL was seen" into the next word. Registers only. */
static __always_inline __u64 comm__pad_word(__u64 w, bool *end)
{
	int i;

#pragma unroll
	for (i = 0; i < 8; i++) {
		__u64 m = 0xffULL << (8 * i);

		if (*end)
			w &= ~m;
		else if (!(w & m))
			*end = true;
	}
	return w;
}

_Static_assert(RT_COMM_LEN == 16, "comm is read as two words");
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "comm__pad_word assumes little-endian words"
#endif

/* comm as bpf_get_current_comm() writes it (NUL-terminated, NUL-padded:
 * policy looks the 16 bytes up as a key), read with two loads instead of a
 * helper call. The bytes after the first NUL are zeroed here because a
 * kernel that set comm without padding leaves old bytes there. */
static __always_inline void task__comm(struct task_struct *task, char *comm)
{
	__u64 lo = *(__u64 *)&task->comm[0], hi = *(__u64 *)&task->comm[8];
	bool end = false;

	lo = comm__pad_word(lo, &end);
	hi = comm__pad_word(hi, &end) & ~(0xffULL << 56);
	__builtin_memcpy(comm, &lo, 8);
	__builtin_memcpy(comm + 8, &hi, 8);
}

/* Fill the common header for the current task.
 *
 * Fields are read straight from the task (BTF loads) rather than through
 * bpf_get_current_{pid_tgid,uid_gid,cgroup_id,comm}: each helper is a
 * kernel call and return, and with return-thunk mitigations (SRSO "Safe
 * RET" on AMD, retpolines) every call costs tens of ns; these four were
 * most of the header's ~190 ns (docs/benchmarks.md, "Where the time goes").
 * The values are the ones the helpers return: tgid/pid, the current cred's
 * uid/gid (init user namespace: the raw kuid), the default hierarchy's
 * cgroup id, comm NUL-padded. */
static __always_inline void record__fill_header(struct rt_header *h, __u16 type, __u32 size)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cred = task->cred;
	struct task_struct *parent = task->real_parent;

	h->type = type;
	h->abi_version = RT_ABI_VERSION;
	h->size = size;
	h->flags = 0;
	h->policy_gen = 0; /* policy__start() stamps the generation it judged by */
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->start_ns = task->group_leader->start_boottime;
	h->cgroup_id = task->cgroups->dfl_cgrp->kn->id;
	h->tgid = task->tgid;
	h->tid = task->pid;
	h->ppid = parent->tgid;
	h->uid = cred->uid.val;
	h->gid = cred->gid.val;
	h->euid = cred->euid.val;
	h->egid = cred->egid.val;
	h->_pad = 0;
	task__comm(task, h->comm);
	h->parent_start_ns = parent->group_leader->start_boottime;
}

/* Reserve a fixed-size record, counting a drop when the ring is full. */
static __always_inline void *record__reserve(__u32 type, __u32 size)
{
	void *rec = bpf_ringbuf_reserve(&events, size, 0);

	if (!rec)
		counters__inc(type, COUNTER_DROPPED);
	return rec;
}

static __always_inline void record__submit(void *rec, __u32 type, __u32 flags)
{
	counters__inc(type, COUNTER_EMITTED);
	if (flags & RT_FLAG_TRUNCATED)
		counters__inc(type, COUNTER_TRUNCATED);
	bpf_ringbuf_submit(rec, record__wakeup_flags());
}

/* Emit a record built in scratch: copy exactly size bytes into the ring. */
static __always_inline void record__output(struct rt_scratch *s, __u32 type, __u32 size, __u32 flags)
{
	if (size > RT_SCRATCH_SIZE)
		return; /* cannot happen */
	/* The mask states the bound in a form the verifier keeps, whatever
	 * register the compiler picks for size. */
	if (bpf_ringbuf_output(&events, s->buf, size & (RT_SCRATCH_SIZE - 1),
			       record__wakeup_flags())) {
		counters__inc(type, COUNTER_DROPPED);
		return;
	}
	counters__inc(type, COUNTER_EMITTED);
	if (flags & RT_FLAG_TRUNCATED)
		counters__inc(type, COUNTER_TRUNCATED);
}

static __always_inline struct rt_scratch *scratch__get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

#endif
