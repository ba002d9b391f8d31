#!/usr/bin/env bash
# Userspace instructions per event, per stage, with callgrind (repeatable:
# instruction counts do not depend on the neighbours' load).
#
#   bench/userspace_cost.sh [BUILD_DIR]     (root for the live leg; prints markdown)
#   env: PAIRS=openat+close pairs the live leg captures (20000)
#        REPLAY_EVENTS=events of the recording replayed (10000)
#
# Live: `ringtap run --sink null --sink record` under callgrind, collecting
# only inside the ring buffer callback (on_record: decode -> enrich -> sinks),
# while an openat+close loop runs. The record sink packs every event with
# protobuf-c (get_packed_size + pack: exactly the Kafka sink's encoding) and
# unpacks it again (a test sink: its unpack is left out of the figures).
# Replay: the same events recorded to NDJSON, replayed under callgrind to
# null, record and ndjson:/dev/null sinks (JSON decode -> pipeline -> JSON encode).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${RINGTAP_BUILD:-$SRC/build}}
PAIRS=${PAIRS:-20000}
REPLAY_EVENTS=${REPLAY_EVENTS:-10000}
[ "$(id -u)" = 0 ] || { echo "SKIPPED: the live leg loads BPF programs and needs root"; exit 77; }
command -v valgrind >/dev/null || { echo "userspace_cost: valgrind missing (scripts/install-deps.sh test)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/ringtap-uscost.XXXXXX)
pid=
cleanup() {
	[ -z "$pid" ] || { kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true
	rm -rf "$tmp"
}
trap cleanup EXIT
: >"$tmp/target"

# wait_capturing LOG: until the sensor says it captures (valgrind: slow start).
wait_capturing() {
	for _ in $(seq 1800); do
		grep -q 'capturing$' "$1" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$1" >&2
	exit 1
}

. "$(dirname "$0")/callgrind_lib.sh" # incl, per

# ---- live -----------------------------------------------------------------
valgrind --tool=callgrind --toggle-collect=on_record --callgrind-out-file="$tmp/live.out" \
	"$BUILD/ringtap" run --sink null --sink record:10000000 2>"$tmp/live.log" &
pid=$!
wait_capturing "$tmp/live.log"
"$BUILD/bench/openclose_loop" "$tmp/target" "$PAIRS" >/dev/null
"$BUILD/ringtap" record --out "$tmp/rec.ndjson" --duration 1 --ring-size 64M 2>"$tmp/rec.log" &
rpid=$!
sleep 0.5 # (record's own startup is not under valgrind)
wait_capturing "$tmp/rec.log" 2>/dev/null || true
"$BUILD/bench/openclose_loop" "$tmp/target" "$REPLAY_EVENTS" >/dev/null
wait "$rpid"
kill -INT "$pid"; wait "$pid" || true; pid=
live_n=$(sed -n 's/^ringtap: \([0-9]*\) events.*/\1/p' "$tmp/live.log")
L=$tmp/live.out
l_total=$(incl "$L" on_record)
l_decode=$(incl "$L" decode_record)
l_entity=$(incl "$L" process_entity_fill)
l_header=$(incl "$L" enrich_header)
l_null=$(incl "$L" null_emit)
l_record=$(incl "$L" record_emit)
l_pb=$(incl "$L" ringtap__v1__event__get_packed_size ringtap__v1__event__pack)

# ---- replay ---------------------------------------------------------------
head -n "$REPLAY_EVENTS" "$tmp/rec.ndjson" >"$tmp/replay.ndjson"
replay_n=$(wc -l <"$tmp/replay.ndjson")
valgrind --tool=callgrind --callgrind-out-file="$tmp/replay.out" "$BUILD/ringtap" replay "$tmp/replay.ndjson" \
	--sink null --sink record:10000000 --sink ndjson:/dev/null >/dev/null 2>"$tmp/replay.log"
R=$tmp/replay.out
r_read=$(incl "$R" replay_read)
r_jdec=$(incl "$R" json_decode_event_arena)
r_ref=$(incl "$R" json_decode_event_ref)
r_pipe=$(incl "$R" pipeline_on_item)
r_record=$(incl "$R" record_emit)
r_pb=$(incl "$R" ringtap__v1__event__get_packed_size ringtap__v1__event__pack)
r_json=$(incl "$R" ndjson_emit)

cat <<EOF2
## Userspace instructions per event (callgrind, $(date -u +%Y-%m-%d), $(uname -m), build type: $(bt=$(sed -n "s/^CMAKE_BUILD_TYPE:STRING=//p" "$BUILD/CMakeCache.txt"); echo "${bt:-default}"))

Live (\`ringtap run\`, ring callback only): $live_n events (mostly open; the machine's other activity too).

| stage | Ir per event |
|---|---:|
| decode (raw record -> ringtap.v1.Event, decode_record) | $(per "$l_decode" "$live_n") |
| enrich: process entity ids (process_entity_fill) | $(per "$l_entity" "$live_n") |
| enrich: header (node, boot id, wall clock; enrich_header) | $(per "$l_header" "$live_n") |
| sink null | $(per "$l_null" "$live_n") |
| protobuf encode (get_packed_size + pack, what the Kafka sink does) | $(per "$l_pb" "$live_n") |
| **whole callback without the test sink** (on_record - record_emit) | **$(per $((l_total - l_record)) "$live_n")** |
| **... plus protobuf encode** | **$(per $((l_total - l_record + l_pb)) "$live_n")** |

Replay (\`ringtap replay\` of the same kind of stream, $replay_n events):

| stage | Ir per event |
|---|---:|
| read + JSON decode + pipeline, all sinks (replay_read) | $(per "$r_read" "$replay_n") |
| JSON decode (json_decode_event_arena; bench/replay_rate.sh has its breakdown) | $(per "$r_jdec" "$replay_n") |
| of which lines left to the reference decoder (strict pass + json-c) | $(per "$r_ref" "$replay_n") |
| pipeline, all sinks (pipeline_on_item) | $(per "$r_pipe" "$replay_n") |
| protobuf encode (get_packed_size + pack) | $(per "$r_pb" "$replay_n") |
| JSON encode + write (ndjson sink) | $(per "$r_json" "$replay_n") |
| **replay -> null: read + decode + pipeline without record and ndjson sinks** | **$(per $((r_read - r_record - r_json)) "$replay_n")** |
EOF2
