/* source_bpf_features_from_btf: the optional kernel features are judged from
 * the kernel's BTF. Each case builds the BTF a kernel of that age has (with
 * libbpf's BTF writer) and checks what ringtap would switch off. The real
 * kernels are probed by every BPF test and checked by the qemu matrix
 * (tests/kernels), which expects exactly these on each kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "source/source_bpf_features.h"

/* typedef void (*btf_trace_sched_process_exit)(void *, struct task_struct *[, bool]); */
static struct btf *btf_with_exit_tracepoint(int nargs)
{
	struct btf *btf = btf__new_empty();
	int task, task_ptr, void_ptr, boolean, proto, ptr;

	assert_non_null(btf);
	task = btf__add_struct(btf, "task_struct", 0);
	task_ptr = btf__add_ptr(btf, task);
	void_ptr = btf__add_ptr(btf, 0);
	boolean = btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL);
	proto = btf__add_func_proto(btf, 0);
	assert_int_equal(btf__add_func_param(btf, "__data", void_ptr), 0);
	if (nargs >= 2)
		assert_int_equal(btf__add_func_param(btf, "p", task_ptr), 0);
	if (nargs >= 3)
		assert_int_equal(btf__add_func_param(btf, "group_dead", boolean), 0);
	ptr = btf__add_ptr(btf, proto);
	assert_true(btf__add_typedef(btf, "btf_trace_sched_process_exit", ptr) > 0);
	return btf;
}

/* Adds typedef btf_trace_TP (void *, struct io_kiocb *, bool) where io_kiocb
 * has a `cmd` member (in an anonymous union, as in 6.x) or not, or, with
 * old_args, the older prototype (void *, void *ctx, void *req, u64, ...). */
static void add_io_uring_tracepoint(struct btf *btf, const char *tp, bool with_cmd, bool old_args)
{
	int req, req_ptr, void_ptr, boolean, proto, ptr, u64;
	char name[64];

	req = btf__find_by_name_kind(btf, "io_kiocb", BTF_KIND_STRUCT);
	if (req < 0) {
		int file_ptr = btf__add_ptr(btf, 0), u8 = btf__add_int(btf, "u8", 1, 0);
		int cmd = btf__add_struct(btf, "io_cmd_data", 8), file_or_cmd;

		assert_int_equal(btf__add_field(btf, "file", file_ptr, 0, 0), 0);
		file_or_cmd = btf__add_union(btf, NULL, 8);
		assert_int_equal(btf__add_field(btf, "file", file_ptr, 0, 0), 0);
		if (with_cmd)
			assert_int_equal(btf__add_field(btf, "cmd", cmd, 0, 0), 0);
		req = btf__add_struct(btf, "io_kiocb", 16);
		assert_int_equal(btf__add_field(btf, NULL, file_or_cmd, 0, 0), 0);
		assert_int_equal(btf__add_field(btf, "opcode", u8, 64, 0), 0);
	}
	req_ptr = btf__add_ptr(btf, req);
	void_ptr = btf__add_ptr(btf, 0);
	boolean = btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL);
	u64 = btf__add_int(btf, "u64", 8, 0);
	proto = btf__add_func_proto(btf, 0);
	assert_int_equal(btf__add_func_param(btf, "__data", void_ptr), 0);
	if (old_args) {
		assert_int_equal(btf__add_func_param(btf, "ctx", void_ptr), 0);
		assert_int_equal(btf__add_func_param(btf, "req", void_ptr), 0);
		assert_int_equal(btf__add_func_param(btf, "user_data", u64), 0);
	} else {
		assert_int_equal(btf__add_func_param(btf, "req", req_ptr), 0);
		assert_int_equal(btf__add_func_param(btf, "force_nonblock", boolean), 0);
	}
	ptr = btf__add_ptr(btf, proto);
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	assert_true(btf__add_typedef(btf, name, ptr) > 0);
}

/* Adds typedef btf_trace_io_uring_complete with nargs arguments after
 * __data: 3 as in 6.18 (ctx, req, cqe), 7 as in 6.1 and Debian's
 * 6.12 (ctx, req, user_data, res, cflags, extra1, extra2). */
static void add_complete_tracepoint(struct btf *btf, int nargs)
{
	int void_ptr = btf__add_ptr(btf, 0), proto, ptr;

	proto = btf__add_func_proto(btf, 0);
	for (int i = 0; i <= nargs; i++)
		assert_int_equal(btf__add_func_param(btf, i ? "arg" : "__data", void_ptr), 0);
	ptr = btf__add_ptr(btf, proto);
	assert_true(btf__add_typedef(btf, "btf_trace_io_uring_complete", ptr) > 0);
}

/* typedef void (*btf_trace_module_load)(void *, struct module *); */
static void add_module_load_tracepoint(struct btf *btf)
{
	int mod = btf__add_struct(btf, "module", 0), mod_ptr = btf__add_ptr(btf, mod);
	int void_ptr = btf__add_ptr(btf, 0), proto, ptr;

	proto = btf__add_func_proto(btf, 0);
	assert_int_equal(btf__add_func_param(btf, "__data", void_ptr), 0);
	assert_int_equal(btf__add_func_param(btf, "mod", mod_ptr), 0);
	ptr = btf__add_ptr(btf, proto);
	assert_true(btf__add_typedef(btf, "btf_trace_module_load", ptr) > 0);
}

