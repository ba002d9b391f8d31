#!/usr/bin/env bash
# Acceptance (issue 12), live: the real probes under `ringtap run --format
# ocsf` to an NDJSON file, while a workload (a bash started after the probes
# attached, in a private network and mount namespace) runs cat on a file
# (exec + open), connects to a local listener (dnsmasq's TCP port, from
# bash's /dev/tcp) and resolves a name with dig against dnsmasq (DNS query
# and response). Each is an OCSF event of the right class, activity and
# type_uid; process.uid is the entity id, and a child's
# process.parent_process.uid is the process.uid of its parent's exec event.
# Every line of the output validates against the OCSF 1.8.0 schema. (The
# module load part of the acceptance needs a kernel with modules: the
# kernel-matrix VM scenario checks it, tests/kernels/scenario.sh.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root_bpf
: "${RINGTAP:?}" "${RINGTAP_SRC:?}" "${RINGTAP_BUILD:?}"
unshare -n -m true 2>/dev/null || { echo "SKIPPED: cannot create network/mount namespaces here"; exit 77; }
for t in dnsmasq dig python3; do
  command -v $t >/dev/null || { echo "FAIL: $t missing (scripts/install-deps.sh test installs it)"; exit 1; }
done
schema="$RINGTAP_SRC/../shared/ocsf-schema"
[ -f "$schema/dictionary.json" ] || { echo "FAIL: no OCSF schema at $schema (the OCSF 1.8.0 repository, tag v1.8.0)"; exit 1; }
tmp=$(mktemp -d)
RINGTAP_PID=
trap 'kill $RINGTAP_PID 2>/dev/null || true; rm -rf "$tmp"' EXIT
echo secret >"$tmp/target.txt"

cat >"$tmp/work.sh" <<EOS
set -u
ip link set lo up
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 \
  --port=53 --user=root --address=/example.test/10.1.2.3 --pid-file="$tmp/dnsmasq.pid" 2>"$tmp/dnsmasq.log" &
for _ in \$(seq 50); do [ -s "$tmp/dnsmasq.pid" ] && break; sleep 0.1; done
echo "bash \$\$" >>"$tmp/facts"
cat "$tmp/target.txt" >/dev/null & echo "cat \$!" >>"$tmp/facts"; wait \$!
exec 3<>/dev/tcp/127.0.0.1/53 && exec 3>&-
dig +tries=1 +time=2 @127.0.0.1 example.test A >"$tmp/dig.out" & echo "dig \$!" >>"$tmp/facts"; wait \$!
kill \$(cat "$tmp/dnsmasq.pid"); wait
EOS

start_ringtap "$tmp/log" run --format ocsf --sink "ndjson:$tmp/ocsf.ndjson"
unshare -n -m bash "$tmp/work.sh"
grep -q '10.1.2.3' "$tmp/dig.out" || { echo "FAIL: dig got no answer from dnsmasq:"; cat "$tmp/dig.out" "$tmp/dnsmasq.log"; exit 1; }
sleep 0.5 # the ring reader's poll interval: what the workload did reaches the sink
kill -INT "$RINGTAP_PID"
wait "$RINGTAP_PID" || { echo "FAIL: ringtap exited $?:"; cat "$tmp/log"; exit 1; }
RINGTAP_PID=

python3 - "$tmp/ocsf.ndjson" "$tmp/facts" "$tmp/target.txt" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
facts = {k: int(v) for k, v in (l.split() for l in open(sys.argv[2]))}
target = sys.argv[3]

def one(what, pred):
    found = [e for e in events if pred(e)]
    if not found:
        raise SystemExit(f"FAIL: no OCSF event for {what}")
    return found[0]

def check(e, what, class_uid, activity_id):
    got = (e['class_uid'], e['activity_id'], e['type_uid'])
    want = (class_uid, activity_id, class_uid * 100 + activity_id)
    assert got == want, f"FAIL: {what}: (class_uid, activity_id, type_uid) {got}, want {want}"
    print(f"ok {what}: class {class_uid} ({e['class_name']}), activity {activity_id} ({e['activity_name']}), type_uid {e['type_uid']}")

def launch(pid):
    return one(f"the exec of pid {pid}", lambda e: e['class_uid'] == 1007 and e['activity_id'] == 1 and
               e.get('launch_type_id') == 3 and e['process']['pid'] == pid)

bash, cat, dig = facts['bash'], facts['cat'], facts['dig']
bash_exec = launch(bash)
check(bash_exec, "exec of the workload's bash", 1007, 1)
cat_exec = launch(cat)
check(cat_exec, "exec of cat", 1007, 1)
dig_exec = launch(dig)
check(dig_exec, "exec of dig", 1007, 1)
assert cat_exec['process']['file']['name'] == 'cat', cat_exec['process']
# entity ids: process.uid is the 16-hex entity id; the child's parent_process.uid
# is the process.uid of its parent's exec event
me = bash_exec['process']['uid']
assert len(me) == 16 and int(me, 16) >= 0, me
for child, ex in (("cat", cat_exec), ("dig", dig_exec)):
    assert ex['process']['uid'] not in ('', me), ex['process']
    assert ex['process']['parent_process']['uid'] == me, (child, ex['process']['parent_process'], me)
    assert ex['process']['parent_process']['pid'] == bash, ex['process']['parent_process']
print(f"ok entity ids: bash {me} is parent_process.uid of cat {cat_exec['process']['uid']} and dig {dig_exec['process']['uid']}")

opened = one("cat's open of the target", lambda e: e['class_uid'] == 1001 and e['activity_id'] == 14 and
             e['actor']['process']['pid'] == cat and e['file'].get('path') == target)
check(opened, "open", 1001, 14)
assert opened['actor']['process']['uid'] == cat_exec['process']['uid'], opened['actor']['process']
assert opened['actor']['process']['parent_process']['uid'] == me, opened['actor']['process']
assert opened['status_id'] == 1, opened

conn = one("bash's connect to 127.0.0.1:53", lambda e: e['class_uid'] == 4001 and
           e['actor']['process']['pid'] == bash and e.get('dst_endpoint', {}).get('port') == 53 and
           e['activity_id'] == 1)
check(conn, "connect", 4001, 1)
assert conn['dst_endpoint']['ip'] == '127.0.0.1', conn['dst_endpoint']
assert conn['actor']['process']['uid'] == me, conn['actor']['process']

query = one("dig's DNS query", lambda e: e['class_uid'] == 4003 and e['activity_id'] == 1 and
            e['actor']['process']['pid'] == dig)
check(query, "DNS query", 4003, 1)
assert query['query']['hostname'].rstrip('.') == 'example.test', query['query']
assert query['actor']['process']['uid'] == dig_exec['process']['uid'], query['actor']['process']
resp = one("the DNS response to dig", lambda e: e['class_uid'] == 4003 and e['activity_id'] == 2 and
           e['actor']['process']['pid'] == dig)
check(resp, "DNS response", 4003, 2)
assert any(a.get('rdata') == '10.1.2.3' for a in resp.get('answers', [])), resp.get('answers')
PY
python3 "$RINGTAP_SRC/tests/support/ocsf_validate.py" --repo "$schema" --cache "$RINGTAP_BUILD/ocsf" "$tmp/ocsf.ndjson" ||
  { echo "FAIL: the live output is not valid OCSF 1.8.0"; exit 1; }
echo "1 passed, 0 failed"
