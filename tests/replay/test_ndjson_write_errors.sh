#!/usr/bin/env bash
# The ndjson sink counts an event written only once its whole line reached
# the file: on /dev/full (every write fails) and past a file size limit (some
# writes succeed) the summary's "written" equals the lines in the file, every
# other event is counted lost, and replay exits 1.
set -u
: "${RINGTAP:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
n=3000
python3 -c "
for i in range($n): print('{\"header\":{\"pid\":%d},\"exit\":{\"code\":0}}' % (i + 1))" >"$tmp/in.ndjson"

check() { # name, rc, file with the sink's output (or empty); expects stderr in $tmp/err
  local name=$1 rc=$2 file=$3 lines=0 written lost
  [ -n "$file" ] && lines=$(wc -l <"$file")
  written=$(sed -n 's/.*ndjson: \([0-9]*\) written.*/\1/p' "$tmp/err")
  lost=$(sed -n 's/.*written, \([0-9]*\) lost to write errors.*/\1/p' "$tmp/err")
  if [ "$rc" = 1 ] && [ "$written" = "$lines" ] && [ -n "$lost" ] &&
     [ $((written + lost)) = $n ] && grep -q "not every event reached the sinks" "$tmp/err"; then
    pass=$((pass + 1)); echo "ok $name ($written written, $lost lost)"
  else
    fail=$((fail + 1)); echo "FAIL $name: rc=$rc, $lines lines in the file, summary:"; cat "$tmp/err"
  fi
}

"$RINGTAP" replay "$tmp/in.ndjson" --sink ndjson:/dev/full 2>"$tmp/err"
check dev_full $? ""

"$RINGTAP" replay "$tmp/in.ndjson" >/dev/full 2>"$tmp/err"
check stdout_dev_full $? ""

# A 100 KiB file size limit (EFBIG, SIGXFSZ ignored): the first writes fit.
python3 - "$RINGTAP" "$tmp/in.ndjson" "$tmp/out.ndjson" "$tmp/err" <<'PY' >"$tmp/rc"
import resource, signal, subprocess, sys
ringtap, src, dst, err = sys.argv[1:]
def limit():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100 << 10, 100 << 10))
with open(err, "wb") as e:
    print(subprocess.run([ringtap, "replay", src, "--sink", "ndjson:" + dst],
                         stderr=e, preexec_fn=limit).returncode)
PY
check file_size_limit "$(cat "$tmp/rc")" "$tmp/out.ndjson"
# what was written is whole lines, each a valid event
if "$RINGTAP" replay "$tmp/out.ndjson" --sink null 2>"$tmp/err2"; then
  pass=$((pass + 1)); echo "ok file_size_limit output replays"
else
  fail=$((fail + 1)); echo "FAIL file_size_limit output does not replay:"; cat "$tmp/err2"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
