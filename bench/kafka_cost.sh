#!/usr/bin/env bash
# Instructions per event on the live -> Kafka path (issue 15), with callgrind:
# repeatable where bench/kafka_live.sh's CPU figures move with the neighbours.
#
#   bench/kafka_cost.sh [BUILD_DIR]     (root; prints markdown)
#   env: PAIRS=openat+close pairs captured (20000)
#
# `ringtap run` with a Kafka sink (a real broker on loopback, tests/kafka/lib.sh;
# spool off) under callgrind, collecting only inside the ring buffer callback
# (on_record: decode -> enrich -> encode -> rd_kafka_producev, and the delivery
# reports the emit path serves) and the sink's poll and flush (the delivery
# reports served there: under valgrind most come after the loop). librdkafka's
# own threads (batching, the socket) are not in the figure:
# bench/kafka_live.sh's CPU per event has them.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${RINGTAP_BUILD:-$SRC/build}}
PAIRS=${PAIRS:-20000}
[ "$(id -u)" = 0 ] || { echo "SKIPPED: needs root"; exit 77; }
command -v valgrind >/dev/null || { echo "kafka_cost: valgrind missing (scripts/install-deps.sh test)" >&2; exit 1; }
export RINGTAP=$BUILD/ringtap
# shellcheck source=kafka_bench_lib.sh
source "$SRC/bench/kafka_bench_lib.sh"
: >"$WORK/target"
kafka_bench_start valgrind --tool=callgrind --toggle-collect=on_record --toggle-collect=kafka_poll \
	--toggle-collect=kafka_flush --callgrind-out-file="$WORK/cg.out"
sleep 2 # the producer's first connection and metadata
"$BUILD/bench/openclose_loop" "$WORK/target" "$PAIRS" >/dev/null
sleep 2
kill -INT "$pid"
wait "$pid" || true
n=$(sed -n 's/^ringtap: \([0-9]*\) events.*/\1/p' "$WORK/run.log")
delivered=$(grep -o ' delivered=[0-9]*' "$WORK/run.log" | tail -1)
[ -n "$n" ] || { tail -5 "$WORK/run.log" >&2; exit 1; }
grep 'kafka' "$WORK/run.log" | tail -3 >&2

# incl FUNCTION...: inclusive Ir of the named functions, summed.
incl() {
	callgrind_annotate --inclusive=yes --threshold=100 "$WORK/cg.out" 2>/dev/null |
		awk -v names="$*" 'BEGIN { n = split(names, w, " "); for (i = 1; i <= n; i++) want[w[i]] = 1 }
			{ f = $0; sub(/^[^:]*:/, "", f); sub(/ .*/, "", f); g = $1; gsub(",", "", g) }
			(f in want) && !(f in seen) { seen[f] = 1; s += g }
			END { printf "%.0f\n", s }'
}
# self FUNCTION...: exclusive Ir, summed.
self() {
	callgrind_annotate --threshold=100 "$WORK/cg.out" 2>/dev/null |
		awk -v names="$*" 'BEGIN { n = split(names, w, " "); for (i = 1; i <= n; i++) want[w[i]] = 1 }
			{ f = $0; sub(/^[^:]*:/, "", f); sub(/ .*/, "", f); g = $1; gsub(",", "", g) }
			(f in want) { s += g }
			END { printf "%.0f\n", s }'
}
per() { awk -v a="$1" -v n="$n" 'BEGIN { printf "%.0f", a / n }'; }

cat <<EOF2
## Live -> Kafka instructions per event (callgrind, $(date -u +%Y-%m-%d), $(uname -m))

$n events captured, $delivered (ring callback only; librdkafka's threads not included).

| stage | Ir per event |
|---|---:|
| decode (decode_record) | $(per "$(incl decode_record)") |
| enrich: entity ids (process_entity_fill) | $(per "$(incl process_entity_fill)") |
| kafka emit (kafka_emit) | $(per "$(incl kafka_emit)") |
| ... message build: encode + key + ids (sink_kafka_msg_build) | $(per "$(incl sink_kafka_msg_build)") |
| ... protobuf (get_packed_size + pack) | $(per "$(incl protobuf_c_message_get_packed_size protobuf_c_message_pack)") |
| ... headers + rd_kafka_producev (sink_kafka_msg_produce) | $(per "$(incl sink_kafka_msg_produce)") |
| ... delivery reports served in emit (rd_kafka_poll) | $(per "$(incl rd_kafka_poll)") |
| delivery reports served by the sink's poll and flush (kafka_poll + kafka_flush) | $(per "$(incl kafka_poll kafka_flush)") |
| malloc + free + consolidation, self (all callers) | $(per "$(self malloc _int_malloc free cfree _int_free malloc_consolidate unlink_chunk.constprop.0 __libc_malloc __libc_free)") |
| **ring callback (on_record)** | **$(per "$(incl on_record)")** |
| **ring callback + sink poll + flush** | **$(per "$(incl on_record kafka_poll kafka_flush)")** |
EOF2
