#!/usr/bin/env bash
# The spool's cost and its drain rate, replay -> a real Kafka broker on this
# machine (scripts/kafka/kafka.sh):
# 1. Idle spool: N events replayed with the spool enabled but idle (the broker
#    keeps up) and with it off, RUNS runs of each, interleaved (off, on, off,
#    on...) so that the machine's load drifts over both alike. Two figures per
#    run: wall throughput (events/s), and ringtap's CPU time (user + sys, all
#    its threads, librdkafka's included) per event, which the broker's and
#    other processes' share of the cores disturbs much less. Medians and the
#    on/off ratio of each, plus what the spool wrote (spooled=, spilled=: 0
#    when idle).
# 2. Drain: the broker is SIGKILLed, the whole file is replayed into the
#    spool, the broker comes back; the drain is timed from its port answering
#    to the replay's end.
# Markdown on stdout.
#   bench/kafka_spool.sh [N] [RUNS]        (make bench: 100000 5)
set -euo pipefail
N=${1:-200000}
RUNS=${2:-9}
src=$(cd "$(dirname "$0")/.." && pwd)
RINGTAP=${RINGTAP:-$src/build/ringtap}
KAFKA_SH=$src/scripts/kafka/kafka.sh
work=$(mktemp -d)
trap '"$KAFKA_SH" stop "$work/broker" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$KAFKA_SH" fetch >/dev/null 2>"$work/fetch.log" || { echo "SKIPPED: cannot fetch Kafka: $(tail -n 2 "$work/fetch.log")"; exit 0; }
port=$("$KAFKA_SH" start "$work/broker")
python3 "$src/tests/kafka/gen_events.py" "$N" >"$work/events.ndjson"
config() { # config FILE SPOOL(true|false)
	printf 'flush_timeout_ms: 300000\nsinks:\n  - type: kafka\n    brokers: 127.0.0.1:%s\n    spool: {enabled: %s, dir: %s}\n' \
		"$port" "$2" "$work/spool" >"$1"
}
config "$work/on.yaml" true
config "$work/off.yaml" false
# Warm-up (the topics exist after it). With the spool off, N must fit the
# in-memory queue (100,000 messages by default), or the replay drops.
"$RINGTAP" replay "$work/events.ndjson" --config "$work/off.yaml" 2>"$work/warmup.log" ||
	{ echo "kafka_spool.sh: the warm-up replay of $N events failed (N above the in-memory queue?):" >&2
	  tail -3 "$work/warmup.log" >&2; exit 1; }
run() { # run CONFIG -> "events/s ns_cpu/event"
	/usr/bin/time -f '%e %U %S' -o "$work/time" \
		"$RINGTAP" replay "$work/events.ndjson" --config "$1" 2>"$work/last.log" ||
		{ tail -3 "$work/last.log" >&2; exit 1; }
	awk -v n="$N" '{ printf "%d %d\n", n / $1, ($2 + $3) * 1e9 / n }' "$work/time"
}
off_tput=() on_tput=() off_cpu=() on_cpu=()
spooled=0 spilled=0
for ((i = 0; i < RUNS; i++)); do
	read -r t c < <(run "$work/off.yaml")
	off_tput+=("$t") off_cpu+=("$c")
	read -r t c < <(run "$work/on.yaml")
	on_tput+=("$t") on_cpu+=("$c")
	spooled=$((spooled + $(sed -n 's/.* spooled=\([0-9]*\).*/\1/p' "$work/last.log")))
	spilled=$((spilled + $(sed -n 's/.* spilled=\([0-9]*\).*/\1/p' "$work/last.log")))
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
mt_on=$(median "${on_tput[@]}") mt_off=$(median "${off_tput[@]}")
mc_on=$(median "${on_cpu[@]}") mc_off=$(median "${off_cpu[@]}")
echo "## Kafka spool: idle cost and drain rate"
echo
echo "replay -> Kafka (broker on 127.0.0.1), $N events, $RUNS runs each, interleaved; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| | spool off | spool on, idle | on / off |"
echo "|---|---|---|---|"
echo "| throughput, median (events/s) | $mt_off | $mt_on | $(ratio "$mt_on" "$mt_off") |"
echo "| ringtap CPU per event, median (ns) | $mc_off | $mc_on | $(ratio "$mc_on" "$mc_off") |"
echo
# Each on run against the off run just before it: slow drifts of the load cancel.
paired() { # paired "a1 a2.." "b1 b2.." -> median of b_i / a_i
	local -a a=($1) b=($2) r=()
	for ((j = 0; j < ${#a[@]}; j++)); do r+=("$(ratio "${b[j]}" "${a[j]}")"); done
	median "${r[@]}"
}
echo "Median of the paired ratios (each on run / the off run before it): throughput" \
	"$(paired "${off_tput[*]}" "${on_tput[*]}"), CPU per event $(paired "${off_cpu[*]}" "${on_cpu[*]}")."
echo "Runs (events/s): off ${off_tput[*]}; on ${on_tput[*]}."
echo "Runs (CPU ns/event): off ${off_cpu[*]}; on ${on_cpu[*]}."
echo "Records the idle spool wrote over its $RUNS runs: spooled=$spooled spilled=$spilled."
echo

# Instructions (valgrind callgrind, insensitive to the machine's load): the
# sink's emit (inclusive: encoding, the spool's fast path, librdkafka's
# produce) and the whole process, per event, for IR_N events.
if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
	IR_N=${IR_N:-20000}
	head -n "$IR_N" "$work/events.ndjson" >"$work/ir.ndjson"
	ir() { # ir CONFIG -> "emit_ir/event total_ir/event"
		valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
			"$RINGTAP" replay "$work/ir.ndjson" --config "$1" 2>/dev/null
		callgrind_annotate --inclusive=yes "$work/cg.out" 2>/dev/null | awk -v n="$IR_N" '
			/PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
			/sink_kafka\.c:kafka_emit/ && !emit { gsub(",", "", $1); emit = $1 }
			END { printf "%d %d\n", emit / n, total / n }'
	}
	read -r e_off t_off < <(ir "$work/off.yaml")
	read -r e_on t_on < <(ir "$work/on.yaml")
	echo "Instructions per event (callgrind, $IR_N events): the Kafka sink's emit $e_off (spool off)," \
		"$e_on (spool on, idle): +$((e_on - e_off)); the whole replay $t_off and $t_on" \
		"(librdkafka's threads make this one vary by ~2% between runs)."
	echo
fi

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
echo "Drain after an outage: $drained records in $(((t1 - t0) / 1000000)) ms from the broker's" \
	"port answering to the end: $((drained * 1000000000 / (t1 - t0))) records/s."
