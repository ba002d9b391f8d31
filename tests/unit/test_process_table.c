/* The process table: entries keyed by (tgid, start), least recently used
 * evicted at capacity, fork inheritance (also when the child's slot is the
 * parent's own evicted one), bounded strings, hit/miss counting; and the
 * lineage step the pipeline runs: bash -> curl carries bash's exe and argv. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "enrich/process_lineage.h"

static char *bash_argv[] = { "bash", "-c", "curl x" };

static void test_key_includes_start(void **state)
{
	struct process_table *t;
	struct process_table_stats st;
	const struct process_table_entry *e;

	(void)state;
	assert_int_equal(process_table_create(4, &t), 0);
	process_table_put(t, 100, 5000, "/bin/bash", bash_argv, 3);
	e = process_table_get(t, 100, 5000);
	assert_non_null(e);
	assert_string_equal(e->exe, "/bin/bash");
	assert_int_equal(e->argc, 3);
	assert_int_equal(e->argv_len, strlen("bash") + strlen("-c") + strlen("curl x") + 3);
	assert_memory_equal(e->argv, "bash\0-c\0curl x\0", e->argv_len);
	/* the same pid, another process (PID reuse): not found */
	assert_null(process_table_get(t, 100, 5001));
	process_table_stats(t, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 1);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.capacity, 4);
	assert_true(st.bytes >= 4 * sizeof(struct process_table_entry));
	process_table_destroy(t);
}

static void test_lru_eviction(void **state)
{
	struct process_table *t;
	struct process_table_stats st;

	(void)state;
	assert_int_equal(process_table_create(3, &t), 0);
	process_table_put(t, 1, 10, "/a", NULL, 0);
	process_table_put(t, 2, 20, "/b", NULL, 0);
	process_table_put(t, 3, 30, "/c", NULL, 0);
	assert_non_null(process_table_get(t, 1, 10)); /* 1 is now the most recent */
	process_table_put(t, 4, 40, "/d", NULL, 0);   /* evicts 2, the least recent */
	assert_null(process_table_get(t, 2, 20));
	assert_non_null(process_table_get(t, 1, 10));
	assert_non_null(process_table_get(t, 3, 30));
	assert_string_equal(process_table_get(t, 4, 40)->exe, "/d");
	/* a put of a present key replaces in place, evicting nothing */
	process_table_put(t, 3, 30, "/c2", NULL, 0);
	assert_string_equal(process_table_get(t, 3, 30)->exe, "/c2");
	process_table_stats(t, &st);
	assert_int_equal(st.evictions, 1);
	assert_int_equal(st.entries, 3);
	/* many more than capacity: never more entries, every lookup sound */
	for (uint32_t i = 100; i < 1100; i++)
		process_table_put(t, i, i * 7, "/x", NULL, 0);
	for (uint32_t i = 100; i < 1097; i++)
		assert_null(process_table_get(t, i, i * 7));
	for (uint32_t i = 1097; i < 1100; i++)
		assert_non_null(process_table_get(t, i, i * 7));
	process_table_destroy(t);
}

static void test_inherit(void **state)
{
	struct process_table *t;
	const struct process_table_entry *e;

	(void)state;
	assert_int_equal(process_table_create(1, &t), 0);
	process_table_put(t, 100, 5000, "/bin/bash", bash_argv, 3);
	/* capacity 1: the child's slot is the parent's own, evicted */
	process_table_inherit(t, 100, 5000, 101, 6000);
	e = process_table_get(t, 101, 6000);
	assert_non_null(e);
	assert_string_equal(e->exe, "/bin/bash");
	assert_int_equal(e->argc, 3);
	assert_null(process_table_get(t, 100, 5000));
	/* an unknown parent: nothing inherited */
	process_table_inherit(t, 7, 7, 8, 8);
	assert_null(process_table_get(t, 8, 8));
	process_table_destroy(t);
}

static void test_bounds(void **state)
{
	struct process_table *t;
	const struct process_table_entry *e;
	char exe[1000], arg[300], *argv[] = { arg, arg, arg };

	(void)state;
	assert_int_equal(process_table_create(0, &t), -EINVAL);
	assert_int_equal(process_table_create(2, &t), 0);
	memset(exe, 'e', sizeof(exe) - 1);
	exe[sizeof(exe) - 1] = '\0';
	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	process_table_put(t, 1, 1, exe, argv, 3);
	e = process_table_get(t, 1, 1);
	assert_true(e->truncated);
	assert_int_equal(strlen(e->exe), PROCESS_TABLE_EXE_MAX - 1);
	assert_int_equal(e->argc, 1); /* a second 300-byte argument does not fit 512 */
	assert_int_equal(e->argv_len, 300);
	process_table_destroy(t);
	process_table_destroy(NULL);
}

static void test_lineage_bash_to_curl(void **state)
{
	struct process_lineage l;
	Ringtap__V1__Header h = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	Ringtap__V1__Exec x = RINGTAP__V1__EXEC__INIT;
	Ringtap__V1__Fork f = RINGTAP__V1__FORK__INIT;
	char *curl_argv[] = { "curl", "x" };

	(void)state;
	assert_int_equal(process_lineage_init(&l, 8), 0);
	ev.header = &h;
	/* bash (100, 5000) execs */
	h.pid = 100, h.start_time_ns = 5000, h.ppid = 1, h.parent_start_time_ns = 1;
	x.filename = "/bin/bash", x.argv = bash_argv, x.n_argv = 3;
	ev.body_case = RINGTAP__V1__EVENT__BODY_EXEC, ev.exec = &x;
	process_lineage_apply(&l, &ev);
	/* its parent's exec was never seen: the proto defaults stay */
	assert_string_equal(x.parent_exe, "");
	assert_int_equal(x.n_parent_argv, 0);
	/* bash forks 101 (started 6000), which execs curl */
	f.child_pid = 101, f.child_start_time_ns = 6000;
	ev.body_case = RINGTAP__V1__EVENT__BODY_FORK, ev.fork = &f;
	process_lineage_apply(&l, &ev);
	h.pid = 101, h.start_time_ns = 6000, h.ppid = 100, h.parent_start_time_ns = 5000;
	x = (Ringtap__V1__Exec)RINGTAP__V1__EXEC__INIT;
	x.filename = "/usr/bin/curl", x.argv = curl_argv, x.n_argv = 2;
	ev.body_case = RINGTAP__V1__EVENT__BODY_EXEC, ev.exec = &x;
	process_lineage_apply(&l, &ev);
	assert_string_equal(x.parent_exe, "/bin/bash");
	assert_int_equal(x.n_parent_argv, 3);
	assert_string_equal(x.parent_argv[0], "bash");
	assert_string_equal(x.parent_argv[2], "curl x");
	/* a failed exec changes nothing and gets no parent */
	x = (Ringtap__V1__Exec)RINGTAP__V1__EXEC__INIT;
	x.filename = "/nope", x.ret = -2;
	process_lineage_apply(&l, &ev);
	assert_string_equal(x.parent_exe, "");
	process_lineage_fini(&l);
	process_lineage_fini(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_includes_start),
		cmocka_unit_test(test_lru_eviction),
		cmocka_unit_test(test_inherit),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_lineage_bash_to_curl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
