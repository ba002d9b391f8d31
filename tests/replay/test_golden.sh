#!/usr/bin/env bash
# Golden replay tests: each cases/NAME.input.ndjson goes through the real
# pipeline (`ringtap replay`); stdout must equal NAME.expected.ndjson byte for
# byte, the exit code NAME.expected.exit (default 0), and stderr must contain
# each line of NAME.expected.stderr when present. Then the output is replayed
# again through an ndjson file sink and must come back identical.
set -u
cd "$(dirname "$0")/cases"
: "${RINGTAP:?RINGTAP must point at the ringtap binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

for input in *.input.ndjson; do
  name=${input%.input.ndjson}
  want_exit=0
  [ -f "$name.expected.exit" ] && want_exit=$(cat "$name.expected.exit")
  "$RINGTAP" replay "$input" >"$tmp/out" 2>"$tmp/err"
  got_exit=$?
  ok=1
  if ! cmp -s "$tmp/out" "$name.expected.ndjson"; then
    echo "FAIL $name: output differs from $name.expected.ndjson:"; diff "$name.expected.ndjson" "$tmp/out" | head -10; ok=0
  fi
  if [ "$got_exit" != "$want_exit" ]; then
    echo "FAIL $name: exit $got_exit, want $want_exit"; cat "$tmp/err"; ok=0
  fi
  if [ -f "$name.expected.stderr" ]; then
    while IFS= read -r line; do
      grep -qF -- "$line" "$tmp/err" || { echo "FAIL $name: stderr lacks '$line':"; cat "$tmp/err"; ok=0; }
    done <"$name.expected.stderr"
  fi
  # The summary line counts exactly the events written.
  n=$(wc -l <"$name.expected.ndjson")
  grep -q "^ringtap: $n events" "$tmp/err" || { echo "FAIL $name: summary does not say $n events:"; cat "$tmp/err"; ok=0; }
  # Canonical output is a fixed point: replaying it through a file sink gives it back.
  if [ "$want_exit" = 0 ]; then
    "$RINGTAP" replay "$tmp/out" --sink "ndjson:$tmp/again" 2>/dev/null &&
      cmp -s "$tmp/out" "$tmp/again" || { echo "FAIL $name: second replay differs"; ok=0; }
  fi
  if [ $ok = 1 ]; then pass=$((pass + 1)); echo "ok $name"; else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
