#!/usr/bin/env bash
# Issue 9: a broker outage longer than the in-memory queue holds loses nothing.
# 10k events/s are replayed for DURATION s; the broker is SIGKILLed at KILL_AT
# and restarted at BACK_AT (the issue's 90 s / 10 s / 70 s timeline, shortened
# to 30 s / 5 s / 25 s: 200k events wait out the outage, twice what the
# default in-memory queue holds). Afterwards every event is in its topic once
# (or counted as re-sent), per-key order holds, ringtap's RSS (sampled every
# 0.5 s) stayed under 128 MiB, and the spool is empty.
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-10000}
DURATION=${DURATION:-30}
KILL_AT=${KILL_AT:-5}
BACK_AT=${BACK_AT:-25}
RSS_LIMIT_KB=$((128 * 1024))
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

python3 "$KAFKA_TESTS/gen_events.py" $N --rate $RATE --lines "$WORK/events.ndjson" |
	"$RINGTAP" replay - --config "$WORK/ringtap.yaml" 2>"$WORK/replay.stderr" &
REPLAY=$!
CLEANUP_PIDS+=("$REPLAY")

# RSS every 0.5 s while ringtap runs.
(while [ -r /proc/$REPLAY/status ]; do
	awk '/^VmRSS:/ { print $2 }' /proc/$REPLAY/status 2>/dev/null
	sleep 0.5
done) >"$WORK/rss" &
SAMPLER=$!
CLEANUP_PIDS+=("$SAMPLER")

sleep "$KILL_AT"
kill -0 "$REPLAY" 2>/dev/null || die "replay ended before the outage: $(tail -n 5 "$WORK/replay.stderr")"
echo "killing the broker (SIGKILL) at $(date +%T)"
"$KAFKA_SH" kill "$KAFKA_DIR"
sleep $((BACK_AT - KILL_AT))
kill -0 "$REPLAY" 2>/dev/null || die "replay ended during the outage: $(tail -n 5 "$WORK/replay.stderr")"
echo "spool during the outage: $(du -sh "$WORK/spool" | cut -f1)"
echo "restarting the broker on port $KAFKA_PORT at $(date +%T)"
"$KAFKA_SH" start "$KAFKA_DIR" "$KAFKA_PORT" >/dev/null
t_back=$(date +%s%N)

rc=0
wait "$REPLAY" || rc=$?
t_end=$(date +%s%N)
wait "$SAMPLER" || true
grep -v '^%' "$WORK/replay.stderr" | grep -v '^ringtap: kafka: [A-Z_]*:' | tail -n 5
((rc == 0)) || die "ringtap replay exited with $rc"
max_rss=$(sort -n "$WORK/rss" | tail -n 1)
echo "RSS: $(wc -l <"$WORK/rss") samples, max ${max_rss} KiB (limit $RSS_LIMIT_KB KiB)"
[ -n "$max_rss" ] && [ "$max_rss" -lt $RSS_LIMIT_KB ] || die "RSS reached ${max_rss} KiB"
spooled=$(sed -n 's/.* spooled=\([0-9]*\).*/\1/p' "$WORK/replay.stderr")
drained=$(sed -n 's/.* drained=\([0-9]*\).*/\1/p' "$WORK/replay.stderr")
[ "${spooled:-0}" -gt 100000 ] || die "only ${spooled:-0} events waited on disk: the outage did not test the spool"
echo "drain: $drained records in $(( (t_end - t_back) / 1000000 )) ms from the broker's restart to the end" \
	"(~$(( drained * 1000 / ((t_end - t_back) / 1000000 + 1) )) records/s, live events included)"
segs=$(ls "$WORK"/spool/*/seg-*.log | wc -l)
[ "$segs" -le 1 ] || die "the spool still has $segs segments"
python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/replay.stderr" --outage
echo "PASS"
