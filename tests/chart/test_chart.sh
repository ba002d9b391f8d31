#!/usr/bin/env bash
# The Helm chart: helm lint --strict, helm template with default and
# non-default values, kubeconform -strict offline against ../shared/k8s-schemas,
# and assertions on what is rendered (check_rendered.py). Helm and
# kubeconform are built through the Go module proxy into GOPATH (cached).
set -euo pipefail

HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.7.0
K8S_VERSION=1.32.2
here=$(cd "$(dirname "$0")" && pwd)
src=${RINGTAP_SRC:-$(cd "$here/../.." && pwd)}
chart=$src/charts/ringtap
schemas=${RINGTAP_K8S_SCHEMAS:-$src/../shared/k8s-schemas} # CI: shared/ beside the clone

skip() { echo "SKIPPED: $*"; exit 77; }
command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || skip "go is not installed (needed to build helm and kubeconform)"
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is missing (scripts/install-deps.sh test installs it)"
[ -d "$schemas/v$K8S_VERSION-standalone-strict" ] || skip "no Kubernetes schemas at $schemas (set RINGTAP_K8S_SCHEMAS)"

gobin=$(go env GOPATH)/bin
# go_tool NAME MODULE VERSION PKG: build once, reuse while the version matches
go_tool() {
  local name=$1 mod=$2 ver=$3 pkg=$4
  if ! go version -m "$gobin/$name" 2>/dev/null | grep -q "mod[[:space:]]*$mod[[:space:]]*$ver"; then
    echo "building $name $ver through the Go module proxy"
    GOFLAGS=-buildvcs=false go install -p 2 "$pkg@$ver" >/dev/null ||
      skip "could not build $pkg@$ver (is the Go module proxy reachable?)"
  fi
}
go_tool helm helm.sh/helm/v3 "$HELM_VERSION" helm.sh/helm/v3/cmd/helm
go_tool kubeconform github.com/yannh/kubeconform "$KUBECONFORM_VERSION" github.com/yannh/kubeconform/cmd/kubeconform
helm=$gobin/helm
kubeconform=$gobin/kubeconform

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

render() { "$helm" template rt "$chart" --namespace security --kube-version "$K8S_VERSION" "$@"; }

"$helm" lint --strict "$chart" --kube-version "$K8S_VERSION" >"$tmp/lint" 2>&1 && ok "helm lint --strict" ||
  { cat "$tmp/lint"; bad "helm lint --strict"; }
"$helm" lint --strict "$chart" --kube-version "$K8S_VERSION" -f "$here/values-full.yaml" >"$tmp/lint" 2>&1 &&
  ok "helm lint --strict (values-full.yaml)" || { cat "$tmp/lint"; bad "helm lint --strict (values-full.yaml)"; }

for mode in default full; do
  args=()
  [ "$mode" = full ] && args=(-f "$here/values-full.yaml")
  if ! render "${args[@]}" >"$tmp/$mode.yaml" 2>"$tmp/err"; then
    cat "$tmp/err"; bad "helm template ($mode)"; continue
  fi
  ok "helm template ($mode)"
  if "$kubeconform" -strict -summary -kubernetes-version "$K8S_VERSION" -schema-location "$schemas" \
      -skip ServiceMonitor "$tmp/$mode.yaml" >"$tmp/kc" 2>&1; then
    ok "kubeconform -strict ($mode): $(tail -1 "$tmp/kc")"
  else
    cat "$tmp/kc"; bad "kubeconform -strict ($mode)"
  fi
  if python3 "$here/check_rendered.py" "$mode" <"$tmp/$mode.yaml" >"$tmp/check.$mode"; then
    ok "rendered objects ($mode)"
  else
    cat "$tmp/check.$mode"; bad "rendered objects ($mode)"
  fi
done

