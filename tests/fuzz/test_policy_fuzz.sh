#!/bin/bash
# Fuzz the policy parser + compiler for a bounded time (FUZZ_SECONDS, default
# 25) with libFuzzer, AddressSanitizer and UBSan, starting from the seed
# corpus in tests/fuzz/corpus/policy_parse. Fails on any crash, leak,
# sanitizer report or broken invariant (see fuzz_policy_parse.c), printing
# the input that did it. New inputs found go to a scratch corpus, never
# into the source tree.
set -euo pipefail

SRC=${RINGTAP_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${RINGTAP_BUILD:-$SRC/build}
CLANG=${CLANG:-clang-19}
SECONDS_TO_RUN=${FUZZ_SECONDS:-25}

if ! command -v "$CLANG" >/dev/null; then
	echo "SKIPPED: $CLANG not found"
	exit 77
fi
work=$(mktemp -d /tmp/ringtap-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

# libFuzzer ships in clang's runtime package (libclang-rt-19-dev on Debian).
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$work/probe.c"
if ! "$CLANG" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>"$work/probe.err"; then
	echo "SKIPPED: clang's libFuzzer runtime is missing (install libclang-rt-19-dev): $(head -1 "$work/probe.err")"
	exit 77
fi
gen="$BUILD/gen"
if [ ! -f "$gen/ringtap/v1/event.pb-c.c" ]; then
	echo "FAIL: $gen/ringtap/v1/event.pb-c.c is missing; build ringtap first (cmake --build $BUILD)"
	exit 1
fi

out="$BUILD/fuzz"
mkdir -p "$out"
bin="$out/fuzz_policy_parse"
"$CLANG" -g -O1 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I"$SRC/src" -I"$SRC/bpf" -I"$gen" \
	"$SRC/tests/fuzz/fuzz_policy_parse.c" \
	"$SRC/src/policy/policy_parse.c" "$SRC/src/policy/policy_model.c" \
	"$SRC/src/policy/policy_compile.c" "$SRC/src/policy/policy_match.c" \
	"$gen/ringtap/v1/event.pb-c.c" \
	$(pkg-config --cflags --libs yaml-0.1 libprotobuf-c) \
	-o "$bin"

mkdir -p "$work/corpus" "$work/crashes"
cp "$SRC"/tests/fuzz/corpus/policy_parse/* "$work/corpus/"
echo "fuzzing the policy parser for ${SECONDS_TO_RUN}s from $(ls "$work/corpus" | wc -l) seeds"
set +e
"$bin" "$work/corpus" \
	-dict="$SRC/tests/fuzz/policy.dict" \
	-max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/crashes/" -print_final_stats=1 >"$work/log" 2>&1
rc=$?
set -e
grep -E '^stat::(number_of_executed_units|new_units_added)' "$work/log" || true
if [ $rc -ne 0 ]; then
	echo "FAIL: the fuzzer stopped with status $rc"
	grep -v '^#' "$work/log" | tail -40
	for f in "$work"/crashes/*; do
		[ -e "$f" ] || continue
		echo "--- input $(basename "$f") (hex):"
		od -A d -c "$f" | head -40
	done
	exit 1
fi
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
if [ -z "$execs" ] || [ "$execs" -lt 1000 ]; then
	echo "FAIL: the fuzzer ran only '${execs:-no}' inputs; see its log:"
	tail -20 "$work/log"
	exit 1
fi
echo "PASS: $execs inputs, no crash, leak, UB or broken invariant"
