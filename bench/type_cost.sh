#!/usr/bin/env bash
# BPF cost per syscall of the ABI 4 event types, by the kernel's accounting:
#   bench/type_cost.sh [BUILD_DIR]     (root; N calls per syscall, default 200000)
# Starts `ringtap run --sink null`, then for each syscall of bench/syscall_loop
# reads rt_sys_exit's run_time_ns and run_cnt (the dispatcher plus the
# tail-called handler) before and after the loop, and prints ns per call.
# Every syscall of the machine passes rt_sys_exit, so others' (cheap,
# uninteresting) syscalls during a loop pull the figure down a little:
# treat +-20 ns as noise on a shared machine.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${RINGTAP_BUILD:-$SRC/build}}
N=${N:-200000}
[ "$(id -u)" = 0 ] || { echo "SKIPPED: needs root"; exit 77; }
tmp=$(mktemp -d)
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; sysctl -qw kernel.bpf_stats_enabled="$old_stats"; rm -rf "$tmp"; }
trap cleanup EXIT
"$BUILD/ringtap" run --sink null 2>"$tmp/log" &
pid=$!
for _ in $(seq 1 1200); do grep -q 'capturing$' "$tmp/log" && break; sleep 0.05; done
grep -q 'capturing$' "$tmp/log" || { cat "$tmp/log"; exit 1; }
sysctl -qw kernel.bpf_stats_enabled=1
# Other ringtap instances (tests, other builds) may run too: take the
# rt_sys_exit whose fd this ringtap process holds (its fdinfo's prog_id).
stats() {
	bpftool prog show name rt_sys_exit -j | python3 -c '
import glob, json, sys
held = set()
for f in glob.glob(f"/proc/{sys.argv[1]}/fdinfo/*"):
    try:
        for line in open(f):
            if line.startswith("prog_id:"):
                held.add(int(line.split()[1]))
    except OSError:
        pass
progs = json.load(sys.stdin)
progs = progs if isinstance(progs, list) else [progs]
mine = [p for p in progs if p["id"] in held]
if len(mine) != 1:
    sys.exit(f"type_cost: {len(mine)} rt_sys_exit programs held by pid {sys.argv[1]}")
print(mine[0].get("run_time_ns", 0), mine[0].get("run_cnt", 0))' "$pid"
}
echo "| syscall | BPF ns per call (rt_sys_exit + handler) |"
echo "|---|---:|"
for name in getppid openat fcntl_getfl kill setresuid unshare memfd mount ptrace; do
	read -r t0 c0 < <(stats)
	"$BUILD/bench/syscall_loop" "$name" "$N"
	read -r t1 c1 < <(stats)
	python3 -c "import sys; t,c=$t1-$t0,$c1-$c0; print(f'| $name | {t/c:.0f} ({c} runs) |')"
done
