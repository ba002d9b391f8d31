#!/usr/bin/env bash
# BPF cost per event type, by the kernel's accounting:
#   bench/type_cost.sh [BUILD_DIR]     (root; N calls per syscall, default 200000)
# Starts `ringtap run --sink null` (every event type on), holds a
# BPF_ENABLE_STATS fd (bench/bpf_stats_hold; not the global sysctl), and for
# each syscall of bench/syscall_loop reads rt_sys_exit's run_time_ns and
# run_cnt before and after the loop. The handlers are entered by tail call
# from rt_sys_exit, and the kernel accounts a tail-called program's time to
# its caller (the handlers' own run_cnt stays 0), so a handler's cost is
# rt_sys_exit's ns per call of its syscall minus the ns of an uninteresting
# one (getppid: the bitmap test only). That one is also compared with the
# empty floor programs (bench/hook_floor, sys_enter+sys_exit): the cost of a
# syscall no policy asked for.
# Every syscall of the machine passes rt_sys_exit, so others' (cheap,
# uninteresting) syscalls during a loop pull the figure down a little:
# treat +-20 ns as noise on a shared machine.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${RINGTAP_BUILD:-$SRC/build}}
N=${N:-200000}
[ "$(id -u)" = 0 ] || { echo "SKIPPED: needs root"; exit 77; }
. "$(dirname "$0")/stats_hold_lib.sh" # tmp, pid, BPF stats on until exit

# ns per call of SYSCALL for the running probe process (run_time_ns summed
# over its programs, calls = its busiest program's run_cnt).
per_call() {
	local t0 c0 t1 c1
	read -r t0 c0 < <("$SRC/bench/prog_stats.py" "$pid")
	"$BUILD/bench/syscall_loop" "$1" "$N"
	read -r t1 c1 < <("$SRC/bench/prog_stats.py" "$pid")
	awk -v t="$((t1 - t0))" -v c="$((c1 - c0))" 'BEGIN { printf "%.0f %d\n", t / c, c }'
}

: >"$tmp/floor"
"$BUILD/bench/hook_floor" >"$tmp/floor" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -q ready "$tmp/floor" && break; sleep 0.05; done
read -r floor_ns floor_runs < <(per_call getppid)
kill -INT "$pid"; wait "$pid" || true

"$BUILD/ringtap" run --sink null 2>"$tmp/log" &
pid=$!
for _ in $(seq 1200); do grep -q 'capturing$' "$tmp/log" && break; sleep 0.05; done
grep -q 'capturing$' "$tmp/log" || { cat "$tmp/log" >&2; exit 1; }

read -r base base_runs < <(per_call getppid)
echo "## BPF cost per event type ($(date -u +%Y-%m-%d), $(uname -r), $(uname -m), N=$N calls each)"
echo
echo "Uninteresting syscall (getppid): ringtap rt_sys_exit $base ns ($base_runs runs); empty floor programs (sys_enter+sys_exit) $floor_ns ns ($floor_runs runs)."
echo
echo "| syscall (record) | rt_sys_exit + handler, ns per call | handler (minus uninteresting), ns | runs |"
echo "|---|---:|---:|---:|"
for name in openat:open unlinkat:unlink renameat:rename fchmodat:chmod fchownat:chown linkat:link mknodat:mknod \
	fcntl_getfl:"dup (fcntl F_GETFL, not a dup)" dup3:dup kill:signal setresuid:cred unshare:namespace memfd:memfd \
	mount:mount ptrace:ptrace bpf:bpf finit_module:module socket:socket connect:connect bind:bind listen:listen; do
	read -r ns runs < <(per_call "${name%%:*}")
	echo "| ${name%%:*} (${name#*:}) | $ns | $((ns - base)) | $runs |"
done
