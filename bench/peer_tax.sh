#!/usr/bin/env bash
# ringtap against Falco's capture engine in the same run, on the
# openat+close loop (the issue 15 table).
#
#   bench/peer_tax.sh [BUILD_DIR]     (root; prints a markdown report)
#   env: N=pairs per timed run (500000)  RUNS=runs per mode (5, at least 5 for the headline)
#        SAT_N=pairs per loop in the saturation run (1000000)
#        FALCO=path of scap-open (default: $SRC/../shared/peers/falco-libs-0.25.4/scap-open)
#        PLOT=write a PNG bar chart here (gnuplot)
#        PIN=1 timed loops on the last CPU, the sensor on the first (0: off)
#
# Modes, interleaved in every run with a fresh "none" before each probed one:
#   none          no probes
#   floor         empty tp_btf/sys_enter + sys_exit (bench/hook_floor)
#   ringtap       ringtap run --sink null, every open captured
#   falco_oc      scap-open --modern_bpf, openat and close only (ppm_sc 197, 6)
#   falco_simple  scap-open --modern_bpf --simple_set (~80 syscalls)
# Per probed run: the loop's CPU time (CLOCK_PROCESS_CPUTIME_ID) minus the
# neighbouring "none"; the sensor's own CPU (utime+stime of all its threads,
# from /proc/PID/task/*/schedstat in ns) over the loop and 0.5 s of drain,
# per pair; then, with the kernel's accounting on through a held
# BPF_ENABLE_STATS fd (bench/bpf_stats_hold; the timed loop runs without it,
# the accounting costs time per program run), the BPF ns of one uninteresting
# syscall (a getppid loop) and of one openat+close pair (the loop's other
# syscalls priced at the uninteresting rate). Then a saturation run: one loop
# per CPU, flat out, opens captured per second and drops per sensor.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${RINGTAP_BUILD:-$SRC/build}}
N=${N:-500000}
RUNS=${RUNS:-5}
SAT_N=${SAT_N:-1000000}
FALCO=${FALCO:-$SRC/../shared/peers/falco-libs-0.25.4/scap-open}
ACC_N=$((N / 5))

if [ "$(id -u)" != 0 ]; then
	echo "SKIPPED: peer_tax loads BPF programs and needs root"
	exit 77
fi
for bin in bench/openclose_loop bench/hook_floor bench/bpf_stats_hold ringtap; do
	[ -x "$BUILD/$bin" ] || { echo "peer_tax: $BUILD/$bin missing; build first (make build)" >&2; exit 1; }
done

MODES="floor ringtap"
falco_note=
if [ ! -x "$FALCO" ]; then
	falco_note="Falco not measured: $FALCO not found (see shared/peers/README.md)."
elif ! "$FALCO" --help >/dev/null 2>&1; then
	falco_note="Falco not measured: $FALCO does not run on this machine ($(uname -m); the peer binary is x86_64)."
else
	MODES="$MODES falco_oc falco_simple"
fi
[ -z "$falco_note" ] || echo "peer_tax: $falco_note" >&2

TMP=$(mktemp -d /tmp/ringtap-peer.XXXXXX)
TARGET=$TMP/target
: >"$TARGET"
SENSOR_PID= HOLD_PID=

cleanup() {
	stop_hold
	stop_sensor
	rm -rf "$TMP"
}
trap cleanup EXIT

# start_sensor MODE [try]: run it in the background until it says it
# captures; "try" returns 1 on failure instead of ending the bench.
start_sensor() {
	local ready
	case $1 in
	floor) "$BUILD/bench/hook_floor" >"$TMP/$1.out" 2>&1 & ready=ready ;;
	ringtap) "$BUILD/ringtap" run --sink null >"$TMP/$1.out" 2>&1 & ready=capturing ;;
	falco_oc) stdbuf -oL -eL "$FALCO" --modern_bpf --ppm_sc 197 --ppm_sc 6 >"$TMP/$1.out" 2>&1 &
		ready="Live capture in progress" ;;
	falco_simple) stdbuf -oL -eL "$FALCO" --modern_bpf --simple_set >"$TMP/$1.out" 2>&1 &
		ready="Live capture in progress" ;;
	esac
	SENSOR_PID=$!
	for _ in $(seq 600); do
		grep -q "$ready" "$TMP/$1.out" && return 0
		kill -0 "$SENSOR_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ "${2:-}" = try ]; then
		kill "$SENSOR_PID" 2>/dev/null || true
		wait "$SENSOR_PID" 2>/dev/null || true
		SENSOR_PID=
		return 1
	fi
	echo "peer_tax: $1 did not start:" >&2
	cat "$TMP/$1.out" >&2
	exit 1
}

