#!/usr/bin/env bash
# The Helm chart's kafka TLS/SASL values render exactly the sink configs the
# TLS tests run (tests/kafka/tls/MODE.yaml from tls/MODE-values.yaml), and
# mount the Secret where those configs look for it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${RINGTAP_SRC:-$(cd "$here/../.." && pwd)}
HELM_VERSION=v3.22.0 # as tests/chart/test_chart.sh
skip() { echo "SKIPPED: $*"; exit 77; }
die() { echo "FAIL: $*" >&2; exit 1; }

command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || skip "go is not installed (needed to build helm)"
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is missing (scripts/install-deps.sh test installs it)"
helm=$(go env GOPATH)/bin/helm
if ! go version -m "$helm" 2>/dev/null | grep -q "mod[[:space:]]*helm.sh/helm/v3[[:space:]]*$HELM_VERSION"; then
	GOFLAGS=-buildvcs=false go install -p 2 "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >/dev/null ||
		skip "could not build helm $HELM_VERSION (is the Go module proxy reachable?)"
fi

for mode in ssl sasl_ssl mtls; do
	"$helm" template rt "$src/charts/ringtap" --namespace security --kube-version 1.32.2 -f "$here/tls/$mode-values.yaml" |
		python3 -c '
import sys, yaml
mode, want_file = sys.argv[1], sys.argv[2]
docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
config = next(yaml.safe_load(d["data"]["ringtap.yaml"]) for d in docs
              if d["kind"] == "ConfigMap" and "ringtap.yaml" in d.get("data", {}))
want = yaml.safe_load(open(want_file))["sinks"]
if config["sinks"] != want:
    got = yaml.safe_dump(config["sinks"])
    sys.exit(f"FAIL: {mode}: the chart renders\n{got}\nthe tests use\n{yaml.safe_dump(want)}")
ds = next(d for d in docs if d["kind"] == "DaemonSet")
pod = ds["spec"]["template"]["spec"]
vol = next(v for v in pod["volumes"] if v.get("secret", {}).get("secretName") == "ringtap-kafka")
mounts = [m for c in pod["containers"] for m in c.get("volumeMounts", []) if m["name"] == vol["name"]]
if [m["mountPath"] for m in mounts] != ["/var/run/secrets/ringtap/kafka"]:
    sys.exit(f"FAIL: {mode}: the Secret is mounted at {mounts}")
if any(m.get("subPath") for m in mounts):
    sys.exit(f"FAIL: {mode}: a subPath mount is never updated, so rotation would not be seen")
print(f"ok: {mode}: the chart renders tests/kafka/tls/{mode}.yaml and mounts the Secret")
' "$mode" "$here/tls/$mode.yaml" || die "$mode"
done
echo PASS
