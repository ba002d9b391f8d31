#!/usr/bin/env bash
# Broker outage: while a paced replay runs, the broker is killed with SIGKILL,
# kept down 20 s and restarted on the same port and data dir. Afterwards the
# topics hold every event, the summary adds up, and duplicates appear only if
# a producer restart was counted.
source "$(dirname "$0")/lib.sh"
N=8000
RATE=250 # events/s: the stream spans the outage

kafka_up
cat >"$WORK/ringtap.yaml" <<YAML
# Shutdown may wait for the broker to come back.
flush_timeout_ms: 120000
sinks:
  - type: kafka
    brokers: $BROKERS
    spool:
      dir: $WORK/spool
YAML

# Pacing lives in the test: gen_events.py writes at RATE into replay's stdin.
python3 "$KAFKA_TESTS/gen_events.py" $N --rate $RATE |
	"$RINGTAP" replay - --config "$WORK/ringtap.yaml" 2>"$WORK/replay.stderr" &
REPLAY=$!
CLEANUP_PIDS+=("$REPLAY")

sleep 5
kill -0 "$REPLAY" 2>/dev/null || die "replay ended before the outage: $(tail -n 5 "$WORK/replay.stderr")"
echo "killing the broker (SIGKILL) at $(date +%T)"
"$KAFKA_SH" kill "$KAFKA_DIR"
sleep 20
kill -0 "$REPLAY" 2>/dev/null || die "replay ended during the outage: $(tail -n 5 "$WORK/replay.stderr")"
echo "restarting the broker on port $KAFKA_PORT at $(date +%T)"
"$KAFKA_SH" start "$KAFKA_DIR" >/dev/null

rc=0
wait "$REPLAY" || rc=$?
grep -v '^%' "$WORK/replay.stderr" | grep -v '^ringtap: kafka: _' | tail -n 5
((rc == 0)) || die "ringtap replay exited with $rc"
python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/replay.stderr" --outage
echo "PASS"
