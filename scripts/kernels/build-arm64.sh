#!/usr/bin/env bash
# Cross-builds ringtap and the kernel-matrix workload programs for arm64 and
# copies them to BINDIR. The BPF objects are compiled for __TARGET_ARCH_arm64
# against a vmlinux.h dumped from Debian's arm64 6.12 kernel's BTF (CO-RE
# relocates them to older kernels), cached next to that kernel.
#
# Usage: scripts/kernels/build-arm64.sh BUILDDIR BINDIR
set -euo pipefail

builddir=${1:?usage: build-arm64.sh BUILDDIR BINDIR}
bindir=${2:?usage: build-arm64.sh BUILDDIR BINDIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)

"$src/scripts/cross/install-arm64-deps.sh"
kdir=$("$here/fetch-kernel.sh" arm64 6.12)
if [ ! -s "$kdir/vmlinux.h" ]; then
  python3 "$here/extract-btf.py" "$kdir/vmlinuz" "$kdir/vmlinux.btf"
  bpftool btf dump file "$kdir/vmlinux.btf" format c >"$kdir/vmlinux.h.tmp"
  mv "$kdir/vmlinux.h.tmp" "$kdir/vmlinux.h"
fi

cmake -S "$src" -B "$builddir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$src/scripts/cross/aarch64-linux-gnu.cmake" \
  -DRINGTAP_VMLINUX_H="$kdir/vmlinux.h" -DRINGTAP_TESTS=OFF >/dev/null
cmake --build "$builddir" --target ringtap -j "$(nproc)"
mkdir -p "$bindir"
cp "$builddir/ringtap" "$bindir/ringtap"
# The workload programs use libc only: no need for the test tree.
# (tests/kernels/lib.sh's KERNELS_PROGS)
for prog in bpf/prog_actor bpf/prog_file_events bpf/prog_proc_events bpf/prog_io_uring kernels/prog_net_events \
    kernels/prog_module_load; do
  aarch64-linux-gnu-gcc -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$bindir/${prog#*/}" "$src/tests/$prog.c"
done
file "$bindir/ringtap" | grep -q 'ARM aarch64' || { echo "build-arm64: $bindir/ringtap is not arm64" >&2; exit 1; }
