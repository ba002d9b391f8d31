#!/bin/bash
# Fuzz the Kafka spool's start-up on damaged directories (see fuzz_spool.c
# for the invariants checked) with libFuzzer, ASan and UBSan for a bounded
# time.
set -euo pipefail
# shellcheck source=tests/fuzz/fuzz_lib.sh
source "$(dirname "$0")/fuzz_lib.sh"
fuzz_main fuzz_spool tests/fuzz/corpus/spool "" "zlib" \
	tests/fuzz/fuzz_spool.c src/sink/spool.c src/sink/spool_cursor.c src/sink/spool_recover.c
