#!/usr/bin/env python3
"""BPF programs held by a process, by the kernel's accounting.

  prog_stats.py PID            "run_time_ns syscalls": run_time_ns summed over
                               every program whose fd PID holds, and the
                               largest run_cnt among them (the dispatcher that
                               runs once per syscall)
  prog_stats.py PID --each     one "name run_time_ns run_cnt" line per program

Only the prog ids in /proc/PID/fdinfo count: other sensors on the machine
have programs of the same names. Accounting must be on (BPF_ENABLE_STATS fd,
bench/bpf_stats_hold). Programs entered by tail call are not accounted
separately by the kernel: their time is in the caller's run_time_ns."""
import glob
import json
import subprocess
import sys


def held_ids(pid):
    ids = set()
    for path in glob.glob(f"/proc/{pid}/fdinfo/*"):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def main():
    pid = sys.argv[1]
    ids = held_ids(pid)
    progs = json.loads(subprocess.run(["bpftool", "prog", "show", "-j"], check=True,
                                      capture_output=True, text=True).stdout)
    mine = [p for p in progs if p["id"] in ids]
    if not mine:
        sys.exit(f"prog_stats: no BPF programs held by pid {pid}")
    if "--each" in sys.argv[2:]:
        for p in mine:
            print(p.get("name", "?"), p.get("run_time_ns", 0), p.get("run_cnt", 0))
    else:
        print(sum(p.get("run_time_ns", 0) for p in mine), max(p.get("run_cnt", 0) for p in mine))


main()
