#!/usr/bin/env bash
# ringtap as users run it: a real single-node Kubernetes (kube-apiserver, kubelet,
# containerd, kube-proxy), the ringtap image built with the Dockerfile's recipe, the chart's
# documented default install with only the Kafka broker set, real pods, events read back
# from a real broker. Builds what is missing first (cached in /var/cache/ringtap/cluster;
# ~6-10 min cold, seconds warm), tears down exactly what it started.
# KEEP_CLUSTER=1 leaves the cluster running (scripts/cluster/stop.sh removes it).
source "$(dirname "$0")/lib.sh"
require_cluster_host
cluster_up
kafka_wait

NS=security
DS=ringtap
IMAGE_TAG=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$RINGTAP_SRC/charts/ringtap/Chart.yaml")
IMAGE=ringtap/ringtap:$IMAGE_TAG
EVENTS="python3 $CLUSTER_TESTS/kafka_events.py"
LOG_PIDS=()
SENSOR_UIDS=()
SENSOR_PIDS=()
before_teardown() { local p; for p in "${LOG_PIDS[@]}"; do kill "$p" 2>/dev/null; done; }

# sensor_pod: the one Running, not terminating, sensor pod's name
sensor_pod() {
  kubectl -n $NS get pods -l app.kubernetes.io/name=ringtap -o json | python3 -c '
import json, sys
for p in json.load(sys.stdin)["items"]:
    if p["status"].get("phase") == "Running" and not p["metadata"].get("deletionTimestamp"):
        print(p["metadata"]["name"]); break'
}
# follow POD: stream its log to $WORK/sensor-POD.log until its container ends
# and remember its pod UID and the daemon's host pid
follow() {
  local cid
  kubectl -n $NS logs -f "$1" >"$WORK/sensor-$1.log" 2>&1 &
  LOG_PIDS+=($!)
  SENSOR_UIDS+=("$(kubectl -n $NS get pod "$1" -o jsonpath='{.metadata.uid}')")
  cid=$(kubectl -n $NS get pod "$1" -o jsonpath='{.status.containerStatuses[0].containerID}')
  SENSOR_PIDS+=("$(ctr -a "$RINGTAP_CLUSTER_STATE/containerd/containerd.sock" -n k8s.io tasks ls |
    awk -v id="${cid#containerd://}" '$1 == id {print $2}')")
}
metric() { # POD_IP NAME: value of an unlabelled metric
  curl -fsS "http://$1:9464/metrics" | awk -v m="$2" '$1 == m {print $2}'
}
# run_pod NAME COMMAND [LABELS]: a pod in team-a from the ringtap image; prints its UID
run_pod() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
  namespace: team-a
  labels: {app: probe-target, tier: test, run: "$1"}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: worker
    image: $IMAGE
    imagePullPolicy: IfNotPresent
    command: ["bash", "-c", "$2"]
YAML
  kubectl -n team-a get pod "$1" -o jsonpath='{.metadata.uid}'
}
pod_done() { kubectl -n team-a wait --for=jsonpath='{.status.phase}'=Succeeded "pod/$1" --timeout="${2:-120}s" >/dev/null; }
# mark NAME: remember the topics' end offsets (events_of reads only what came later)
mark() { $EVENTS "$BROKERS" offsets >"$WORK/$1.offsets"; }
# events_of UID FILE MARK: the decoded Kafka events keyed by UID since MARK into FILE
events_of() { $EVENTS "$BROKERS" events --since "$WORK/$3.offsets" "$1" >"$2"; }
# has_event FILE PYTHON_EXPR: some event e (the decoded Event) satisfies the expression
has_event() {
  python3 - "$1" "$2" <<'PY'
import json, sys
evs = [json.loads(l)["event"] for l in open(sys.argv[1])]
sys.exit(0 if any(eval(sys.argv[2], {"e": e}) for e in evs) else 1)
PY
}

