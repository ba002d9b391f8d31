#!/usr/bin/env bash
# Replay rate (issue 15): `ringtap replay FILE --sink null` events/s on one
# core, the decoder alone (simdjson + the descriptor walk) against the
# reference decoder replay used before (strict pass + json-c), and callgrind
# instructions per event per stage.
# Prints markdown. No root needed.
#
#   bench/replay_rate.sh [BUILD_DIR]
#   env: RUNS=timed runs, medians reported (5)
#        EVENTS=lines of the generated recording (100000)
#        RECORDING=FILE replay this instead of the generated recording
#        BASELINE_RINGTAP=BIN also time this ringtap (e.g. one built from an
#          older main) on the same file, the same way
#        IR_EVENTS=lines run under callgrind (10000; the reference decoder,
#          ~13x slower, gets the first IR_REF_EVENTS of them, 2000)
#
# The generated recording is tests/replay/cases' recorded lines (every event
# type ringtap decoded when they were written, 368-860 bytes, 540 on
# average; a live recording here averages ~570) repeated to EVENTS lines.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${RINGTAP_BUILD:-$SRC/build}}
RUNS=${RUNS:-5}
EVENTS=${EVENTS:-100000}
IR_EVENTS=${IR_EVENTS:-10000}
IR_REF_EVENTS=${IR_REF_EVENTS:-2000}
RINGTAP=$BUILD/ringtap
DECODE=$BUILD/bench/replay_decode
for f in "$RINGTAP" "$DECODE"; do
	[ -x "$f" ] || { echo "replay_rate: $f missing; build first (make build)" >&2; exit 1; }
