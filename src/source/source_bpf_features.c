/* See source_bpf_features.h. The kernel is asked directly (libbpf's feature
 * probes load a tiny program or map) and its BTF is read for tracepoint
 * prototypes, the same facts the verifier and CO-RE will use. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "source/source_bpf_features.h"

struct required {
	const char *what;
	const char *since;
	int (*probe)(void);
};

static int probe_ringbuf(void)
{
	return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);
}

static int probe_syscall_prog(void)
{
	return libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SYSCALL, NULL);
}

static int probe_bpf_loop(void)
{
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_SYSCALL, BPF_FUNC_loop, NULL);
}

static const struct required required[] = {
	{ "the BPF ring buffer (BPF_MAP_TYPE_RINGBUF)", "5.8", probe_ringbuf },
	{ "BPF syscall programs (BPF_PROG_TYPE_SYSCALL)", "5.14", probe_syscall_prog },
	{ "the bpf_loop helper (policy path checks)", "5.17", probe_bpf_loop },
};

/* Tracepoints the probes attach to as tp_btf: the kernel's BTF names them
 * btf_trace_<name>. */
static const char *const required_tracepoints[] = {
	"sys_exit", "sched_process_exec", "sched_process_exit", "sched_process_fork",
};

/* Tracepoint `tp`'s prototype (void *ctx, args...), or NULL. */
static const struct btf_type *tracepoint_proto(const struct btf *btf, const char *tp)
{
	char name[128];
	const struct btf_type *t;
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return NULL;
	t = btf__type_by_id(btf, id);
	t = t ? btf__type_by_id(btf, t->type) : NULL; /* typedef -> pointer */
	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
	return t && btf_is_func_proto(t) ? t : NULL;
}

/* The number of arguments of tracepoint `tp`'s prototype, or -ENOENT. */
static int tracepoint_nargs(const struct btf *btf, const char *tp)
{
	const struct btf_type *t = tracepoint_proto(btf, tp);

	return t ? btf_vlen(t) : -ENOENT;
}

/* Whether struct/union `t` has member `name`, also inside anonymous members. */
static bool has_member(const struct btf *btf, const struct btf_type *t, const char *name, int depth)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *mt = btf__type_by_id(btf, m[i].type);

		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), name))
			return true;
		if (!m[i].name_off && mt && btf_is_composite(mt) && depth < 3 && has_member(btf, mt, name, depth + 1))
			return true;
	}
	return false;
}

/* Whether tracepoint `tp`'s first argument is a struct io_kiocb * and that
 * struct has the `cmd` the probe reads an opcode's data from. */
static bool tracepoint_gets_io_kiocb(const struct btf *btf, const char *tp)
{
	const struct btf_type *proto = tracepoint_proto(btf, tp), *t;

	if (!proto || btf_vlen(proto) < 2)
		return false;
	t = btf__type_by_id(btf, btf_params(proto)[1].type);
	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "io_kiocb") &&
	       has_member(btf, t, "cmd", 0);
}

static void add_disabled(struct source_bpf_features *f, const char *name, const char *detail)
{
	size_t n = strlen(f->disabled), m = strlen(f->disabled_names);

	snprintf(f->disabled + n, sizeof(f->disabled) - n, "%s%s %s", n ? "; " : "", name, detail);
	snprintf(f->disabled_names + m, sizeof(f->disabled_names) - m, "%s%s", m ? "," : "", name);
}

void source_bpf_features_from_btf(const struct btf *btf, struct source_bpf_features *f)
{
	/* (void *ctx, struct task_struct *p, bool group_dead): 6.18 has it, 6.12
	 * does not (the kernel matrix checks both); without it the
	 * exit probe then falls back to signal->live (bpf/ringtap.bpf.c). */
	if (tracepoint_nargs(btf, "sched_process_exit") < 3)
		add_disabled(f, "exit-group-dead",
			     "(sched_process_exit's group_dead, newer than Linux 6.12): a process is judged ended "
			     "by signal->live, so threads exiting together may report its exit twice");
	/* The tracepoint was io_uring_submit_sqe before its rename (6.1 has
	 * that name), passing the same prepared request. */
	if (tracepoint_gets_io_kiocb(btf, "io_uring_submit_req"))
		f->io_uring_submit_tp = "io_uring_submit_req";
	else if (tracepoint_gets_io_kiocb(btf, "io_uring_submit_sqe"))
		f->io_uring_submit_tp = "io_uring_submit_sqe";
	else
		add_disabled(f, "io-uring-submit",
			     "(an io_uring submit tracepoint passing the request, as Linux 6.1+ built with io_uring has): "
			     "requests submitted through a ring are not reported, io_uring_setup still is");
	/* Completions: only worth probing where submissions are reported. */
	if (f->io_uring_submit_tp) {
		int n = tracepoint_nargs(btf, "io_uring_complete");

		if (n == 4)
			f->io_uring_complete = SOURCE_BPF_COMPLETE_CQE;
		else if (n == 8)
			f->io_uring_complete = SOURCE_BPF_COMPLETE_ARGS;
		else
			add_disabled(f, "io-uring-complete",
				     "(the io_uring_complete tracepoint in a form ringtap reads, as Linux 6.1 to 6.18 have): "
				     "submitted requests are reported without their results");
	}
	/* Absent without CONFIG_MODULES: then no module can be loaded either,
	 * so nothing is lost and nothing is listed. */
	f->module_load_tp = tracepoint_nargs(btf, "module_load") == 2;
}

int source_bpf_features_probe(struct source_bpf_features *f, char *why, size_t whylen)
{
	struct btf *btf;
	int rc;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		rc = required[i].probe();
		if (rc == 0) {
			snprintf(why, whylen, "this kernel lacks %s (Linux %s+), which ringtap's probes need",
				 required[i].what, required[i].since);
			return -ENOTSUP;
		}
		if (rc < 0) {
			snprintf(why, whylen, "probing the kernel for %s failed: %s", required[i].what,
				 strerror(-rc));
			return rc;
		}
	}
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		rc = -errno;
		snprintf(why, whylen, "reading the kernel's BTF failed: %s", strerror(-rc));
		return rc;
	}
	rc = 0;
	for (size_t i = 0; i < sizeof(required_tracepoints) / sizeof(required_tracepoints[0]); i++) {
		if (tracepoint_nargs(btf, required_tracepoints[i]) < 0) {
			snprintf(why, whylen, "this kernel's BTF has no tracepoint %s (btf_trace_%s), "
				 "which ringtap's probes attach to", required_tracepoints[i], required_tracepoints[i]);
			rc = -ENOTSUP;
			goto cleanup;
		}
	}
	source_bpf_features_from_btf(btf, f);
cleanup:
	btf__free(btf);
	return rc;
}
