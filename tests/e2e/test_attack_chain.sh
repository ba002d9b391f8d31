#!/usr/bin/env bash
# Acceptance (issue 10): a scripted attack chain - write a binary, chmod +x
# it, exec it from a memfd, unshare a mount namespace and mount a tmpfs,
# ptrace a child, rename and delete a file, dup2 a connected socket onto
# stdin - run under `ringtap run` produces those events in that order, all
# of the attacker process with one entity id, and the memfd-exec'ed child's
# parent entity id equal to it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root_bpf
: "${RINGTAP_BUILD:?}"
tmp=$(mktemp -d); trap 'kill $RINGTAP_PID 2>/dev/null || true; rm -rf "$tmp"' EXIT
RINGTAP_PID=
mkdir "$tmp/work"
start_ringtap "$tmp/log" run --duration 6 --sink "ndjson:$tmp/x.ndjson"
"$RINGTAP_BUILD/tests/prog_attack_chain" "$tmp/work" >"$tmp/facts" </dev/null
wait "$RINGTAP_PID"
python3 - "$tmp/x.ndjson" "$tmp/facts" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
facts = dict(l.split(None, 1) for l in open(sys.argv[2]).read().splitlines())
pid, runner, traced = int(facts['pid']), int(facts['runner']), int(facts['traced'])
mine = sorted((e for e in events if e['header']['pid'] == pid), key=lambda e: e['header']['ts_ns'])
assert mine, f"no events of the chain's process {pid}"

def find(what, pred, after):
    """index of the first of mine after `after` that matches, else fail"""
    for i in range(after + 1, len(mine)):
        if pred(mine[i]):
            return i
    kinds = [next(k for k in e if k != 'header') for e in mine]
    raise SystemExit(f"FAIL: no {what} after step {after}; the process's events: {kinds}")

steps = [
    ("write of the binary", lambda e: 'open' in e and e['open']['path'] == facts['payload'] and e['open']['flags'] & 0o100 and e['open']['ret'] >= 0),
    ("chmod +x", lambda e: 'chmod' in e and e['chmod']['path'] == facts['payload'] and e['chmod']['mode'] == 0o755 and e['chmod']['ret'] == 0),
    ("memfd_create", lambda e: 'memfd' in e and e['memfd']['name'] == 'payload' and e['memfd']['ret'] >= 0),
    ("fork of the memfd runner", lambda e: 'fork' in e and e['fork']['child_pid'] == runner),
    ("unshare of a mount namespace", lambda e: 'namespace' in e and e['namespace']['syscall'] == 'unshare' and e['namespace']['flags'] & 0x20000 and e['namespace']['ret'] == 0),
    ("tmpfs mount", lambda e: 'mount' in e and e['mount']['fstype'] == 'tmpfs' and e['mount']['target'] == facts['mnt'] and e['mount']['ret'] == 0),
    ("ptrace attach", lambda e: 'ptrace' in e and e['ptrace']['request'] == 16 and e['ptrace']['target_pid'] == traced and e['ptrace']['ret'] == 0),
    ("rename", lambda e: 'rename' in e and e['rename']['old_path'] == facts['payload'] and e['rename']['new_path'] == facts['renamed'] and e['rename']['ret'] == 0),
    ("delete", lambda e: 'unlink' in e and e['unlink']['path'] == facts['renamed'] and e['unlink']['ret'] == 0),
    ("dup2 of a socket onto stdin", lambda e: 'dup' in e and e['dup']['newfd'] == 0 and e['dup']['ret'] == 0 and e['dup']['family'] == 'inet' and e['dup']['peer']['port'] == int(facts['port'])),
]
at = -1
for what, pred in steps:
    at = find(what, pred, at)
    print(f"ok {what}: {next(k for k in mine[at] if k != 'header')} at ts {mine[at]['header']['ts_ns']}")

# one process, one entity id, whatever the event; the parent's id is its parent's
ids = {e['header']['entity_id'] for e in mine}
assert len(ids) == 1 and len(next(iter(ids))) == 16, ids
me = next(iter(ids))
parents = {e['header']['parent_entity_id'] for e in mine}
assert len(parents) == 1 and me not in parents, parents
# the memfd exec: the runner's exec, its parent the chain's process
execs = [e for e in events if 'exec' in e and e['header']['pid'] == runner]
assert len(execs) == 1, execs
ex = execs[0]
assert ex['exec']['ret'] == 0 and ex['header']['ppid'] == pid, ex
assert ex['exec']['exe_memfd'] and ex['exec']['exe_nlink'] == 0, ex['exec']  # fileless
# its parent's executable and argv, from the process table (the chain's exec was seen)
assert ex['exec']['parent_exe'].endswith('/prog_attack_chain'), ex['exec']
assert ex['exec']['parent_argv'][1:] == [facts['payload'].rsplit('/', 1)[0]], ex['exec']
assert ex['header']['parent_entity_id'] == me, (ex['header'], me)
assert ex['header']['entity_id'] not in (me, ''), ex['header']
# the traced child: its own entity, parented by the chain too
kids = [e for e in events if e['header']['pid'] == traced]
assert all(e['header']['parent_entity_id'] == me for e in kids), kids
print(f"ok: 10 steps in order, entity {me}, memfd child {ex['header']['entity_id']} parented by it")
PY
echo "1 passed, 0 failed"
