/* The sys_exit dispatcher's tail-call tables (bpf/dispatch.h), filled from
 * the syscall tables of source_bpf_syscalls.c. */
#ifndef RINGTAP_SOURCE_BPF_DISPATCH_H
#define RINGTAP_SOURCE_BPF_DISPATCH_H

struct ringtap;

/* Before load: the handler programs (rt_sc_*) are tail-call targets, not
 * attached themselves. */
void source_bpf_dispatch_prepare(struct ringtap *skel);

/* After load: put each syscall's handler at its number in sys_exit_native /
 * sys_exit_compat and its sub-kind in sc_kind. 0, or -errno with *what
 * naming the handler or map that failed. */
int source_bpf_dispatch_fill(struct ringtap *skel, const char **what);

#endif
