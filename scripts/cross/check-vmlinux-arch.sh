#!/bin/sh
# check-vmlinux-arch.sh VMLINUX_H ARCH(x86|arm64): fail when vmlinux.h was
# dumped from another architecture's BTF, e.g. an arm64 image built under
# emulation on an x86_64 host, whose /sys/kernel/btf/vmlinux is the host's.
# The register layout (struct pt_regs) tells them apart.
h=$1
arch=$2
case "$arch" in
  x86) grep -q '^struct pt_regs {' "$h" && grep -q 'long unsigned int r15;' "$h" && exit 0 ;;
  arm64) grep -q '^struct user_pt_regs {' "$h" && exit 0 ;;
esac
echo "ringtap: $h is not an $arch vmlinux.h (dumped from another architecture's BTF?);" \
     "pass -DRINGTAP_VMLINUX_H=<an $arch vmlinux.h>, e.g. from scripts/kernels/build-arm64.sh" >&2
exit 1
