#!/usr/bin/env bash
# Starts a single-node Kubernetes cluster on this machine from the binaries build-k8s.sh
# made and the images build-images.sh made; prints the admin kubeconfig path when the node
# is Ready. Everything lives under $STATE; every daemon started is recorded in $STATE/pids
# and every host change (lo address, sysctl, iptables guard, created dirs) in $STATE, so
# stop.sh undoes exactly what this did.
#
# Usage: start.sh IMAGES_DIR     (docker-archive tarballs to import into containerd)
# Env: RINGTAP_CLUSTER_STATE (default /tmp/ringtap-cluster), RINGTAP_CLUSTER_CACHE, K8S_VERSION
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
images=${1:?usage: start.sh IMAGES_DIR}
CACHE=${RINGTAP_CLUSTER_CACHE:-/var/cache/ringtap/cluster}
K8S_VERSION=${K8S_VERSION:-v1.34.4}
S=${RINGTAP_CLUSTER_STATE:-/tmp/ringtap-cluster}
BIN=$CACHE/k8s-$K8S_VERSION/bin
NODE=ringtap-node
NODE_IP=10.200.0.1             # on lo as a /32: stable, reachable from pods, never leaves the host
POD_CIDR=10.244.0.0/24
SVC_CIDR=10.96.0.0/16
L=$S/logs P=$S/pids PKI=$S/pki
SOCK=$S/containerd/containerd.sock
export PATH=$BIN:$PATH KUBECONFIG=$PKI/admin.kubeconfig
t0=$SECONDS

die() {
  echo "start.sh: $*" >&2
  for f in "$L"/*.log; do [ -f "$f" ] && { echo "== $f"; tail -n 15 "$f"; }; done >&2
  exit 1
}
# wait_for SECONDS WHAT COMMAND...
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out after ${1}s waiting for $what"
    sleep 0.2
  done
}
# launch NAME COMMAND...: its own session (the caller's signals do not reach it); pid recorded
launch() {
  local name=$1; shift
  setsid "$@" >"$L/$name.log" 2>&1 </dev/null &
  echo $! >"$P/$name.pid"
}

[ -e "$S" ] && die "$S exists: a cluster runs or was not stopped (run stop.sh)"
[ -f "$BIN/.complete" ] || die "no Kubernetes $K8S_VERSION binaries in $BIN (run build-k8s.sh)"
for b in etcd containerd runc iptables; do command -v $b >/dev/null || die "$b not installed"; done
[ -x /usr/lib/cni/bridge ] || die "CNI plugins missing (containernetworking-plugins)"
mkdir -p "$L" "$P" "$S/cni/net.d" "$S/containerd" "$S/kubelet"
for d in /run/containerd/s /run/containerd /run/netns /var/log/containers; do [ -e "$d" ] || echo "$d" >>"$S/created-dirs"; done

# Host changes, each recorded for stop.sh.
if ! ip -4 addr show dev lo | grep -q " $NODE_IP/"; then
  ip addr add "$NODE_IP/32" dev lo
  echo "$NODE_IP/32" >"$S/lo-addr"
fi
for k in net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables; do
  echo "$k=$(sysctl -n $k)" >>"$S/sysctl.orig"
  sysctl -qw "$k=1"
done
# pods reach the node and each other, nothing beyond this machine
iptables -I FORWARD -s "$POD_CIDR" ! -d "$POD_CIDR" -m comment --comment ringtap-cluster-guard -j DROP
echo "nameserver 127.0.0.1" >"$S/resolv.conf"   # no cluster DNS

"$here/pki.sh" "$PKI" "$NODE" "$NODE_IP"

launch etcd etcd --name ringtap --data-dir "$S/etcd" \
  --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster ringtap=http://127.0.0.1:2380 --listen-metrics-urls '' \
  --quota-backend-bytes 2147483648
wait_for 30 etcd curl -fsS http://127.0.0.1:2379/health

cat >"$S/cni/net.d/10-ringtap.conflist" <<JSON
{"cniVersion": "1.0.0", "name": "ringtap-test", "plugins": [
  {"type": "bridge", "bridge": "rt-br0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$S/cni/ipam", "ranges": [[{"subnet": "$POD_CIDR"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}}]}
JSON
cat >"$S/containerd/config.toml" <<TOML
version = 2
root = "$S/containerd/root"
state = "$S/containerd/state"
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$S/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10.1"
  # root here lacks CAP_SYS_RESOURCE: negative OOM scores would fail container creation
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$S/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$S/cni/net.d"
TOML
launch containerd containerd --config "$S/containerd/config.toml"
wait_for 30 containerd ctr -a "$SOCK" version
# the import overlaps the control plane's start
( for img in "$images"/*.tar; do ctr -a "$SOCK" -n k8s.io images import "$img" || exit 1; done ) \
  >"$L/image-import.log" 2>&1 &
import_pid=$!

launch kube-apiserver kube-apiserver \
  --advertise-address="$NODE_IP" --bind-address=0.0.0.0 --secure-port=6443 \
  --etcd-servers=http://127.0.0.1:2379 --service-cluster-ip-range="$SVC_CIDR" \
  --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$PKI/apiserver-kubelet-client.key" --kubelet-preferred-address-types=InternalIP \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --allow-privileged=true --profiling=false
wait_for 90 "apiserver /readyz" kubectl get --raw /readyz
launch kube-controller-manager kube-controller-manager --kubeconfig="$PKI/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$PKI/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$PKI/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --service-cluster-ip-range="$SVC_CIDR" --profiling=false
launch kube-scheduler kube-scheduler --kubeconfig="$PKI/scheduler.kubeconfig" \
  --authentication-kubeconfig="$PKI/scheduler.kubeconfig" --authorization-kubeconfig="$PKI/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false --profiling=false

wait "$import_pid" || die "image import failed (see $L/image-import.log)"
# syncFrequency 10s (default 1m): ConfigMap volume updates reach pods within ~10 s, which
# keeps the policy-reload test short; everything else is the kubelet's default.
cat >"$S/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
address: $NODE_IP
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$SOCK
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
clusterDomain: cluster.local
resolvConf: $S/resolv.conf
podLogsDir: $S/pod-logs
syncFrequency: 10s
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
YAML
launch kubelet kubelet --config="$S/kubelet/config.yaml" --kubeconfig="$PKI/kubelet.kubeconfig" \
  --hostname-override="$NODE" --node-ip="$NODE_IP" --root-dir="$S/kubelet/root" --cert-dir="$S/kubelet/pki"
cat >"$S/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $PKI/kube-proxy.kubeconfig}
hostnameOverride: $NODE
mode: iptables
clusterCIDR: $POD_CIDR
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
nodePortAddresses: ["$NODE_IP/32"]
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
launch kube-proxy kube-proxy --config="$S/kube-proxy.yaml"

wait_for 120 "node registration" kubectl get node "$NODE"
kubectl wait --for=condition=Ready "node/$NODE" --timeout=120s >/dev/null || die "node not Ready"
wait_for 60 "default ServiceAccount" kubectl get sa default -n default
wait_for 60 "kube-root-ca.crt" kubectl get cm kube-root-ca.crt -n default
echo "start.sh: cluster up in $((SECONDS - t0))s; KUBECONFIG=$KUBECONFIG"
