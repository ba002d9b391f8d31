#!/usr/bin/env bash
# Acceptance: editing the policy of a running `ringtap run` changes what it
# captures within 2 seconds, without a restart and without a gap in the
# stream of unaffected events. The policy sits in a Kubernetes ConfigMap
# layout (policy.yaml -> ..data/policy.yaml, ..data -> ..<timestamp>) and
# is changed the way the kubelet does it: a new directory and an atomic
# rename of the ..data symlink. Then a bad file (kept out, reported as
# FILE:LINE:COL, counted), a good one again, and SIGHUP.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/lib.sh"
require_root_bpf
command -v python3 >/dev/null || { echo "SKIPPED: python3 checks the stream"; exit 77; }
tmp=$(mktemp -d /tmp/rt-reload.XXXXXX)
RINGTAP_PID=; LOOP_PID=
trap 'kill $RINGTAP_PID $LOOP_PID 2>/dev/null || true; rm -rf "$tmp"' EXIT
cm=$tmp/cm; w=$tmp/work
mkdir -p "$cm" "$w/keep" "$w/flip"

# configmap_set N TEXT: publish TEXT as the ConfigMap's policy.yaml, atomically.
configmap_set() {
  mkdir "$cm/..v$1"
  printf '%s\n' "$2" >"$cm/..v$1/policy.yaml"
  ln -s "..v$1" "$cm/..data_tmp"
  mv -T "$cm/..data_tmp" "$cm/..data"
}
keep_all="version: 1
file: {exclude_prefixes: [$w/none/]}"
drop_flip="version: 1
file: {exclude_prefixes: [$w/flip/]}"
configmap_set 1 "$keep_all"
ln -s ..data/policy.yaml "$cm/policy.yaml"

start_ringtap "$tmp/log" run --policy "$cm/policy.yaml" --sink "ndjson:$tmp/out.ndjson"
# The steady stream: one process opening keep/N and flip/N, N = 0, 1, ...
( i=0; while [ ! -e "$tmp/stop" ]; do : >"$w/keep/$i"; : >"$w/flip/$i"; i=$((i + 1)); sleep 0.01; done ) &
LOOP_PID=$!

wait_log() { # wait_log PATTERN: up to 5 s for a line in ringtap's stderr
  for _ in $(seq 1 100); do grep -q -- "$1" "$tmp/log" && return 0; sleep 0.05; done
  echo "FAIL: no '$1' on ringtap's stderr:"; cat "$tmp/log"; return 1
}

sleep 1
edit_ns=$(date +%s%N)
configmap_set 2 "$drop_flip"
wait_log "generation 2 in force"
sleep 2.5 # past the 2 s the acceptance allows

configmap_set 3 "version: 1
file: {exclude_prefixes: [$w/keep/]}
bogus: true"
wait_log "$cm/policy.yaml:3:1: unknown key 'bogus'"
wait_log "generation 2 stays in force"
sleep 0.5
configmap_set 4 "$keep_all"
wait_log "generation 3 in force"
sleep 0.5
kill -HUP "$RINGTAP_PID"
wait_log "generation 4 in force"
sleep 0.5
touch "$tmp/stop"; wait "$LOOP_PID"; LOOP_PID=
sleep 0.3
kill -INT "$RINGTAP_PID"; wait "$RINGTAP_PID"; RINGTAP_PID=
grep -q "^ringtap: policy $cm/policy.yaml: generation 4, 3 reloads, 1 failed$" "$tmp/log" ||
  { echo "FAIL: summary:"; cat "$tmp/log"; exit 1; }

if python3 - "$tmp/out.ndjson" "$w" "$edit_ns" <<'PY'
import json, sys
out, w, edit_ns = sys.argv[1], sys.argv[2], int(sys.argv[3])
keep, flip = [], []
for line in open(out):
    ev = json.loads(line)
    o = ev.get("open")
    if not o: continue
    h = ev["header"]
    for name, lst in (("keep", keep), ("flip", flip)):
        if o["path"].startswith(f"{w}/{name}/"):
            lst.append((int(o["path"].rsplit("/", 1)[1]), h["policy_generation"], h["wall_time_ns"]))
fail = []
# Unaffected events: every N from first to last, in order, no gap.
ns = [n for n, _, _ in keep]
if ns != list(range(ns[0], ns[0] + len(ns))):
    missing = sorted(set(range(ns[0], ns[-1] + 1)) - set(ns))[:10]
    fail.append(f"keep/ has a gap: missing {missing}, out of order at "
                f"{[ns[i] for i in range(1, len(ns)) if ns[i] < ns[i - 1]][:10]}")
gens = [g for _, g, _ in keep]
if gens != sorted(gens) or set(gens) != {1, 2, 3, 4}:
    fail.append(f"keep/ generations not 1..4 in order: {sorted(set(gens))}")
# Every event obeys the generation it carries: generation 2 drops flip/.
if any(g == 2 for _, g, _ in flip):
    fail.append("a flip/ event carries generation 2, which excludes it")
flip_ns = {n for n, _, _ in flip}
# flip/N is captured exactly when keep/N's neighbours say it was judged by a keeping generation.
for n, g, t in keep:
    nxt = next((g2 for n2, g2, _ in keep if n2 == n + 1), None)
    if g != 2 and nxt is not None and nxt != 2 and n not in flip_ns:
        fail.append(f"flip/{n} lost under generation {g}"); break
    # flip/N is opened after keep/N: it may be judged by a later generation
    # (keep/N the last under 2, flip/N the first under 3) but never an earlier one.
    fl = [(g2, t2) for n2, g2, t2 in flip if n2 == n]
    if any(g2 < g for g2, _ in fl):
        fail.append(f"flip/{n} judged by an older generation than keep/{n} (keep/{n}: generation {g}, "
                    f"wall {t}; flip/{n} events: {fl})"); break
first2 = min(t for _, g, t in keep if g == 2)
last_flip_before = max((t for _, g, t in flip if g == 1), default=edit_ns)
delay = (first2 - edit_ns) / 1e9
print(f"keep/ {ns[0]}..{ns[-1]} ({len(ns)} events, no gap), flip/ {len(flip)} events")
print(f"reload delay: edit -> first event judged by generation 2: {delay:.3f} s "
      f"(last flip/ event captured {(last_flip_before - edit_ns) / 1e9:.3f} s after the edit)")
if not delay < 2.0:
    fail.append(f"the edit took {delay:.3f} s to apply")
if fail:
    print("FAIL:", "; ".join(fail)); sys.exit(1)
PY
then :; else grep -E '^ringtap: [0-9]+ events|drop' "$tmp/log" || true; exit 1; fi
[ "$(grep -c 'capturing$' "$tmp/log")" = 1 ] || { echo "FAIL: ringtap restarted"; exit 1; }
grep "policy" "$tmp/log"
echo "1 passed, 0 failed"
