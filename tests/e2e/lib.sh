# Shared by the end-to-end scripts: skip rules and starting ringtap.
require_root_bpf() {
  if [ "$(id -u)" != 0 ]; then echo "SKIPPED: needs root to load BPF programs"; exit 77; fi
  if [ ! -r /sys/kernel/btf/vmlinux ]; then echo "SKIPPED: kernel has no BTF (/sys/kernel/btf/vmlinux)"; exit 77; fi
  mountpoint -q /sys/fs/bpf 2>/dev/null || mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
}

# start_ringtap LOG ARGS...: start ringtap in the background, wait until its
# probes are attached (the "capturing" line), set RINGTAP_PID.
start_ringtap() {
  local log=$1; shift
  "$RINGTAP" "$@" 2>"$log" &
  RINGTAP_PID=$!
  # Loading means verifying the probes: ~4 s here, longer on a loaded machine.
  for _ in $(seq 1 1200); do
    grep -q 'capturing$' "$log" && return 0
    kill -0 "$RINGTAP_PID" 2>/dev/null || { echo "ringtap exited early:"; cat "$log"; return 1; }
    sleep 0.05
  done
  echo "ringtap did not attach within 60 s:"; cat "$log"; return 1
}
