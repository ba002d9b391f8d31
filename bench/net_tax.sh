#!/usr/bin/env bash
# Network hook tax: what ringtap's socket hooks add to loopback traffic, and
# what one DNS query costs on the DNS path.
#
#   bench/net_tax.sh [BUILD_DIR]      (root; prints a markdown report)
#   env: N=round trips per run (100000)  RUNS=runs per mode (5)
#
# Timed runs of bench/tcp_rr_loop, interleaved none, ringtap, none, ...:
#  - rr:    N 1-byte TCP request/responses over one loopback connection
#           (every packet passes cgroup_skb egress+ingress, both hooked);
#  - conn:  N/10 round trips on a new connection each (connect, accept,
#           inet_sock_set_state established/close, bind of the listener);
#  - dns:   N/10 UDP DNS queries to a responder on 127.0.0.1:53 in a
#           private network namespace (4 dns records per query on loopback).
# "ringtap" is `ringtap run --sink null` with every event type on. Medians of
# RUNS runs of the loop's CPU time (client + server) and wall time, and the
# ratio ringtap/none. Then the kernel's accounting (bpf_stats) per program
# and per round trip / query, and ringtap's own CPU per DNS query (the
# parse, join and encode in userspace).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${RINGTAP_BUILD:-$SRC/build}}
N=${N:-100000}
RUNS=${RUNS:-5}
NC=$((N / 10))

if [ "$(id -u)" != 0 ]; then
	echo "SKIPPED: net_tax loads BPF programs and needs root"
	exit 77
fi
for bin in bench/tcp_rr_loop bench/bpf_stats_hold ringtap; do
	[ -x "$BUILD/$bin" ] || { echo "net_tax: $BUILD/$bin missing; build first" >&2; exit 1; }
