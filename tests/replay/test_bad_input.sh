#!/usr/bin/env bash
# Replay input is untrusted: an oversized line, raw invalid UTF-8, a NUL
# byte and a deep nesting each stop the replay at that line, after the valid
# lines before it were delivered, with FILE:LINE and the reason.
set -u
: "${RINGTAP:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
good='{"header":{"pid":1},"exit":{"code":0}}'
pass=0 fail=0
case_() { # name, reason fragment; the bad line is written to $tmp/bad by the caller
  { echo "$good"; echo "$good"; cat "$tmp/bad"; echo "$good"; } >"$tmp/$1.ndjson"
  "$RINGTAP" replay "$tmp/$1.ndjson" >"$tmp/out" 2>"$tmp/err"; rc=$?
  if [ $rc = 1 ] && [ "$(wc -l <"$tmp/out")" = 2 ] && grep -q "$1.ndjson:3: .*$2" "$tmp/err"; then
    pass=$((pass + 1)); echo "ok $1"
  else
    fail=$((fail + 1)); echo "FAIL $1: rc=$rc, $(wc -l <"$tmp/out") lines out"; head -c 300 "$tmp/err"
  fi
}
python3 -c "print('{\"header\":{\"comm\":\"' + 'a' * 2000000 + '\"},\"exit\":{}}')" >"$tmp/bad"
case_ oversized "longer than"
printf '{"header":{"comm":"a\xffb"},"exit":{}}\n' >"$tmp/bad"
case_ invalid_utf8 "not valid UTF-8"
printf '{"header":{"comm":"a\\u0000b"},"exit":{}}\n' >"$tmp/bad"
case_ nul "NUL"
python3 -c "print('[' * 100000 + ']' * 100000)" >"$tmp/bad"
case_ deep "invalid JSON\|not a JSON object"
printf '{"header":{"ts_ns":1e400},"exit":{}}\n' >"$tmp/bad"
case_ huge_number "wants an integer"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