# --- install: the documented default, only the broker address set -------------------------
# ...and the spool's host directory: the default hostPath spool, but under $WORK, since no
# test may write to the host's /var/lib/ringtap/spool.
note "helm install"
SPOOL=$WORK/spool
"$HELM" install ringtap "$RINGTAP_SRC/charts/ringtap" -n $NS --create-namespace \
  --set 'config.sinks[0].type=kafka' --set "config.sinks[0].brokers=$BROKERS" \
  --set "spool.hostPath=$SPOOL" >"$WORK/helm.log" 2>&1 ||
  { cat "$WORK/helm.log"; die "helm install failed"; }
kubectl label namespace $NS ringtap-test=1 >/dev/null
if kubectl -n $NS rollout status ds/$DS --timeout=240s >"$WORK/rollout.log" 2>&1; then
  ok "DaemonSet Ready with the chart's default securityContext"
else
  kubectl -n $NS describe pods >&2
  kubectl -n $NS logs -l app.kubernetes.io/name=ringtap --tail=50 >&2
  die "the DaemonSet did not become Ready"
fi
POD=$(sensor_pod)
follow "$POD"
POD_IP=$(kubectl -n $NS get pod "$POD" -o jsonpath='{.status.podIP}')
note "sensor pod $POD at $POD_IP"

