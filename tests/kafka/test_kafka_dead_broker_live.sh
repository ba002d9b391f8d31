#!/usr/bin/env bash
# Issue 8: a Kafka outage must never stall the sensor. The live sensor runs
# with a kafka sink whose broker is dead (127.0.0.1:1) and a tiny queue,
# under a steady light load (a cat loop). While the queue stays full the
# ring reader keeps reading (events counted in /metrics keep growing, the
# kernel drops nothing), /healthz stays 200, and SIGTERM ends the process
# within flush_timeout_ms + 1 s with exit 1 and a summary whose lost count is
# every event handed to Kafka (none can be delivered).
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
require_root_bpf
FLUSH_MS=2000
OUTAGE_S=14 # longer than stale_after_ms: a stalled loop would fail /healthz
tmp=$(mktemp -d); RINGTAP_PID=; LOAD=
trap 'kill $RINGTAP_PID $LOAD 2>/dev/null || true; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/cfg.yaml" <<YAML
stats_interval_ms: 500
flush_timeout_ms: $FLUSH_MS
metrics:
  port: $port
  stale_after_ms: 5000
sinks:
  - type: kafka
    brokers: 127.0.0.1:1
    queue_max_messages: 200
    spool: {enabled: false} # the in-memory queue's shedding is what this tests
YAML
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; tail -n 20 "$tmp/log"; fail=$((fail + 1)); fi; }

start_ringtap "$tmp/log" run --config "$tmp/cfg.yaml"
bash -c 'while :; do cat /etc/hostname >/dev/null; sleep 0.02; done' &
LOAD=$!

# Every second: /healthz and the number of events read so far.
python3 - "$port" "$OUTAGE_S" >"$tmp/probe" <<'PY' || true
import re, sys, time, urllib.request, urllib.error
base, secs = f"http://127.0.0.1:{sys.argv[1]}", int(sys.argv[2])
def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=2) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except Exception as e:  # a stalled server: time out, refused
        return 0, str(e)
def metric(text, name):
    return sum(int(v) for v in re.findall(r'^' + re.escape(name) + r'(?:\{[^}]*\})? (\d+)$', text, re.M))
for i in range(secs):
    time.sleep(1)
    hc, hbody = get("/healthz")
    mc, mtext = get("/metrics")
    read = metric(mtext, "ringtap_events_total") if mc == 200 else -1
    drops = metric(mtext, "ringtap_sink_kafka_queue_full_drops_total") if mc == 200 else -1
    print(f"t={i+1} healthz={hc} events={read} queue_full_drops={drops} {hbody.strip()[:80]}", flush=True)
PY
cat "$tmp/probe"
check "/healthz answered 200 every second of the outage" \
  '[ "$(grep -c " healthz=200 " "$tmp/probe")" = "$OUTAGE_S" ]'
# The reader keeps reading: events counted in the second half exceed the first half's.
check "events keep being read during the outage" \
  "awk '{ split(\$3, a, \"=\"); v[NR] = a[2] } END { h = int(NR / 2); exit !(NR == $OUTAGE_S && v[h] > 0 && v[NR] > v[h]) }' \"$tmp/probe\""
check "the full queue sheds load (queue_full_drops counted in /metrics)" \
  "awk '{ split(\$4, a, \"=\"); last = a[2] } END { exit !(last > 0) }' \"$tmp/probe\""

t0=$(date +%s%N)
kill -TERM "$RINGTAP_PID"
limit_ms=$((FLUSH_MS + 1000))
while kill -0 "$RINGTAP_PID" 2>/dev/null && [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 30000 ]; do sleep 0.05; done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
alive=0; kill -0 "$RINGTAP_PID" 2>/dev/null && alive=1
[ $alive = 1 ] && kill -KILL "$RINGTAP_PID"
rc=0; wait "$RINGTAP_PID" || rc=$?
RINGTAP_PID=
echo "stopped ${ms} ms after SIGTERM (limit ${limit_ms} ms), exit $rc"
check "SIGTERM ends the sensor within flush_timeout_ms + 1 s" '[ $alive = 0 ] && [ $ms -le $limit_ms ]'
check "exit 1: events were lost" '[ $rc = 1 ]'
check "says the flush timed out" 'grep -q "still queued after flush_timeout_ms $FLUSH_MS ms" "$tmp/log"'
summary=$(grep '^ringtap: [0-9]* events' "$tmp/log" || true)
echo "$summary"
kdrop=$(sed -n 's/.*kernel: \([0-9]*\) dropped.*/\1/p' <<<"$summary")
events=$(sed -n 's/.*kafka: events=\([0-9]*\).*/\1/p' <<<"$summary")
delivered=$(sed -n 's/.*kafka: .* delivered=\([0-9]*\).*/\1/p' <<<"$summary")
lost=$(sed -n 's/.*kafka: .* lost=\([0-9]*\).*/\1/p' <<<"$summary")
check "kernel dropped nothing at a light load" '[ "$kdrop" = 0 ]'
check "delivered nothing (dead broker)" '[ "$delivered" = 0 ]'
check "lost = events handed to Kafka - delivered" \
  '[ -n "$events" ] && [ "$events" -gt 0 ] && [ "$lost" = "$((events - delivered))" ]'
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
