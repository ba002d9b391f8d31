#!/usr/bin/env bash
# Tears down what start.sh started, and only that: the pids it recorded, the containers and
# shims of its own containerd (found by its socket path), mounts under its state dir, the
# bridge, its lo address, its iptables guard, the KUBE-* chains kube-proxy/kubelet made, the
# sysctls it changed, the kubepods cgroups, then the state dir. Safe to run twice.
# KEEP_LOGS=DIR copies the logs there first.
set -uo pipefail
CACHE=${RINGTAP_CLUSTER_CACHE:-/var/cache/ringtap/cluster}
K8S_VERSION=${K8S_VERSION:-v1.34.4}
S=${RINGTAP_CLUSTER_STATE:-/tmp/ringtap-cluster}
P=$S/pids SOCK=$S/containerd/containerd.sock
export PATH=$CACHE/k8s-$K8S_VERSION/bin:$PATH KUBECONFIG=$S/pki/admin.kubeconfig
POD_CIDR=10.244.0.0/24
t0=$SECONDS
[ -d "$S" ] || exit 0
[ -n "${KEEP_LOGS:-}" ] && { mkdir -p "$KEEP_LOGS"; cp -r "$S/logs/." "$KEEP_LOGS/" 2>/dev/null; }

# PID 1 here reaps orphans late: a zombie counts as gone
running() { local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [ "$st" != Z ]; }
alive() { [ -f "$P/$1.pid" ] && running "$(cat "$P/$1.pid")"; }
stop_daemon() {
  [ -f "$P/$1.pid" ] || return 0
  local pid; pid=$(cat "$P/$1.pid")
  if running "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do running "$pid" || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$P/$1.pid"
}
ctr_k8s() { ctr -a "$SOCK" -n k8s.io "$@"; }

# 1. let the kubelet stop the pods through CRI (CNI DEL, volume unmounts)
if alive kube-apiserver && alive kubelet && alive containerd; then
  kubectl delete namespaces -l ringtap-test=1 --wait=false >/dev/null 2>&1
  kubectl delete daemonsets,deployments,replicasets,jobs --all -A --wait=false >/dev/null 2>&1
  kubectl delete pods --all -A --grace-period=0 --force >/dev/null 2>&1
  for _ in $(seq 60); do
    [ -z "$(kubectl get pods -A -o name 2>/dev/null)" ] && ! ctr_k8s tasks ls 2>/dev/null | grep -q RUNNING && break
    sleep 0.5
  done
fi
for d in kube-proxy kubelet kube-scheduler kube-controller-manager; do stop_daemon $d; done

# 2. whatever is left in our containerd, by force; remember the sandboxes' netns
netns=()
if alive containerd; then
  for id in $(ctr_k8s containers ls -q 2>/dev/null); do
    ns=$(ctr_k8s containers info "$id" 2>/dev/null | python3 -c 'import json, sys
try:
    for n in json.load(sys.stdin)["Spec"]["linux"]["namespaces"]:
        if n.get("type") == "network" and n.get("path"): print(n["path"])
except Exception: pass')
    [ -n "$ns" ] && netns+=("$ns")
  done
  for id in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks kill -s KILL "$id" >/dev/null 2>&1; done
  sleep 0.5
  for id in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks delete -f "$id" >/dev/null 2>&1; done
  for id in $(ctr_k8s containers ls -q 2>/dev/null); do ctr_k8s containers delete "$id" >/dev/null 2>&1; done
fi
stop_daemon containerd
# shims of our containerd only: matched by its socket path, killed by pid
for pid in $(pgrep -f -- "containerd-shim-runc-v2 .*-address $SOCK" || true); do kill -KILL "$pid" 2>/dev/null; done
stop_daemon kube-apiserver
stop_daemon etcd

# 3. mounts under the state dir, deepest first; leftover netns
findmnt -rn -o TARGET | grep -F "$S/" | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
for ns in "${netns[@]}"; do umount "$ns" 2>/dev/null; rm -f "$ns"; done

# 4. network and sysctls
ip link del rt-br0 2>/dev/null
[ -f "$S/lo-addr" ] && ip addr del "$(cat "$S/lo-addr")" dev lo 2>/dev/null
while iptables -D FORWARD -s "$POD_CIDR" ! -d "$POD_CIDR" -m comment --comment ringtap-cluster-guard -j DROP 2>/dev/null; do :; done
for ipt in iptables ip6tables; do
  for t in filter nat mangle; do
    $ipt -t $t -S 2>/dev/null | grep -E '^-A ' | grep -vE '^-A KUBE-' | grep -E -- '-j KUBE-' | sed 's/^-A /-D /' |
      while read -r rule; do eval "$ipt -t $t $rule" 2>/dev/null; done
    chains=$($ipt -t $t -S 2>/dev/null | awk '/^-N KUBE-/{print $2}')
    for c in $chains; do $ipt -t $t -F "$c" 2>/dev/null; done
    for c in $chains; do $ipt -t $t -X "$c" 2>/dev/null; done
  done
done
[ -f "$S/sysctl.orig" ] && while read -r kv; do sysctl -qw "$kv"; done <"$S/sysctl.orig"

# 5. the kubelet's cgroups (cgroupfs driver; empty now)
for h in /sys/fs/cgroup/*/; do
  [ -d "$h/kubepods" ] && find "$h/kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null
done
# the kubelet's /var/log/containers links into our pod logs
for l in /var/log/containers/*.log; do
  [ -L "$l" ] && case $(readlink "$l") in "$S"/*) rm -f "$l" ;; esac
done
# dirs that did not exist before start.sh, if empty now (others may use /run/netns since)
[ -f "$S/created-dirs" ] && while read -r d; do rmdir "$d" 2>/dev/null; done <"$S/created-dirs"
rm -rf "$S"
echo "stop.sh: done in $((SECONDS - t0))s"
