#!/usr/bin/env bash
# Acceptance (pod identity -> Kafka): a live process in a kubelet-style pod
# cgroup produces events whose Kafka key is its pod UID, while a host
# process's events are keyed node/<node>. Live probes, real broker.
source "$(dirname "$0")/lib.sh"
K8S_TESTS=$RINGTAP_SRC/tests/k8s
. "$RINGTAP_SRC/tests/e2e/lib.sh"
require_root_bpf

POD_UID=5f8a7c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b
CID=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
cgroot=/sys/fs/cgroup
[ "$(stat -f -c %T $cgroot)" = cgroup2fs ] || cgroot=/sys/fs/cgroup/unified
[ "$(stat -f -c %T $cgroot 2>/dev/null)" = cgroup2fs ] || skip "no cgroup v2 hierarchy"
base=$cgroot/ringtap-kkey-$$ cg=
trap 'rc=$?; [ -n "$cg" ] && "$K8S_TESTS/kubelet_cgroup.sh" remove "$base" "$cg" 2>/dev/null; (exit $rc); cleanup' EXIT

kafka_up
mkdir -p "$base/kubepods.slice"
cg=$base/kubepods.slice
cg=$("$K8S_TESTS/kubelet_cgroup.sh" create "$base" systemd-containerd "$POD_UID" "$CID")
mkfifo "$WORK/go"
# pod process: joins the pod cgroup, then execs cat
sh -c "read x < '$WORK/go'; echo \$\$ > '$cg/cgroup.procs'; exec cat /etc/hostname" >/dev/null &
child=$!
RINGTAP_PID=
printf 'node_name: node-k\nsinks:\n  - type: kafka\n    brokers: %s\n    spool: {dir: %s}\n  - ndjson:%s\n' \
  "$BROKERS" "$WORK/spool" "$WORK/x.ndjson" >"$WORK/ringtap.yaml"
start_ringtap "$WORK/run.log" run --config "$WORK/ringtap.yaml" --duration 5 --pid "$child"
CLEANUP_PIDS+=("$RINGTAP_PID")
echo go >"$WORK/go"
wait "$child"
wait "$RINGTAP_PID"
cat "$WORK/run.log"

# What the sensor saw: the pod's events carry the UID in the header.
pod_events=$(python3 -c "
import json, sys
n = 0
for l in open('$WORK/x.ndjson'):
    e = json.loads(l)
    if e['header'].get('pod', {}).get('uid') == '$POD_UID' and e['header']['container_id'] == '$CID':
        n += 1
print(n)")
[ "$pod_events" -ge 2 ] || die "expected the pod's exec/open/exit events with its UID, got $pod_events"

# What Kafka holds: the same events, keyed by the UID.
for t in ringtap.process ringtap.file; do
  kcat -C -b "$BROKERS" -t "$t" -o beginning -e -q -f '%k\n' 2>"$WORK/kcat.err" >>"$WORK/keys" ||
    die "kcat $t: $(cat "$WORK/kcat.err")"
done
keyed=$(grep -c "^$POD_UID\$" "$WORK/keys" || true)
other=$(grep -vc "^$POD_UID\$" "$WORK/keys" || true)
echo "pod events: $pod_events in NDJSON, $keyed in Kafka keyed $POD_UID; $other other keys: $(sort -u "$WORK/keys" | grep -v "$POD_UID" | head -3 | tr '\n' ' ')"
[ "$keyed" = "$pod_events" ] || die "Kafka has $keyed messages keyed by the pod UID, NDJSON $pod_events pod events"
# Anything else this pid did before joining the pod is keyed by the node.
[ "$other" = 0 ] || ! grep -v "^$POD_UID\$" "$WORK/keys" | grep -vq '^node/node-k$' ||
  die "a non-pod event was keyed other than node/node-k"
grep -q 'kafka: events=.* not_delivered=0' "$WORK/run.log" || die "the sink did not deliver everything"
echo "1 passed, 0 failed"
