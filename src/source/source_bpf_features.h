/* Kernel features ringtap's probes use, probed at start (before the BPF
 * object is loaded) so that an older kernel gets one clear sentence, or one
 * feature switched off, instead of a verifier dump.
 *
 * Required features (ring buffer, BTF tracepoints, syscall programs,
 * bpf_loop) fail the start with the feature and the Linux version that
 * added it. Optional ones are listed in `disabled` when missing; ringtap
 * runs without them and says so (start-up line, summary, /readyz).
 */
#ifndef RINGTAP_SOURCE_BPF_FEATURES_H
#define RINGTAP_SOURCE_BPF_FEATURES_H

#include <stddef.h>

struct btf;

#define SOURCE_BPF_FEATURES_MAX 256

struct source_bpf_features {
	/* Optional features this kernel lacks: "name (Linux X+): what is lost; ..."; "" = none. */
	char disabled[SOURCE_BPF_FEATURES_MAX];
	/* Just the names, comma-separated ("" = none): for metrics and the summary. */
	char disabled_names[SOURCE_BPF_FEATURES_MAX];
	/* The tracepoint the io_uring submit probe attaches to; NULL = none here. */
	const char *io_uring_submit_tp;
};

/* Probe the running kernel. 0, or -ENOTSUP with `why` naming the missing
 * required feature (or another -errno when the probing itself failed). */
int source_bpf_features_probe(struct source_bpf_features *f, char *why, size_t whylen);

/* The BTF part of the probe, on any kernel's BTF (tests feed built BTF). */
void source_bpf_features_from_btf(const struct btf *vmlinux, struct source_bpf_features *f);

#endif
