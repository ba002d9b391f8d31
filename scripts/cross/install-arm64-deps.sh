#!/usr/bin/env bash
# Installs what cross-building ringtap for arm64 on an amd64 Debian bookworm
# host needs: the cross compiler and the :arm64 -dev packages (multiarch),
# libbpf from bookworm-backports like the native build.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
PKGS="gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libelf-dev:arm64 zlib1g-dev:arm64 librdkafka-dev:arm64
  libprotobuf-c-dev:arm64 libyaml-dev:arm64 libjson-c-dev:arm64 libcurl4-openssl-dev:arm64
  libmicrohttpd-dev:arm64 libssl-dev:arm64 libldns-dev:arm64 libsimdjson14:arm64
  libjemalloc2:arm64"
# libsimdjson-dev is not multi-arch (its :arm64 would replace the host's):
# the target's libsimdjson14 and the host's header (one for every arch)
# instead, see CMakeLists.txt.
BACKPORTS_PKGS="libbpf-dev:arm64 libbpf1:arm64"

installed() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || return 1
  done
  dpkg --compare-versions "$(dpkg-query -W -f='${Version}' libbpf1:arm64)" ge 1:1.4
}
# shellcheck disable=SC2086
installed $PKGS $BACKPORTS_PKGS && exit 0
dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends -t bookworm-backports $BACKPORTS_PKGS
# --force-overwrite: bookworm's libldns-dev:amd64 and :arm64 ship different copies
# of one doc file (README-Travis_8md.html), which blocks co-installing them.
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 -o DPkg::Options::=--force-overwrite \
  --no-install-recommends $PKGS
