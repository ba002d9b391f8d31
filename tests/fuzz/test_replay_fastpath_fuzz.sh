#!/bin/bash
# Fuzz the replay decoder's fast path against the reference decoder (same
# verdict, reason and event on every line; see fuzz_replay_fastpath.c) with
# libFuzzer, ASan and UBSan for a bounded time.
set -euo pipefail
# shellcheck source=tests/fuzz/fuzz_lib.sh
source "$(dirname "$0")/fuzz_lib.sh"
fuzz_main fuzz_replay_fastpath tests/fuzz/corpus/replay_decode tests/fuzz/replay.dict "json-c simdjson" \
	tests/fuzz/fuzz_replay_fastpath.c \
	src/codec/json_decode.c src/codec/json_simd.cpp src/codec/json_decode_ref.c src/codec/json_arena.c \
	src/codec/json_strict.c src/codec/strbuf.c src/codec/utf8.c
