/* The LRU keeps the most recently used cgroups and drops pod_meta refs. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "enrich/pod_cache.h"
#include "enrich/pod_store.h"

static void test_lru_evicts_least_recent(void **state)
{
	struct pod_cache c;
	(void)state;

	assert_int_equal(pod_cache_init(&c, 3), 0);
	for (uint64_t id = 1; id <= 3; id++)
		assert_non_null(pod_cache_insert(&c, id));
	assert_non_null(pod_cache_find(&c, 1)); /* 1 is now the most recent; 2 the least */
	assert_non_null(pod_cache_insert(&c, 4));
	assert_null(pod_cache_find(&c, 2));
	assert_non_null(pod_cache_find(&c, 1));
	assert_non_null(pod_cache_find(&c, 3));
	assert_non_null(pod_cache_find(&c, 4));
	assert_int_equal(c.evictions, 1);
	/* many more than capacity: only the last 3 stay */
	for (uint64_t id = 100; id < 1100; id++)
		pod_cache_insert(&c, id);
	assert_int_equal(c.used, 3);
	for (uint64_t id = 1097; id < 1100; id++)
		assert_non_null(pod_cache_find(&c, id));
	assert_null(pod_cache_find(&c, 1096));
	pod_cache_fini(&c);
}

static void test_eviction_releases_meta(void **state)
{
	struct pod_cache c;
	struct pod_meta *m;
	(void)state;

	assert_int_equal(pod_meta_new("u1", "web-0", "shop", NULL, 0, &m), 0);
	assert_int_equal(pod_cache_init(&c, 1), 0);
	struct pod_cache_entry *e = pod_cache_insert(&c, 7);
	e->id.meta = pod_meta_get(m);
	assert_int_equal(m->refs, 2);
	pod_cache_insert(&c, 8); /* evicts 7 */
	assert_int_equal(m->refs, 1);
	pod_meta_put(m);
	pod_cache_fini(&c);
}

static void test_bad_capacity(void **state)
{
	struct pod_cache c;
	(void)state;
	assert_int_equal(pod_cache_init(&c, 0), -EINVAL);
}

static void test_store_keeps_deleted_for_grace(void **state)
{
	struct pod_store s;
	struct pod_meta *a, *b, *found;
	const char *labels[] = { "app", "web" };
	(void)state;

	assert_int_equal(pod_store_init(&s), 0);
	assert_int_equal(pod_meta_new("uid-a", "web-0", "shop", labels, 1, &a), 0);
	assert_int_equal(pod_meta_new("uid-b", "db-0", "shop", NULL, 0, &b), 0);
	pod_store_put(&s, a);
	pod_store_put(&s, b);
	uint64_t gen = pod_store_generation(&s);
	assert_int_equal(pod_store_remove(&s, "uid-b"), 0);
	assert_true(pod_store_generation(&s) > gen);
	assert_int_equal(pod_store_count(&s), 1);
	found = pod_store_find(&s, "uid-b"); /* late events of a deleted pod still find it */
	assert_non_null(found);
	assert_string_equal(found->name, "db-0");
	pod_meta_put(found);
	s.grace_ns = 0; /* expire it: the next change prunes */
	struct pod_meta *a2;
	assert_int_equal(pod_meta_new("uid-a", "web-0", "shop", NULL, 0, &a2), 0);
	pod_store_put(&s, a2);
	assert_null(pod_store_find(&s, "uid-b"));
	found = pod_store_find(&s, "uid-a");
	assert_int_equal(found->labels.n, 0); /* replaced */
	pod_meta_put(found);
	pod_store_fini(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lru_evicts_least_recent),
		cmocka_unit_test(test_eviction_releases_meta),
		cmocka_unit_test(test_bad_capacity),
		cmocka_unit_test(test_store_keeps_deleted_for_grace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
