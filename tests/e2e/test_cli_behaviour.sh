#!/usr/bin/env bash
# What a user sees from the CLI: usage errors exit 2 with usage on stderr,
# a non-root run says why in one sentence and exits 1, SIGINT and SIGTERM
# drain and print the summary and exit 0.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi; }
tmp=$(mktemp -d); RINGTAP_PID=; trap 'kill $RINGTAP_PID 2>/dev/null || true; rm -rf "$tmp"' EXIT

for cmd in run record replay; do
  "$RINGTAP" $cmd --no-such-option >"$tmp/out" 2>"$tmp/err"; rc=$?
  check "$cmd: unknown option exits 2" '[ $rc = 2 ]'
  check "$cmd: names the option" 'grep -q "unknown option .--no-such-option." "$tmp/err"'
  check "$cmd: usage on stderr" 'grep -q "^usage: ringtap $cmd" "$tmp/err" && [ ! -s "$tmp/out" ]'
  "$RINGTAP" $cmd --help >"$tmp/out" 2>&1; rc=$?
  check "$cmd --help exits 0 with usage" '[ $rc = 0 ] && grep -q "^usage: ringtap $cmd" "$tmp/out"'
done
"$RINGTAP" bogus 2>"$tmp/err"; rc=$?
check "unknown command exits 2" '[ $rc = 2 ] && grep -q "unknown command" "$tmp/err"'
"$RINGTAP" run --duration abc 2>"$tmp/err"; rc=$?
check "bad duration exits 2" '[ $rc = 2 ] && grep -q "duration wants a positive number" "$tmp/err"'
# One integer syntax: decimal. 040M was 32 MiB (octal), 0x10 sixteen.
for size in 040M 0x400000 8Q; do
  "$RINGTAP" run --ring-size $size --duration 1 --sink null 2>"$tmp/err"; rc=$?
  check "--ring-size $size exits 2" '[ $rc = 2 ] && grep -q "ring-size wants a size" "$tmp/err"'
done
check "--ring-size 040M says decimal is required" 'grep -q "leading zero is not allowed.*decimal" <("$RINGTAP" run --ring-size 040M 2>&1)'
# What check refuses, run refuses with the same FILE:LINE:COL message.
printf 'sinks: [{type: kafak}]\n' >"$tmp/cfg.yaml"
"$RINGTAP" check "$tmp/cfg.yaml" 2>"$tmp/check.err"; rc=$?
check "check refuses an unknown sink type" '[ $rc = 1 ] && grep -q "^$tmp/cfg.yaml:1:16: sink .kafak.: unknown type" "$tmp/check.err"'
"$RINGTAP" run --config "$tmp/cfg.yaml" --duration 1 2>"$tmp/err"; rc=$?
check "run refuses it with the same message" '[ $rc = 1 ] && grep -qF "$(cat "$tmp/check.err")" "$tmp/err"'
"$RINGTAP" run --sink bogus:x --duration 1 2>"$tmp/err"; rc=$?
check "unknown sink exits 1 naming it" '[ $rc = 1 ] && grep -q "sink .bogus:x." "$tmp/err"'
"$RINGTAP" version >"$tmp/out"; rc=$?
check "version" '[ $rc = 0 ] && grep -q "^ringtap [0-9]" "$tmp/out"'
"$RINGTAP" replay /nonexistent.ndjson 2>"$tmp/err"; rc=$?
check "missing replay file exits 1 naming it" '[ $rc = 1 ] && grep -q "/nonexistent.ndjson: cannot open" "$tmp/err"'

if [ "$(id -u)" = 0 ] && [ -r /sys/kernel/btf/vmlinux ]; then
  setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$RINGTAP" run --duration 1 --sink null 2>"$tmp/err"; rc=$?
  check "non-root run exits 1" '[ $rc = 1 ]'
  check "non-root run says why in one line" '[ "$(wc -l <"$tmp/err")" = 1 ] && grep -qi "root\|CAP_BPF" "$tmp/err"'
  for sig in INT TERM; do
    start_ringtap "$tmp/log" run --sink "ndjson:$tmp/sig.ndjson" || { fail=$((fail + 1)); continue; }
    cat /etc/hostname >/dev/null
    sleep 0.3
    kill -$sig "$RINGTAP_PID"; wait "$RINGTAP_PID"; rc=$?
    check "SIG$sig: exit 0" '[ $rc = 0 ]'
    check "SIG$sig: summary line" 'grep -q "^ringtap: [0-9]* events (exec" "$tmp/log"'
    n=$(wc -l <"$tmp/sig.ndjson")
    check "SIG$sig: the file holds every event the summary counts" 'grep -q "ndjson: $n written" "$tmp/log"'
  done
else
  echo "SKIPPED (partly): live-sensor checks need root and BTF"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
