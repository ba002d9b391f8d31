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
	/* The io_uring_complete tracepoint's form: which completion program loads. */
	enum source_bpf_complete_form {
		SOURCE_BPF_COMPLETE_NONE = 0,
		SOURCE_BPF_COMPLETE_CQE,  /* (ctx, req, cqe): after 6.12 (6.18 here) */
		SOURCE_BPF_COMPLETE_ARGS, /* (ctx, req, user_data, res, cflags, extra1, extra2): 6.1, 6.12 */
	} io_uring_complete;
	/* Whether module:module_load exists (kernels built with module support). */
	int module_load_tp;
};

/* Probe the running kernel. 0, or -ENOTSUP with `why` naming the missing
 * required feature (or another -errno when the probing itself failed). */
int source_bpf_features_probe(struct source_bpf_features *f, char *why, size_t whylen);

/* The BTF part of the probe, on any kernel's BTF (tests feed built BTF). */
void source_bpf_features_from_btf(const struct btf *vmlinux, struct source_bpf_features *f);

#endif
