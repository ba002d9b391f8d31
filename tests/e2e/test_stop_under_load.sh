#!/usr/bin/env bash
# Under an open storm that keeps the ring from ever running dry, SIGTERM and
# --duration still stop the sensor promptly, with the summary, and the final
# Drop record accounts for the kernel's drops.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root_bpf
loop=$RINGTAP_BUILD/bench/openclose_loop
[ -x "$loop" ] || { echo "SKIPPED: $loop is not built"; exit 77; }
tmp=$(mktemp -d); RINGTAP_PID=; LOADS=()
trap 'kill $RINGTAP_PID "${LOADS[@]}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in 1 2; do "$loop" /dev/null 2000000000 >/dev/null & LOADS+=($!); done
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; cat "$tmp/log"; fail=$((fail + 1)); fi; }

start_ringtap "$tmp/log" run --sink "ndjson:$tmp/a.ndjson" --ring-size 1M
sleep 2
t0=$(date +%s%N)
kill -TERM "$RINGTAP_PID"
for _ in $(seq 1 100); do kill -0 "$RINGTAP_PID" 2>/dev/null || break; sleep 0.1; done
alive=0; kill -0 "$RINGTAP_PID" 2>/dev/null && alive=1
check "SIGTERM under load stops within 10 s" '[ $alive = 0 ]'
[ $alive = 1 ] && kill -KILL "$RINGTAP_PID"
wait "$RINGTAP_PID"; rc=$?
echo "stopped $(( ($(date +%s%N) - t0) / 1000000 )) ms after SIGTERM"
check "SIGTERM exit 0" '[ $rc = 0 ]'
check "summary printed" 'grep -q "^ringtap: [0-9]* events" "$tmp/log"'
# every kernel drop is reported in-band: the last Drop record's total equals the summary's
kdrop=$(sed -n 's/.*kernel: \([0-9]*\) dropped.*/\1/p' "$tmp/log")
inband=$(python3 -c "
import json, sys
tot = {}
for l in open('$tmp/a.ndjson'):
    e = json.loads(l)
    if 'drop' in e:
        tot[e['drop']['event_type']] = e['drop']['dropped_total']
print(sum(tot.values()))")
echo "kernel dropped $kdrop, in-band Drop records report $inband"
check "in-band drop totals equal the kernel's" '[ "$kdrop" = "$inband" ]'

RINGTAP_PID=
start_ringtap "$tmp/log" run --sink null --duration 2 --ring-size 1M
t0=$(date +%s%N)
wait "$RINGTAP_PID"; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "--duration 2 run ended ${ms} ms after attach"
check "--duration under load ends within 6 s" '[ $rc = 0 ] && [ $ms -lt 6000 ]'
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
