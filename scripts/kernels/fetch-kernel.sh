#!/usr/bin/env bash
# Fetches one Debian kernel for the qemu matrix and prints the directory that
# holds it (vmlinuz, config, version, and test.ko: one small module of that
# kernel, uncompressed, with test.ko.name the name the kernel gives it, for
# the scenario's module load). Kernels come from Debian's registry
# through apt-get download only; everything is cached under
# $RINGTAP_KERNEL_CACHE (default /var/cache/ringtap/kernels), keyed by the
# package version, and never in the repository.
#
# Usage: scripts/kernels/fetch-kernel.sh ARCH SERIES
#   ARCH   amd64 | arm64          (Debian architecture names)
#   SERIES 6.1  | 6.12            (6.1 from bookworm, 6.12 from bookworm-backports)
set -euo pipefail

arch=${1:?usage: fetch-kernel.sh amd64|arm64 6.1|6.12}
series=${2:?usage: fetch-kernel.sh amd64|arm64 6.1|6.12}
cache=${RINGTAP_KERNEL_CACHE:-/var/cache/ringtap/kernels}

case "$arch" in amd64|arm64) ;; *) echo "fetch-kernel: unknown arch '$arch' (amd64 or arm64)" >&2; exit 2 ;; esac
case "$series" in
  6.1) release=bookworm ;;
  6.12) release=bookworm-backports ;;
  *) echo "fetch-kernel: unknown series '$series' (6.1 or 6.12)" >&2; exit 2 ;;
esac

if [ "$arch" = arm64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64 &&
   [ "$(dpkg --print-architecture)" != arm64 ]; then
  dpkg --add-architecture arm64
  apt-get update -qq
fi

# The metapackage (linux-image-ARCH) names the current ABI's image package.
pkg=$(apt-cache depends -t "$release" "linux-image-$arch:$arch" 2>/dev/null |
      sed -n "s/^ *Depends: \(linux-image-$series[.0-9a-z+~-]*-$arch\)\(:$arch\)\?\$/\1/p" | head -1)
if [ -z "$pkg" ]; then
  echo "fetch-kernel: no linux-image-$series*-$arch in $release (run apt-get update?)" >&2
  exit 1
fi
# The unsigned image is the same kernel without the Secure Boot signature.
apt-cache show "$pkg-unsigned:$arch" >/dev/null 2>&1 && pkg=$pkg-unsigned
version=$(apt-cache policy "$pkg:$arch" | sed -n 's/^ *Candidate: //p')
dir=$cache/${pkg%-unsigned}_$version
if [ -s "$dir/vmlinuz" ] && [ -s "$dir/test.ko" ]; then
  echo "$dir"
  exit 0
fi

mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg:$arch=$version" >&2)
dpkg-deb --fsys-tarfile "$tmp"/*.deb |
  tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' './boot/config-*'
mkdir -p "$tmp/out"
mv "$tmp"/boot/vmlinuz-* "$tmp/out/vmlinuz"
mv "$tmp"/boot/config-* "$tmp/out/config"
# A small module without dependencies (a CRC library: loading it touches no
# hardware), uncompressed so finit_module needs no decompression flag.
for mod in lib/crc7 lib/crc-itu-t lib/crc4; do
  dpkg-deb --fsys-tarfile "$tmp"/*.deb |
    tar -x -C "$tmp" --wildcards "./lib/modules/*/kernel/$mod.ko*" "./usr/lib/modules/*/kernel/$mod.ko*" 2>/dev/null || true
  ko=$(find "$tmp/lib" "$tmp/usr" -name "$(basename "$mod").ko*" 2>/dev/null | head -1 || true)
  [ -n "$ko" ] || continue
  case "$ko" in
    *.xz) xz -dc "$ko" >"$tmp/out/test.ko" ;;
    *.zst) zstd -qdc "$ko" >"$tmp/out/test.ko" ;;
    *) cp "$ko" "$tmp/out/test.ko" ;;
  esac
  basename "$mod" | tr - _ >"$tmp/out/test.ko.name"
  break
done
[ -s "$tmp/out/test.ko" ] || { echo "fetch-kernel: $pkg has none of the test modules (lib/crc7, ...)" >&2; exit 1; }
echo "${pkg%-unsigned} $version" >"$tmp/out/version"
rm -rf "$dir"
mv "$tmp/out" "$dir"
echo "$dir"
