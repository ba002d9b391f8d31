#!/usr/bin/env bash
# A running sensor with metrics.port set serves /readyz, /healthz and
# /metrics whose counters follow what it captured; the port in use by
# someone else is a clear startup error.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_root_bpf
tmp=$(mktemp -d); RINGTAP_PID=; trap 'kill $RINGTAP_PID 2>/dev/null || true; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'metrics:\n  port: %s\nstats_interval_ms: 200\nsinks: [null]\n' "$port" >"$tmp/cfg.yaml"
start_ringtap "$tmp/log" run --config "$tmp/cfg.yaml" --duration 6
for i in $(seq 1 20); do cat /etc/hostname >/dev/null; done
sleep 0.6 # at least two stats intervals
python3 - "$port" <<'PY'
import sys, urllib.request, urllib.error, re
base = f"http://127.0.0.1:{sys.argv[1]}"
def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
assert get("/readyz")[0] == 200, get("/readyz")
assert get("/healthz")[0] == 200, get("/healthz")
assert get("/nope")[0] == 404
code, text = get("/metrics")
assert code == 200
def val(name, labels):
    m = re.search(r'^' + re.escape(name + labels) + r' (\d+)$', text, re.M)
    assert m, f"no {name}{labels} in /metrics"
    return int(m.group(1))
emitted = val("ringtap_kernel_events_emitted_total", '{type="open"}')
handed = val("ringtap_events_total", '{type="open"}')
assert emitted >= 20 and handed >= 20, (emitted, handed)
assert "# TYPE ringtap_kernel_events_dropped_total counter" in text
assert val("ringtap_up", "") == 1
print(f"ok: /metrics open emitted={emitted} handed to sinks={handed}")
PY
# a second daemon on the same port fails at startup, naming it
"$RINGTAP" run --config "$tmp/cfg.yaml" --duration 1 2>"$tmp/err2" && { echo "FAIL: second daemon started"; exit 1; }
grep -q "cannot serve metrics on 127.0.0.1 port $port" "$tmp/err2" || { echo "FAIL: unclear error:"; cat "$tmp/err2"; exit 1; }
wait "$RINGTAP_PID"
echo "1 passed, 0 failed"
