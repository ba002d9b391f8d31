#!/usr/bin/env bash
# The README's first screen shows one event in ringtap's JSON and the same
# event in OCSF. Both must stay what the binary writes: the JSON replays to
# itself, and to exactly the OCSF shown.
set -u
: "${RINGTAP:?RINGTAP must point at the ringtap binary}"
: "${RINGTAP_SRC:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$RINGTAP_SRC/README.md" "$tmp" <<'PY' || exit 1
import sys
blocks = open(sys.argv[1]).read().split("```json\n")[1:3]
if len(blocks) != 2:
    sys.exit("FAIL: the README has no two ```json blocks on its first screen")
for name, block in zip(("json", "ocsf"), blocks):
    open(f"{sys.argv[2]}/readme.{name}", "w").write(block.split("\n```")[0] + "\n")
PY
"$RINGTAP" replay "$tmp/readme.json" --sink "ndjson:$tmp/out.json" 2>"$tmp/log" || { cat "$tmp/log"; echo "FAIL: replay of the README's JSON"; exit 1; }
"$RINGTAP" replay "$tmp/readme.json" --format ocsf --sink "ndjson:$tmp/out.ocsf" 2>>"$tmp/log" || { cat "$tmp/log"; echo "FAIL: OCSF replay"; exit 1; }
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
fail = 0
for name in ("json", "ocsf"):
    want = json.load(open(f"{d}/readme.{name}"))
    got = json.load(open(f"{d}/out.{name}"))
    if got != want:
        fail = 1
        print(f"FAIL: the README's {name} block is not what ringtap writes; ringtap writes:")
        print(json.dumps(got, separators=(",", ":")))
sys.exit(fail)
PY
rc=$?
[ $rc = 0 ] && echo "1 passed, 0 failed"
exit $rc
