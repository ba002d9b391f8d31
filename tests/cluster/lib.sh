# Shared by tests/cluster/test_*.sh: build (cached) and start the single-node cluster, a
# Kafka broker the pods reach, helm; teardown of exactly what was started.
set -euo pipefail
CLUSTER_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RINGTAP_SRC=${RINGTAP_SRC:-$(cd "$CLUSTER_TESTS/../.." && pwd)}
export RINGTAP_SRC
SCRIPTS=$RINGTAP_SRC/scripts/cluster
export RINGTAP_CLUSTER_CACHE=${RINGTAP_CLUSTER_CACHE:-/var/cache/ringtap/cluster}
export K8S_VERSION=${K8S_VERSION:-v1.34.4}
export RINGTAP_CLUSTER_STATE=${RINGTAP_CLUSTER_STATE:-/tmp/ringtap-cluster}
HELM_VERSION=v3.22.0
NODE_IP=10.200.0.1
export PATH=$RINGTAP_CLUSTER_CACHE/k8s-$K8S_VERSION/bin:$PATH:/usr/local/go/bin
export KUBECONFIG=$RINGTAP_CLUSTER_STATE/pki/admin.kubeconfig
T0=$SECONDS
FAILS=0
PASSES=0

skip() { echo "SKIPPED: $*"; exit 77; }
die() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; PASSES=$((PASSES + 1)); }
bad() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
note() { echo "[$((SECONDS - T0))s] $*"; }
# wait_until SECONDS COMMAND...: poll every 0.5 s; 1 on timeout
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

require_cluster_host() {
  [ "$(id -u)" = 0 ] || skip "needs root (starts containerd, kubelet, iptables rules)"
  [ -r /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF"
  local t
  for t in etcd containerd runc iptables mmdebstrap umoci skopeo kcat protoc java mvn go python3 curl; do
    command -v "$t" >/dev/null || die "$t is missing: run scripts/install-deps.sh test"
  done
  if ss -Hltn 2>/dev/null | awk '{print $4}' | grep -Eq ':(6443|2379|2380|10250)$'; then
    skip "ports 6443/2379/2380/10250 are taken: another Kubernetes runs here (one test cluster per machine)"
  fi
}

# helm, built through the Go module proxy into GOPATH/bin like tests/chart does (cached)
HELM=
ensure_helm() {
  local gobin; gobin=$(go env GOPATH)/bin
  if ! go version -m "$gobin/helm" 2>/dev/null | grep -q "mod[[:space:]]*helm.sh/helm/v3[[:space:]]*$HELM_VERSION"; then
    GOFLAGS=-buildvcs=false go install -p 2 "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >/dev/null ||
      die "could not build helm $HELM_VERSION through the Go module proxy"
  fi
  HELM=$gobin/helm
}

WORK=
KAFKA_DIR=
BROKERS=
BG_PGIDS=()
# bg LOG COMMAND...: run in its own process group (killed whole at teardown); sets BG_PGID
bg() {
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 </dev/null &
  BG_PGID=$!
  BG_PGIDS+=("$BG_PGID")
}
# A test may define before_teardown (stop its own background jobs); it runs first.
cluster_teardown() {
  local rc=$? p
  set +e
  declare -F before_teardown >/dev/null && before_teardown
  for p in "${BG_PGIDS[@]}"; do kill -- "-$p" 2>/dev/null; done
  if [ -n "$WORK" ] && [ "${KEEP_CLUSTER:-0}" != 1 ]; then
    KEEP_LOGS="$WORK/cluster-logs" "$SCRIPTS/stop.sh"
  fi
  [ -n "$KAFKA_DIR" ] && "$RINGTAP_SRC/scripts/kafka/kafka.sh" stop "$KAFKA_DIR"
  if [ -n "$WORK" ]; then
    rm -rf "$WORK/images"
    if [ "$rc" = 0 ]; then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
  fi
  exit "$rc"
}

# Builds what is missing (k8s binaries by version, images: in parallel), starts Kafka for
# the pods (in the background, see kafka_wait) and the cluster.
cluster_up() {
  local images_pgid kafka_pgid
  WORK=$(mktemp -d /tmp/ringtap-cluster-test.XXXXXX)
  trap cluster_teardown EXIT
  note "building (cached in $RINGTAP_CLUSTER_CACHE)"
  bg "$WORK/build-images.log" "$SCRIPTS/build-images.sh" "$WORK/images"
  images_pgid=$BG_PGID
  "$SCRIPTS/build-k8s.sh" || die "building Kubernetes $K8S_VERSION failed"
  note "k8s binaries ready"
  wait "$images_pgid" || { tail -n 30 "$WORK/build-images.log"; die "building the images failed"; }
  note "images ready"
  ensure_helm
  KAFKA_DIR=$WORK/kafka
  bg "$WORK/kafka-up.log" "$SCRIPTS/kafka-for-pods.sh" "$KAFKA_DIR" "$NODE_IP"
  KAFKA_PGID=$BG_PGID
  [ ! -e "$RINGTAP_CLUSTER_STATE" ] || "$SCRIPTS/stop.sh"   # a run killed before its teardown
  "$SCRIPTS/start.sh" "$WORK/images" || die "the cluster did not start"
  note "cluster up"
}

# Waits for the broker cluster_up started; sets BROKERS.
kafka_wait() {
  wait "$KAFKA_PGID" || { cat "$WORK/kafka-up.log"; die "Kafka for the pods did not start"; }
  BROKERS=$NODE_IP:$(tail -n 1 "$WORK/kafka-up.log")
  note "Kafka at $BROKERS"
}
