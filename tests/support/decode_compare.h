/* The replay decoder's fast path (json_decode.c) against the reference
 * (strict pass + json-c, json_decode_ref.c), one line at a time: shared by
 * tests/unit/test_json_fast.c and the fuzz target
 * tests/fuzz/fuzz_replay_fastpath.c, so both hold the decoders to the same
 * rules. Header-only: the fuzz build compiles its sources by hand. */
#ifndef RINGTAP_TEST_DECODE_COMPARE_H
#define RINGTAP_TEST_DECODE_COMPARE_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json_codec.h"
#include "codec/json_util.h"

/* Room for decode_compare's account of a disagreement (three reasons). */
#define DECODE_COMPARE_WHY_SIZE 1800

/* 1 when a and b pack to the same bytes, 0 when not, -ENOMEM. */
static inline int decode_same_event(const Ringtap__V1__Event *a, const Ringtap__V1__Event *b)
{
	size_t alen = ringtap__v1__event__get_packed_size(a);
	size_t blen = ringtap__v1__event__get_packed_size(b);
	uint8_t *pa = malloc(alen ? alen : 1), *pb = malloc(blen ? blen : 1);
	int same = -ENOMEM;

	if (pa && pb) {
		ringtap__v1__event__pack(a, pa);
		ringtap__v1__event__pack(b, pb);
		same = alen == blen && !memcmp(pa, pb, alen);
	}
	free(pa);
	free(pb);
	return same;
}

/* Whether ref and other (both decoded) are the same event: 0, -EPROTO with
 * "<what> built a different event" in why, or -ENOMEM. */
static inline int decode_expect_event(const Ringtap__V1__Event *ref, const Ringtap__V1__Event *other,
				      const char *what, char *why, size_t why_size)
{
	int same = decode_same_event(ref, other);

	if (same < 0)
		return same;
	if (!same) {
		snprintf(why, why_size, "%s built a different event", what);
		return -EPROTO;
	}
	return 0;
}

/* Decode text[0..len) with the reference, json_decode_event, its arena
 * variant (through arena) and the fast path alone. They must give the same
 * verdict, the same reason and the same event (packed), and the fast path
 * must never accept what the reference refuses nor build a different
 * event: so a line is refused, and worded, exactly as before the fast path
 * existed. Returns 0 with the fast path's verdict in *fast_verdict (0: it
 * decoded the line; JSON_FAST_GIVE_UP: it left it to the reference),
 * -EPROTO with what differs in why, or -ENOMEM when a decoder ran out of
 * memory (no verdict then). */
static inline int decode_compare(struct json_arena *arena, const char *text, size_t len,
				 int *fast_verdict, char *why, size_t why_size)
{
	Ringtap__V1__Event *ref = NULL, *ev = NULL, *fast = NULL, *in_arena = NULL;
	char eref[512], eev[512], earena[512];
	int rref = json_decode_event_ref(text, len, &ref, eref, sizeof(eref));
	int rev = json_decode_event(text, len, &ev, eev, sizeof(eev));
	int rarena = json_decode_event_arena(arena, text, len, &in_arena, earena, sizeof(earena));
	int rfast = json_decode_fast(text, len, &fast);
	int rc = -EPROTO;

	*fast_verdict = rfast;
	if (rref == -ENOMEM || rev == -ENOMEM || rarena == -ENOMEM || rfast == -ENOMEM)
		rc = -ENOMEM;
	else if (rfast != 0 && rfast != JSON_FAST_GIVE_UP)
		snprintf(why, why_size, "the fast path returned %d, neither 0 nor JSON_FAST_GIVE_UP", rfast);
	else if (rref != rev || rref != rarena)
		snprintf(why, why_size, "verdicts differ: reference %d (%s), json_decode_event %d (%s), arena %d (%s)",
			 rref, rref ? eref : "", rev, rev ? eev : "", rarena, rarena ? earena : "");
	else if (rref && (strcmp(eref, eev) || strcmp(eref, earena)))
		snprintf(why, why_size, "reasons differ: reference '%s', json_decode_event '%s', arena '%s'",
			 eref, eev, earena);
	else if (rref && rfast == 0)
		snprintf(why, why_size, "the fast path accepted what the reference refuses (%s)", eref);
	else if (rref)
		rc = 0;
	else {
		rc = decode_expect_event(ref, ev, "json_decode_event", why, why_size);
		if (!rc)
			rc = decode_expect_event(ref, in_arena, "the arena decoder", why, why_size);
		if (!rc && rfast == 0)
			rc = decode_expect_event(ref, fast, "the fast path", why, why_size);
	}
	if (ref)
		ringtap__v1__event__free_unpacked(ref, NULL);
	if (ev)
		ringtap__v1__event__free_unpacked(ev, NULL);
	if (fast)
		ringtap__v1__event__free_unpacked(fast, NULL);
	return rc;
}

#endif
