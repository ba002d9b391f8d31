#!/usr/bin/env python3
"""Checks the socket events of sock_events.py (its JSON report in
DIR/sock.json) in DIR/rec.ndjson; prints every failure and exits 1 if there
was one."""
import errno, json, sys

d = sys.argv[1]
events = [json.loads(l) for l in open(f"{d}/rec.ndjson") if l.strip()]
did = json.load(open(f"{d}/sock.json"))
pid = did["pid"]
fails = []

def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)

def of(kind):
    return [e[kind] for e in events if kind in e and e["header"]["pid"] == pid]

port = did["listen_port"]
binds = of("bind")
ok_bind = [b for b in binds if b["fd"] == did["listen_fd"]]
check(len(ok_bind) == 1 and ok_bind[0]["ret"] == 0 and ok_bind[0]["addr"] == {"addr": "127.0.0.1", "port": port}
      and ok_bind[0]["protocol"] == "tcp" and ok_bind[0]["family"] == "inet",
      f"bind: port 0 reported as the port the kernel chose ({port}): {ok_bind}")
bad_bind = [b for b in binds if b["fd"] == did["bind_fail_fd"]]
check(len(bad_bind) == 1 and bad_bind[0]["ret"] == -errno.EADDRINUSE
      and bad_bind[0]["addr"] == {"addr": "127.0.0.1", "port": port},
      f"bind: EADDRINUSE with the address asked for (the hook's copy): {bad_bind}")
lst = [l for l in of("listen") if l["fd"] == did["listen_fd"]]
check(len(lst) == 1 and lst[0]["ret"] == 0 and lst[0]["backlog"] == 7 and lst[0]["max_backlog"] == 7
      and lst[0]["addr"] == {"addr": "127.0.0.1", "port": port} and lst[0]["protocol"] == "tcp",
      f"listen: address, port, backlog: {lst}")

socks = of("socket")
pkt = [s for s in socks if s["ret"] == did["packet_fd"]]
check(len(pkt) == 1 and pkt[0]["family"] == "packet" and pkt[0]["type"] == "raw" and pkt[0]["protocol"] == 3,
      f"socket: AF_PACKET, SOCK_RAW, ETH_P_ALL: {pkt}")
raw = [s for s in socks if s["ret"] == did["raw_fd"]]
check(len(raw) == 1 and raw[0]["family"] == "inet" and raw[0]["type"] == "raw" and raw[0]["protocol"] == 1,
      f"socket: AF_INET SOCK_RAW ICMP: {raw}")
check(len(socks) == 2, f"socket: only the raw and packet sockets (python's TCP/unix sockets are not reported): {len(socks)}")

unix = of("unix_socket")
path = did["unix_path"]
ub = [u for u in unix if u["op"] == "bind" and u["fd"] == did["unix_srv_fd"]]
check(len(ub) == 1 and ub[0]["path"] == path and ub[0]["ret"] == 0 and ub[0]["path_source"] == "kernel"
      and ub[0]["type"] == "stream", f"unix: bind with its path: {ub}")
uc = [u for u in unix if u["op"] == "connect" and u["fd"] == did["unix_cli_fd"]]
check(len(uc) == 1 and uc[0]["path"] == path and uc[0]["ret"] == 0 and uc[0]["path_source"] == "kernel"
      and uc[0]["peer_pid"] == pid, f"unix: connect with the path and the listener's pid: {uc}")
um = [u for u in unix if u["op"] == "connect" and u["fd"] == did["unix_bad_fd"]]
check(len(um) == 1 and um[0]["path"] == did["unix_missing_path"] and um[0]["ret"] == -errno.ENOENT
      and um[0]["path_source"] == "user", f"unix: a failed connect with the path asked for: {um}")

sys.exit(1 if fails else 0)
