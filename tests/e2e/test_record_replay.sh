#!/usr/bin/env bash
# Acceptance: `ringtap record` then `ringtap replay` of that file reproduces
# the same NDJSON byte for byte, for a recording of real activity. And a
# recording to a full disk (/dev/full) counts every event lost and exits 1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root_bpf
tmp=$(mktemp -d); trap 'kill $RINGTAP_PID 2>/dev/null || true; rm -rf "$tmp"' EXIT
RINGTAP_PID=
start_ringtap "$tmp/log" record --duration 3 --out "$tmp/rec.ndjson"
for i in 1 2 3; do
  sh -c "cat /etc/hostname /etc/os-release >/dev/null; ls $tmp >/dev/null"
  (exec 3<>/dev/tcp/127.0.0.1/9 2>/dev/null) 2>/dev/null || true   # a refused connect
done
wait "$RINGTAP_PID"
n=$(wc -l <"$tmp/rec.ndjson")
[ "$n" -gt 10 ] || { echo "FAIL: only $n events recorded"; exit 1; }
"$RINGTAP" replay "$tmp/rec.ndjson" >"$tmp/replayed.ndjson" 2>"$tmp/replay.log"
cmp "$tmp/rec.ndjson" "$tmp/replayed.ndjson"
grep -q "^ringtap: $n events" "$tmp/replay.log"
for t in exec open exit connect; do
  grep -q "\"$t\":{" "$tmp/rec.ndjson" || { echo "FAIL: no $t event in the recording"; exit 1; }
done
echo "ok: $n events recorded and replayed identically"

start_ringtap "$tmp/full.log" record --duration 2 --out /dev/full
for i in 1 2 3; do sh -c "cat /etc/hostname >/dev/null"; done
rc=0; wait "$RINGTAP_PID" || rc=$?
RINGTAP_PID=
summary=$(tail -1 "$tmp/full.log")
if [ "$rc" != 1 ] || ! [[ $summary =~ ndjson:\ 0\ written,\ ([0-9]+)\ lost\ to\ write\ errors ]] ||
   ! [[ $summary =~ ^ringtap:\ ${BASH_REMATCH[1]}\ events ]]; then
  echo "FAIL: record to /dev/full: exit $rc, summary: $summary"; exit 1
fi
echo "ok: record to /dev/full: exit 1, $summary"
echo "2 passed, 0 failed"
