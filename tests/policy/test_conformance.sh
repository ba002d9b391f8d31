#!/usr/bin/env bash
# One meaning: the same workload, recorded with no policy and replayed with
# `ringtap replay --policy`, gives the same events as the kernel filtering
# it live under that policy (`ringtap run --policy`), compared as multisets
# of (type, what) -- path, filename, address:port, exit code -- and the
# userspace and kernel filtered counts agree per type and rule.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/lib.sh"
require_root_bpf
command -v python3 >/dev/null || { echo "SKIPPED: python3 compares the streams"; exit 77; }
tmp=$(mktemp -d /tmp/rt-conf.XXXXXX)
RINGTAP_PID=; WORK_PID=
trap 'kill $RINGTAP_PID $WORK_PID 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/keep" "$tmp/skip"
cat >"$tmp/policy.yaml" <<YAML
version: 1
events: {fork: false}
file:
  exclude_prefixes: [$tmp/skip/, /etc/]
network:
  exclude_cidrs: [127.0.0.2/32]
  exclude_ports: [10]
YAML

# run_workload LOG OUT ARGS...: start the workload blocked on a fifo, capture
# its pid with ringtap ARGS, release it, stop ringtap once it has exited.
run_workload() {
  local log=$1; shift
  rm -f "$tmp/go"; mkfifo "$tmp/go"
  bash -c 'read -r _ <"$1"; exec bash "$2" "$3"' _ "$tmp/go" "$here/workload.sh" "$tmp" &
  WORK_PID=$!
  start_ringtap "$log" "$@" --pid "$WORK_PID"
  echo go >"$tmp/go"
  wait "$WORK_PID"; WORK_PID=
  sleep 0.3 # one poll interval: the exit record is in the ring
  kill -INT "$RINGTAP_PID"; wait "$RINGTAP_PID"; RINGTAP_PID=
}

run_workload "$tmp/record.log" record --out "$tmp/rec.ndjson"
"$RINGTAP" replay "$tmp/rec.ndjson" --policy "$tmp/policy.yaml" >"$tmp/replayed.ndjson" 2>"$tmp/replay.log"
run_workload "$tmp/live.log" run --policy "$tmp/policy.yaml" --sink "ndjson:$tmp/live.ndjson"

python3 - "$tmp/rec.ndjson" "$tmp/replayed.ndjson" "$tmp/live.ndjson" <<'PY'
import json, sys
from collections import Counter
def key(ev):
    for t in ("exec", "exit", "fork", "open", "connect", "accept"):
        b = ev.get(t)
        if b is None:
            continue
        if t == "open": return (t, b["path"], b["ret"] >= 0)
        if t == "exec": return (t, b["filename"], tuple(b["argv"]))
        if t == "exit": return (t, b["code"], b["signal"])
        if t == "fork": return (t,)
        if t == "connect": return (t, b["dst"]["addr"], b["dst"]["port"])
        return (t, b["peer"]["addr"], b["local"]["port"])
    return ("other",)
def load(p):
    return Counter(key(json.loads(l)) for l in open(p) if l.strip())
rec, replayed, live = (load(p) for p in sys.argv[1:])
print(f"recorded {sum(rec.values())}, replayed with the policy {sum(replayed.values())}, live under the policy {sum(live.values())}")
if replayed != live:
    print("FAIL: replay and kernel disagree")
    print("  only in replay:", dict(replayed - live))
    print("  only live:     ", dict(live - replayed))
    sys.exit(1)
kinds = {k[0] for k in live}
filtered = rec - replayed
print("filtered:", sorted(filtered.items()))
need = {("connect", "127.0.0.2", 9), ("connect", "127.0.0.1", 10), ("connect", "::1", 10)}
need.add(("fork",))
missing = [k for k in need if k not in filtered]
if missing or not any(k[0] == "open" and "/skip/" in k[1] for k in filtered) or ("connect", "127.0.0.1", 9) not in live:
    print("FAIL: the workload did not exercise the policy as expected:", missing)
    sys.exit(1)
PY
# The per-type, per-rule counts: userspace (replay) and kernel (live) alike.
by_replay=$(grep -o 'policy: [0-9]* filtered ([^)]*)' "$tmp/replay.log" | sed 's/^policy: //')
by_kernel=$(grep -o 'kernel: [^;]*' "$tmp/live.log" | grep -o '[0-9]* filtered ([^)]*)')
echo "replay: $by_replay"
echo "kernel: $by_kernel"
[ -n "$by_replay" ] && [ "$by_replay" = "$by_kernel" ] || { echo "FAIL: filtered counts differ"; exit 1; }
echo "1 passed, 0 failed"