stop_sensor() {
	if [ -n "$SENSOR_PID" ]; then
		kill -INT "$SENSOR_PID" 2>/dev/null || true
		wait "$SENSOR_PID" 2>/dev/null || true
		SENSOR_PID=
	fi
}

start_hold() {
	"$BUILD/bench/bpf_stats_hold" >"$TMP/hold.out" 2>&1 &
	HOLD_PID=$!
	for _ in $(seq 100); do
		grep -q ready "$TMP/hold.out" && return 0
		sleep 0.02
	done
	echo "peer_tax: bpf_stats_hold did not start:" >&2
	cat "$TMP/hold.out" >&2
	exit 1
}

stop_hold() {
	if [ -n "$HOLD_PID" ]; then
		kill "$HOLD_PID" 2>/dev/null || true
		wait "$HOLD_PID" 2>/dev/null || true
		HOLD_PID=
	fi
}

# sensor_cpu_ns PID: utime+stime of every thread, ns (schedstat's run time).
sensor_cpu_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# drops MODE: records the kernel side could not write, from the exit summary.
drops() {
	case $1 in
	floor) echo 0 ;;
	ringtap) sed -n 's/.*kernel: \([0-9]*\) dropped.*/\1/p' "$TMP/$1.out" | tail -n 1 ;;
	falco_*) sed -n 's/^\[1\] n_drops: \([0-9]*\).*/\1/p' "$TMP/$1.out" | tail -n 1 ;;
	esac
}

# captured_opens MODE: openat records the sensor wrote, from its exit summary.
captured_opens() {
	case $1 in
	ringtap) sed -n 's/.*[(,] open \([0-9]*\),.*/\1/p' "$TMP/$1.out" | tail -n 1 ;;
	falco_*) sed -n 's/^- \[openat__exit\]: \([0-9]*\).*/\1/p' "$TMP/$1.out" | tail -n 1 ;;
	esac
}

loop() { "$BUILD/bench/openclose_loop" "$@"; }
# The timed loops run pinned to the last CPU and the sensors to the first
# (PIN=0 turns it off): a migration of the loop next to the consumer moved
# the added CPU by more than the differences being measured.
PIN=${PIN:-1}
LOOP_CPU=$(($(nproc) - 1))
pinned_loop() { if [ "$PIN" = 1 ]; then taskset -c "$LOOP_CPU" "$BUILD/bench/openclose_loop" "$@"; else loop "$@"; fi; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) print "n/a"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# account: BPF ns per uninteresting syscall and per openat+close pair of
# the running sensor, "u pair".
account() {
	local t0 e0 t1 e1 t2 e2
	start_hold
	read -r t0 e0 < <("$SRC/bench/prog_stats.py" "$SENSOR_PID")
	loop --getppid "$ACC_N" >/dev/null
	read -r t1 e1 < <("$SRC/bench/prog_stats.py" "$SENSOR_PID")
	loop "$TARGET" "$ACC_N" >/dev/null
	read -r t2 e2 < <("$SRC/bench/prog_stats.py" "$SENSOR_PID")
	stop_hold
	awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v e0="$e0" -v e1="$e1" -v e2="$e2" -v n="$ACC_N" 'BEGIN {
		u = (e1 > e0) ? (t1 - t0) / (e1 - e0) : 0
		printf "%.0f %.0f\n", u, ((t2 - t1) - (e2 - e1 - 2 * n) * u) / n
	}'
}

