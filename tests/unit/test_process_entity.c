/* Process entity ids: deterministic from the header's own fields, distinct
 * when any of boot id, pid or start time differs, the parent's from ppid
 * and the parent's start, none for a header without a parent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "enrich/process_entity.h"

static void test_id_is_a_function_of_the_triple(void **state)
{
	char a[17], b[17];

	(void)state;
	process_entity_id("boot-1", 100, 5000, a);
	process_entity_id("boot-1", 100, 5000, b);
	assert_int_equal(strlen(a), 16);
	assert_int_equal(strspn(a, "0123456789abcdef"), 16);
	assert_string_equal(a, b);
	/* FNV-1a 64 of "boot-1" then 100 and 5000 little-endian: fixed, so a
	 * consumer can recompute it (this value from a Python FNV-1a) and ids
	 * agree across architectures */
	assert_string_equal(a, "1d33323a6bbe0532");
	process_entity_id("boot-1", 100, 5001, b); /* PID reuse: another start */
	assert_string_not_equal(a, b);
	process_entity_id("boot-2", 100, 5000, b); /* another boot or node */
	assert_string_not_equal(a, b);
	process_entity_id("boot-1", 101, 5000, b);
	assert_string_not_equal(a, b);
	process_entity_id(NULL, 100, 5000, b);
	assert_int_equal(strlen(b), 16);
}

/* The boot id's hash is remembered: by content, so a reused buffer holding
 * another boot id (replay), a long one or a prefix of the last one each get
 * their own id. */
static void test_boot_id_buffer_reused(void **state)
{
	char boot[128], a[17], b[17], c[17];

	(void)state;
	strcpy(boot, "boot-1");
	process_entity_id(boot, 100, 5000, a);
	assert_string_equal(a, "1d33323a6bbe0532");
	strcpy(boot, "boot-2");
	process_entity_id(boot, 100, 5000, b);
	assert_string_not_equal(a, b);
	process_entity_id("boot-2", 100, 5000, c);
	assert_string_equal(b, c);
	strcpy(boot, "boot-");
	process_entity_id(boot, 100, 5000, b);
	assert_string_not_equal(a, b);
	assert_string_not_equal(c, b);
	memset(boot, 'x', 100);
	boot[100] = '\0';
	process_entity_id(boot, 100, 5000, b);
	boot[99] = 'y';
	process_entity_id(boot, 100, 5000, c);
	assert_string_not_equal(b, c);
	process_entity_id("boot-1", 100, 5000, b);
	assert_string_equal(a, b);
}

static void test_fill_header(void **state)
{
	Ringtap__V1__Header h = RINGTAP__V1__HEADER__INIT;
	char id[17], parent[17], want[17];

	(void)state;
	h.boot_id = "b";
	h.pid = 200, h.start_time_ns = 9000;
	h.ppid = 100, h.parent_start_time_ns = 5000;
	process_entity_fill(&h, id, parent);
	process_entity_id("b", 200, 9000, want);
	assert_string_equal(h.entity_id, want);
	process_entity_id("b", 100, 5000, want);
	assert_string_equal(h.parent_entity_id, want);
	/* the child's parent id is the parent's own id */
	h.pid = 100, h.start_time_ns = 5000, h.ppid = 1, h.parent_start_time_ns = 0;
	process_entity_fill(&h, id, parent);
	assert_string_equal(h.entity_id, want);
	h.ppid = 0; /* the idle task's children: no parent */
	process_entity_fill(&h, id, parent);
	assert_string_equal(h.parent_entity_id, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_is_a_function_of_the_triple),
		cmocka_unit_test(test_boot_id_buffer_reused),
		cmocka_unit_test(test_fill_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
