#!/bin/bash
# Shared by tests/fuzz/test_*_fuzz.sh: build one libFuzzer target with
# AddressSanitizer and UBSan, run it for a bounded time (FUZZ_SECONDS,
# default 25) from its seed corpus, and fail on any crash, leak, sanitizer
# report or broken invariant, printing the input that did it. New inputs
# found go to a scratch corpus, never into the source tree.
#
# Usage (from a test script, after sourcing this file):
#   fuzz_main NAME CORPUS_DIR DICT_OR_EMPTY "PKG_CONFIG_MODULES" SOURCE...
# NAME names the binary (build/fuzz/NAME); SOURCE paths are relative to the
# source tree; the generated protobuf-c code is always linked.
set -euo pipefail

SRC=${RINGTAP_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${RINGTAP_BUILD:-$SRC/build}
CLANG=${CLANG:-clang-19}
SECONDS_TO_RUN=${FUZZ_SECONDS:-25}

fuzz_main() {
	local name=$1 corpus=$2 dict=$3 pkgs=$4
	shift 4
	local work gen out bin rc execs f
	local -a srcs=() dictarg=()

	if ! command -v "$CLANG" >/dev/null; then
		echo "FAIL: $CLANG not found; scripts/install-deps.sh test installs it"
		exit 1
	fi
	work=$(mktemp -d "/tmp/ringtap-fuzz-$name.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$work'" EXIT

	# libFuzzer ships in clang's runtime package (libclang-rt-19-dev on Debian),
	# which scripts/install-deps.sh test installs: its absence is a failure.
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$work/probe.c"
	if ! "$CLANG" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>"$work/probe.err"; then
		echo "FAIL: clang's libFuzzer runtime is missing (scripts/install-deps.sh test installs libclang-rt-19-dev): $(head -1 "$work/probe.err")"
		exit 1
	fi
	gen="$BUILD/gen"
	if [ ! -f "$gen/ringtap/v1/event.pb-c.c" ]; then
		echo "FAIL: $gen/ringtap/v1/event.pb-c.c is missing; build ringtap first (cmake --build $BUILD)"
		exit 1
	fi
	for f in "$@"; do srcs+=("$SRC/$f"); done
	[ -n "$dict" ] && dictarg=(-dict="$SRC/$dict")

	out="$BUILD/fuzz"
	mkdir -p "$out"
	bin="$out/$name"
	# C++ sources (simdjson's facade) are compiled apart; clang++ then links
	# everything, with the C++ runtime.
	local -a csrcs=() objs=()
	local cc=$CLANG
	for f in "${srcs[@]}"; do
		case $f in
		*.cpp)
			cc=${CLANG/clang/clang++}
			# shellcheck disable=SC2086
			"$cc" -g -O1 -std=c++17 -Wall -Wextra -Werror \
				-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
				-I"$SRC/src" $(pkg-config --cflags $pkgs) -c "$f" -o "$work/$(basename "$f").o"
			objs+=("$work/$(basename "$f").o") ;;
		*) csrcs+=("$f") ;;
		esac
	done
	# The objects follow `-x none` (not C); without objects clang refuses a
	# trailing `-x none` under -Werror.
	local -a objargs=()
	[ ${#objs[@]} = 0 ] || objargs=(-x none "${objs[@]}")
	# shellcheck disable=SC2086
	"$cc" -g -O1 -x c -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I"$SRC/src" -I"$SRC/bpf" -I"$SRC/tests/support" -I"$gen" \
		"${csrcs[@]}" "$gen/ringtap/v1/event.pb-c.c" "${objargs[@]}" \
		$(pkg-config --cflags --libs libprotobuf-c $pkgs) \
		-o "$bin"

	mkdir -p "$work/corpus" "$work/crashes"
	cp "$SRC/$corpus"/* "$work/corpus/"
	echo "fuzzing $name for ${SECONDS_TO_RUN}s from $(ls "$work/corpus" | wc -l) seeds"
	set +e
	"$bin" "$work/corpus" "${dictarg[@]}" \
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
	echo "PASS: $name: $execs inputs, no crash, leak, UB or broken invariant"
}