# A peer whose probe this kernel's verifier refuses is not measured, and
# the report says why (Falco 0.25.4's task iterator on 6.18.44, for one).
if [[ " $MODES " == *" falco_oc "* ]] && ! start_sensor falco_oc try; then
	why=$(grep -m1 -E 'failed to load|Permission denied|invalid' "$TMP/falco_oc.out" || true)
	falco_note="Falco not measured: its probe did not load on this kernel ($(uname -r)): ${why:-see its output}."
	echo "peer_tax: $falco_note" >&2
	MODES="floor ringtap"
elif [ -n "$SENSOR_PID" ]; then
	stop_sensor
fi

# ---- interleaved timed runs --------------------------------------------
declare -A added scpu bpf_u bpf_pair ndrop
loop "$TARGET" $((N / 10)) >/dev/null # warm the caches
none_all=()
for i in $(seq "$RUNS"); do
	line="run $i (loop CPU ns per pair):"
	for m in $MODES; do
		read -r _ base < <(pinned_loop "$TARGET" "$N")
		none_all+=("$base")
		start_sensor "$m"
		[ "$PIN" = 1 ] && [ "$LOOP_CPU" != 0 ] && taskset -a -p -c 0 "$SENSOR_PID" >/dev/null
		c0=$(sensor_cpu_ns "$SENSOR_PID")
		read -r _ cpu < <(pinned_loop "$TARGET" "$N")
		sleep 0.5 # the consumer drains what the loop wrote
		c1=$(sensor_cpu_ns "$SENSOR_PID")
		read -r u pair < <(account)
		stop_sensor
		added[$m]+="$(awk -v a="$cpu" -v b="$base" 'BEGIN { print a - b }') "
		scpu[$m]+="$(awk -v a="$c0" -v b="$c1" -v n="$N" 'BEGIN { printf "%.0f", (b - a) / n }') "
		bpf_u[$m]+="$u "
		bpf_pair[$m]+="$pair "
		ndrop[$m]=$(awk -v a="${ndrop[$m]:-0}" -v b="$(drops "$m")" 'BEGIN { print (a b ~ /^[0-9]+$/ && b != "") ? a + b : "n/a" }')
		line+=" none $base $m $cpu;"
	done
	echo "$line" >&2
done

med() { printf '%s\n' $1 | median; }
fmt() { awk -v v="$1" 'BEGIN { if (v == "n/a") print v; else printf "%.0f", v }'; }
floor_added=$(med "${added[floor]}")
falco_scpu=
[ -z "${added[falco_oc]:-}" ] || falco_scpu=$(med "${scpu[falco_oc]}")
falco_added=
[ -z "${added[falco_oc]:-}" ] || falco_added=$(med "${added[falco_oc]}")

label() {
	case $1 in
	floor) echo "empty tp_btf sys_enter+sys_exit (floor)" ;;
	ringtap) echo "ringtap \`run --sink null\`" ;;
	falco_oc) echo "Falco modern_bpf, openat+close only" ;;
	falco_simple) echo "Falco modern_bpf, simple set" ;;
	esac
}

# ---- saturation: one loop per CPU, flat out ------------------------------
sat_rows=
for m in none $MODES; do
	[ "$m" = floor ] && continue
	[ "$m" = none ] || start_sensor "$m"
	t0=$(date +%s.%N)
	pids=()
	for _ in $(seq "$(nproc)"); do
		loop "$TARGET" "$SAT_N" >/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	t1=$(date +%s.%N)
	if [ "$m" = none ]; then
		sat_rows+="| none | $(awk -v a="$t0" -v b="$t1" -v n=$((SAT_N * $(nproc))) 'BEGIN { printf "%.0f", n / (b - a) }') | — | — |"$'\n'
		continue
	fi
	sleep 0.5
	stop_sensor
	opens=$(captured_opens "$m")
	sat_rows+="| $(label "$m") | $(awk -v a="$t0" -v b="$t1" -v n=$((SAT_N * $(nproc))) 'BEGIN { printf "%.0f", n / (b - a) }') | $(awk -v a="$t0" -v b="$t1" -v n="${opens:-0}" 'BEGIN { printf "%.0f", n / (b - a) }') | $(drops "$m") |"$'\n'
done

