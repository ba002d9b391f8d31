/* DNS response -> query join: the right query, once; not across sockets,
 * ids or far ends; not after the timeout; bounded under a flood. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "pipeline/dns_join.h"

#define S 1000000000ull

static void test_joins_its_query(void **state)
{
	struct dns_join j;

	(void)state;
	assert_int_equal(dns_join_init(&j, 5 * S), 0);
	dns_join_query(&j, 7, 0x1234, 53, 100 * S);
	dns_join_query(&j, 7, 0x1235, 53, 101 * S);
	dns_join_query(&j, 8, 0x1234, 53, 102 * S);
	assert_int_equal(dns_join_response(&j, 7, 0x1235, 53, 103 * S), 101 * S);
	assert_int_equal(dns_join_response(&j, 8, 0x1234, 53, 103 * S), 102 * S);
	assert_int_equal(dns_join_response(&j, 7, 0x1234, 53, 103 * S), 100 * S);
	/* consumed: a duplicate response is not joined again */
	assert_int_equal(dns_join_response(&j, 7, 0x1234, 53, 103 * S), 0);
	assert_int_equal(j.joined, 3);
	assert_int_equal(j.unmatched, 1);
	dns_join_fini(&j);
}

static void test_keys_must_all_match(void **state)
{
	struct dns_join j;

	(void)state;
	assert_int_equal(dns_join_init(&j, 5 * S), 0);
	dns_join_query(&j, 7, 1, 53, 10 * S);
	assert_int_equal(dns_join_response(&j, 9, 1, 53, 11 * S), 0);  /* other socket */
	assert_int_equal(dns_join_response(&j, 7, 2, 53, 11 * S), 0);  /* other id */
	assert_int_equal(dns_join_response(&j, 7, 1, 5353, 11 * S), 0); /* other far end */
	assert_int_equal(dns_join_response(&j, 7, 1, 53, 11 * S), 10 * S);
	dns_join_fini(&j);
}

static void test_timeout_and_retry(void **state)
{
	struct dns_join j;

	(void)state;
	assert_int_equal(dns_join_init(&j, 5 * S), 0);
	dns_join_query(&j, 1, 1, 53, 10 * S);
	assert_int_equal(dns_join_response(&j, 1, 1, 53, 16 * S), 0); /* 6 s later: too late */
	/* a retry of the same query restarts its clock: the answer joins the retry */
	dns_join_query(&j, 2, 1, 53, 10 * S);
	dns_join_query(&j, 2, 1, 53, 14 * S);
	assert_int_equal(dns_join_response(&j, 2, 1, 53, 18 * S), 14 * S);
	/* a response dated before its query (clock or key collision) is not joined */
	dns_join_query(&j, 3, 1, 53, 20 * S);
	assert_int_equal(dns_join_response(&j, 3, 1, 53, 19 * S), 0);
	dns_join_fini(&j);
}

/* A flood of unanswered queries (more than the table holds): memory stays
 * bounded, the newest query still joins, old ones are evicted and counted. */
static void test_flood_is_bounded(void **state)
{
	struct dns_join j;
	uint64_t n = 4 * DNS_JOIN_SLOTS;

	(void)state;
	assert_int_equal(dns_join_init(&j, 1000 * S), 0);
	for (uint64_t i = 0; i < n; i++)
		dns_join_query(&j, 42, (uint16_t)i, (uint16_t)(i >> 16), 1 + i);
	assert_true(j.evicted >= n - DNS_JOIN_SLOTS);
	assert_int_equal(dns_join_response(&j, 42, (uint16_t)(n - 1), (uint16_t)((n - 1) >> 16), n + 5), n);
	assert_int_equal(dns_join_response(&j, 42, 0, 0, n + 5), 0); /* the first was evicted */
	dns_join_fini(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_joins_its_query),
		cmocka_unit_test(test_keys_must_all_match),
		cmocka_unit_test(test_timeout_and_retry),
		cmocka_unit_test(test_flood_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
