#!/usr/bin/env bash
# Builds the images the test cluster runs, without a registry or a Docker daemon, as
# docker-archive tarballs for `ctr images import`:
#   ringtap/ringtap:<chart appVersion>  the Dockerfile's recipe: `make build` with the same
#       flags, a Debian bookworm minbase rootfs (what bookworm-slim is) that ran
#       `scripts/install-deps.sh runtime`, the binary at /usr/local/bin/ringtap, config/ at
#       /etc/ringtap, user 0, the same ENTRYPOINT and CMD.
#   registry.k8s.io/pause:3.10.1        the kubelet's sandbox, from the k8s source's pause.c.
# The rootfs (mmdebstrap, ~1 min) is cached under $RINGTAP_CLUSTER_CACHE keyed by the
# install script's hash; the binary layer is rebuilt from the tree every run.
#
# Usage: build-images.sh OUT_DIR      (writes OUT_DIR/ringtap.tar, OUT_DIR/pause.tar)
set -euo pipefail
out=${1:?usage: build-images.sh OUT_DIR}
src=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${RINGTAP_CLUSTER_CACHE:-/var/cache/ringtap/cluster}
K8S_VERSION=${K8S_VERSION:-v1.34.4}
arch=$(dpkg --print-architecture)
tag=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$src/charts/ringtap/Chart.yaml")
[ -n "$tag" ] || { echo "build-images: no appVersion in charts/ringtap/Chart.yaml" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$CACHE/images"

# oci_pack REF LAYER_TAR OUT_TAR [umoci config args...]: one-layer image
oci_pack() {
  local ref=$1 layer=$2 tarball=$3 lay=$work/oci; shift 3
  rm -rf "$lay"
  umoci init --layout "$lay"
  umoci new --image "$lay:img"
  umoci raw add-layer --image "$lay:img" "$layer"
  umoci config --image "$lay:img" --os linux --architecture "$arch" "$@"
  rm -f "$tarball"
  skopeo copy --quiet "oci:$lay:img" "docker-archive:$tarball:$ref"
}

# --- pause ---
if [ ! -f "$CACHE/images/pause-$K8S_VERSION-$arch.tar" ]; then
  kdir=$(GOMODCACHE=$CACHE/go/mod GOFLAGS=-buildvcs=false /usr/local/go/bin/go mod download -json \
    "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  mkdir -p "$work/pause"
  gcc -Os -Wall -static -DVERSION=v3.10.1-ringtap -o "$work/pause/pause" "$kdir/build/pause/linux/pause.c"
  strip "$work/pause/pause"
  tar -C "$work/pause" --owner=0 --group=0 --numeric-owner -cf "$work/pause.tar" pause
  oci_pack registry.k8s.io/pause:3.10.1 "$work/pause.tar" "$CACHE/images/pause-$K8S_VERSION-$arch.tar.tmp" \
    --config.entrypoint /pause --config.user 65535:65535
  mv "$CACHE/images/pause-$K8S_VERSION-$arch.tar.tmp" "$CACHE/images/pause-$K8S_VERSION-$arch.tar"
fi
cp "$CACHE/images/pause-$K8S_VERSION-$arch.tar" "$out/pause.tar"

# --- runtime rootfs: FROM debian:bookworm-slim + RUN install-deps.sh runtime ---
# keyed by the install script and this recipe's version (bump it when the mmdebstrap line changes)
ROOTFS_RECIPE=1
key=$( (cat "$src/scripts/install-deps.sh"; echo "recipe $ROOTFS_RECIPE") | sha256sum | cut -c1-16)
rootfs=$CACHE/images/rootfs-bookworm-$arch-$key.tar
if [ ! -f "$rootfs" ]; then
  rm -f "$CACHE"/images/rootfs-bookworm-"$arch"-*.tar
  mmdebstrap --quiet --format=tar --variant=minbase --architectures="$arch" \
    --dpkgopt='path-exclude=/usr/share/{doc,man,locale,info}/*' \
    --customize-hook="copy-in $src/scripts/install-deps.sh /tmp" \
    --customize-hook='chroot "$1" /tmp/install-deps.sh runtime >/dev/null' \
    --customize-hook='rm -rf "$1"/tmp/install-deps.sh "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
    bookworm "$rootfs.tmp" "deb http://deb.debian.org/debian bookworm main"
  mv "$rootfs.tmp" "$rootfs"
fi

# --- the binary: the Dockerfile's `make build` line ---
bdir=${RINGTAP_IMAGE_BUILD:-$src/build-image}
make -C "$src" build BUILD="$bdir" JOBS="$(nproc)" \
  CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Release -DRINGTAP_TESTS=OFF ${CMAKE_FLAGS:-}" >"$work/make.log" 2>&1 ||
  { tail -n 30 "$work/make.log" >&2; echo "build-images: the Dockerfile's make build failed" >&2; exit 1; }
"$bdir/ringtap" version >/dev/null
mkdir -p "$work/add/usr/local/bin" "$work/add/etc/ringtap"
install -m 0755 "$bdir/ringtap" "$work/add/usr/local/bin/ringtap"
cp -r "$src/config/." "$work/add/etc/ringtap/"
cp "$rootfs" "$work/layer.tar"
tar -C "$work/add" --owner=0 --group=0 --numeric-owner -rf "$work/layer.tar" ./usr/local/bin/ringtap ./etc/ringtap
# USER, ENTRYPOINT and CMD as the Dockerfile's runtime stage says (exec-form JSON arrays)
image_config=()
while IFS= read -r arg; do image_config+=("$arg"); done < <(python3 - "$src/Dockerfile" <<'PY'
import json, sys
stage = open(sys.argv[1]).read().split("\nFROM ")[-1]
for line in stage.splitlines():
    word, _, rest = line.partition(" ")
    if word == "USER":
        print("--config.user"); print(rest.strip())
    elif word in ("ENTRYPOINT", "CMD"):
        opt = "--config.entrypoint" if word == "ENTRYPOINT" else "--config.cmd"
        for a in json.loads(rest):
            print(opt); print(a)
PY
)
[ "${#image_config[@]}" -ge 4 ] || { echo "build-images: no USER/ENTRYPOINT/CMD in the Dockerfile's runtime stage" >&2; exit 1; }
oci_pack "ringtap/ringtap:$tag" "$work/layer.tar" "$out/ringtap.tar" "${image_config[@]}"
echo "build-images: ringtap/ringtap:$tag and pause in $out"