# ---- report ---------------------------------------------------------------
cat <<EOF
## ringtap against Falco, same run ($(date -u +%Y-%m-%d), $(uname -r), $(uname -m), $(nproc) CPUs, N=$N pairs, $RUNS runs per mode)

Medians of $RUNS interleaved runs, ns per openat+close pair. "Loop CPU added":
the loop's CPU time with the sensor minus the "none" run just before it.
Sensor CPU: utime+stime of the sensor process (all threads) over the loop
and its drain, per pair. BPF: the kernel's accounting (held
BPF_ENABLE_STATS fd, separate ${ACC_N}-pair loop), all of the sensor's
programs. Drops: records lost over all runs.

| mode | loop CPU added per pair | x floor | x Falco (openat+close) | sensor CPU per pair | BPF ns per pair | BPF ns per uninteresting syscall | drops |
|---|---:|---:|---:|---:|---:|---:|---:|
EOF
for m in $MODES; do
	a=$(med "${added[$m]}")
	xf=$(awk -v a="$a" -v f="$floor_added" 'BEGIN { printf "%.2f", (f > 0) ? a / f : 0 }')
	xfalco=—
	[ -z "$falco_added" ] || xfalco=$(awk -v a="$a" -v f="$falco_added" 'BEGIN { printf "%.2f", (f > 0) ? a / f : 0 }')
	s=$(fmt "$(med "${scpu[$m]}")")
	[ "$m" = floor ] && s=—
	echo "| $(label "$m") | $(fmt "$a") | $xf | $xfalco | $s | $(fmt "$(med "${bpf_pair[$m]}")") | $(fmt "$(med "${bpf_u[$m]}")") | ${ndrop[$m]} |"
done
echo
echo "\"none\" loop CPU per pair: median $(fmt "$(printf '%s\n' "${none_all[@]}" | median)") ns ($(printf '%s ' "${none_all[@]}"))."
for m in $MODES; do
	echo "Runs, $m: added ${added[$m]}; sensor ${scpu[$m]}; BPF pair ${bpf_pair[$m]}."
done
if [ -n "$falco_scpu" ]; then
	echo
	echo "ringtap sensor CPU / Falco's (openat+close only): $(awk -v r="$(med "${scpu[ringtap]}")" -v f="$falco_scpu" 'BEGIN { printf "%.2f", (f > 0) ? r / f : 0 }') (target <= 0.3)."
fi
cat <<EOF

Saturation: $(nproc) loops of $SAT_N pairs at once (one per CPU), default rings
(ringtap: one 8 MiB ring; Falco: 8 MiB per CPU). Opens captured from the
sensor's exit summary (it includes the machine's other opens meanwhile);
Falco writes two records per pair (openat and close exits).

| sensor | pairs/s done by the loops | opens/s captured | drops |
|---|---:|---:|---:|
$sat_rows
EOF
[ -z "$falco_note" ] || printf '\n%s\n' "$falco_note"

if [ -n "${PLOT:-}" ]; then
	if ! command -v gnuplot >/dev/null; then
		echo "peer_tax: gnuplot missing (scripts/install-deps.sh test installs gnuplot-nox); no plot" >&2
	else
		for m in $MODES; do
			printf '"%s" %s %s %s\n' "$(label "$m" | tr -d '`')" "$(med "${added[$m]}")" \
				"$(med "${bpf_pair[$m]}")" "$( [ "$m" = floor ] && echo 0 || med "${scpu[$m]}")"
		done >"$TMP/plot.dat"
		gnuplot <<EOF
set terminal pngcairo size 1000,560 noenhanced
set output "$PLOT"
set title "openat+close loop, ns per pair (medians of $RUNS interleaved runs, $(uname -m), $(nproc) CPUs, $(date -u +%Y-%m-%d))"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set ylabel "ns per openat+close pair"
set xtics rotate by -15 scale 0
set key top left
set grid ytics
plot "$TMP/plot.dat" using 2:xtic(1) title "loop CPU added", '' using 3 title "BPF ns (kernel accounting)", '' using 4 title "sensor CPU"
EOF
		echo "peer_tax: plot written to $PLOT" >&2
	fi
fi
