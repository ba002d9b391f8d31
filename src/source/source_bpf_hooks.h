/* The socket hooks of bpf/sock_hooks.bpf.h: cgroup sock_addr programs that
 * must be attached to the cgroup v2 root, unlike the tracepoints the
 * skeleton attaches by itself. */
#ifndef RINGTAP_SOURCE_BPF_HOOKS_H
#define RINGTAP_SOURCE_BPF_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

struct ringtap;

/* Does this process hold CAP_NET_ADMIN or CAP_SYS_ADMIN (effective), which
 * the kernel requires to load and attach cgroup sock_addr programs? */
bool source_bpf_hooks_capable(void);

/* Before load: load the socket hooks (on = true) or leave them out. */
void source_bpf_hooks_set_loaded(struct ringtap *skel, bool on);

/* After load: attach every socket hook to the cgroup v2 root (cgroup_root,
 * or found under /sys/fs/cgroup when NULL or ""), as bpf_links that the
 * skeleton owns (they go away with ringtap). 0 or -errno; err then says
 * which hook, where, and what to do, in one sentence. */
int source_bpf_hooks_attach(struct ringtap *skel, const char *cgroup_root, char *err, size_t errlen);

#endif
