# Sourced by the live -> Kafka benches (kafka_live.sh, kafka_cost.sh): a
# broker on loopback (tests/kafka/lib.sh, which also cleans up), a config
# with one Kafka sink (spool off; RINGTAP_CONFIG_EXTRA, YAML lines appended
# to the sink's entry, e.g. "    rdkafka: {linger.ms: 50}"), and
# kafka_bench_start [WRAPPER...]: `ringtap run` with it in the background
# (under WRAPPER, e.g. valgrind), pid in $pid, back once it captures.
# Needs SRC and RINGTAP set.
# shellcheck source=../tests/kafka/lib.sh
source "$SRC/tests/kafka/lib.sh"
kafka_up >/dev/null
cat >"$WORK/config.yaml" <<YAML
flush_timeout_ms: 120000
sinks:
  - type: kafka
    brokers: $BROKERS
    spool: {enabled: false}
${RINGTAP_CONFIG_EXTRA:-}
YAML

kafka_bench_start() {
	"$@" "$RINGTAP" run --config "$WORK/config.yaml" 2>"$WORK/run.log" &
	pid=$!
	CLEANUP_PIDS+=("$pid")
	for _ in $(seq 1800); do # valgrind takes a while
		grep -q 'capturing$' "$WORK/run.log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q 'capturing$' "$WORK/run.log" || { cat "$WORK/run.log" >&2; exit 1; }
}
