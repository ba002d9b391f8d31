/* libFuzzer target: the replay decoder's one-pass fast path (json_decode.c)
 * against the reference decoder (strict pass + json-c, json_decode_ref.c).
 * Built and run by test_replay_fastpath_fuzz.sh (clang, ASan + UBSan).
 *
 * On any line: json_decode_event, its arena variant and the reference give
 * the same verdict, the same reason and (packed) the same event, and the
 * fast path alone never accepts what the reference refuses nor builds a
 * different event (decode_compare.h, which test_json_fast.c runs on the
 * recorded lines too). A decoder out of memory is not a broken invariant.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "decode_compare.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant broken: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_arena *arena;
	char why[DECODE_COMPARE_WHY_SIZE];
	int fast, rc;

	if (!arena)
		check(json_arena_new(&arena) == 0, "out of memory for the arena");
	rc = decode_compare(arena, (const char *)data, size, &fast, why, sizeof(why));
	check(rc == 0 || rc == -ENOMEM, why);
	return 0;
}
