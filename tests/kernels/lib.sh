# Shared by the kernel-matrix legs (tests/kernels/test_*.sh): where each
# arch's binaries come from, and running one leg through scripts/kernels.
# Results accumulate in $RINGTAP_BUILD/kernels/results.jsonl, which
# scripts/kernels/table.py turns into the README's feature table.

kernels_require_root() {
  if [ "$(id -u)" != 0 ]; then echo "SKIPPED: needs root (BPF on the host leg, the kernel cache)"; exit 77; fi
}

# The scenario's workload programs (tests/*/prog_NAME.c, libc only).
KERNELS_PROGS="prog_actor prog_file_events prog_proc_events prog_io_uring prog_net_events prog_module_load"

# kernels_bindir ARCH: prints a directory holding ringtap and the workload
# programs for ARCH (amd64 from this build; arm64 cross-built).
kernels_bindir() {
  local arch=$1 dir
  dir=$RINGTAP_BUILD/kernels/bin-$arch
  mkdir -p "$dir"
  if [ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ]; then
    "$RINGTAP_SRC/scripts/kernels/build-arm64.sh" "$RINGTAP_BUILD/kernels/build-arm64" "$dir" >&2 || return 1
  elif [ "$arch" = amd64 ] && [ "$(uname -m)" != x86_64 ]; then
    echo "kernels: amd64 legs run from an x86_64 build only" >&2
    return 1
  else
    ln -sf "$RINGTAP" "$dir/ringtap"
    for prog in $KERNELS_PROGS; do ln -sf "$RINGTAP_BUILD/tests/$prog" "$dir/$prog"; done
  fi
  echo "$dir"
}

# kernels_leg LEG: run one leg and report; the exit status is the leg's.
kernels_leg() {
  local leg=$1 arch bindir
  kernels_require_root
  arch=${leg%%-*}
  [ "$leg" = host ] && arch=$(dpkg --print-architecture)
  bindir=$(kernels_bindir "$arch") || { echo "0 passed, 1 failed"; return 1; }
  if "$RINGTAP_SRC/scripts/kernels/run-leg.sh" "$leg" "$bindir" "$RINGTAP_BUILD/kernels/$leg" \
       "$RINGTAP_BUILD/kernels/results.jsonl"; then
    echo "1 passed, 0 failed"
  else
    echo "0 passed, 1 failed"
    return 1
  fi
}
