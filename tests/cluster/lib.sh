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
# A test may define before_teardown (stop its own background jobs); it runs first.
cluster_teardown() {
  local rc=$?
  set +e
  declare -F before_teardown >/dev/null && before_teardown
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

# Builds what is missing (k8s binaries by version, images), starts the cluster.
cluster_up() {
  WORK=$(mktemp -d /tmp/ringtap-cluster-test.XXXXXX)
  trap cluster_teardown EXIT
  note "building (cached in $RINGTAP_CLUSTER_CACHE)"
  "$SCRIPTS/build-k8s.sh" || die "building Kubernetes $K8S_VERSION failed"
  note "k8s binaries ready"
  "$SCRIPTS/build-images.sh" "$WORK/images" || die "building the images failed"
  note "images ready"
  ensure_helm
  [ ! -e "$RINGTAP_CLUSTER_STATE" ] || "$SCRIPTS/stop.sh"   # a run killed before its teardown
  "$SCRIPTS/start.sh" "$WORK/images" || die "the cluster did not start"
  note "cluster up"
}

# A broker the pods reach: kafka.sh's broker (127.0.0.1), restarted listening on every
# address and advertising the node IP, which is on lo and routed from the pod bridge.
kafka_up_for_pods() {
  local kafka=$RINGTAP_SRC/scripts/kafka/kafka.sh port
  KAFKA_DIR=$WORK/kafka
  port=$("$kafka" start "$KAFKA_DIR" | tail -n 1) || die "Kafka did not start"
  "$kafka" stop "$KAFKA_DIR"
  sed -i -e "s|^listeners=PLAINTEXT://127.0.0.1:$port,|listeners=PLAINTEXT://0.0.0.0:$port,|" \
    -e "s|^advertised.listeners=.*|advertised.listeners=PLAINTEXT://$NODE_IP:$port|" "$KAFKA_DIR/server.properties"
  "$kafka" start "$KAFKA_DIR" >/dev/null || die "Kafka did not restart on $NODE_IP:$port"
  BROKERS=$NODE_IP:$port
  note "Kafka at $BROKERS"
}
