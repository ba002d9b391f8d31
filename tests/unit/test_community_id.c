/* Community ID v1 against the spec's published baseline values
 * (community-id-spec, baseline/baseline_deflt.json, seed 0). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "codec/community_id.h"

static void id_of(int family, const char *s, uint16_t sp, const char *d, uint16_t dp, uint8_t proto,
		  char out[COMMUNITY_ID_LEN])
{
	uint8_t sa[16], da[16];

	assert_int_equal(inet_pton(family, s, sa), 1);
	assert_int_equal(inet_pton(family, d, da), 1);
	assert_int_equal(community_id_v1(0, family, sa, sp, da, dp, proto, out), 0);
}

static void test_baseline(void **state)
{
	char a[COMMUNITY_ID_LEN], b[COMMUNITY_ID_LEN];

	(void)state;
	id_of(AF_INET, "128.232.110.120", 34855, "66.35.250.204", 80, IPPROTO_TCP, a);
	assert_string_equal(a, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	id_of(AF_INET, "192.168.1.52", 54585, "8.8.8.8", 53, IPPROTO_UDP, a);
	assert_string_equal(a, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
	/* both directions of a flow: one ID */
	id_of(AF_INET6, "fe80::1", 40000, "2001:db8::5", 443, IPPROTO_TCP, a);
	id_of(AF_INET6, "2001:db8::5", 443, "fe80::1", 40000, IPPROTO_TCP, b);
	assert_string_equal(a, b);
}

static void test_bad_family(void **state)
{
	uint8_t z[16] = { 0 };
	char out[COMMUNITY_ID_LEN] = "x";

	(void)state;
	assert_int_equal(community_id_v1(0, AF_UNIX, z, 1, z, 2, IPPROTO_TCP, out), -EINVAL);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_bad_family),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