done
TMP=$(mktemp -d /tmp/ringtap-netbench.XXXXXX)
PROBE_PID=
cleanup() {
	stop_probe
	[ -n "${HOLD_PID:-}" ] && kill "$HOLD_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

start_probe() {
	"$BUILD/ringtap" run --sink null >"$TMP/probe.out" 2>&1 &
	PROBE_PID=$!
	for _ in $(seq 200); do
		grep -q capturing "$TMP/probe.out" && return 0
		kill -0 "$PROBE_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "net_tax: ringtap did not start:" >&2
	cat "$TMP/probe.out" >&2
	exit 1
}
stop_probe() {
	if [ -n "$PROBE_PID" ]; then
		kill -INT "$PROBE_PID" 2>/dev/null || true
		wait "$PROBE_PID" 2>/dev/null || true
		PROBE_PID=
	fi
}

rr() { "$BUILD/bench/tcp_rr_loop" "$N"; }
conn() { "$BUILD/bench/tcp_rr_loop" "$NC" --connections; }
dns() { unshare -n sh -c "ip link set lo up && exec '$BUILD/bench/tcp_rr_loop' $NC --dns 53"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { local c=$1; shift; printf '%s\n' "$@" | awk -v c="$c" '{ print $c }'; }

# The global kernel.bpf_stats_enabled sysctl is left alone (other tenants'
# benchmarks set it); the accounting below holds its own stats fd.
declare -A res
rr >/dev/null; conn >/dev/null; dns >/dev/null # warm up
for i in $(seq "$RUNS"); do
	for w in rr conn dns; do res[$w,none]+="$($w)"$'\n'; done
	start_probe
	for w in rr conn dns; do res[$w,ringtap]+="$($w)"$'\n'; done
	stop_probe
	echo "run $i done" >&2
done
row() {
	local w=$1 c=$2 n r
	n=$(printf '%s' "${res[$w,none]}" | awk -v c="$c" '{ print $c }' | median)
	r=$(printf '%s' "${res[$w,ringtap]}" | awk -v c="$c" '{ print $c }' | median)
	printf '%s | %s | %s' "$n" "$r" "$(awk -v n="$n" -v r="$r" 'BEGIN { printf "%.2f", r / n }')"
}

# ---- kernel accounting and ringtap's own CPU -----------------------------
prog_stats() { # NAME...: "run_time_ns run_cnt" of the probe process's programs
	local ids
	ids=$(grep -h '^prog_id:' /proc/"$PROBE_PID"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un | jq -s -c .)
	bpftool prog show -j | jq -r --argjson ids "$ids" \
		--argjson names "$(printf '%s\n' "$@" | jq -R . | jq -s .)" \
		'[.[] | select((.id as $i | $ids | index($i)) and (.name as $n | $names | index($n)))] |
		 "\(map(.run_time_ns // 0) | add // 0) \(map(.run_cnt // 0) | add // 0)"'
}
proc_cpu_ns() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1e9 / hz }' "/proc/$PROBE_PID/stat"; }
# bpftool shows names cut to 15 characters (BPF_OBJ_NAME_LEN)
PROGS=(rt_connect4 rt_connect6 rt_sendmsg4 rt_sendmsg6 rt_bind4 rt_bind6 rt_dns_egress rt_dns_ingress rt_inet_sock_se rt_sys_exit)
snapshot() { for p in "${PROGS[@]}"; do echo "$p $(prog_stats "$p")"; done; }
per_op() { # before after ops: "prog ns/op runs/op" for programs that ran
	join "$1" "$2" | awk -v n="$3" '$4 > $3 { printf "%s %.0f %.2f\n", $1, ($4 - $2) / n, ($5 - $3) / n }'
}
# Stats through a held BPF_ENABLE_STATS fd: another tenant turning the
# sysctl off (a benchmark restoring its old value) cannot stop them.
"$BUILD/bench/bpf_stats_hold" >"$TMP/hold.out" &
HOLD_PID=$!
for _ in $(seq 100); do grep -q ready "$TMP/hold.out" && break; sleep 0.05; done
start_probe
declare -A acct cpu
for w in rr conn dns; do
	snapshot | sort >"$TMP/a"; c0=$(proc_cpu_ns)
	$w >/dev/null
	sleep 0.3 # the consumer's bounded poll: let it drain
	snapshot | sort >"$TMP/b"; c1=$(proc_cpu_ns)
	ops=$N; [ "$w" = rr ] || ops=$NC
	acct[$w]=$(per_op "$TMP/a" "$TMP/b" "$ops" | awk '{ printf "%s%s: %s ns (%s runs)", sep, $1, $2, $3; sep = "; " }')
	cpu[$w]=$(( (c1 - c0) / ops ))
done
tail -n 2 "$TMP/probe.out" >"$TMP/last"
stop_probe
kill "$HOLD_PID"; wait "$HOLD_PID" 2>/dev/null || true

cat <<EOF
## Network hook tax ($(date -u +%Y-%m-%d), $(uname -r), $(nproc) CPUs, N=$N round trips, $RUNS runs)

ns per round trip (rr, conn) or per query (dns), median of $RUNS runs, none vs
\`ringtap run --sink null\` (every event type on, socket hooks attached):

| workload | CPU none | CPU ringtap | ratio | wall none | wall ringtap | ratio |
|---|---:|---:|---:|---:|---:|---:|
| rr: 1-byte TCP request/response, one connection | $(row rr 2) | $(row rr 1) |
| conn: a new TCP connection per round trip | $(row conn 2) | $(row conn 1) |
| dns: UDP query + answer via loopback | $(row dns 2) | $(row dns 1) |

Kernel accounting (bpf_stats run_time_ns / ops; runs per op):
- rr: ${acct[rr]}
- conn: ${acct[conn]}
- dns: ${acct[dns]}

ringtap's own CPU (userspace + its syscalls) per op: rr ${cpu[rr]} ns, conn ${cpu[conn]} ns, dns ${cpu[dns]} ns per query.

Last consumer output: $(tr '\n' ' ' <"$TMP/last")
EOF
