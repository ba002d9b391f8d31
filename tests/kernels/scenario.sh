#!/bin/sh
# The kernel-matrix scenario: load ringtap's probes, run a workload that makes
# every event type at least once, stop ringtap and report. Runs as root inside
# the qemu VM (busybox sh, /init) and, for the host leg, on the host itself.
#
# Usage: scenario.sh BINDIR OUTDIR
#   BINDIR holds ringtap and the workload programs (prog_*: tests/kernels/lib.sh)
#   OUTDIR receives events.ndjson, ringtap.log, steps.txt, facts.txt and each
#   step's output (step-NAME.out: "KEY VALUE" lines the checker reads)
#
# To cover a new event type: add a step below (a line `step NAME CMD...`; the
# pid of each step goes to steps.txt) and its expectation to
# tests/kernels/check_events.py's EXPECT table.
set -u
bin=$1
out=$2
work=$out/w
mkdir -p "$work"
: >"$out/steps.txt"

uptime_cs() { # /proc/uptime in centiseconds (busybox has no %N)
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

step() { # step NAME CMD...: run CMD, record its pid and exit status
	name=$1
	shift
	"$@" >"$out/step-$name.out" 2>&1 &
	pid=$!
	wait $pid
	echo "$name $pid $?" >>"$out/steps.txt"
}

# Two sinks: ringtap's JSON (what check_events.py reads) and the same events
# as OCSF (the module load's class 1002 is checked there too).
printf 'sinks:\n  - {type: ndjson, path: "%s"}\n  - {type: ndjson, path: "%s", format: ocsf}\n' \
	"$out/events.ndjson" "$out/events.ocsf.ndjson" >"$out/ringtap.yaml"
t0=$(uptime_cs)
"$bin/ringtap" run -c "$out/ringtap.yaml" --duration "${RINGTAP_SCENARIO_MAX_S:-600}" \
	>"$out/ringtap.stdout" 2>"$out/ringtap.log" &
rt=$!
while ! grep -q 'probes attached' "$out/ringtap.log" 2>/dev/null; do
	if ! kill -0 $rt 2>/dev/null; then
		wait $rt
		echo "load_failed $?" >"$out/facts.txt"
		exit 0
	fi
	sleep 0.1
done
printf "load_cs %s\noutdir %s\n" $(($(uptime_cs) - t0)) "$out" >"$out/facts.txt"

# --- the workload: one step per family; each step's pid lands in steps.txt ---
busybox nc -l -p 7777 -e /bin/true >/dev/null 2>&1 &   # the accept side (busybox nc)
listener=$!
sleep 0.5
# exec, fork, exit, open and connect: prog_actor opens, connects to the
# listener, forks a child that exits 7 and exits 3 itself.
step actor "$bin/prog_actor" "$work/actor.txt" 7777 kernels-matrix
wait $listener 2>/dev/null
echo "listener $listener" >>"$out/steps.txt"
# unlink, rename, chmod, chown, link, mknod (every variant the arch has)
mkdir -p "$work/files"
step files "$bin/prog_file_events" "$work/files"
# cred, ptrace, memfd, module, mount, namespace, dup, signal, bpf: each call
# once, some failing on purpose (init_module fails: -ENOSYS without
# CONFIG_MODULES, else a bad image); it unshares its own mount namespace.
mkdir -p "$work/proc"
step proc "$bin/prog_proc_events" "$work/proc"
# module: finit_module of a real module of this kernel (ringtap-test.ko,
# from the Debian package: a file name that is not the module's own), then
# delete_module; VM legs only (make-initramfs.sh puts it there; the host
# may have no module support)
if [ -s "$bin/ringtap-test.ko" ]; then
	step module "$bin/prog_module_load" "$bin/ringtap-test.ko" "$(cat "$bin/ringtap-test.ko.name")"
	echo "module_name $(cat "$bin/ringtap-test.ko.name")" >>"$out/facts.txt"
fi
# io_uring: setup, then openat, connect and send submitted through the ring
echo ringtap >"$work/uring.txt"
step uring "$bin/prog_io_uring" "$work/uring.txt"
# dns (its own responder on 127.0.0.1:53), bind, listen, tcp_established,
# tcp_close, a raw socket, unix_socket: in a private network namespace
mkdir -p "$work/net"
step net "$bin/prog_net_events" "$work/net"

# Let the consumer's bounded poll pick up the tail, then stop ringtap.
sleep 1
kill -INT $rt
wait $rt
echo "ringtap_exit $?" >>"$out/facts.txt"
