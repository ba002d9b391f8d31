#!/usr/bin/env bash
# Acceptance (issue 8, item 5): a policy file cannot freeze the daemon. A
# running `ringtap run` is handed an 80,000-level nested policy (libyaml
# alone takes ~35 s on it) and then one nested to the 1 MiB size cap: each
# is refused at FILE:LINE:COL within a second, the running policy stays in
# force, and the ring keeps being drained (no kernel drop, no gap in a
# steady stream of opens).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/lib.sh"
require_root_bpf
command -v python3 >/dev/null || { echo "SKIPPED: python3 writes the files and checks the stream"; exit 77; }
tmp=$(mktemp -d /tmp/rt-reload-bounded.XXXXXX)
RINGTAP_PID=; LOOP_PID=
trap 'kill $RINGTAP_PID $LOOP_PID 2>/dev/null || true; rm -rf "$tmp"' EXIT
w=$tmp/work; mkdir -p "$w/keep" "$tmp/next"
pol=$tmp/policy.yaml
printf 'version: 1\nfile: {exclude_prefixes: [%s/none/]}\n' "$w" >"$pol"

# nested LEVELS FILE: a policy whose events: value is LEVELS flow lists deep.
nested() {
  python3 -c 'import sys; n = int(sys.argv[1]); sys.stdout.write("version: 1\nevents: " + "[" * n + "]" * n + "\n")' "$1" >"$2"
}
nested 80000 "$tmp/next/deep.yaml"
nested $(((1 << 20) / 2 - 16)) "$tmp/next/cap.yaml"
[ "$(stat -c %s "$tmp/next/cap.yaml")" -le $((1 << 20)) ] || { echo "FAIL: cap.yaml is over the cap"; exit 1; }

start_ringtap "$tmp/log" run --policy "$pol" --sink "ndjson:$tmp/out.ndjson"
( i=0; while [ ! -e "$tmp/stop" ]; do : >"$w/keep/$i"; i=$((i + 1)); sleep 0.01; done ) &
LOOP_PID=$!

# publish FILE: put FILE in place atomically; print how long (ms) until
# ringtap said the running generation stays in force.
publish() {
  local before t0 t1
  before=$(grep -c 'stays in force' "$tmp/log" || true)
  t0=$(date +%s%N)
  cp "$1" "$tmp/next/tmp.yaml" && mv -T "$tmp/next/tmp.yaml" "$pol"
  for _ in $(seq 1 200); do
    if [ "$(grep -c 'stays in force' "$tmp/log" || true)" -gt "$before" ]; then
      t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); return 0
    fi
    sleep 0.02
  done
  echo "FAIL: no refusal within 4 s of publishing $(basename "$1"):" >&2; cat "$tmp/log" >&2; return 1
}

sleep 1
for f in deep cap; do
  ms=$(publish "$tmp/next/$f.yaml")
  echo "$f.yaml ($(stat -c %s "$tmp/next/$f.yaml") bytes): refused $ms ms after it was published"
  [ "$ms" -lt 1000 ] || { echo "FAIL: $f.yaml took $ms ms (limit 1000)"; exit 1; }
  sleep 0.5
done
grep -q "^$pol:2:40: lists and mappings nested more than 32 deep" "$tmp/log" ||
  { echo "FAIL: no FILE:LINE:COL for the nesting:"; cat "$tmp/log"; exit 1; }
grep -q "policy $pol not reloaded; generation 1 stays in force" "$tmp/log" ||
  { echo "FAIL: the running policy was not kept:"; cat "$tmp/log"; exit 1; }
touch "$tmp/stop"; wait "$LOOP_PID"; LOOP_PID=
sleep 0.3
kill -INT "$RINGTAP_PID"; wait "$RINGTAP_PID"; RINGTAP_PID=
grep -q "^ringtap: policy $pol: generation 1, 0 reloads, 2 failed$" "$tmp/log" ||
  { echo "FAIL: summary:"; cat "$tmp/log"; exit 1; }
grep -q "kernel: 0 dropped" "$tmp/log" || { echo "FAIL: the kernel dropped events:"; cat "$tmp/log"; exit 1; }

python3 - "$tmp/out.ndjson" "$w" <<'PY'
import json, sys
out, w = sys.argv[1], sys.argv[2]
ns = []
for line in open(out):
    o = json.loads(line).get("open")
    if o and o["path"].startswith(f"{w}/keep/"):
        ns.append(int(o["path"].rsplit("/", 1)[1]))
if not ns or ns != list(range(ns[0], ns[0] + len(ns))):
    print(f"FAIL: keep/ stream has a gap or is empty ({len(ns)} events)"); sys.exit(1)
print(f"keep/ {ns[0]}..{ns[-1]}: {len(ns)} events, no gap")
PY
echo "1 passed, 0 failed"
