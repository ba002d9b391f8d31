/* libFuzzer target: the replay decoder's one-pass fast path (json_decode.c)
 * against the reference decoder (strict pass + json-c, json_decode_ref.c).
 * Built and run by test_replay_fastpath_fuzz.sh (clang, ASan + UBSan).
 *
 * On any line: json_decode_event, its arena variant and the reference give
 * the same verdict, the same reason and (packed) the same event, and the
 * fast path alone never accepts what the reference refuses nor builds a
 * different event. So a line is refused, and worded, exactly as before the
 * fast path existed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json_codec.h"
#include "codec/json_util.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant broken: %s\n", what);
		abort();
	}
}

static int same_event(const Ringtap__V1__Event *a, const Ringtap__V1__Event *b)
{
	size_t alen = ringtap__v1__event__get_packed_size(a);
	size_t blen = ringtap__v1__event__get_packed_size(b);
	uint8_t *pa = malloc(alen ? alen : 1), *pb = malloc(blen ? blen : 1);
	int same;

	check(pa && pb, "out of memory packing");
	ringtap__v1__event__pack(a, pa);
	ringtap__v1__event__pack(b, pb);
	same = alen == blen && !memcmp(pa, pb, alen);
	free(pa);
	free(pb);
	return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_arena *arena;
	const char *text = (const char *)data;
	Ringtap__V1__Event *ref = NULL, *ev = NULL, *fast = NULL, *in_arena = NULL;
	char eref[512], eev[512], earena[512];
	int rref, rev, rarena, rfast;

	if (!arena)
		check(json_arena_new(&arena) == 0, "out of memory for the arena");
	rref = json_decode_event_ref(text, size, &ref, eref, sizeof(eref));
	rev = json_decode_event(text, size, &ev, eev, sizeof(eev));
	rarena = json_decode_event_arena(arena, text, size, &in_arena, earena, sizeof(earena));
	rfast = json_decode_fast(text, size, &fast);
	if (rref == -ENOMEM || rev == -ENOMEM || rarena == -ENOMEM || rfast == -ENOMEM)
		goto cleanup;
	check(rfast == 0 || rfast == JSON_FAST_GIVE_UP, "the fast path returned an error code");
	check(rref == rev, "json_decode_event and the reference disagree on the verdict");
	check(rref == rarena, "the arena decoder and the reference disagree on the verdict");
	if (rref) {
		check(!strcmp(eref, eev), "json_decode_event words a refusal differently");
		check(!strcmp(eref, earena), "the arena decoder words a refusal differently");
		check(rfast != 0, "the fast path accepted a line the reference refuses");
	} else {
		check(same_event(ref, ev), "json_decode_event built a different event");
		check(same_event(ref, in_arena), "the arena decoder built a different event");
		check(rfast != 0 || same_event(ref, fast), "the fast path built a different event");
	}
cleanup:
	if (ref)
		ringtap__v1__event__free_unpacked(ref, NULL);
	if (ev)
		ringtap__v1__event__free_unpacked(ev, NULL);
	if (fast)
		ringtap__v1__event__free_unpacked(fast, NULL);
	return 0;
}
