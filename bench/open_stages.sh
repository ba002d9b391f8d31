#!/usr/bin/env bash
# Where the BPF time of a captured open goes, by the kernel's accounting:
#   bench/open_stages.sh [BUILD_DIR]   (root; RUNS rounds, default 5, of N
#                                       openat calls per stage, default 200000)
# Runs `ringtap run --sink null` with RINGTAP_BENCH_OPEN_STOP=K (bench only:
# the open path returns after stage K, bpf/maps.h RT_BENCH_OPEN_*; 0 = the
# whole path), and prices one openat of a missing file (bench/syscall_loop
# openat) as rt_sys_exit's run_time_ns / run_cnt over the loop, through a
# held BPF_ENABLE_STATS fd. Stages are interleaved within each round (a
# fresh sensor per measurement) so the machine's load spreads over all of
# them; the table gives the median per stage and the step from the one
# before. Each measurement includes the machine's other (uninteresting)
# syscalls during the loop at their own rate: +-20 ns is noise here.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${RINGTAP_BUILD:-$SRC/build}}
N=${N:-200000}
RUNS=${RUNS:-5}
STAGES=${STAGES:-"1 2 3 4 5 6 0"}
[ "$(id -u)" = 0 ] || { echo "SKIPPED: needs root"; exit 77; }
. "$(dirname "$0")/stats_hold_lib.sh" # tmp, pid, BPF stats on until exit

per_call() { # per_call SYSCALL -> ns per call of the sensor $pid
	local t0 c0 t1 c1
	read -r t0 c0 < <("$SRC/bench/prog_stats.py" "$pid")
	"$BUILD/bench/syscall_loop" "$1" "$N"
	read -r t1 c1 < <("$SRC/bench/prog_stats.py" "$pid")
	awk -v t="$((t1 - t0))" -v c="$((c1 - c0))" 'BEGIN { printf "%.0f\n", t / c }'
}

for round in $(seq "$RUNS"); do
	for stage in $STAGES; do
		RINGTAP_BENCH_OPEN_STOP=$stage "$BUILD/ringtap" run --sink null 2>"$tmp/log" &
		pid=$!
		for _ in $(seq 1200); do grep -q 'capturing$' "$tmp/log" && break; sleep 0.05; done
		grep -q 'capturing$' "$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
		echo "$stage $(per_call openat) $(per_call getppid)" >>"$tmp/results"
		kill -INT "$pid"; wait "$pid" || true
		pid=
	done
done

name() {
	case $1 in
	1) echo "dispatcher: bitmap and self test (returns before the call slot)" ;;
	2) echo "+ call slot (6 args from pt_regs, kind) and the tail call to rt_sc_open" ;;
	3) echo "+ scratch lookup and the common header" ;;
	4) echo "+ policy: generation, type switch, comm, uid" ;;
	5) echo "+ open body and the path read (bpf_probe_read_user_str)" ;;
	6) echo "+ path policy (prefix trie when the policy has paths)" ;;
	0) echo "+ ring write (bpf_ringbuf_output, counters, wakeup test): the whole path" ;;
	esac
}
echo "## BPF ns per captured open, by stage ($(date -u +%Y-%m-%d), $(uname -r), $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg), N=$N, RUNS=$RUNS)"
echo
echo "| stop after | openat ns (median) | step | min | runs | getppid ns (median) |"
echo "|---|---:|---:|---:|---|---:|"
prev=
for stage in $STAGES; do
	# a failed reading (the sensor gone before prog_stats saw it) is left out
	vals=$(awk -v s="$stage" '$1 == s && $2 ~ /^[0-9]+$/ { print $2 }' "$tmp/results" | sort -n)
	med=$(echo "$vals" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	gmed=$(awk -v s="$stage" '$1 == s { print $3 }' "$tmp/results" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	step=${prev:+$((med - prev))}
	echo "| $(name "$stage") | $med | ${step:-—} | $(echo "$vals" | head -1) | $(echo $vals | tr ' ' ',') | $gmed |"
	prev=$med
done
