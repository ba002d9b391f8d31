/* libFuzzer target: the policy parser and compiler on arbitrary bytes.
 * Built and run by test_policy_fuzz.sh (clang, ASan + UBSan).
 *
 * Beyond "no crash, no leak, no UB" it checks what a user relies on:
 * - an invalid file always gets at least one located, printable message;
 * - a valid file always compiles, and the userspace matcher then filters
 *   an open of each exclude prefix (kept instead when the prefix itself is
 *   spelled to dodge path rules, e.g. "/proc/./"), and keeps an open of each
 *   include prefix that no exclude prefix covers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy/policy_match.h"
#include "policy/policy_parse.h"
#include "../unit/path_evasive_plain.h"

static struct policy pol;
static struct policy_diags diags;
static struct policy_compiled comp;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant broken: %s\n", what);
		abort();
	}
}

static unsigned open_verdict(const char *path)
{
	Ringtap__V1__Event ev = RINGTAP__V1__EVENT__INIT;
	Ringtap__V1__Header hdr = RINGTAP__V1__HEADER__INIT;
	Ringtap__V1__Open open = RINGTAP__V1__OPEN__INIT;

	hdr.comm = (char *)""; /* never in a comm set: empty comms are refused */
	hdr.uid = 4294967295u; /* never in a uid set: refused too */
	open.path = (char *)path;
	ev.header = &hdr;
	ev.body_case = RINGTAP__V1__EVENT__BODY_OPEN;
	ev.open = &open;
	return policy_match(&comp, &ev);
}

static int covered_by_exclude(const struct policy_prefix *p)
{
	for (size_t i = 0; i < pol.n_exclude; i++)
		if (pol.exclude_prefixes[i].len <= p->len &&
		    !memcmp(pol.exclude_prefixes[i].bytes, p->bytes, pol.exclude_prefixes[i].len))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ret = policy_parse_buffer((const char *)data, size, &pol, &diags);

	if (ret == -ENOMEM)
		return 0;
	if (ret != 0) {
		check(ret == -EINVAL, "parse returns 0, -EINVAL or -ENOMEM");
		check(diags.n > 0, "an invalid policy has a message");
		for (size_t i = 0; i < diags.n; i++) {
			const struct policy_diag *d = &diags.items[i];
			check(d->line >= 1 && d->col >= 1, "positions are 1-based");
			check(d->msg[0] != '\0', "messages are not empty");
			for (const char *c = d->msg; *c; c++)
				check((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f,
				      "messages are printable ASCII");
		}
		return 0;
	}
	check(diags.n == 0 && diags.dropped == 0, "a valid policy has no messages");
	check(policy_compile(&pol, (uint32_t)size + 1, &comp) == 0, "a valid policy compiles");
	if (!(pol.event_mask & (1u << RT_EVENT_OPEN)))
		return 0;
	for (size_t i = 0; i < pol.n_exclude; i++)
		check(open_verdict(pol.exclude_prefixes[i].bytes) ==
			      (path_evasive_plain(pol.exclude_prefixes[i].bytes) ? POLICY_KEEP
										 : RT_POLICY_RULE_PATH_EXCLUDE),
		      "an exclude prefix is excluded (kept when spelled evasively)");
	for (size_t i = 0; i < pol.n_include; i++)
		if (!covered_by_exclude(&pol.include_prefixes[i]))
			check(open_verdict(pol.include_prefixes[i].bytes) == POLICY_KEEP,
			      "an include prefix outside every exclude prefix is kept");
	return 0;
}
