#!/usr/bin/env bash
# Make a cgroup laid out like a kubelet pod container and (optionally) move a
# process into it; for live tests of pod attribution (same layouts as
# kubelet_cgroup.h).
#
#   kubelet_cgroup.sh create ROOT LAYOUT UID CID   -> prints the cgroup dir
#   kubelet_cgroup.sh move DIR PID
#   kubelet_cgroup.sh remove ROOT DIR              (rmdir DIR and parents below ROOT)
#
# ROOT is a directory inside the cgroup v2 mount (e.g.
# /sys/fs/cgroup/unified/ringtap-test-$$). LAYOUT: systemd-containerd,
# systemd-crio, systemd-docker, cgroupfs, cgroupfs-crio, k3s.
set -euo pipefail

cmd=${1:-}
case "$cmd" in
create)
  root=$2 layout=$3 uid=$4 cid=$5
  u=${uid//-/_}
  case "$layout" in
    systemd-containerd) rel="kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$u.slice/cri-containerd-$cid.scope" ;;
    systemd-crio) rel="kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$u.slice/crio-$cid.scope" ;;
    systemd-docker) rel="kubepods.slice/kubepods-pod$u.slice/docker-$cid.scope" ;;
    cgroupfs) rel="kubepods/besteffort/pod$uid/$cid" ;;
    cgroupfs-crio) rel="kubepods/burstable/pod$uid/crio-$cid" ;;
    k3s) rel="system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope/kubepods/besteffort/pod$uid/$cid" ;;
    *) echo "kubelet_cgroup.sh: unknown layout '$layout'" >&2; exit 2 ;;
  esac
  mkdir -p "$root/$rel"
  echo "$root/$rel"
  ;;
move)
  echo "$3" >"$2/cgroup.procs"
  ;;
remove)
  root=${2%/} dir=${3%/}
  while [ "${#dir}" -gt "${#root}" ]; do
    rmdir "$dir" 2>/dev/null || true
    dir=$(dirname "$dir")
  done
  rmdir "$root" 2>/dev/null || true
  ;;
*)
  sed -n '2,13p' "$0" >&2
  exit 2
  ;;
esac
