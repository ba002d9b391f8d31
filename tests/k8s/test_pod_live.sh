#!/usr/bin/env bash
# Acceptance, live: a short-lived process in a cgroup laid out like a kubelet
# pod (systemd driver, containerd), whose cgroup is removed as soon as it
# exits, produces events carrying that pod's UID and container id, and, with
# the local API fixture (fake_apiserver.py over HTTPS), the pod's name,
# namespace and node, the container's name, image and digest (from the pod's
# status, matched by container id) and the owning workload (a Deployment,
# found through the pod's ReplicaSet), with metadata_pending false. Run twice: with the capabilities root has, and with
# CAP_DAC_READ_SEARCH dropped (as the Helm chart runs it): the cgroup id ->
# path lookup then walks the tree instead of open_by_handle_at(2), and the
# events must carry the same pod.
#
# Needs root, BPF, and a ringtap that calls the pod resolver; skips (77)
# saying which is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/lib.sh"
require_root_bpf
if ! nm "$RINGTAP" 2>/dev/null | grep ' pod_resolver_lookup$' >/dev/null; then
  echo "SKIPPED: $RINGTAP does not link the pod resolver yet (the pipeline does not call pod_resolver_lookup)"
  exit 77
fi
command -v python3 >/dev/null && command -v openssl >/dev/null ||
  { echo "SKIPPED: python3 and openssl are needed for the fake API server"; exit 77; }

UID_=5f8a7c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b # shop-web in fixtures/
CID=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
cgroot=/sys/fs/cgroup
[ "$(stat -f -c %T $cgroot)" = cgroup2fs ] || cgroot=/sys/fs/cgroup/unified
[ "$(stat -f -c %T $cgroot 2>/dev/null)" = cgroup2fs ] || { echo "SKIPPED: no cgroup v2 hierarchy"; exit 77; }

tmp=$(mktemp -d)
base=
RINGTAP_PID= SERVER_PID= cg=
cleanup() {
  [ -n "$RINGTAP_PID" ] && kill "$RINGTAP_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$cg" ] && [ -n "$base" ] && "$here/kubelet_cgroup.sh" remove "$base" "$cg"
  rm -rf "$tmp"
}
trap cleanup EXIT

# the local API server with the fixture pods, over HTTPS
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/key" -out "$tmp/crt" >/dev/null 2>&1
echo tok-r >"$tmp/token"
# start_api: a fresh server (its scenario is consumed) and a config for it
start_api() {
  [ -n "$SERVER_PID" ] && { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }
  rm -f "$tmp/port"
  python3 "$here/fake_apiserver.py" "$here/fixtures/scenario-live.json" "$tmp/requests.log" \
    "$tmp/crt" "$tmp/key" >"$tmp/port" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do grep -q PORT "$tmp/port" && break; sleep 0.05; done
  port=$(awk '/PORT/ {print $2}' "$tmp/port")
  cat >"$tmp/ringtap.yaml" <<EOF2
kubernetes:
  api_url: https://127.0.0.1:$port
  token_file: $tmp/token
  ca_file: $tmp/crt
  node_name: node-a
EOF2
}

