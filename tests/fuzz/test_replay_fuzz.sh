#!/bin/bash
# Fuzz the replay decoder (one JSON line -> event; see fuzz_replay_decode.c
# for the invariants checked) with libFuzzer, ASan and UBSan for a bounded time.
set -euo pipefail
# shellcheck source=tests/fuzz/fuzz_lib.sh
source "$(dirname "$0")/fuzz_lib.sh"
fuzz_main fuzz_replay_decode tests/fuzz/corpus/replay_decode tests/fuzz/replay.dict "json-c simdjson" \
	tests/fuzz/fuzz_replay_decode.c \
	src/codec/json_decode.c src/codec/json_simd.cpp src/codec/json_decode_ref.c src/codec/json_arena.c src/codec/json_encode.c src/codec/json_strict.c \
	src/codec/strbuf.c src/codec/utf8.c
