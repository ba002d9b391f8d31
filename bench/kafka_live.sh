#!/usr/bin/env bash
# Live -> Kafka throughput with zero loss (issue 15): `ringtap run` with a
# Kafka sink (a real broker on loopback, tests/kafka/lib.sh; spool off) while
# one openat+close loop per CPU runs flat out; then SIGINT, drain and flush.
#   bench/kafka_live.sh       (root; env: N pairs per loop, default 2000000;
#                              LOOPS, default 1 (one CPU left to the sensor and
#                              the broker); RINGTAP_CONFIG_EXTRA, YAML lines
#                              appended to the kafka sink's entry, e.g.
#                              "    rdkafka: {linger.ms: 50}")
# Reports events/s delivered (acked by the broker) from the loops' start to
# the end of the flush, events captured, ring drops, the sink's lost count,
# and the sensor's CPU (all threads, utime+stime from schedstat) per event.
# The broker, the loops and ringtap share this machine's CPUs.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${RINGTAP_BUILD:-$SRC/build}
export RINGTAP=${RINGTAP:-$BUILD/ringtap}
[ "$(id -u)" = 0 ] || { echo "SKIPPED: needs root"; exit 77; }
N=${N:-2000000}
LOOPS=${LOOPS:-1}
# shellcheck source=kafka_bench_lib.sh
source "$SRC/bench/kafka_bench_lib.sh"
: >"$WORK/oc-file"
kafka_bench_start
sleep 1 # the producer's first connection and metadata
cpu() { { cat /proc/"$pid"/task/*/schedstat 2>/dev/null || true; } | awk '{ s += $1 } END { printf "%.0f\n", s }'; }
c0=$(cpu)
t0=$(date +%s%N)
loops=()
for _ in $(seq "$LOOPS"); do
	"$BUILD/bench/openclose_loop" "$WORK/oc-file" "$N" >/dev/null &
	loops+=($!)
done
wait "${loops[@]}"
t_loops=$(date +%s%N)
c1=$c0
kill -INT "$pid"
while kill -0 "$pid" 2>/dev/null; do c=$(cpu); [ -z "$c" ] || [ "$c" = 0 ] || c1=$c; sleep 0.05; done
wait "$pid" || true
t1=$(date +%s%N)
summary=$(grep '^ringtap: ' "$WORK/run.log" | tail -1)
kafka=$(grep -o 'kafka: events=.*' "$WORK/run.log" | tail -1)
events=$(sed -n 's/^ringtap: \([0-9]*\) events.*/\1/p' <<<"$summary")
dropped=$(sed -n 's/.*kernel: \([0-9]*\) dropped.*/\1/p' <<<"$summary")
delivered=$(sed -n 's/.* delivered=\([0-9]*\).*/\1/p' <<<"$kafka")
lost=$(sed -n 's/.* lost=\([0-9]*\).*/\1/p' <<<"$kafka")
[ -n "$events" ] && [ -n "$delivered" ] || { tail -5 "$WORK/run.log" >&2; exit 1; }
echo "## Live -> Kafka ($(date -u +%Y-%m-%d), $(uname -r), $(uname -m), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| loops | events/s delivered | events captured | delivered | ring drops | sink lost | loops + drain/flush | events/s captured | sensor CPU ns per event |"
echo "|---|---:|---:|---:|---:|---:|---|---:|---:|"
awk -v d="$delivered" -v e="$events" -v dr="$dropped" -v l="$lost" -v t0="$t0" -v tl="$t_loops" -v t1="$t1" \
	-v c="$((c1 - c0))" -v n="$N" -v loops="$LOOPS" 'BEGIN {
	printf "| %d x %d pairs | %.0f | %d | %d | %d | %d | %.1f s + %.1f s | %.0f | %.0f |\n",
		loops, n, d / ((t1 - t0) / 1e9), e, d, dr, l, (tl - t0) / 1e9, (t1 - tl) / 1e9,
		e / ((tl - t0) / 1e9), c / e }'
echo "$kafka" >&2
