#!/usr/bin/env bash
# Installs what building and testing ringtap needs, from Debian's registry.
# Used by `make test`, CI and the Dockerfile's build stage, so all three agree.
#
# Versions: libbpf 1.4.6 and bpftool 7.5 from bookworm-backports (bookworm's
# libbpf 1.1 lacks APIs the loader uses), clang-19 from bookworm, librdkafka
# 2.0.2 from bookworm (its idempotent-producer fatal errors are handled by
# recreating the producer, see src/sink/).
#
# Usage: scripts/install-deps.sh [build|runtime|test]   (default: test)
set -euo pipefail

what=${1:-test}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

BUILD_PKGS="build-essential cmake ninja-build make pkg-config clang-19 llvm-19 libelf-dev zlib1g-dev
  libbpf-dev bpftool librdkafka-dev libprotobuf-c-dev protobuf-c-compiler
  libyaml-dev libjson-c-dev libcurl4-openssl-dev libmicrohttpd-dev
  libldns-dev libssl-dev
  libsimdjson-dev
  libjemalloc2"
RUNTIME_PKGS="libbpf1 librdkafka1 libprotobuf-c1 libyaml-0-2 libjson-c5 libelf1 zlib1g libcurl4 libmicrohttpd12 ca-certificates
  libldns3 libssl3
  libsimdjson14 libstdc++6
  libjemalloc2"
# One line per area, so areas add packages without touching each other's lines.
TEST_PKGS="libcmocka-dev valgrind protobuf-compiler kcat iproute2 procps maven default-jre-headless python3 python3-yaml openssl
  libcap2-bin
  default-jdk-headless
  libclang-rt-19-dev
  python3-pip
  qemu-system-x86 qemu-system-arm busybox-static cpio file gcc-aarch64-linux-gnu xz-utils zstd
  dnsmasq-base bind9-dnsutils
  etcd-server containerd runc containernetworking-plugins iptables mmdebstrap umoci skopeo
  gnuplot-nox
  python3-venv"
BACKPORTS_PKGS="libbpf-dev libbpf1 bpftool"

case "$what" in
  build) pkgs="$BUILD_PKGS" ;;
  runtime) pkgs="$RUNTIME_PKGS"; BACKPORTS_PKGS="libbpf1" ;;
  test) pkgs="$BUILD_PKGS $TEST_PKGS" ;;
  *) echo "usage: $0 [build|runtime|test]" >&2; exit 2 ;;
esac

need_install() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || return 0
  done
  # libbpf must be the backports version (>= 1.4)
  if dpkg --compare-versions "$(dpkg-query -W -f='${Version}' libbpf1 2>/dev/null || echo 0)" lt 1:1.4; then
    return 0
  fi
  return 1
}

# OCSF schema validation in the tests (tests/support/ocsf_validate.py): PyPI,
# pinned. ocsf-lib compiles ../shared/ocsf-schema, ocsf-json-schema makes
# per-class JSON Schemas, jsonschema validates.
PIP_TEST_PKGS="ocsf-lib==0.10.4 ocsf-json-schema==1.2.0 jsonschema==4.26.0"
pip_test_install() {
  [ "$what" = test ] || return 0
  python3 - $PIP_TEST_PKGS <<'PY' 2>/dev/null && return 0
import sys
from importlib.metadata import version
sys.exit(any(version(n) != v for n, v in (a.split("==") for a in sys.argv[1:])))
PY
  # shellcheck disable=SC2086
  python3 -m pip install -q $PIP_TEST_PKGS 2>/dev/null ||
    python3 -m pip install -q --break-system-packages $PIP_TEST_PKGS
}

# Schema-registry test (tests/kafka/test_kafka_registry.sh): confluent-kafka-
# python's ProtobufDeserializer and its protobuf, pinned,
# in a venv under the cache (its protobuf 7 stays out of the system's python).
SR_VENV=${RINGTAP_SR_VENV:-$HOME/.cache/ringtap/sr-venv}
SR_PIP_PKGS="confluent-kafka[schemaregistry,protobuf]==2.16.1 protobuf==7.36.2"
sr_venv_install() {
  [ "$what" = test ] || return 0
  "$SR_VENV/bin/python" - $SR_PIP_PKGS <<'PY' 2>/dev/null && return 0
import sys
from importlib.metadata import version
sys.exit(any(version(n.split("[")[0]) != v for n, v in (a.split("==") for a in sys.argv[1:])))
PY
  python3 -m venv "$SR_VENV"
  # shellcheck disable=SC2086
  "$SR_VENV/bin/python" -m pip install -q $SR_PIP_PKGS
}

# The same test's registry: Apicurio Registry built with Maven into
# ~/.cache/ringtap (once per content of tests/support/apicurio; the test
# builds it too when this has not run).
apicurio_build() {
  [ "$what" = test ] || return 0
  "$(dirname "$0")/../tests/support/apicurio/build.sh" >/dev/null
}

# shellcheck disable=SC2086
if ! need_install $pkgs $BACKPORTS_PKGS; then
  pip_test_install
  sr_venv_install
  apicurio_build
  echo "install-deps: everything for '$what' is installed"
  exit 0
fi

if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo 'deb http://deb.debian.org/debian bookworm-backports main' |
    $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports $BACKPORTS_PKGS
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $pkgs
pip_test_install
sr_venv_install
apicurio_build
echo "install-deps: installed packages for '$what'"
