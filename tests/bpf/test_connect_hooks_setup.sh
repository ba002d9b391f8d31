#!/usr/bin/env bash
# The connect hooks (cgroup/connect4|6 on the cgroup v2 root) are required:
# without CAP_NET_ADMIN, or without a cgroup v2 root where the config says,
# `ringtap run` refuses to start with one sentence saying why (exit 1). When
# it runs they are attached as links that go away with the process.
set -uo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
require_root_bpf
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi; }
tmp=$(mktemp -d); RINGTAP_PID=; trap 'kill $RINGTAP_PID 2>/dev/null || true; rm -rf "$tmp"' EXIT

setpriv --bounding-set=-net_admin,-sys_admin "$RINGTAP" run --duration 1 --sink null 2>"$tmp/err"; rc=$?
check "no CAP_NET_ADMIN: exit 1" '[ $rc = 1 ]'
check "no CAP_NET_ADMIN: one line naming it" \
  '[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "network events need CAP_NET_ADMIN" "$tmp/err"'
cat "$tmp/err"

mkdir "$tmp/notcgroup"
printf 'kubernetes:\n  cgroup_root: %s\n' "$tmp/notcgroup" >"$tmp/ringtap.yaml"
"$RINGTAP" run --config "$tmp/ringtap.yaml" --duration 1 --sink null 2>"$tmp/err"; rc=$?
check "no cgroup v2 root: exit 1" '[ $rc = 1 ]'
check "no cgroup v2 root: says so, naming the path" \
  'grep -q "network events need the cgroup v2 hierarchy ($tmp/notcgroup" "$tmp/err"'
cat "$tmp/err"

root=/sys/fs/cgroup; [ -e /sys/fs/cgroup/unified/cgroup.procs ] && root=/sys/fs/cgroup/unified
hook_ids() { bpftool -j cgroup show "$root" 2>/dev/null | grep -o '"id":[0-9]*,"attach_type":"cgroup_inet[46]_connect"[^}]*"name":"rt_connect[46]"' | grep -o '^"id":[0-9]*' | cut -d: -f2 | sort; }
before=$(hook_ids)
start_ringtap "$tmp/log" run --sink null || exit 1
during=$(hook_ids)
new=$(comm -13 <(echo "$before") <(echo "$during") | grep . | wc -l)
check "attached: rt_connect4 and rt_connect6 on $root" '[ "$new" = 2 ]'
kill -TERM "$RINGTAP_PID"; wait "$RINGTAP_PID"
after=$(hook_ids)
left=$(comm -12 <(comm -13 <(echo "$before") <(echo "$during")) <(echo "$after") | grep . | wc -l)
check "detached when ringtap exits" '[ "$left" = 0 ]'

echo "$pass passed, $fail failed"
[ $fail = 0 ]
