#!/usr/bin/env bash
# Replay -> Kafka throughput with the disk spool enabled but idle (the broker
# keeps up) against the spool off: N events replayed into a real broker,
# RUNS runs of each, alternating, median of each reported with their ratio.
# Then the drain rate: the same replay with the broker SIGKILLed before it
# starts and restarted mid-way, timed from the restart to the end.
#   bench/kafka_spool.sh [N] [RUNS]
set -euo pipefail
N=${1:-200000}
RUNS=${2:-5}
src=$(cd "$(dirname "$0")/.." && pwd)
RINGTAP=${RINGTAP:-$src/build/ringtap}
KAFKA_SH=$src/scripts/kafka/kafka.sh
work=$(mktemp -d)
trap '"$KAFKA_SH" stop "$work/broker" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
port=$("$KAFKA_SH" start "$work/broker")
python3 "$src/tests/kafka/gen_events.py" "$N" >"$work/events.ndjson"
config() { # config FILE SPOOL(true|false)
	printf 'flush_timeout_ms: 300000\nsinks:\n  - type: kafka\n    brokers: 127.0.0.1:%s\n    spool: {enabled: %s, dir: %s}\n' \
		"$port" "$2" "$work/spool" >"$1"
}
config "$work/on.yaml" true
config "$work/off.yaml" false
"$RINGTAP" replay "$work/events.ndjson" --config "$work/off.yaml" 2>/dev/null # warm-up: topics exist
run() { # run CONFIG -> events/s
	local t0 t1
	t0=$(date +%s%N)
	"$RINGTAP" replay "$work/events.ndjson" --config "$1" 2>"$work/last.log" || { tail -3 "$work/last.log" >&2; exit 1; }
	t1=$(date +%s%N)
	echo $((N * 1000000000 / (t1 - t0)))
}
on=() off=()
for ((i = 0; i < RUNS; i++)); do
	off+=("$(run "$work/off.yaml")")
	on+=("$(run "$work/on.yaml")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
m_on=$(median "${on[@]}") m_off=$(median "${off[@]}")
echo "replay -> kafka, $N events, $RUNS runs each (events/s): spool off ${off[*]}; spool on (idle) ${on[*]}"
echo "median: spool off $m_off/s, spool on $m_on/s, ratio $(awk -v a="$m_on" -v b="$m_off" 'BEGIN { printf "%.3f", a / b }')"

# Drain: the broker is down while the whole file is replayed into the spool,
# then comes back; the drain is timed from its restart to the replay's end.
"$KAFKA_SH" kill "$work/broker"
"$RINGTAP" replay "$work/events.ndjson" --config "$work/on.yaml" 2>"$work/drain.log" &
pid=$!
for _ in $(seq 1 600); do
	sleep 0.1
	# wait until every event is in the spool: the replay has read the whole file
	kill -0 $pid 2>/dev/null || break
	[ -r /proc/$pid/io ] && [ "$(awk '/^rchar/ { print $2 }' /proc/$pid/io)" -ge "$(stat -c %s "$work/events.ndjson")" ] && break
done
sleep 1
"$KAFKA_SH" start "$work/broker" "$port" >/dev/null # returns once the port answers
t0=$(date +%s%N)
wait $pid || true
t1=$(date +%s%N)
drained=$(sed -n 's/.* drained=\([0-9]*\).*/\1/p' "$work/drain.log")
echo "drain after an outage: $drained records in $(((t1 - t0) / 1000000)) ms from the broker's" \
	"port answering to the end: $((drained * 1000000000 / (t1 - t0))) records/s"