# ConfigMap KEY of the rendered objects on stdin
cm_key() { python3 -c 'import sys,yaml
for d in yaml.safe_load_all(sys.stdin):
    if d and d["kind"] == "ConfigMap" and sys.argv[1] in d["data"]:
        sys.stdout.write(d["data"][sys.argv[1]])' "$1"; }

# The rendered ringtap.yaml is a config the daemon's own loader accepts, and
# the rendered policy.yaml a policy `ringtap check` accepts.
build=${RINGTAP_BUILD:-$src/build}
checker=$build/tests/prog_chart_config_check
ringtap=${RINGTAP:-$build/ringtap}
if [ -x "$checker" ] && [ -x "$ringtap" ]; then
  for mode in default full; do
    cm_key ringtap.yaml <"$tmp/$mode.yaml" >"$tmp/ringtap.$mode.yaml"
    "$checker" "$tmp/ringtap.$mode.yaml" >"$tmp/cc" 2>&1 && ok "daemon accepts ringtap.yaml ($mode)" ||
      { cat "$tmp/cc"; bad "daemon refuses the rendered ringtap.yaml ($mode)"; }
    cm_key policy.yaml <"$tmp/$mode.yaml" >"$tmp/policy.$mode.yaml"
    "$ringtap" check --kind policy "$tmp/policy.$mode.yaml" >"$tmp/cc" 2>&1 && ok "ringtap check accepts policy.yaml ($mode)" ||
      { cat "$tmp/cc"; bad "ringtap check refuses the rendered policy.yaml ($mode)"; }
  done
  # and a bad policy value is caught by the same check (so the check can fail)
  render --set-string 'policy=version: 1
events: {exce: true}' | cm_key policy.yaml >"$tmp/policy.bad.yaml"
  "$ringtap" check --kind policy "$tmp/policy.bad.yaml" >"$tmp/cc" 2>&1 &&
    bad "ringtap check accepted a policy with an unknown event kind" || ok "ringtap check refuses a bad rendered policy"
else
  bad "no $checker or $ringtap: build the tree first"
fi

# The chart's kubernetes: section uses only keys the daemon's option table knows.
known=$(sed -n 's/^[[:space:]]*{ "\([a-z_]*\)", OPT_.*/\1/p' "$src/src/enrich/pod_resolver.c" | sort)
rendered=$(python3 -c 'import sys,yaml
print("\n".join(sorted(yaml.safe_load(sys.stdin)["kubernetes"])))' <"$tmp/ringtap.default.yaml")
unknown=$(comm -13 <(echo "$known") <(echo "$rendered"))
[ -n "$known" ] && [ -z "$unknown" ] && ok "kubernetes: keys are pod_resolver_options" ||
  bad "kubernetes: keys unknown to src/enrich/pod_resolver.c: ${unknown:-(no option table found)}"

# The chart's metrics: section uses only keys the daemon's option table knows.
known=$(sed -n 's/^[[:space:]]*{ "\([a-z_]*\)", OPT_.*/\1/p' "$src/src/metrics/metrics_config.c" | sort)
rendered=$(python3 -c 'import sys,yaml
print("\n".join(sorted(yaml.safe_load(sys.stdin)["metrics"])))' <"$tmp/ringtap.default.yaml")
unknown=$(comm -13 <(echo "$known") <(echo "$rendered"))
[ -n "$known" ] && [ -n "$rendered" ] && [ -z "$unknown" ] && ok "metrics: keys are metrics_config_options" ||
  bad "metrics: keys unknown to src/metrics/metrics_config.c: ${unknown:-(no option table or no section)}"

# The checksum annotation follows the config, and nothing else: not the
# policy, which the running daemons reload live (no rolling restart).
sums() { local k=$1; shift; render "$@" | python3 "$here/check_rendered.py" default | sed -n "s/^$k //p"; }
base=$(sums CHECKSUM)
same=$(sums CHECKSUM --set podAnnotations.x=y)
cfg=$(sums CHECKSUM --set config.pollIntervalMs=250)
printf 'policy: |\n  version: 1\n  events:\n    exec: true\n' >"$tmp/newpolicy.yaml"
pol=$(sums CHECKSUM -f "$tmp/newpolicy.yaml")
[ -n "$base" ] && [ "$base" = "$same" ] && ok "checksum unchanged by an unrelated value" ||
  bad "checksum changed by an unrelated value ($base vs $same)"
[ -n "$cfg" ] && [ "$cfg" != "$base" ] && ok "checksum changes with the config" || bad "checksum did not change with the config"
[ -n "$pol" ] && [ "$pol" = "$base" ] && ok "checksum unchanged by a policy change (reloaded live, pods not rolled)" ||
  bad "checksum changed with only the policy ($base vs $pol): a policy edit would roll every pod"
# ...while the policy change does reach the policy ConfigMap
[ -n "$(sums POLICY_SHA)" ] && [ "$(sums POLICY_SHA)" != "$(sums POLICY_SHA -f "$tmp/newpolicy.yaml")" ] &&
  ok "a policy change reaches the policy ConfigMap" || bad "the policy ConfigMap did not change with the policy"

# Bad values are refused with a reason.
expect_refused() {
  local what=$1 pattern=$2; shift 2
  if render "$@" >"$tmp/out" 2>&1; then bad "$what: rendered anyway"
  elif grep -q -- "$pattern" "$tmp/out"; then ok "$what refused"
  else cat "$tmp/out"; bad "$what: refused without saying '$pattern'"; fi
}
expect_refused "grace period shorter than the Kafka flush" "terminationGracePeriodSeconds" \
  --set terminationGracePeriodSeconds=5
expect_refused "SYS_ADMIN in capabilities" "capabilities" --set 'capabilities[0]=SYS_ADMIN'
expect_refused "DAC_READ_SEARCH in capabilities" "capabilities" --set 'capabilities[3]=DAC_READ_SEARCH'
expect_refused "DAC_READ_SEARCH in extraCapabilities" "extraCapabilities" --set 'extraCapabilities[0]=DAC_READ_SEARCH'
expect_refused "a per-address limit above the connection limit" "metrics.maxConnectionsPerIp" \
  --set metrics.maxConnectionsPerIp=20
# No ingress source at all renders "ingress: []" (only the node), never an
# empty "from" (anyone).
render --set networkPolicy.scrapeNamespace= >"$tmp/nosrc.yaml" 2>"$tmp/err" &&
  python3 -c 'import sys,yaml
np=[d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"]=="NetworkPolicy"][0]["spec"]
sys.exit(0 if np["ingress"] == [] else 1)' "$tmp/nosrc.yaml" &&
  ok "no scrape source: no pod reaches the metrics port" || bad "no scrape source: the metrics port is open to pods"
expect_refused "an unknown value" "additional properties" --set privileged=true
expect_refused "an empty policy" "policy" --set-string policy=
expect_refused "Kafka TLS without a Secret" "kafka.secretName" --set kafka.tls.enabled=true
expect_refused "health staleness within one stats interval" "metrics.staleAfterMs" \
  --set metrics.staleAfterMs=1000 --set config.statsIntervalMs=1000
expect_refused "a ServiceMonitor without its Service" "metrics.service.enabled" \
  --set metrics.serviceMonitor.enabled=true --set metrics.service.enabled=false

echo "chart: $fails failed"
[ "$fails" -eq 0 ]