static void linux_6_1_lacks_group_dead(void **state)
{
	struct source_bpf_features f = { 0 };
	struct btf *btf = btf_with_exit_tracepoint(2);

	add_io_uring_tracepoint(btf, "io_uring_submit_sqe", true, false);
	add_complete_tracepoint(btf, 7);

	(void)state;
	source_bpf_features_from_btf(btf, &f);
	assert_string_equal(f.disabled_names, "exit-group-dead");
	assert_non_null(strstr(f.disabled, "exit-group-dead (sched_process_exit's group_dead, newer than Linux 6.12)"));
	btf__free(btf);
}

/* 6.1 names the io_uring submit tracepoint io_uring_submit_sqe: the probe
 * attaches there instead of going silent. */
static void linux_6_1_io_uring_submit_sqe_is_used(void **state)
{
	struct source_bpf_features f = { 0 };
	struct btf *btf = btf_with_exit_tracepoint(3);

	(void)state;
	add_io_uring_tracepoint(btf, "io_uring_submit_sqe", true, false);
	add_complete_tracepoint(btf, 7);
	source_bpf_features_from_btf(btf, &f);
	assert_string_equal(f.io_uring_submit_tp, "io_uring_submit_sqe");
	assert_int_equal(f.io_uring_complete, SOURCE_BPF_COMPLETE_ARGS);
	assert_string_equal(f.disabled_names, "");
	btf__free(btf);
}

/* Older kernels' tracepoint passed the request's fields, and their io_kiocb
 * had no `cmd`: the probe cannot run there, and ringtap says so. */
static void io_uring_before_6_0_is_disabled(void **state)
{
	struct source_bpf_features f = { 0 };
	struct btf *old_args = btf_with_exit_tracepoint(3), *no_cmd = btf_with_exit_tracepoint(3);

	(void)state;
	add_io_uring_tracepoint(old_args, "io_uring_submit_sqe", true, true);
	source_bpf_features_from_btf(old_args, &f);
	assert_null(f.io_uring_submit_tp);
	assert_string_equal(f.disabled_names, "io-uring-submit");
	assert_non_null(strstr(f.disabled, "requests submitted through a ring are not reported"));
	memset(&f, 0, sizeof(f));
	add_io_uring_tracepoint(no_cmd, "io_uring_submit_sqe", false, false);
	source_bpf_features_from_btf(no_cmd, &f);
	assert_null(f.io_uring_submit_tp);
	assert_string_equal(f.disabled_names, "io-uring-submit");
	btf__free(old_args);
	btf__free(no_cmd);
}

static void linux_6_18_has_everything(void **state)
{
	struct source_bpf_features f = { 0 };
	struct btf *btf = btf_with_exit_tracepoint(3);

	(void)state;
	add_io_uring_tracepoint(btf, "io_uring_submit_req", true, false);
	add_complete_tracepoint(btf, 3);
	source_bpf_features_from_btf(btf, &f);
	assert_string_equal(f.io_uring_submit_tp, "io_uring_submit_req");
	assert_int_equal(f.io_uring_complete, SOURCE_BPF_COMPLETE_CQE);
	assert_int_equal(f.module_load_tp, 0); /* no module support, like this host */
	assert_string_equal(f.disabled_names, "");
	assert_string_equal(f.disabled, "");
	btf__free(btf);
}

/* Debian's 6.12 has the submit tracepoint's new name with the old
 * completion prototype, and module support: both programs load. */
static void linux_6_12_complete_args_and_module_load(void **state)
{
	struct source_bpf_features f = { 0 };
	struct btf *btf = btf_with_exit_tracepoint(2);

	(void)state;
	add_io_uring_tracepoint(btf, "io_uring_submit_req", true, false);
	add_complete_tracepoint(btf, 7);
	add_module_load_tracepoint(btf);
	source_bpf_features_from_btf(btf, &f);
	assert_int_equal(f.io_uring_complete, SOURCE_BPF_COMPLETE_ARGS);
	assert_int_equal(f.module_load_tp, 1);
	assert_string_equal(f.disabled_names, "exit-group-dead");
	btf__free(btf);
}

/* A completion tracepoint of an unknown shape is not guessed at: the
 * submissions are still reported, and ringtap says their results are not. */
static void unknown_complete_prototype_is_disabled(void **state)
{
	struct source_bpf_features f = { 0 };
	struct btf *btf = btf_with_exit_tracepoint(3);

	(void)state;
	add_io_uring_tracepoint(btf, "io_uring_submit_req", true, false);
	add_complete_tracepoint(btf, 5);
	source_bpf_features_from_btf(btf, &f);
	assert_string_equal(f.io_uring_submit_tp, "io_uring_submit_req");
	assert_int_equal(f.io_uring_complete, SOURCE_BPF_COMPLETE_NONE);
	assert_string_equal(f.disabled_names, "io-uring-complete");
	assert_non_null(strstr(f.disabled, "reported without their results"));
	btf__free(btf);
}

/* A BTF without the tracepoint at all (not a kernel ringtap runs on: the
 * required-tracepoint check refuses it first) still yields a clear answer. */
static void missing_tracepoint_counts_as_lacking(void **state)
{
	struct source_bpf_features f = { 0 };
	struct btf *btf = btf__new_empty();

	(void)state;
	source_bpf_features_from_btf(btf, &f);
	assert_string_equal(f.disabled_names, "exit-group-dead,io-uring-submit");
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linux_6_1_lacks_group_dead),
		cmocka_unit_test(linux_6_18_has_everything),
		cmocka_unit_test(linux_6_12_complete_args_and_module_load),
		cmocka_unit_test(unknown_complete_prototype_is_disabled),
		cmocka_unit_test(linux_6_1_io_uring_submit_sqe_is_used),
		cmocka_unit_test(io_uring_before_6_0_is_disabled),
		cmocka_unit_test(missing_tracepoint_counts_as_lacking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
