#!/usr/bin/env bash
# Drop records carry ringtap's host pid, like every kernel-made header, also
# when ringtap runs in its own pid namespace (a pod), where getpid() is 1.
set -uo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
require_root_bpf
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi; }
tmp=$(mktemp -d); UPID=; trap 'kill $UPID 2>/dev/null || true; rm -rf "$tmp"' EXIT

# A 16K ring and an open storm while ringtap is stopped: the kernel drops
# records, ringtap says so.
unshare --pid --fork "$RINGTAP" run --ring-size 16K --sink "ndjson:$tmp/out.ndjson" 2>"$tmp/log" &
UPID=$!
for _ in $(seq 1 1200); do grep -q 'capturing$' "$tmp/log" && break; sleep 0.05; done
grep -q 'capturing$' "$tmp/log" || { echo "ringtap did not start:"; cat "$tmp/log"; exit 1; }
host_pid=$(cat /proc/$UPID/task/$UPID/children | tr -d ' ')
# ringtap is stopped while the storm runs, so the ring fills whatever the
# machine's speed (a fast consumer on a quiet machine kept up with it).
kill -STOP "$host_pid"
for i in $(seq 1 5000); do : <"$tmp/log"; done
kill -CONT "$host_pid"
sleep 1.5 # stats_interval_ms (1 s) turns counters into Drop records
kill -INT "$host_pid"; wait $UPID
drop_pids=$(grep '"drop":{' "$tmp/out.ndjson" | grep -o '"header":{[^}]*' | grep -o '"pid":[0-9]*' | cut -d: -f2 | sort -u)
echo "ringtap host pid $host_pid; drop record pids: $(echo $drop_pids)"
check "drop records were written" '[ -n "$drop_pids" ]'
check "drop records carry the host pid" '[ "$drop_pids" = "$host_pid" ]'
echo "$pass passed, $fail failed"
[ $fail = 0 ]
