/* The socket hooks of bpf/sock_hooks.bpf.h: cgroup sock_addr programs that
 * must be attached to the cgroup v2 root, unlike the tracepoints the
 * skeleton attaches by itself. */
#ifndef RINGTAP_SOURCE_BPF_HOOKS_H
#define RINGTAP_SOURCE_BPF_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ringtap;

/* Does this process hold CAP_NET_ADMIN or CAP_SYS_ADMIN (effective), which
 * the kernel requires to load and attach cgroup sock_addr programs? */
bool source_bpf_hooks_capable(void);

/* Does any enabled type (enabled[RT_EVENT_*], NULL = all) need the hooks? */
bool source_bpf_hooks_wanted(const unsigned char *enabled);

/* Before load: load the socket hooks (on = true) or leave them out. */
void source_bpf_hooks_set_loaded(struct ringtap *skel, bool on);

/* The ports whose UDP/TCP payloads are DNS (53 after set_loaded); takes
 * effect at once, before or after load. Not atomic as a whole: a packet
 * racing the change may be judged by either set. */
void source_bpf_hooks_set_dns_ports(struct ringtap *skel, const uint16_t *ports, size_t n);

/* After load: attach every socket hook to the cgroup v2 root (cgroup_root,
 * or found under /sys/fs/cgroup when NULL or ""), as bpf_links that the
 * skeleton owns (they go away with ringtap). 0 or -errno; err then says
 * which hook, where, and what to do, in one sentence. */
int source_bpf_hooks_attach(struct ringtap *skel, const char *cgroup_root, char *err, size_t errlen);

#endif
