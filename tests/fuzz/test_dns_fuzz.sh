#!/bin/bash
# Fuzz the DNS parse path (see fuzz_dns.c for the invariants checked) with
# libFuzzer, ASan and UBSan for a bounded time.
set -euo pipefail
# shellcheck source=tests/fuzz/fuzz_lib.sh
source "$(dirname "$0")/fuzz_lib.sh"
fuzz_main fuzz_dns tests/fuzz/corpus/dns "" "ldns" \
	tests/fuzz/fuzz_dns.c src/codec/dns_parse.c src/codec/utf8.c
