#!/usr/bin/env python3
"""Makes the socket events the net test checks, and prints what it did as
one JSON object (pids, fds, ports, paths) for check_sock_events.py:
 - a TCP listener on a kernel-chosen port (bind port 0, listen backlog 7);
 - a bind that fails (EADDRINUSE on the listener's port);
 - an AF_PACKET socket (ETH_P_ALL) and an IPv4 SOCK_RAW ICMP socket;
 - a unix stream server bound to <dir>/srv.sock, a client that connects
   to it, and a connect to a path nobody listens on (ENOENT)."""
import json
import os
import socket
import sys

d = sys.argv[1]
out = {"pid": os.getpid()}

lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lst.bind(("127.0.0.1", 0))
lst.listen(7)
out["listen_fd"] = lst.fileno()
out["listen_port"] = lst.getsockname()[1]

dup = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    dup.bind(("127.0.0.1", out["listen_port"]))
except OSError as e:
    out["bind_fail_errno"] = e.errno
out["bind_fail_fd"] = dup.fileno()

pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
out["packet_fd"] = pkt.fileno()
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
out["raw_fd"] = raw.fileno()

path = os.path.join(d, "srv.sock")
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
out["unix_srv_fd"] = srv.fileno()
out["unix_path"] = path
cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
cli.connect(path)
out["unix_cli_fd"] = cli.fileno()
missing = os.path.join(d, "missing.sock")
bad = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    bad.connect(missing)
except OSError as e:
    out["unix_missing_errno"] = e.errno
out["unix_missing_path"] = missing
out["unix_bad_fd"] = bad.fileno()
print(json.dumps(out), flush=True)
