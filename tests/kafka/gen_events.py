#!/usr/bin/env python3
"""Write N canonical NDJSON ringtap.v1.Event lines for the Kafka tests.

Event i (1..N) carries header.ts_ns = i, so the consumer side can tell every
event apart and check order. Keys vary: a fifth of the events run in one of
three pods (key = pod UID), the rest on node-a or node-b (key = node/<node>).
Bodies rotate through every event class so all four topics get traffic.

  gen_events.py N [--rate EVENTS_PER_SEC] [--from FIRST] [--progress FILE] [--lines FILE]
    --rate paces the output (stdout feeds `ringtap replay -`); --from starts at
    event FIRST; --progress keeps the last event written (flushed) in FILE.
"""
import json
import sys
import time

BODIES = [
    ("open", lambda i: {"path": f"/var/lib/app/{i}.db", "flags": 0, "mode": 0, "ret": 3,
                        "dirfd": -100, "syscall": "openat"}),
    ("open", lambda i: {"path": f"/etc/conf.d/{i}", "flags": 2, "mode": 420, "ret": -2,
                        "dirfd": -100, "syscall": "openat"}),
    ("exec", lambda i: {"filename": "/usr/bin/curl", "argv": ["curl", f"http://10.0.0.{i % 250}/"],
                        "ret": 0, "argc": 2}),
    ("fork", lambda i: {"child_pid": 20000 + i % 10000}),
    ("exit", lambda i: {"code": i % 3, "signal": 0}),
    ("connect", lambda i: {"family": "inet", "src": {"addr": "10.1.0.5", "port": 40000 + i % 20000},
                           "dst": {"addr": "10.96.0.10", "port": 53}, "ret": 0, "fd": 5,
                           "protocol": "udp"}),
    ("accept", lambda i: {"family": "inet6", "local": {"addr": "::1", "port": 8080},
                          "peer": {"addr": "::1", "port": 50000 + i % 10000}, "ret": 7,
                          "listen_fd": 4}),
    ("open", lambda i: {"path": f"/proc/{i}/status", "flags": 0, "mode": 0, "ret": 4,
                        "dirfd": -100, "syscall": "openat"}),
    ("drop", lambda i: {"event_type": "open", "dropped": i % 7, "truncated": 0,
                        "dropped_total": i, "truncated_total": 0}),
]


def event(i):
    node = "node-a" if i % 3 else "node-b"
    header = {"ts_ns": i, "wall_time_ns": 1763827200000000000 + i, "pid": 1000 + i % 50,
              "tid": 1000 + i % 50, "ppid": 1, "uid": 0, "gid": 0, "cgroup_id": 4242,
              "comm": "app", "start_time_ns": 1, "policy_generation": 1, "truncated": False,
              "abi_version": 2, "boot_id": "3f1c2a9e-0000-4000-8000-000000000001",
              "node": node, "container_id": ""}
    if i % 5 == 0:
        header["container_id"] = "c0ffee"
        header["pod"] = {"uid": f"6b2f4c1e-0000-4000-8000-00000000000{i % 3}",
                         "name": f"web-{i % 3}", "namespace": "shop", "labels": {}}
    header["euid"] = 0  # after pod: canonical order is field-number order
    header["egid"] = 0
    name, body = BODIES[i % len(BODIES)]
    return {"header": header, name: body(i)}


progress = None


def main():
    global progress
    if "--progress" in sys.argv:
        progress = open(sys.argv[sys.argv.index("--progress") + 1], "w")
    n = int(sys.argv[1])
    args = sys.argv[2:]
    rate = float(args[args.index("--rate") + 1]) if "--rate" in args else 0
    first = int(args[args.index("--from") + 1]) if "--from" in args else 1
    out = sys.stdout
    start = time.monotonic()
    # Paced output goes in 5 ms batches: a flush per line costs more than
    # the line at 10k events/s.
    batch = max(1, int(rate / 200)) if rate else 0
    # --lines FILE: the events are pre-generated there (faster than json.dumps
    # at 10k events/s on a busy machine); line i is event i.
    src = open(args[args.index("--lines") + 1]) if "--lines" in args else None
    if src:
        for _ in range(first - 1):
            src.readline()
    for i in range(first, n + 1):
        out.write(src.readline() if src else json.dumps(event(i), separators=(",", ":")) + "\n")
        if rate and (i - first + 1) % batch == 0:
            if progress:  # before the flush: no line after i was written
                progress.seek(0)
                progress.write(f"{i:12d}\n")
                progress.flush()
            out.flush()
            ahead = start + (i - first + 1) / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
    out.flush()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(1)
