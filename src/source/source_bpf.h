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

/* Put a compiled policy in force: wait until no probe can still be judging
 * by the generation before the live one (its slot is the one written),
 * write c's entries into slot c->slot (the idle one when c->generation is
 * the live generation + 1), then publish c->generation with one store.
 * Events are judged wholly by the old or wholly by the new policy and
 * stamped with the generation that judged them. On failure the live policy
 * stays in force. 0, -EINVAL (not a bpf source; c->generation is 0 or has
 * the live slot's parity), or the map write's -errno (the map named in
 * last_error()). */
int source_bpf_policy_apply(struct event_source *src, const struct policy_compiled *c);

/* ringtap's own tgid in the initial pid namespace, as the probes see it
 * (learned at load time); 0 when src is not a loaded bpf source. */
uint32_t source_bpf_self_tgid(struct event_source *src);

/* The live policy generation (0: none). */
uint32_t source_bpf_policy_gen(struct event_source *src);

/* Optional kernel features this kernel lacks, probed at start
 * (source/source_bpf_features.h): names only ("a,b"), or with detail
 * (detail != 0: "a (Linux X+): what is lost; ..."). "" when none. */
const char *source_bpf_features_disabled(struct event_source *src, int detail);

/* Switch event types on or off (enabled[RT_EVENT_*] != 0 = on; NULL = all
 * on). Syscalls no enabled type needs stop being looked at in the kernel. */
int source_bpf_set_event_enabled(struct event_source *src, const unsigned char *enabled);

#endif
