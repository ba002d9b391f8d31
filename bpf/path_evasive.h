/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Paths that path-prefix rules must not judge, shared by the kernel filter
 * (bpf/policy_filter.bpf.h, one byte per bpf_loop step) and the userspace
 * matcher (src/policy/policy_match.c) so both decide alike.
 *
 * Prefixes match the path as passed, not the file opened. A caller can name
 * any file with a path under an excluded prefix: /proc/../etc/shadow,
 * /proc/self/root/etc/shadow, /dev/fd/3/etc/shadow (fd 3 open on /). So a
 * path is "evasive", and no path rule (exclude or include) filters it, when
 *   - a component is "." or "..", or empty (a "//"; the leading "/" of an
 *     absolute path and a trailing "/" do not count), or
 *   - it goes through a /proc magic link: /proc/X/{root,cwd,exe,fd,map_files}
 *     or /proc/X/task/Y/{root,cwd,exe,fd,map_files}, for any X and Y
 *     (self, thread-self, a pid), or through /dev/fd (a link to /proc/self/fd).
 * Symlinks elsewhere, hard links and bind mounts are not caught: see
 * docs/policy.md.
 *
 * Use: struct rt_path_scan st = {}; for each byte: rt_path_scan_step(&st, c);
 * then rt_path_scan_end(&st); st.evasive is the answer.
 */
#ifndef RINGTAP_PATH_EVASIVE_H
#define RINGTAP_PATH_EVASIVE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#ifndef RT_PATH_INLINE
#ifdef __VMLINUX_H__
#define RT_PATH_INLINE static __always_inline
#else
#define RT_PATH_INLINE static inline
#endif
#endif

/* Names are compared by their length, first byte and last 8 bytes, kept in
 * a shift register: no indexed stores, so a BPF loop body over this state
 * stays simple for the verifier. */
#define RT_PATH_NAME(a, b, c, d, e, f, g, h)                                                  \
	(((__u64)(a) << 56) | ((__u64)(b) << 48) | ((__u64)(c) << 40) | ((__u64)(d) << 32) |  \
	 ((__u64)(e) << 24) | ((__u64)(f) << 16) | ((__u64)(g) << 8) | (__u64)(h))

struct rt_path_scan {
	__u64 name;	/* the current component's last 8 bytes */
	__u32 len;	/* bytes in the current component (saturates) */
	__u32 comp;	/* index of the current component; "/a" has "" then "a" */
	__u8 started;	/* a byte was seen */
	__u8 absolute;	/* the path starts with '/' */
	__u8 in_proc;	/* component 1 is "proc" */
	__u8 in_dev;	/* component 1 is "dev" */
	__u8 in_task;	/* /proc/X/task */
	__u8 evasive;	/* the answer: 1 = no path rule may judge this path */
	__u8 first;	/* the current component's first byte */
	__u8 _pad;
};

RT_PATH_INLINE int rt_path_name_is(const struct rt_path_scan *st, __u32 len, __u64 name)
{
	return st->len == len && st->name == name;
}

/* A /proc/<pid> entry that is a link to another file or directory. */
RT_PATH_INLINE int rt_path_name_is_magic(const struct rt_path_scan *st)
{
	return rt_path_name_is(st, 4, RT_PATH_NAME(0, 0, 0, 0, 'r', 'o', 'o', 't')) ||
	       rt_path_name_is(st, 3, RT_PATH_NAME(0, 0, 0, 0, 0, 'c', 'w', 'd')) ||
	       rt_path_name_is(st, 3, RT_PATH_NAME(0, 0, 0, 0, 0, 'e', 'x', 'e')) ||
	       rt_path_name_is(st, 2, RT_PATH_NAME(0, 0, 0, 0, 0, 0, 'f', 'd')) ||
	       (st->first == 'm' &&
		rt_path_name_is(st, 9, RT_PATH_NAME('a', 'p', '_', 'f', 'i', 'l', 'e', 's')));
}

/* The current component ended; last: at the end of the path. */
RT_PATH_INLINE void rt_path_component_end(struct rt_path_scan *st, int last)
{
	if (st->len == 0) {
		/* "/x": the leading empty component; "x/": a trailing slash. */
		if (!(st->comp == 0 && st->absolute) && !last)
			st->evasive = 1;
	} else if (rt_path_name_is(st, 1, '.') || rt_path_name_is(st, 2, ('.' << 8) | '.')) {
		st->evasive = 1;
	} else if (st->absolute) {
		if (st->comp == 1) {
			st->in_proc = rt_path_name_is(st, 4, RT_PATH_NAME(0, 0, 0, 0, 'p', 'r', 'o', 'c'));
			st->in_dev = rt_path_name_is(st, 3, RT_PATH_NAME(0, 0, 0, 0, 0, 'd', 'e', 'v'));
		} else if (st->comp == 2 && st->in_dev &&
			   rt_path_name_is(st, 2, RT_PATH_NAME(0, 0, 0, 0, 0, 0, 'f', 'd'))) {
			st->evasive = 1;
		} else if (st->comp == 3 && st->in_proc) {
			if (rt_path_name_is_magic(st))
				st->evasive = 1;
			st->in_task = rt_path_name_is(st, 4, RT_PATH_NAME(0, 0, 0, 0, 't', 'a', 's', 'k'));
		} else if (st->comp == 5 && st->in_task && rt_path_name_is_magic(st)) {
			st->evasive = 1;
		}
	}
	if (st->comp < 0xffff)
		st->comp++;
	st->len = 0;
	st->name = 0;
}

RT_PATH_INLINE void rt_path_scan_step(struct rt_path_scan *st, char c)
{
	if (!st->started) {
		st->started = 1;
		st->absolute = c == '/';
	}
	if (c == '/') {
		rt_path_component_end(st, 0);
		return;
	}
	if (st->len == 0)
		st->first = (__u8)c;
	st->name = (st->name << 8) | (__u8)c;
	if (st->len < 0xffff)
		st->len++;
}

RT_PATH_INLINE void rt_path_scan_end(struct rt_path_scan *st)
{
	if (st->started)
		rt_path_component_end(st, 1);
}

#endif /* RINGTAP_PATH_EVASIVE_H */
