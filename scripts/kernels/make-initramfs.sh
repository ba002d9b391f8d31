#!/usr/bin/env bash
# Builds the kernel-matrix initramfs: a static busybox, /init, the scenario,
# and ringtap plus the workload programs with every shared library they load
# (resolved from ELF NEEDED entries, so it works for a cross-built arm64 tree
# as well as for the host's).
#
# Usage: scripts/kernels/make-initramfs.sh ARCH BINDIR OUT.cpio.gz [KDIR]
#   ARCH   amd64 | arm64; BINDIR holds ringtap and the workload programs (prog_*)
#   KDIR   the kernel's directory (fetch-kernel.sh): its test.ko goes in as
#          /opt/ringtap/ringtap-test.ko (a file name that is not the module's
#          own), test.ko.name beside it
set -euo pipefail

arch=${1:?usage: make-initramfs.sh amd64|arm64 BINDIR OUT [KDIR]}
bindir=${2:?}
out=${3:?}
kdir=${4:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
cache=${RINGTAP_KERNEL_CACHE:-/var/cache/ringtap/kernels}

case "$arch" in
  amd64) triplet=x86_64-linux-gnu ;;
  arm64) triplet=aarch64-linux-gnu ;;
  *) echo "make-initramfs: unknown arch '$arch'" >&2; exit 2 ;;
esac
libdirs="/lib/$triplet /usr/lib/$triplet /usr/$triplet/lib"

# busybox-static for ARCH, from Debian (the host's own if it is that arch).
busybox=$cache/busybox-$arch/busybox
if [ ! -x "$busybox" ]; then
  if [ "$arch" = "$(dpkg --print-architecture)" ] && [ -x /bin/busybox ] &&
     file -L /bin/busybox | grep -q 'statically linked'; then
    mkdir -p "$(dirname "$busybox")" && cp /bin/busybox "$busybox"
  else
    t=$(mktemp -d)
    (cd "$t" && apt-get download -qq -o APT::Sandbox::User=root "busybox-static:$arch" >&2)
    dpkg-deb -x "$t"/busybox-static_*.deb "$t/x"
    mkdir -p "$(dirname "$busybox")" && cp "$t/x/bin/busybox" "$busybox"
    rm -rf "$t"
  fi
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,opt/ringtap}
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$src/tests/kernels/init.sh" "$root/init"
install -m 0755 "$src/tests/kernels/scenario.sh" "$root/scenario.sh"
echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

find_lib() { # find_lib NAME: the first file of that name in the arch's lib dirs
  local d
  for d in $libdirs; do
    [ -e "$d/$1" ] && { readlink -f "$d/$1"; return 0; }
  done
  echo "make-initramfs: no $1 for $arch in $libdirs (install its :$arch package)" >&2
  return 1
}

declare -A copied=()
copy_with_libs() { # copy_with_libs FILE DEST: FILE and, recursively, its NEEDED libs
  local file=$1 dest=$2 interp lib path
  cp -L "$file" "$root$dest"
  interp=$(readelf -l "$file" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  if [ -n "$interp" ] && [ -z "${copied[$interp]:-}" ]; then
    copied[$interp]=1
    mkdir -p "$root$(dirname "$interp")"
    cp -L "$(find_lib "$(basename "$interp")")" "$root$interp"
  fi
  for lib in $(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [ -n "${copied[$lib]:-}" ] && continue
    copied[$lib]=1
    path=$(find_lib "$lib")
    mkdir -p "$root/lib/$triplet"
    copy_with_libs "$path" "/lib/$triplet/$lib"
  done
}

for prog in "$bindir"/ringtap "$bindir"/prog_*; do
  copy_with_libs "$prog" "/opt/ringtap/$(basename "$prog")"
done
if [ -n "$kdir" ] && [ -s "$kdir/test.ko" ]; then
  cp "$kdir/test.ko" "$root/opt/ringtap/ringtap-test.ko"
  cp "$kdir/test.ko.name" "$root/opt/ringtap/ringtap-test.ko.name"
fi
# Each lib dir the loader searches by default on both arches.
ln -s lib "$root/lib64" 2>/dev/null || true
mkdir -p "$root/usr" && ln -s ../lib "$root/usr/lib"

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
