#!/usr/bin/env bash
# A recording of 10,000 events replayed into a real Kafka broker arrives
# complete: every event exactly once, in the topic of its class, decodable
# with the .proto, with the expected key and headers, per-key order kept.
source "$(dirname "$0")/lib.sh"
N=10000

kafka_up
python3 "$KAFKA_TESTS/gen_events.py" $N >"$WORK/events.ndjson"
printf 'sinks:\n  - type: kafka\n    brokers: %s\n    spool: {dir: %s}\n' "$BROKERS" "$WORK/spool" \
	>"$WORK/ringtap.yaml"
"$RINGTAP" replay "$WORK/events.ndjson" --config "$WORK/ringtap.yaml" 2>"$WORK/replay.stderr" ||
	die "ringtap replay failed: $(tail -n 5 "$WORK/replay.stderr")"
cat "$WORK/replay.stderr"
python3 "$KAFKA_TESTS/check_topics.py" "$BROKERS" $N "$WORK/replay.stderr"
echo "PASS"
