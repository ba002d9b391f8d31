#!/usr/bin/env bash
# `--policy` on the command line, without probes: a bad policy stops
# `ringtap run` and `ringtap replay` before anything starts, with
# FILE:LINE:COL: message and exit 1; `ringtap replay --policy` drops what
# the policy filters and counts it by type and rule in the summary.
set -euo pipefail
src=${RINGTAP_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }

printf 'version: 1\nfile:\n  exclude_prefixes: [/etc/]\n  exclud: []\n' >"$tmp/bad.yaml"
for cmd in "run" "replay $src/tests/replay/cases/all_bodies.input.ndjson"; do
  rc=0
  # shellcheck disable=SC2086
  "$RINGTAP" $cmd --policy "$tmp/bad.yaml" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [ "$rc" = 1 ] || { echo "FAIL: ringtap $cmd with a bad policy exited $rc"; cat "$tmp/err"; exit 1; }
  grep -q "^$tmp/bad.yaml:4:3: unknown key 'exclud'" "$tmp/err" || { echo "FAIL: no FILE:LINE:COL"; cat "$tmp/err"; exit 1; }
  if grep -q capturing "$tmp/err"; then echo "FAIL: ringtap $cmd started anyway"; exit 1; fi
  if [ -s "$tmp/out" ]; then echo "FAIL: ringtap $cmd emitted events"; exit 1; fi
  ok "ringtap ${cmd%% *} --policy BAD: FILE:LINE:COL, exit 1"
done

rc=0; "$RINGTAP" run --policy "$tmp/missing.yaml" 2>"$tmp/err" || rc=$?
if [ "$rc" != 1 ] || ! grep -q "^$tmp/missing.yaml: cannot read the policy" "$tmp/err"; then
  echo "FAIL: missing file (exit $rc)"; cat "$tmp/err"; exit 1
fi
ok "ringtap run --policy MISSING: named, exit 1"

printf 'version: 1\nevents: {fork: false}\nfile: {exclude_prefixes: [/etc/]}\nnetwork: {exclude_ports: [8080]}\n' >"$tmp/p.yaml"
in=$src/tests/replay/cases/all_bodies.input.ndjson
"$RINGTAP" replay "$in" --policy "$tmp/p.yaml" >"$tmp/out" 2>"$tmp/err"
if grep -q '"fork":{\|"path":"/etc/hostname"\|"connect":{\|"accept":{' "$tmp/out"; then
  echo "FAIL: filtered events replayed"; cat "$tmp/out"; exit 1
fi
[ "$(wc -l <"$tmp/out")" = $(($(wc -l <"$in") - 4)) ] || { echo "FAIL: other events lost"; exit 1; }
grep -q "policy: 4 filtered (fork/event 1, open/path_exclude 1, connect/port 1, accept/port 1)" "$tmp/err" ||
  { echo "FAIL: summary"; cat "$tmp/err"; exit 1; }
ok "ringtap replay --policy: filtered events dropped and counted per type and rule"

# The config's policy: key is used when --policy is absent.
printf 'policy: %s\n' "$tmp/p.yaml" >"$tmp/config.yaml"
"$RINGTAP" replay "$in" --config "$tmp/config.yaml" >"$tmp/out2" 2>"$tmp/err"
cmp -s "$tmp/out" "$tmp/out2" || { echo "FAIL: the config's policy: was not applied"; exit 1; }
ok "ringtap replay --config: the config's policy applies"
echo "$pass passed, 0 failed"
