/* libFuzzer target: the replay decoder on one arbitrary line.
 * Built and run by test_replay_fuzz.sh (clang, ASan + UBSan).
 *
 * Beyond "no crash, no leak, no UB" it checks what replay relies on:
 * - a refused line gets a non-empty, printable, one-line reason;
 * - what the strict pre-pass accepts, json-c parses too (the two never
 *   disagree on syntax);
 * - a line that decodes re-encodes to one canonical line (no newline) that
 *   decodes to the same event (same protobuf bytes) and re-encodes to the
 *   same bytes: record -> replay -> record is a fixed point.
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

static void check_reason(const char *err)
{
	check(err[0] != '\0', "a refused line has an empty reason");
	for (const char *p = err; *p; p++)
		check((unsigned char)*p >= 0x20 && *p != 0x7f, "a reason is not printable on one line");
}

static uint8_t *pack(const Ringtap__V1__Event *ev, size_t *len)
{
	uint8_t *buf;

	*len = ringtap__v1__event__get_packed_size(ev);
	buf = malloc(*len ? *len : 1);
	check(buf != NULL, "out of memory packing");
	ringtap__v1__event__pack(ev, buf);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Ringtap__V1__Event *ev = NULL, *again = NULL;
	struct strbuf once = { 0 }, twice = { 0 };
	char err[512];
	int rc, strict_ok;

	strict_ok = json_strict_check((const char *)data, size, err, sizeof(err)) == 0;
	rc = json_decode_event((const char *)data, size, &ev, err, sizeof(err));
	if (rc == -ENOMEM)
		return 0;
	if (rc) {
		check(rc == -EBADMSG, "decode failed with neither -EBADMSG nor -ENOMEM");
		check(ev == NULL, "a refused line left an event");
		check_reason(err);
		check(!strict_ok || strncmp(err, "invalid JSON", 12),
		      "json-c refused what the strict pass accepted");
		return 0;
	}
	check(strict_ok, "a line the strict pass refused decoded");
	check(ev != NULL, "decode succeeded without an event");

	check(json_encode_event(ev, &once) == 0, "encode failed");
	check(memchr(once.buf, '\n', once.len) == NULL, "the encoding spans lines");
	rc = json_decode_event(once.buf, once.len, &again, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "re-encoded line refused: %s\n%s\n", err, once.buf);
		check(0, "an encoded event does not decode");
	}
	check(json_encode_event(again, &twice) == 0, "second encode failed");
	check(once.len == twice.len && !memcmp(once.buf, twice.buf, once.len),
	      "encode(decode(encode(e))) differs from encode(e)");

	size_t a_len, b_len;
	uint8_t *a = pack(ev, &a_len), *b = pack(again, &b_len);
	check(a_len == b_len && !memcmp(a, b, a_len), "the re-decoded event differs from the first");
	free(a);
	free(b);

	strbuf_free(&once);
	strbuf_free(&twice);
	ringtap__v1__event__free_unpacked(ev, NULL);
	ringtap__v1__event__free_unpacked(again, NULL);
	return 0;
}
