#!/usr/bin/env python3
"""Assertions on a rendered ringtap chart (helm template output on stdin).

usage: check_rendered.py default|full < rendered.yaml
Prints one line per failed check and exits 1 if any failed.
"""
import sys
import yaml

mode = sys.argv[1]
docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], []).append(d)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


ds = by_kind["DaemonSet"][0]
pod = ds["spec"]["template"]["spec"]
c = pod["containers"][0]
sc = c["securityContext"]
caps = sc["capabilities"]

# least privilege
check(sc.get("privileged") is False, "container must set privileged: false")
check(sc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation must be false")
check(sc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem must be true")
check(caps.get("drop") == ["ALL"], f"capabilities.drop must be [ALL], got {caps.get('drop')}")
want = {"BPF", "PERFMON", "NET_ADMIN"} | ({"SYS_RESOURCE"} if mode == "full" else set())
check(set(caps.get("add", [])) == want, f"capabilities.add must be {sorted(want)}, got {caps.get('add')}")
check("SYS_ADMIN" not in caps.get("add", []), "SYS_ADMIN must not be added")
# open_by_handle_at through a host-backed mount opens any host file: an escape
check("DAC_READ_SEARCH" not in caps.get("add", []), "DAC_READ_SEARCH must not be added (container escape)")
check(pod.get("hostNetwork") is False, "hostNetwork must be false")
check(pod.get("hostPID") is False, "hostPID must be false")
check(pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", "seccomp must be RuntimeDefault")

# mounts: everything from the host is read-only
vols = {v["name"]: v for v in pod["volumes"]}
mounts = {m["name"]: m for m in c["volumeMounts"]}
for name, v in vols.items():
    if name == "spool":
        continue  # the Kafka spool is written (checked below)
    if "hostPath" in v or "configMap" in v or "secret" in v:
        check(mounts.get(name, {}).get("readOnly") is True, f"mount {name} must be readOnly")
check(vols["btf"]["hostPath"]["path"] == "/sys/kernel/btf", "btf hostPath")
check(vols["cgroup"]["hostPath"]["path"] == "/sys/fs/cgroup", "cgroup hostPath")
check(("proc" in vols) == (mode == "full"), "host /proc only when hostProc.enabled")
paths = [m["mountPath"].rstrip("/") for m in c["volumeMounts"]]
nested = [(a, b) for a in paths for b in paths if b.startswith(a + "/")]
check(not nested, f"no mount inside another (kubelet rewrites configMap/secret volumes): {nested}")
writable = sorted(n for n, m in mounts.items() if not m.get("readOnly"))
check(writable == ["spool", "tmp"] and "emptyDir" in vols["tmp"],
      f"only the tmp emptyDir and the Kafka spool may be writable, got {writable}")
# The spool: hostPath by default (survives the pod), emptyDir with a size limit in values-full.
check(mounts.get("spool", {}).get("mountPath") == "/var/lib/ringtap/spool", "spool mounted at the sinks' default dir")
if mode == "default":
    check(vols["spool"].get("hostPath") == {"path": "/var/lib/ringtap/spool", "type": "DirectoryOrCreate"},
          f"default spool on the host: {vols.get('spool')}")
else:
    check(vols["spool"].get("emptyDir") == {"sizeLimit": "3Gi"}, f"emptyDir spool with its size limit: {vols.get('spool')}")

# identity, probes, lifecycle
env = {e["name"]: e for e in c["env"]}
check(env.get("NODE_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "spec.nodeName",
      "NODE_NAME must come from spec.nodeName")
ports = {p["name"]: p for p in c["ports"]}
for p, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
    get = c.get(p, {}).get("httpGet", {})
    check(get.get("path") == path and get.get("port") == "metrics", f"{p} must GET {path} on the metrics port, got {get}")
check(ds["spec"]["updateStrategy"]["type"] == "RollingUpdate", "RollingUpdate")
check({"operator": "Exists"} in pod.get("tolerations", []), "must tolerate every taint")
check("limits" in c["resources"] and "requests" in c["resources"], "resources need requests and limits")
grace = pod["terminationGracePeriodSeconds"]
# two ConfigMaps: the config (hashed, rolls pods) and the policy (reloaded live)
cms = {m["metadata"]["name"]: m for m in by_kind["ConfigMap"]}
check(sorted(cms) == ["rt-ringtap-config", "rt-ringtap-policy"],
      f"ConfigMaps must be rt-ringtap-config and rt-ringtap-policy, got {sorted(cms)}")
cm = cms["rt-ringtap-config"]
pcm = cms["rt-ringtap-policy"]
check(list(cm["data"]) == ["ringtap.yaml"], f"config ConfigMap must hold only ringtap.yaml, got {list(cm['data'])}")
check(list(pcm["data"]) == ["policy.yaml"], f"policy ConfigMap must hold only policy.yaml, got {list(pcm['data'])}")
cfg = yaml.safe_load(cm["data"]["ringtap.yaml"])
sinks = [s if isinstance(s, dict) else {"type": s} for s in cfg["sinks"]]
for k in (s for s in sinks if s["type"] == "kafka"):
    want_max = "1GiB" if mode == "default" else "2GiB"
    check(k.get("spool") == {"enabled": True, "dir": "/var/lib/ringtap/spool", "max_bytes": want_max},
          f"kafka sink spool settings from the chart: {k.get('spool')}")
flush = max([cfg["flush_timeout_ms"]] + [s.get("flush_timeout_ms", 0) for s in sinks])
check(grace * 1000 > flush, f"grace {grace}s must exceed the flush timeout {flush}ms")
check(vols["config"].get("configMap", {}).get("name") == "rt-ringtap-config", "config volume is the config ConfigMap")
check(c["args"][-1] == mounts["config"]["mountPath"] + "/ringtap.yaml", f"--config must be the mounted ringtap.yaml: {c['args']}")
# the policy: its own ConfigMap as a whole-directory, read-only mount (a
# subPath mount never sees ConfigMap updates, so live reload would not happen)
pvol = [n for n, v in vols.items() if v.get("configMap", {}).get("name") == "rt-ringtap-policy"]
check(len(pvol) == 1, f"exactly one volume must be the policy ConfigMap, got {pvol}")
pm = mounts.get(pvol[0] if pvol else "", {})
check(pm.get("readOnly") is True, "policy mount must be readOnly")
check("subPath" not in pm and "subPathExpr" not in pm, f"policy mount must be a directory, not subPath: {pm}")
check(not any("subPath" in m or "subPathExpr" in m for m in c["volumeMounts"]), "no subPath mounts at all")
check("items" not in vols.get(pvol[0] if pvol else "", {}).get("configMap", {}), "policy volume maps keys as files")
pdir = pm.get("mountPath", "?").rstrip("/")
check(cfg["policy"] == pdir + "/policy.yaml",
      f"ringtap.yaml policy: {cfg['policy']} must be policy.yaml in the policy mount {pdir}")
check(pdir != mounts["config"]["mountPath"].rstrip("/"), "policy and config must be different mounts")
check(cfg["kubernetes"]["cgroup_root"] == "/host/sys/fs/cgroup", "cgroup_root must be the host cgroup mount")
# the daemon serves metrics and probes where the pod, Service and ServiceMonitor look
m = cfg.get("metrics", {})
want_port = 9500 if mode == "full" else 9464
check(m.get("port") == want_port == ports["metrics"]["containerPort"],
      f"metrics.port {m.get('port')} must be the container's metrics port {ports['metrics']['containerPort']}")
check(m.get("address") == "0.0.0.0", "the daemon must listen on the pod's address, not loopback")
check(m.get("stale_after_ms", 0) > cfg["stats_interval_ms"], "stale_after_ms must exceed stats_interval_ms")
check(1 <= m.get("max_connections_per_ip", 0) < m.get("max_connections", 0),
      "one client address must not be able to take every metrics connection")
live = c["livenessProbe"]
check(live["periodSeconds"] * live["failureThreshold"] * 1000 > m.get("stale_after_ms", 0),
      "liveness must tolerate one staleness window before restarting the pod")
svc = by_kind["Service"][0]["spec"]["ports"][0]
check(svc["targetPort"] == "metrics" and svc["port"] == want_port, f"metrics Service port {svc}")
ann = ds["spec"]["template"]["metadata"]["annotations"]
check(len(ann.get("checksum/config", "")) == 64, "checksum/config annotation")
print("CHECKSUM", ann.get("checksum/config"))
check(not any(k.startswith("checksum/") and k != "checksum/config" for k in ann),
      f"no other checksum (a policy checksum would roll pods on a policy edit): {sorted(ann)}")
print("POLICY_SHA", __import__("hashlib").sha256(pcm["data"]["policy.yaml"].encode()).hexdigest())

# RBAC: read-only get/list/watch of pods, replicasets, jobs, and namespaces
# only with namespaceLabels (the full values turn it on), nothing else
role = by_kind["ClusterRole"][0]
ro = ["get", "list", "watch"]
want_rules = [{"apiGroups": [""], "resources": ["pods"], "verbs": ro},
              {"apiGroups": ["apps"], "resources": ["replicasets"], "verbs": ro},
              {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ro}]
if mode == "full":
    want_rules.append({"apiGroups": [""], "resources": ["namespaces"], "verbs": ro})
check(role["rules"] == want_rules, f"ClusterRole must grant only {want_rules}, got {role['rules']}")
check("ClusterRoleBinding" in by_kind and "ServiceAccount" in by_kind, "binding and service account")
check(by_kind["Service"][0]["spec"]["clusterIP"] == "None", "metrics Service is headless")

# The metrics port is reachable only from the scrape namespace (and the node,
# which Kubernetes always admits): never from any pod.
check("NetworkPolicy" in by_kind, "a NetworkPolicy in every mode (on by default)")
np = by_kind["NetworkPolicy"][0]["spec"] if "NetworkPolicy" in by_kind else {"ingress": [{}]}
check("Ingress" in np.get("policyTypes", []), "the NetworkPolicy restricts ingress")
for rule in np["ingress"]:
    check(rule.get("from"), f"an ingress rule without 'from' admits every pod: {rule}")
if mode == "default":
    check(np["ingress"][0]["from"][0] == {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}},
          f"default ingress from the monitoring namespace only, got {np['ingress'][0].get('from')}")
    check(len(np["ingress"][0]["from"]) == 1, "default: no other ingress source")
    check("ServiceMonitor" not in by_kind, "ServiceMonitor off by default")
    check("kafka" not in vols, "no Kafka secret by default")
    check(not any("rdkafka" in s or "sasl_password" in s for s in sinks), "no Kafka security settings by default")
else:
    check("ServiceMonitor" in by_kind, "ServiceMonitor when enabled")
    check(vols["kafka"]["secret"]["secretName"] == "ringtap-kafka", "Kafka material from the Secret")
    check(mounts["kafka"]["mountPath"] == "/var/run/secrets/ringtap/kafka", "Kafka secret mount path")
    k = [s for s in sinks if s["type"] == "kafka"][0]
    rd = k.get("rdkafka", {})
    check(rd.get("security.protocol") == "sasl_ssl", "TLS+SASL -> sasl_ssl")
    check(rd.get("ssl.ca.location") == "/var/run/secrets/ringtap/kafka/ca.crt", "CA from the secret")
    check(rd.get("ssl.key.location") == "/var/run/secrets/ringtap/kafka/tls.key", "client key from the secret")
    check(rd.get("compression.codec") == "zstd", "the user's own rdkafka options are kept")
    check(k.get("sasl_password") == "file:/var/run/secrets/ringtap/kafka/sasl-password", "SASL password by file")
    check(not any("password" in str(v) and "file:" not in str(v) for v in rd.values()), "no inline secrets")
    check(pod.get("priorityClassName") == "system-node-critical", "priorityClassName")
    check(c["image"] == "registry.example/sec/ringtap:1.2.3", "image")
    ep = by_kind["ServiceMonitor"][0]["spec"]["endpoints"][0]
    check(ep.get("port") == "metrics" and ep.get("path") == "/metrics", f"ServiceMonitor endpoint {ep}")
    check(np["ingress"][0]["ports"] == [{"port": 9500, "protocol": "TCP"}], "ingress only to metrics")
    peers = np["ingress"][0]["from"]
    check({"ipBlock": {"cidr": "192.168.10.0/24"}} in peers, f"nodeCidrs become ipBlocks: {peers}")
    check({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}}} in peers,
          f"the configured scrape namespace: {peers}")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
