#!/usr/bin/env bash
# flush_timeout_ms bounds shutdown as a whole: two Kafka sinks whose broker is
# dead (127.0.0.1:1) are flushed against one deadline, not one timeout each,
# and every event each of them was handed is counted as lost (exit 1).
set -euo pipefail
RINGTAP_SRC=${RINGTAP_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
RINGTAP=${RINGTAP:-$RINGTAP_SRC/build/ringtap}
FLUSH_MS=1500
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 "$RINGTAP_SRC/tests/kafka/gen_events.py" 50 >"$tmp/events.ndjson"
# The in-memory queue only: with the spool the events would wait on disk.
printf 'flush_timeout_ms: %s\nsinks:\n' "$FLUSH_MS" >"$tmp/cfg.yaml"
printf '  - {type: kafka, brokers: "127.0.0.1:1", spool: {enabled: false}}\n' >>"$tmp/cfg.yaml"
printf '  - {type: kafka, brokers: "127.0.0.1:1", spool: {enabled: false}}\n' >>"$tmp/cfg.yaml"
t0=$(date +%s%N)
rc=0
"$RINGTAP" replay "$tmp/events.ndjson" --config "$tmp/cfg.yaml" 2>"$tmp/log" || rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
grep '^ringtap: [0-9]* events' "$tmp/log" || true
echo "replay with two dead-broker sinks ended after ${ms} ms (flush_timeout_ms $FLUSH_MS), exit $rc"
fail=0
[ "$rc" = 1 ] || { echo "FAIL: exit $rc, want 1 (events lost)"; fail=1; }
[ "$ms" -le $((FLUSH_MS + 1000)) ] || { echo "FAIL: took ${ms} ms, want <= $((FLUSH_MS + 1000))"; fail=1; }
[ "$(grep -o 'kafka: events=50 [^;]* lost=50' "$tmp/log" | wc -l)" = 2 ] ||
	{ echo "FAIL: each sink should count its 50 events as lost:"; cat "$tmp/log"; fail=1; }
[ "$fail" = 0 ] && echo PASS
exit $fail
