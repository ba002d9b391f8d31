#!/usr/bin/env bash
# Issue 9: ringtap SIGKILLed during a broker outage finds its spool at the next
# start and delivers it. Timeline (the issue's 90 s run with the broker down
# 10..70 s and ringtap killed at 40 s, restarted at 50 s, shortened): 5k
# events/s, broker SIGKILLed at 4 s, ringtap SIGKILLed at 12 s and started
# again at 15 s on the same spool directory (the stream continues after the
# last line written to the killed one), broker back at 20 s. Every event the
# killed ringtap had read is delivered (what it had not read yet, still in
# the pipe, may be missing, but only as a tail); duplicates only up to the
# records counted as possibly re-sent.
source "$(dirname "$0")/lib.sh"
RATE=5000
DURATION=24
N=$((RATE * DURATION))

kafka_up
python3 "$KAFKA_TESTS/gen_events.py" $N >"$WORK/events.ndjson"
cat >"$WORK/ringtap.yaml" <<YAML
flush_timeout_ms: 120000
sinks:
  - type: kafka
    brokers: $BROKERS
    spool:
      dir: $WORK/spool
YAML

python3 "$KAFKA_TESTS/gen_events.py" $N --rate $RATE --lines "$WORK/events.ndjson" \
	--progress "$WORK/progress1" 2>/dev/null |
	"$RINGTAP" replay - --config "$WORK/ringtap.yaml" 2>"$WORK/run1.stderr" &
RUN1=$!
CLEANUP_PIDS+=("$RUN1")
sleep 4
echo "killing the broker (SIGKILL) at $(date +%T)"
"$KAFKA_SH" kill "$KAFKA_DIR"
sleep 8
kill -0 "$RUN1" 2>/dev/null || die "ringtap ended before it was killed: $(tail -n 5 "$WORK/run1.stderr")"
echo "killing ringtap (SIGKILL) at $(date +%T)"
kill -KILL "$RUN1"
wait "$RUN1" 2>/dev/null || true
sleep 0.5
last=$(tr -d ' \n' <"$WORK/progress1")
echo "the killed ringtap was given events 1..$last (the last ones perhaps not read yet)"
echo "spool left behind: $(du -sh "$WORK/spool" | cut -f1)"
sleep 2.5

first=$((last + 1))
python3 "$KAFKA_TESTS/gen_events.py" $N --rate $RATE --lines "$WORK/events.ndjson" --from $first |
	"$RINGTAP" replay - --config "$WORK/ringtap.yaml" 2>"$WORK/run2.stderr" &
RUN2=$!
CLEANUP_PIDS+=("$RUN2")
sleep 5
echo "restarting the broker on port $KAFKA_PORT at $(date +%T)"
"$KAFKA_SH" start "$KAFKA_DIR" "$KAFKA_PORT" >/dev/null
rc=0
wait "$RUN2" || rc=$?
grep -v '^%' "$WORK/run2.stderr" | grep -v '^ringtap: kafka: [A-Z_]*:' | tail -n 5
((rc == 0)) || die "the restarted ringtap exited with $rc"
grep -q 'undelivered records from a previous run' "$WORK/run2.stderr" ||
	die "the restarted ringtap did not say it found the spool"
recovered=$(sed -n 's/.* recovered=\([0-9]*\).*/\1/p' "$WORK/run2.stderr")
[ "${recovered:-0}" -gt $((RATE * 5)) ] || die "only ${recovered:-0} records recovered from the spool"
gap_from=$((last > 1000 ? last - 1000 : 1))
python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/run2.stderr" --outage --gap $gap_from $last
echo "PASS"