# --- the disk spool: on by default, writable under the read-only root filesystem -----------
spool_dir=$SPOOL/kafka-${BROKERS//[^A-Za-z0-9.-]/_}
if wait_until 30 test -f "$spool_dir/cursor" && ! grep -q "in-memory queue only" "$WORK/sensor-$POD.log"; then
  ok "the kafka sink spools to the hostPath volume ($spool_dir: $(ls "$spool_dir" | tr '\n' ' '))"
else
  bad "no usable spool at $spool_dir: $(ls -la "$SPOOL" 2>&1 | tail -n 3); $(grep -m1 'spool' "$WORK/sensor-$POD.log")"
fi

kubectl -n $NS get pod "$POD" -o json >"$WORK/sensor-pod.json"
python3 - "$WORK/sensor-pod.json" <<'PY' && ok "the running pod has the chart's default securityContext" || bad "the running pod's securityContext"
import json, sys
p = json.load(open(sys.argv[1]))["spec"]
c = p["containers"][0]["securityContext"]
got = {"hostPID": p.get("hostPID", False), "hostNetwork": p.get("hostNetwork", False),
       "seccomp": p.get("securityContext", {}).get("seccompProfile", {}).get("type"),
       "privileged": c.get("privileged"), "allowPrivilegeEscalation": c.get("allowPrivilegeEscalation"),
       "readOnlyRootFilesystem": c.get("readOnlyRootFilesystem"), "runAsUser": c.get("runAsUser"),
       "drop": c["capabilities"].get("drop"), "add": sorted(c["capabilities"].get("add", []))}
want = {"hostPID": False, "hostNetwork": False, "seccomp": "RuntimeDefault", "privileged": False,
        "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "runAsUser": 0,
        "drop": ["ALL"], "add": ["BPF", "NET_ADMIN", "PERFMON"]}
for k in want:
    if got[k] != want[k]: print("FAIL: %s is %r, the chart's default is %r" % (k, got[k], want[k]))
sys.exit(0 if got == want else 1)
PY

# --- /readyz and /metrics through the pod IP -------------------------------------------------
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$POD_IP:9464/readyz")
[ "$code" = 200 ] && ok "/readyz answers 200 on $POD_IP:9464" || bad "/readyz on $POD_IP:9464 answered $code"
curl -fsS "http://$POD_IP:9464/metrics" >"$WORK/metrics.txt" 2>&1 &&
  grep -q '^ringtap_up 1' "$WORK/metrics.txt" && grep -q '^ringtap_kernel_events_emitted_total' "$WORK/metrics.txt" &&
  ok "/metrics answers on $POD_IP:9464 with ringtap_up 1 and kernel counters" ||
  bad "/metrics on $POD_IP:9464: $(head -c 300 "$WORK/metrics.txt")"

# --- capabilities: exactly the chart's, read from the daemon's /proc/1/status ----------------
kubectl -n $NS exec "$POD" -- cat /proc/1/status >"$WORK/status1" 2>&1 || bad "kubectl exec: $(cat "$WORK/status1")"
python3 - "$WORK/status1" "$RINGTAP_SRC/charts/ringtap/values.yaml" <<'PY' && ok "capabilities of pid 1 (ringtap) are exactly the chart's" || bad "capabilities differ from the chart's"
import sys, yaml
CAP = {"CHOWN": 0, "DAC_OVERRIDE": 1, "DAC_READ_SEARCH": 2, "FOWNER": 3, "KILL": 5, "SETGID": 6,
       "SETUID": 7, "NET_BIND_SERVICE": 10, "NET_ADMIN": 12, "NET_RAW": 13, "IPC_LOCK": 14,
       "SYS_PTRACE": 19, "SYS_ADMIN": 21, "SYS_RESOURCE": 24, "PERFMON": 38, "BPF": 39}
v = yaml.safe_load(open(sys.argv[2]))
want = 0
for c in v["capabilities"] + v["extraCapabilities"]:
    want |= 1 << CAP[c]
st = dict(l.split(":", 1) for l in open(sys.argv[1]) if ":" in l)
st = {k: x.strip() for k, x in st.items()}
got = {k: int(st[k], 16) for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}
print("pid 1 %s: %s; want CapPrm=CapEff=CapBnd=%016x" % (st["Name"], " ".join("%s=%016x" % kv for kv in got.items()), want))
errs = []
if st["Name"] != "ringtap": errs.append("pid 1 is %s, not ringtap" % st["Name"])
for k in ("CapPrm", "CapEff", "CapBnd"):
    if got[k] != want: errs.append("%s %016x != %016x" % (k, got[k], want))
for k in ("CapInh", "CapAmb"):
    if got[k]: errs.append("%s %016x != 0" % (k, got[k]))
if st.get("NoNewPrivs") != "1": errs.append("NoNewPrivs %s" % st.get("NoNewPrivs"))
if st.get("Seccomp") != "2": errs.append("Seccomp %s (RuntimeDefault filter expected)" % st.get("Seccomp"))
for e in errs: print("FAIL: " + e)
sys.exit(1 if errs else 0)
PY

# --- a labelled pod in team-a: exec, open, connect to a Service ------------------------------
kubectl create namespace team-a >/dev/null
kubectl label namespace team-a ringtap-test=1 >/dev/null
wait_until 60 kubectl -n team-a get serviceaccount default || die "no default ServiceAccount in team-a"
# 10.96.0.1:443 is the `kubernetes` Service (kube-proxy DNATs it to the API server)
PROBE='sleep 1; cat /etc/hostname; read -r l < /etc/os-release; exec 3<>/dev/tcp/10.96.0.1/443; exec 3>&-; sleep 1'
mark probe
uid=$(run_pod probe "$PROBE")
pod_done probe || die "pod team-a/probe did not succeed: $(kubectl -n team-a get pod probe -o wide)"
check_probe() {
  events_of "$uid" "$WORK/probe.jsonl" probe &&
    has_event "$WORK/probe.jsonl" "e.get('exec', {}).get('filename', '').endswith('/cat')" &&
    has_event "$WORK/probe.jsonl" "e.get('open', {}).get('path') == '/etc/os-release'" &&
    has_event "$WORK/probe.jsonl" "e.get('connect', {}).get('dst', {}) == {'addr': '10.96.0.1', 'port': 443}"
}
if wait_until 60 check_probe; then
  ok "exec of cat, open of /etc/os-release, connect to 10.96.0.1:443 are in Kafka keyed by the pod UID $uid"
else
  bad "team-a/probe's exec/open/connect not all in Kafka keyed $uid ($(wc -l <"$WORK/probe.jsonl") events)"
fi
# The workload identity (docs/kubernetes.md): also the container's name and image, which a
# single-container pod has from its spec even before its status lists the container. The
# sandbox's pause process is in no container the API lists: metadata_pending, no name.
python3 - "$WORK/probe.jsonl" "$uid" "$IMAGE" <<'PY' && ok "every team-a/probe event carries pod name, namespace, labels, container name, image and a container id" || bad "pod identity in team-a/probe events"
import json, re, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
want = {"uid": sys.argv[2], "name": "probe", "namespace": "team-a",
        "labels": {"app": "probe-target", "tier": "test", "run": "probe"}, "container_name": "worker"}
def identity_ok(h):
    pod = dict(h.get("pod") or {})
    if h.get("comm") == "pause" and pod.get("metadata_pending") and "container_name" not in pod:
        pod.update(container_name="worker", image=sys.argv[3])
    return ({k: pod.get(k) for k in want} == want and pod.get("owner_kind", "") == ""
            and re.fullmatch(r"(.*/)?" + re.escape(sys.argv[3]), pod.get("image", "")) is not None
            and re.fullmatch(r"[0-9a-f]{64}", h.get("container_id", "")) is not None)
bad = [e for e in evs if not identity_ok(e["event"]["header"])]
for e in bad[:3]: print("FAIL: ", e["event"]["header"])
print("%d events, %d without the full identity" % (len(evs), len(bad)))
sys.exit(1 if bad or not evs else 0)
PY

# --- a short-lived pod (exits at once) is still attributed ----------------------------------
mark blink
uid_blink=$(run_pod blink 'cat /etc/hostname')
pod_done blink || die "pod team-a/blink did not succeed"
check_blink() {
  events_of "$uid_blink" "$WORK/blink.jsonl" blink &&
    has_event "$WORK/blink.jsonl" "e.get('open', {}).get('path') == '/etc/hostname' and e['header']['pod'].get('name') == 'blink'"
}
wait_until 60 check_blink && ok "short-lived pod blink: its open of /etc/hostname is keyed $uid_blink with its name" ||
  bad "short-lived pod blink not attributed ($(wc -l <"$WORK/blink.jsonl" 2>/dev/null) events keyed by its UID)"

# --- kubectl edit of the policy ConfigMap: live reload, no restart -------------------------
gen0=$(metric "$POD_IP" ringtap_policy_generation)
restarts0=$(kubectl -n $NS get pod "$POD" -o jsonpath='{.status.containerStatuses[0].restartCount}')
cat >"$WORK/edit-policy.py" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
pol = yaml.safe_load(doc["data"]["policy.yaml"])
pol.setdefault("file", {})["exclude_prefixes"] = ["/etc/os-release"]
doc["data"]["policy.yaml"] = yaml.safe_dump(pol)
yaml.safe_dump(doc, open(sys.argv[1], "w"))
PY
KUBE_EDITOR="python3 $WORK/edit-policy.py" kubectl -n $NS edit configmap ringtap-policy >/dev/null ||
  die "kubectl edit configmap ringtap-policy failed"
note "policy edited (generation was $gen0); waiting for the kubelet to swap the file"
gen_moved() { g=$(metric "$POD_IP" ringtap_policy_generation) && [ -n "$g" ] && [ "$g" -gt "$gen0" ]; }
if wait_until 150 gen_moved; then
  gen1=$(metric "$POD_IP" ringtap_policy_generation)
  ok "policy reloaded live: generation $gen0 -> $gen1"
else
  bad "policy generation still $gen0 150 s after the ConfigMap edit"
  gen1=$gen0
fi
[ "$(sensor_pod)" = "$POD" ] &&
  [ "$(kubectl -n $NS get pod "$POD" -o jsonpath='{.status.containerStatuses[0].restartCount}')" = "$restarts0" ] &&
  ok "no sensor restart for the policy change" || bad "the sensor pod restarted or was replaced"
mark after
uid2=$(run_pod probe-after-edit "$PROBE")
pod_done probe-after-edit || die "pod team-a/probe-after-edit did not succeed"
check_after() {
  events_of "$uid2" "$WORK/after.jsonl" after &&
    has_event "$WORK/after.jsonl" "e.get('exec', {}).get('filename', '').endswith('/cat')" &&
    has_event "$WORK/after.jsonl" "e.get('connect', {}).get('dst', {}).get('port') == 443"
}
wait_until 60 check_after || bad "no events from probe-after-edit"
python3 - "$WORK/after.jsonl" "$gen1" <<'PY' && ok "after the edit: generation $gen1 on every event, no open of the excluded /etc/os-release" || bad "events after the policy edit"
import json, sys
evs = [json.loads(l)["event"] for l in open(sys.argv[1])]
gens = sorted({e["header"].get("policy_generation", 0) for e in evs})
excl = [e for e in evs if e.get("open", {}).get("path") == "/etc/os-release"]
print("%d events, generations %s, %d opens of /etc/os-release" % (len(evs), gens, len(excl)))
sys.exit(0 if evs and gens == [int(sys.argv[2])] and not excl else 1)
PY
grep -q "reloaded: generation $gen1 in force" "$WORK/sensor-$POD.log" &&
  ok "the sensor logged the reload" || bad "no 'reloaded: generation $gen1' in the sensor log"

# --- rollout restart under load: the old pod accounts for every event ----------------------
uid_load=$(run_pod load 'while :; do /bin/true; cat /etc/hostname >/dev/null; sleep 0.005; done')
kubectl -n team-a wait --for=condition=Ready pod/load --timeout=60s >/dev/null || die "load pod not Ready"
sleep 3
kubectl -n $NS rollout restart ds/$DS >/dev/null
kubectl -n $NS rollout status ds/$DS --timeout=240s >/dev/null || bad "rollout restart did not complete"
old_log=$WORK/sensor-$POD.log
wait_until 60 sh -c "! kill -0 ${LOG_PIDS[0]}" || bad "the old sensor's log stream did not end"
POD_OLD=$POD
POD=$(sensor_pod)
follow "$POD"
POD_IP=$(kubectl -n $NS get pod "$POD" -o jsonpath='{.status.podIP}')
note "new sensor pod $POD"
# summary_ok LOG [drained]: the last exit summary accounts for every event: the pipeline
# handed N events to the sink (plus emit errors, counted), and the sink's books balance
# (docs/kafka.md): events + recovered + drop_records = delivered + failed + queue_full_drops
# + spool_full_drops + expired + not_delivered + pending (pending: kept in the spool for the
# next start, not lost). With "drained": nothing was left undelivered, in memory or on disk.
# Kernel ring drops are reported next to it.
summary_ok() {
  python3 - "$1" "${2:-}" <<'PY'
import re, sys
line = None
for l in open(sys.argv[1], errors="replace"):
    if re.search(r"ringtap: \d+ events \(.*kafka: events=", l):
        line = l
if line is None:
    print("no summary line"); sys.exit(1)
n = int(re.search(r"ringtap: (\d+) events \(", line).group(1))
kdrop = re.search(r"; kernel: (\d+) dropped", line)
kdrop = int(kdrop.group(1)) if kdrop else 0
kafka = line[line.index("kafka: events="):]
c = {}
for k, v in re.findall(r"(?<![\w.])([a-z_]+)=(\d+)", kafka.split("; last broker error:")[0]):
    c.setdefault(k, int(v))  # the first of each (the failed=N (_ERR=n ...) breakdown is upper case)
emit = re.search(r"\((\d+) emit errors\)", kafka)
emit = int(emit.group(1)) if emit else 0
need = ("events", "delivered", "failed", "queue_full_drops", "not_delivered", "lost")
if any(k not in c for k in need):
    print("summary lacks %s: %s" % ([k for k in need if k not in c], kafka.strip())); sys.exit(1)
g = lambda k: c.get(k, 0)  # the spool's fields are absent without a spool
handed = g("events") + g("recovered") + g("drop_records")
accounted = (g("delivered") + g("failed") + g("queue_full_drops") + g("spool_full_drops") + g("expired")
             + g("not_delivered") + g("pending"))
print("pipeline %d events (kernel ring drops %d, emit errors %d), kafka events=%d recovered=%d "
      "drop_records=%d delivered=%d failed=%d queue_full_drops=%d spool_full_drops=%d expired=%d "
      "not_delivered=%d pending=%d lost=%d spool=%s" % (
          n, kdrop, emit, g("events"), g("recovered"), g("drop_records"), g("delivered"), g("failed"),
          g("queue_full_drops"), g("spool_full_drops"), g("expired"), g("not_delivered"), g("pending"),
          g("lost"), "yes" if "pending" in c else "no"))
ok = n > 0 and n == g("events") + emit and handed == accounted
if sys.argv[2] == "drained":
    ok = ok and g("not_delivered") == 0 and g("pending") == 0 and g("lost") == 0
sys.exit(0 if ok else 1)
PY
}
if summary_ok "$old_log" drained >"$WORK/old-summary"; then
  ok "old sensor $POD_OLD accounts for every event and delivered all it held before exiting: $(cat "$WORK/old-summary")"
else
  bad "old sensor's summary: $(cat "$WORK/old-summary"); log tail: $(tail -n 5 "$old_log")"
fi
kubectl -n team-a delete pod load --wait=false >/dev/null
n_load=$($EVENTS "$BROKERS" count "$uid_load" | awk '{print $2}')
mark blink2
uid_blink2=$(run_pod blink-after-restart 'cat /etc/hostname')
pod_done blink-after-restart || die "pod blink-after-restart did not succeed"
check_blink2() {
  events_of "$uid_blink2" "$WORK/blink2.jsonl" blink2 &&
    has_event "$WORK/blink2.jsonl" "e.get('open', {}).get('path') == '/etc/hostname'"
}
wait_until 60 check_blink2 && ok "the new sensor $POD picks up: blink-after-restart attributed; load pod had $n_load events" ||
  bad "no events from blink-after-restart after the rollout"

# --- nothing about ringtap's own processes ---------------------------------------------------
# Events keyed by a sensor pod may only come from what the test ran in it (kubectl exec cat
# /proc/1/status: someone exec-ing into the sensor is worth reporting), never from the daemon.
$EVENTS "$BROKERS" events "${SENSOR_UIDS[@]}" >"$WORK/self.jsonl"
python3 - "$WORK/self.jsonl" "${SENSOR_PIDS[@]}" <<'PY' && ok "no event from the sensors' own processes (host pids ${SENSOR_PIDS[*]})" || bad "events about ringtap's own processes"
import json, sys
evs = [json.loads(l)["event"] for l in open(sys.argv[1])]
pids = {int(p) for p in sys.argv[2:]}
own = [e for e in evs if e["header"].get("pid") in pids]
others = sorted({e["header"].get("comm") for e in evs})
print("%d events keyed by a sensor pod (comms %s), %d from the daemon itself" % (len(evs), others, len(own)))
for e in own[:3]: print("FAIL: ", e)
sys.exit(1 if own or not pids else 0)
PY

# --- uninstall: every sensor's delivered count adds up to what Kafka holds ------------------
"$HELM" uninstall ringtap -n $NS --wait --timeout 120s >/dev/null || bad "helm uninstall failed"
wait_until 60 sh -c "! kill -0 ${LOG_PIDS[1]}" || bad "the new sensor's log stream did not end"
summary_ok "$WORK/sensor-$POD.log" >"$WORK/new-summary" && ok "new sensor's summary adds up: $(cat "$WORK/new-summary")" ||
  bad "new sensor's summary: $(cat "$WORK/new-summary")"
delivered=$(cat "$WORK"/sensor-*.log | sed -n 's/.*kafka: events=[0-9]* produced=[0-9]* delivered=\([0-9]*\).*/\1/p' |
  awk '{s += $1} END {print s + 0}')
held=$($EVENTS "$BROKERS" total)
[ "$delivered" = "$held" ] && ok "Kafka holds exactly the $held messages the two sensors report delivered" ||
  bad "Kafka holds $held messages, the sensors report $delivered delivered"

note "done"
echo "$PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
