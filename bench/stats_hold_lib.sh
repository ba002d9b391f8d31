# Sourced by the bench scripts that read the kernel's per-program accounting
# (run_time_ns / run_cnt): keeps BPF stats enabled (bench/bpf_stats_hold)
# for the script's life, and on exit stops it and the sensor in $pid.
# Needs BUILD set; sets tmp (a scratch directory, removed on exit).
tmp=$(mktemp -d)
pid= hold=
cleanup() {
	[ -z "$hold" ] || { kill "$hold" 2>/dev/null; wait "$hold" 2>/dev/null; } || true
	[ -z "$pid" ] || { kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true
	rm -rf "$tmp"
}
trap cleanup EXIT
: >"$tmp/hold"
"$BUILD/bench/bpf_stats_hold" >"$tmp/hold" 2>&1 &
hold=$!
for _ in $(seq 100); do grep -q ready "$tmp/hold" && break; sleep 0.02; done
grep -q ready "$tmp/hold" || { cat "$tmp/hold" >&2; exit 1; }
