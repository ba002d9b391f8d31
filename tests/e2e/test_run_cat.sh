#!/usr/bin/env bash
# Acceptance: `ringtap run --duration N --sink ndjson:FILE` while a shell runs
# `cat /etc/hostname` holds cat's exec (with argv), its open of /etc/hostname
# with a non-negative result, and its exit, all with the same pid.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root_bpf
tmp=$(mktemp -d); trap 'kill $RINGTAP_PID 2>/dev/null || true; rm -rf "$tmp"' EXIT
RINGTAP_PID=
start_ringtap "$tmp/log" run --duration 4 --sink "ndjson:$tmp/x.ndjson"
sh -c 'cat /etc/hostname' >/dev/null
wait "$RINGTAP_PID"
cat "$tmp/log"
abi=$(sed -n 's/^#define RT_ABI_VERSION \([0-9]*\).*/\1/p' "$RINGTAP_SRC/bpf/ringtap_abi.h")
python3 - "$tmp/x.ndjson" "$abi" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
abi = int(sys.argv[2])
execs = [e for e in events if 'exec' in e and e['exec']['argv'] == ['cat', '/etc/hostname']]
assert execs, "no exec of cat with argv [cat, /etc/hostname]"
ex = execs[-1]
pid = ex['header']['pid']
assert ex['exec']['filename'].endswith('/cat'), ex
assert ex['exec']['ret'] == 0, ex
assert ex['header']['comm'] == 'cat', ex
opens = [e for e in events if 'open' in e and e['header']['pid'] == pid and e['open']['path'] == '/etc/hostname']
assert opens, f"no open of /etc/hostname by pid {pid}"
assert all(o['open']['ret'] >= 0 for o in opens), opens
exits = [e for e in events if 'exit' in e and e['header']['pid'] == pid]
assert len(exits) == 1 and exits[0]['exit']['code'] == 0, exits
assert ex['header']['ts_ns'] <= opens[0]['header']['ts_ns'] <= exits[0]['header']['ts_ns']
for e in (ex, opens[0], exits[0]):
    h = e['header']
    assert h['uid'] == 0 and h['node'] and h['boot_id'] and h['abi_version'] == abi and h['euid'] == 0 and h['egid'] == 0, h
    assert h['wall_time_ns'] > 1_600_000_000 * 10**9, h
    # one process, one entity id; its parent's from ppid and the parent's start
    assert len(h['entity_id']) == 16 and h['entity_id'] == ex['header']['entity_id'], h
    assert len(h['parent_entity_id']) == 16 and h['parent_entity_id'] != h['entity_id'], h
    assert 0 < h['parent_start_time_ns'] <= h['start_time_ns'], h
print(f"ok: exec/open/exit of cat pid {pid}, {len(events)} events in all")
PY
grep -q '^ringtap: [0-9]* events' "$tmp/log"
echo "1 passed, 0 failed"
