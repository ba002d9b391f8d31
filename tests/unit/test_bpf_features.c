/* source_bpf_features_from_btf: the optional kernel features are judged from
 * the kernel's BTF. Each case builds the BTF a kernel of that age has (with
 * libbpf's BTF writer) and checks what ringtap would switch off. The real
 * kernels are probed by every BPF test and checked by the qemu matrix
 * (tests/kernels), which expects exactly these on each kernel. */
#include <setjmp.h>
#include <stdarg.h>
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

static void linux_6_1_lacks_group_dead(void **state)
{
	struct source_bpf_features f = { 0 };
	struct btf *btf = btf_with_exit_tracepoint(2);

	(void)state;
	source_bpf_features_from_btf(btf, &f);
	assert_string_equal(f.disabled_names, "exit-group-dead");
	assert_non_null(strstr(f.disabled, "exit-group-dead (sched_process_exit's group_dead, newer than Linux 6.12)"));
	btf__free(btf);
}

static void linux_6_18_has_everything(void **state)
{
	struct source_bpf_features f = { 0 };
	struct btf *btf = btf_with_exit_tracepoint(3);

	(void)state;
	source_bpf_features_from_btf(btf, &f);
	assert_string_equal(f.disabled_names, "");
	assert_string_equal(f.disabled, "");
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
	assert_string_equal(f.disabled_names, "exit-group-dead");
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linux_6_1_lacks_group_dead),
		cmocka_unit_test(linux_6_18_has_everything),
		cmocka_unit_test(missing_tracepoint_counts_as_lacking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
