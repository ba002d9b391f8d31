#!/bin/bash
# Fuzz the raw kernel-record decoder (see fuzz_record_decode.c for the
# invariants checked) with libFuzzer, ASan and UBSan for a bounded time.
set -euo pipefail
# shellcheck source=tests/fuzz/fuzz_lib.sh
source "$(dirname "$0")/fuzz_lib.sh"
fuzz_main fuzz_record_decode tests/fuzz/corpus/record_decode "" "ldns libcrypto" \
	tests/fuzz/fuzz_record_decode.c src/pipeline/decode.c src/pipeline/decode_proc.c src/codec/utf8.c \
	src/codec/dns_parse.c src/codec/community_id.c
