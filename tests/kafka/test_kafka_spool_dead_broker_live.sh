#!/usr/bin/env bash
# Issue 9: the spool never blocks the sensor. The live sensor runs with a
# kafka sink whose broker is dead (127.0.0.1:1) and the spool on, under a
# steady load (a cat loop): the ring reader keeps reading (the kernel drops
# nothing), /healthz stays 200, the spool's records and bytes grow in
# /metrics, memory stays bounded, and SIGTERM ends the process within
# flush_timeout_ms + 1 s with nothing lost: every event is pending in the
# spool, and a second start finds them all.
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
require_root_bpf
FLUSH_MS=2000
SECS=10
tmp=$(mktemp -d); RINGTAP_PID=; LOAD=
trap 'kill $RINGTAP_PID $LOAD 2>/dev/null || true; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/cfg.yaml" <<YAML
stats_interval_ms: 500
flush_timeout_ms: $FLUSH_MS
metrics:
  port: $port
  stale_after_ms: 3000
sinks:
  - type: kafka
    brokers: 127.0.0.1:1
    spool:
      dir: $tmp/spool
      high_water: 1000
YAML
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; tail -n 20 "$tmp/log"; fail=$((fail + 1)); fi; }

start_ringtap "$tmp/log" run --config "$tmp/cfg.yaml"
bash -c 'while :; do cat /etc/hostname >/dev/null; sleep 0.01; done' &
LOAD=$!
python3 - "$port" "$SECS" "$RINGTAP_PID" >"$tmp/probe" <<'PY' || true
import re, sys, time, urllib.request, urllib.error
base, secs, pid = f"http://127.0.0.1:{sys.argv[1]}", int(sys.argv[2]), sys.argv[3]
def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=2) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except Exception as e:
        return 0, str(e)
def metric(text, name):
    return sum(int(v) for v in re.findall(r'^' + re.escape(name) + r'(?:\{[^}]*\})? (\d+)$', text, re.M))
for i in range(secs):
    time.sleep(1)
    hc, _ = get("/healthz")
    mc, m = get("/metrics")
    rss = int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{pid}/status").read()).group(1))
    print(f"t={i+1} healthz={hc} events={metric(m, 'ringtap_events_total')} "
          f"spool_records={metric(m, 'ringtap_sink_kafka_spool_records')} "
          f"spool_bytes={metric(m, 'ringtap_sink_kafka_spool_bytes')} rss_kb={rss}", flush=True)
PY
cat "$tmp/probe"
col() { awk -v k="$1" '{ for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k) print a[2] } }' "$tmp/probe"; }
check "/healthz answered 200 every second" '[ "$(grep -c " healthz=200 " "$tmp/probe")" = "$SECS" ]'
check "events keep being read" '[ "$(col events | tail -n 1)" -gt "$(col events | sed -n "$((SECS / 2))p")" ]'
check "the spool takes them (records grow)" \
  '[ "$(col spool_records | tail -n 1)" -gt "$(col spool_records | sed -n "$((SECS / 2))p")" ]'
check "RSS stays under 128 MiB" '[ "$(col rss_kb | sort -n | tail -n 1)" -lt 131072 ]'

t0=$(date +%s%N)
kill -TERM "$RINGTAP_PID"
kill "$LOAD"; LOAD=
while kill -0 "$RINGTAP_PID" 2>/dev/null && [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 30000 ]; do sleep 0.05; done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
rc=0; wait "$RINGTAP_PID" || rc=$?
RINGTAP_PID=
summary=$(grep '^ringtap: [0-9]* events' "$tmp/log" || true)
echo "$summary"
echo "stopped ${ms} ms after SIGTERM, exit $rc"
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$summary"; }
check "SIGTERM ends the sensor within flush_timeout_ms + 1 s" '[ $ms -le $((FLUSH_MS + 1000)) ]'
check "exit 1: not everything was delivered" '[ $rc = 1 ]'
check "kernel dropped nothing" '[ "$(sed -n "s/.*kernel: \([0-9]*\) dropped.*/\1/p" <<<"$summary")" = 0 ]'
check "nothing lost: every event is pending in the spool" \
  '[ "$(field lost)" = 0 ] && [ "$(field pending)" = "$(sed -n "s/.*kafka: events=\([0-9]*\).*/\1/p" <<<"$summary")" ]'
pending=$(field pending)

# A second start (replay of nothing) finds them all.
printf 'flush_timeout_ms: 500\nsinks:\n  - {type: kafka, brokers: "127.0.0.1:1", spool: {dir: %s}}\n' \
  "$tmp/spool" >"$tmp/cfg2.yaml"
"$RINGTAP" replay /dev/null --config "$tmp/cfg2.yaml" 2>"$tmp/log2" || true
check "the next start recovers every pending record" "grep -q ' recovered=$pending ' '$tmp/log2'"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