done
command -v valgrind >/dev/null || { echo "replay_rate: valgrind missing (scripts/install-deps.sh test)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/ringtap-replay-rate.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

rec=$tmp/recording.ndjson
if [ -n "${RECORDING:-}" ]; then
	cp "$RECORDING" "$rec"
	what="\`$RECORDING\`"
else
	cases=()
	for c in all_bodies file_events net_events proc_events sock_events; do
		cases+=("$SRC/tests/replay/cases/$c.input.ndjson")
	done
: >"$rec"
	while [ "$(wc -l <"$rec")" -lt "$EVENTS" ]; do cat "${cases[@]}" >>"$rec"; done
	head -n "$EVENTS" "$rec" >"$tmp/cut" && mv "$tmp/cut" "$rec"
	what="tests/replay/cases/{all_bodies,file,net,proc,sock}_events lines repeated"
fi
n=$(grep -c . "$rec")
bytes=$(awk '{ s += length($0) } END { printf "%.0f", s / NR }' "$rec")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# time_replay BIN: "cpu_events_per_s wall_events_per_s", medians of RUNS
# runs (CPU = the replay process's user+sys: one core).
time_replay() {
	python3 - "$1" "$rec" "$RUNS" "$n" <<'PY'
import resource, statistics, subprocess, sys, time
binary, path, runs, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cpu, wall = [], []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    r = subprocess.run([binary, "replay", path, "--sink", "null"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    t = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit("replay failed: " + r.stderr.decode()[-300:])
    cpu.append(n / (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
    wall.append(n / t)
print("%.0f %.0f" % (statistics.median(cpu), statistics.median(wall)))
PY
}

read -r cpu_rate wall_rate < <(time_replay "$RINGTAP")
base_row= base_ratio=
if [ -n "${BASELINE_RINGTAP:-}" ]; then
	read -r base_cpu base_wall < <(time_replay "$BASELINE_RINGTAP")
	base_row=$'\n'"| the same with \`$BASELINE_RINGTAP\` (baseline) | $base_cpu | $base_wall | 1.0 |"
	base_ratio=$(awk -v a="$cpu_rate" -v b="$base_cpu" 'BEGIN { printf "**%.1f** (CPU, against the baseline)", a / b }')
fi
read -r _ _ fast_rate < <("$DECODE" fast "$rec" "$RUNS")
read -r _ _ ref_rate < <("$DECODE" reference "$rec" "$RUNS")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- instructions (callgrind) -------------------------------------------
. "$(dirname "$0")/callgrind_lib.sh" # incl, per

head -n "$IR_EVENTS" "$rec" >"$tmp/ir.ndjson"
ir_n=$(grep -c . "$tmp/ir.ndjson")
valgrind --tool=callgrind --toggle-collect=replay_read --callgrind-out-file="$tmp/new.out" \
	"$RINGTAP" replay "$tmp/ir.ndjson" --sink null >/dev/null 2>"$tmp/new.log"
N=$tmp/new.out
n_read=$(incl "$N" replay_read)
n_dec=$(incl "$N" json_decode_event_arena)
n_ref=$(incl "$N" json_decode_event_ref)
n_simd=$(incl "$N" json_simd_parse)
n_reset=$(incl "$N" json_arena_reset)
n_pipe=$(incl "$N" pipeline_on_item)
head -n "$IR_REF_EVENTS" "$rec" >"$tmp/ir_ref.ndjson"
ir_ref_n=$(grep -c . "$tmp/ir_ref.ndjson")
valgrind --tool=callgrind --toggle-collect=decode_all --callgrind-out-file="$tmp/ref.out" \
	"$DECODE" reference "$tmp/ir_ref.ndjson" 1 >/dev/null 2>"$tmp/ref.log"
R=$tmp/ref.out
r_all=$(incl "$R" decode_all)
r_strict=$(incl "$R" json_strict_check)
r_tok=$(incl "$R" json_tokener_parse_ex json_tokener_new json_tokener_free)
r_fields=$(incl "$R" decode_message)
r_tree=$(incl "$R" json_object_put)
r_free=$(incl "$R" ringtap__v1__event__free_unpacked)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
cat <<EOF
## Replay rate (\`bench/replay_rate.sh\`, $(date -u +%Y-%m-%d), $(uname -m), $(nproc) CPUs)

Recording: $what; $n events, $bytes bytes per line on average. Load average
before/after: $load_before / $load_after (other work on the machine shows in
the wall figures; CPU time is the replay process's own, one core).

| what | events/s per core (CPU time) | events/s (wall) | ratio |
|---|---:|---:|---:|
| \`ringtap replay FILE --sink null\` (read, decode, pipeline) | **$cpu_rate** | $wall_rate | $base_ratio |${base_row}
| decode only: simdjson fast path into an arena (what replay runs) | $fast_rate | | **$(ratio "$fast_rate" "$ref_rate")** (against the reference) |
| decode only: reference (strict pass + json-c, the decoder before) | $ref_rate | | 1.0 |

Medians of $RUNS runs.

Instructions per event (callgrind; first $ir_n events, the reference decoder
the first $ir_ref_n):

| stage | Ir per event |
|---|---:|
| **replay -> null: read + decode + pipeline** (\`replay_read\`) | **$(per "$n_read" "$ir_n")** |
| decode (\`json_decode_event_arena\`) | $(per "$n_dec" "$ir_n") |
| of which simdjson's parse (\`json_simd_parse\`: copy to the padded buffer, both stages) | $(per "$n_simd" "$ir_n") |
| of which lines left to the reference decoder | $(per "$n_ref" "$ir_n") |
| of which dropping the previous event (\`json_arena_reset\`) | $(per "$n_reset" "$ir_n") |
| pipeline -> null sink (\`pipeline_on_item\`) | $(per "$n_pipe" "$ir_n") |
| line reading and the loop (the rest) | $(per $((n_read - n_dec - n_pipe)) "$ir_n") |
| **reference decoder, decode + free** (before) | **$(per "$r_all" "$ir_ref_n")** |
| of which strict RFC 8259 pass (\`json_strict_check\`) | $(per "$r_strict" "$ir_ref_n") |
| of which json-c tokenizer (tree building) | $(per "$r_tok" "$ir_ref_n") |
| of which field lookup and decoding (\`decode_message\`) | $(per "$r_fields" "$ir_ref_n") |
| of which freeing the json-c tree (\`json_object_put\`) | $(per "$r_tree" "$ir_ref_n") |
| of which \`free_unpacked\` of the event | $(per "$r_free" "$ir_ref_n") |
EOF
