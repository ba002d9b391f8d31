/* The live BPF EventSource (source_bpf_ops) and the knobs the daemon turns
 * while it runs.
 *
 * create() failing still hands back, in *out, a half-built source whose
 * last_error() says why in one sentence (not root, no BTF, which program the
 * kernel refused and the errno); the caller reads it, then destroy()s it.
 */
#ifndef RINGTAP_SOURCE_BPF_H
#define RINGTAP_SOURCE_BPF_H

#include <stdint.h>
#include "source/event_source.h"

/* Default ring size when source_config.ring_bytes is 0. */
#define SOURCE_BPF_DEFAULT_RING_BYTES (8u << 20)

/* Stamp records from now on with this policy generation. 0 or -EINVAL
 * (src is not a bpf source). */
int source_bpf_set_policy_gen(struct event_source *src, uint32_t gen);

/* Switch event types on or off (enabled[RT_EVENT_*] != 0 = on; NULL = all
 * on). Syscalls no enabled type needs stop being looked at in the kernel. */
int source_bpf_set_event_enabled(struct event_source *src, const unsigned char *enabled);

#endif
