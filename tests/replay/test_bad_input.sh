#!/usr/bin/env bash
# Replay input is untrusted: an oversized line, raw invalid UTF-8, a NUL
# byte and a deep nesting each stop the replay at that line, after the valid
# lines before it were delivered, with FILE:LINE and the reason, exit 1.
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
# Strict decoding: what json-c alone would accept, keep the last of or saturate.
printf '{"header":{"ts_ns":18446744073709551616},"exit":{}}\n' >"$tmp/bad"
case_ overflow_u64 "field 'header.ts_ns': 18446744073709551616 is out of range"
printf '{"header":{"cgroup_id":-5},"exit":{}}\n' >"$tmp/bad"
case_ negative_u64 "field 'header.cgroup_id': -5 is out of range"
printf '{"header":{"pid":1,"pid":2},"exit":{}}\n' >"$tmp/bad"
case_ duplicate_key "duplicate field 'header.pid'"
printf '{"header":{},"exit":{"code":1},"exit":{"code":2}}\n' >"$tmp/bad"
case_ duplicate_body "duplicate field 'exit'"
printf '{"header":{"pod":{"labels":{"app":"a","app":"b"}}},"exit":{}}\n' >"$tmp/bad"
case_ duplicate_label "duplicate field 'header.pod.labels.app'"
printf '{"header":{"pid\\u0000x":1},"exit":{}}\n' >"$tmp/bad"
case_ nul_in_key "field name in 'header' contains a NUL"
printf '{"header":{"comm":"a\0b"},"exit":{}}\n' >"$tmp/bad"
case_ raw_nul "field 'header.comm' contains a NUL"
printf "{'header':{},'exit':{}}\n" >"$tmp/bad"
case_ single_quotes "invalid JSON at column 2"
printf '{"header":{"pid":1,},"exit":{}}\n' >"$tmp/bad"
case_ trailing_comma "invalid JSON at column 20"
printf '{"header":{"truncated":TRUE},"exit":{}}\n' >"$tmp/bad"
case_ upper_true "invalid JSON at column 24"
printf '{"header":{"pid":01},"exit":{}}\n' >"$tmp/bad"
case_ leading_zero "invalid JSON at column 19: a number has a leading zero"

# A 2 GiB line is refused after reading the first MiB of it: FILE:LINE, exit 1,
# and memory stays bounded. The address-space limit makes an unbounded read
# fail (rather than exhaust the machine) on code that reads the whole line.
# Peak RSS is measured by python's getrusage on the child. An ASan build
# reserves terabytes of address space: it runs without the limit, with a
# looser RSS bound (both far below the 2 GiB an unbounded read takes).
as_limit=$((256 << 20)) max_rss_kib=65536
if ldd "$RINGTAP" 2>/dev/null | grep -q libasan; then as_limit=0 max_rss_kib=262144; fi
huge_case() { # name, input file, name in the message
  python3 - "$RINGTAP" "$2" "$tmp/out" "$tmp/err" "$as_limit" >"$tmp/rss" <<'PY'
import resource, subprocess, sys
ringtap, path, out, err, limit = sys.argv[1:]
limit = int(limit)
def set_limit():
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
with open(out, "wb") as o, open(err, "wb") as e:
    rc = subprocess.run([ringtap, "replay", path], stdout=o, stderr=e, preexec_fn=set_limit).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
  read -r rc rss_kib <"$tmp/rss"
  if [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/out")" = 2 ] && [ "$rss_kib" -lt "$max_rss_kib" ] &&
     grep -q "^$3:3: .*longer than" "$tmp/err"; then
    pass=$((pass + 1)); echo "ok $1 (peak RSS ${rss_kib} KiB)"
  else
    fail=$((fail + 1)); echo "FAIL $1: rc=$rc, $(wc -l <"$tmp/out") lines out, peak RSS ${rss_kib} KiB"
    head -c 300 "$tmp/err"
  fi
}
# a sparse file: two events, then a 2 GiB line of NUL bytes (no disk used)
{ echo "$good"; echo "$good"; } >"$tmp/sparse.ndjson"
truncate -s +2G "$tmp/sparse.ndjson"
huge_case sparse_2g "$tmp/sparse.ndjson" "$tmp/sparse.ndjson"
rm -f "$tmp/sparse.ndjson"
# a fifo fed by a generator: a 2 GiB string value that is never on disk
mkfifo "$tmp/fifo.ndjson"
{ echo "$good"; echo "$good"; printf '{"header":{"comm":"'; head -c 2G /dev/zero | tr '\0' a
  echo '"},"exit":{}}'; echo "$good"; } >"$tmp/fifo.ndjson" 2>/dev/null &
gen=$!
huge_case fifo_2g "$tmp/fifo.ndjson" "$tmp/fifo.ndjson"
kill "$gen" 2>/dev/null; wait "$gen" 2>/dev/null

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