# The child waits for its cgroup's path, moves itself there, then execs
# cat: its exec, opens and exit belong to the pod. The cgroup is made while
# ringtap runs (as a runtime would) and removed as soon as cat exits, before
# ringtap has read the events (a container that lived a few ms). ringtap
# captures only the child's pid (--pid), so a busy machine cannot crowd its
# events out of the ring.
attribution_case() {
local label=$1 ringtap=$2 RINGTAP=$2
base=$cgroot/ringtap-live-$$-$label
rm -f "$tmp/go" "$tmp/x.ndjson"
start_api
mkfifo "$tmp/go"
mkdir -p "$base/kubepods.slice" # the kubelet makes this at node start; pods come later
cg=$base/kubepods.slice
sh -c "read cg < '$tmp/go'; echo \$\$ > \"\$cg/cgroup.procs\"; exec cat /etc/hostname" >/dev/null &
child=$!
start_ringtap "$tmp/log" run --config "$tmp/ringtap.yaml" --duration 4 --pid "$child" \
  --sink "ndjson:$tmp/x.ndjson"
sleep 0.5 # let the API client list the pods
cap_eff=$(awk '/^CapEff/ {print $2}' "/proc/$RINGTAP_PID/status")
cg=$("$here/kubelet_cgroup.sh" create "$base" systemd-containerd "$UID_" "$CID")
echo "$cg" >"$tmp/go"
wait "$child"
rmdir "$cg"
wait "$RINGTAP_PID"
RINGTAP_PID=
"$here/kubelet_cgroup.sh" remove "$base" "$cg"
cg= base=
cat "$tmp/log"
python3 - "$tmp/x.ndjson" "$UID_" "$CID" "$label" "$cap_eff" <<'PY'
import json, sys
path, uid, cid, label, cap_eff = sys.argv[1:]
CAP_DAC_READ_SEARCH = 2
has_dac = bool(int(cap_eff, 16) >> CAP_DAC_READ_SEARCH & 1)
assert has_dac == (label == "all-caps"), f"{label}: ringtap ran with CapEff {cap_eff}"
events = [json.loads(l) for l in open(path)]
execs = [e for e in events if 'exec' in e and e['exec']['argv'] == ['cat', '/etc/hostname']]
assert execs, "no exec of cat"
pid, t0 = execs[-1]['header']['pid'], execs[-1]['header']['ts_ns']
# from cat's exec on (sh ran in the host cgroup until it moved itself)
mine = [e for e in events if e['header']['pid'] == pid and e['header']['ts_ns'] >= t0]
assert any('exit' in e for e in mine), "no exit of cat"

for e in mine:
    h = e['header']
    assert h.get('container_id') == cid, f"container_id {h.get('container_id')!r}, want {cid}: {e}"
    pod = h.get('pod') or {}
    assert pod.get('uid') == uid, f"pod {pod}, want uid {uid}"
    want = {'name': 'shop-web-7d9f8c-x2x4q', 'namespace': 'shop', 'node': 'node-a',
            'container_name': 'web', 'image': 'registry.example/shop-web:2.1',
            'image_digest': 'sha256:7d2b3c0e9f1a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
            'owner_kind': 'Deployment', 'owner_name': 'shop-web'}
    got = {k: pod.get(k) for k in want}
    assert got == want, f"pod identity {got}, want {want}: {e}"
    assert not pod.get('metadata_pending'), f"metadata_pending on an event after the API answered: {pod}"
host = [e for e in events if e['header']['pid'] != pid and e['header'].get('pod')
        and e['header']['pod'].get('uid') == uid]
assert not host, f"other processes got the pod: {host[:2]}"
print(f"ok ({label}, CapEff {cap_eff}): {len(mine)} events of pid {pid} carry pod {uid} "
      f"(shop/shop-web-7d9f8c-x2x4q, container web, image shop-web:2.1@sha256:7d2b..., Deployment shop-web) "
      f"and container {cid[:12]}")
PY
}

command -v capsh >/dev/null || { echo "FAIL: capsh is missing (libcap2-bin; scripts/install-deps.sh test)"; exit 1; }
cat >"$tmp/ringtap-no-dac" <<EOF2
#!/bin/sh
# ringtap without CAP_DAC_READ_SEARCH, as the Helm chart runs it
exec capsh --drop=cap_dac_read_search -- -c 'exec "\$0" "\$@"' "$RINGTAP" "\$@"
EOF2
chmod +x "$tmp/ringtap-no-dac"
attribution_case all-caps "$RINGTAP"
attribution_case no-dac-read-search "$tmp/ringtap-no-dac"
echo "2 passed, 0 failed"
