#!/usr/bin/env bash
# Runs one leg of the kernel matrix and checks it: boots a Debian kernel under
# qemu (TCG: no KVM is assumed) with an initramfs holding ringtap and the
# scenario (tests/kernels/scenario.sh), or runs the scenario on the host.
#
# Usage: scripts/kernels/run-leg.sh LEG BINDIR OUTDIR [RESULTS.jsonl]
#   LEG     host | amd64-6.1 | amd64-6.12 | arm64-6.1 | arm64-6.12
#   BINDIR  ringtap, prog_actor and prog_file_events built for the leg's arch
#   OUTDIR  gets serial.log (VM legs) and the scenario's files
# Prints the per-type results and one summary line; exit 0 when the probes
# loaded, every expected event arrived and the kernel dropped nothing.
set -euo pipefail

leg=${1:?usage: run-leg.sh LEG BINDIR OUTDIR [RESULTS.jsonl]}
bindir=$(cd "${2:?}" && pwd)
outdir=${3:?}
results=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
timeout_s=${RINGTAP_KERNEL_TIMEOUT:-900}

rm -rf "$outdir"
mkdir -p "$outdir"
start=$(date +%s)

if [ "$leg" = host ]; then
  sh "$src/tests/kernels/scenario.sh" "$bindir" "$outdir"
  label="$(uname -m)-$(uname -r) (host)"
else
  arch=${leg%%-*}
  series=${leg#*-}
  kdir=$("$here/fetch-kernel.sh" "$arch" "$series")
  "$here/make-initramfs.sh" "$arch" "$bindir" "$outdir/initrd.gz" "$kdir"
  case "$arch" in
    amd64) qemu=(qemu-system-x86_64 -M pc -smp 2 -append "console=ttyS0 panic=-1 quiet") ;;
    # pauth-impdef: the cheap pointer-auth algorithm, much faster under TCG.
    arm64) qemu=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -smp 2
                 -append "console=ttyAMA0 panic=-1 quiet") ;;
  esac
  # -no-reboot: the init's `reboot -f` (and a panic) end qemu.
  timeout "$timeout_s" "${qemu[@]}" -accel tcg,thread=multi -m 1024 -nographic -no-reboot -nic none \
    -kernel "$kdir/vmlinuz" -initrd "$outdir/initrd.gz" >"$outdir/serial.log" 2>&1 || true
  rm -f "$outdir/initrd.gz"
  if ! grep -q RINGTAP-MATRIX-END "$outdir/serial.log"; then
    echo "$leg: the VM gave no result within ${timeout_s}s; last console lines:" >&2
    tail -20 "$outdir/serial.log" >&2
    exit 1
  fi
  sed -n '/RINGTAP-MATRIX-BEGIN/,/RINGTAP-MATRIX-END/p' "$outdir/serial.log" | tr -d '\r' |
    grep -E '^[A-Za-z0-9+/=]+$' | base64 -d | tar -xz -C "$outdir"
  label=$(tr -d '\r' <"$outdir/serial.log" | sed -n 's/^kernel \([^ ]*\) \([^ ]*\)$/\2-\1/p' | head -1)
fi
echo "$leg: $label, $(($(date +%s) - start)) s wall"
python3 "$src/tests/kernels/check_events.py" "$outdir" "$label" ${results:+--json "$results"}
