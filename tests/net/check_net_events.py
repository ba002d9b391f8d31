#!/usr/bin/env python3
"""Checks test_net_events.sh's recording (DIR/rec.ndjson) against what its
workloads did; prints every failure and exits 1 if there was one."""
import json, sys

d = sys.argv[1]
events = [json.loads(l) for l in open(f"{d}/rec.ndjson") if l.strip()]
pids = dict(l.split() for l in open(f"{d}/pids"))
pids = {k: int(v) for k, v in pids.items()}
fails = []

def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)

def of(kind, pid=None):
    return [e[kind] | {"_h": e["header"]} for e in events
            if kind in e and (pid is None or e["header"]["pid"] == pid)]

# ---- UDP first datagrams
udp_pid = int(open(f"{d}/udp.pid").read())
udp = [c for c in of("connect", udp_pid) if c["via"] == "sendmsg"]
check(sorted(c["dst"]["port"] for c in udp) == [40001, 40002],
      f"udp: one connect per destination (got ports {[c['dst']['port'] for c in udp]})")
check(all(c["protocol"] == "udp" and c["dst"]["addr"] == "127.0.0.1" for c in udp), "udp: protocol udp, dst 127.0.0.1")

# ---- DNS
def dns_of(name, response, direction="egress" if False else None):
    pid = pids[name]
    return [m for m in of("dns", pid) if m["response"] == response]

def answers(m):
    return sorted((a["type"], a["data"]) for a in m["answers"])

for name, qname, qtype, proto, want in [
        ("dig_udp_a", "example.test.", "A", "udp", [("A", "10.1.2.3")]),
        ("dig_tcp_aaaa", "example.test.", "AAAA", "tcp", [("AAAA", "fd00::1")]),
        ("dig_tcp_cname", "alias.example.test.", "A", "tcp", [("CNAME", "example.test.")])]:
    qs = [m for m in dns_of(name, False) if m["direction"] == "egress"]
    rs = [m for m in dns_of(name, True) if m["direction"] == "ingress"]
    check(len(qs) == 1 and qs[0]["questions"] == [{"name": qname, "type": qtype, "class": "IN"}]
          and qs[0]["protocol"] == proto and qs[0]["server"] == {"addr": "127.0.0.1", "port": 53},
          f"dns {name}: one {proto} query for {qname} {qtype} to 127.0.0.1:53 from dig's pid ({len(qs)})")
    check(len(rs) == 1 and rs[0]["rcode"] == "NOERROR" and answers(rs[0]) == sorted(want)
          and not rs[0]["malformed"] and qs and rs[0]["id"] == qs[0]["id"]
          and rs[0]["socket_cookie"] == qs[0]["socket_cookie"],
          f"dns {name}: its response to dig's pid, NOERROR, answers {want}, same id and socket "
          f"(got {[(answers(r), r['rcode']) for r in rs]})")
    check(all(a["ttl"] >= 0 for r in rs for a in r["answers"]), f"dns {name}: answers have TTLs")
    check(len(rs) == 1 and qs and rs[0]["query_ts_ns"] == qs[0]["_h"]["ts_ns"] < rs[0]["_h"]["ts_ns"],
          f"dns {name}: the response is joined to its query (query_ts_ns = the query's ts_ns: "
          f"{[r['query_ts_ns'] for r in rs]} vs {[q['_h']['ts_ns'] for q in qs]})")

p5353 = [m for m in of("dns", pids["dig_5353"])]
check(sorted((m["direction"], m["response"]) for m in p5353) == [("egress", False), ("ingress", True)]
      and all(m["server"]["port"] == 5353 for m in p5353) and any(answers(m) == [("A", "10.1.2.3")] for m in p5353),
      f"dns port 5353 (dns_ports: [53, 5353]): its query and response ({[(m['direction'], m['server']) for m in p5353]})")

gq = [m for m in dns_of("getent", False) if m["direction"] == "egress"]
gr = [m for m in dns_of("getent", True) if m["direction"] == "ingress"]
check(sorted(q["questions"][0]["type"] for q in gq) == ["A", "AAAA"],
      f"dns getent (glibc, sendmmsg): A and AAAA queries ({[q['questions'] for q in gq]})")
check(sorted(a for r in gr for a in answers(r)) == [("A", "10.1.2.3"), ("AAAA", "fd00::1")],
      f"dns getent: both answers ({[answers(r) for r in gr]})")
gq_ts = {q["id"]: q["_h"]["ts_ns"] for q in gq}
check(len(gr) == 2 and all(r["query_ts_ns"] and r["query_ts_ns"] == gq_ts.get(r["id"]) for r in gr),
      f"dns getent: each response joined to its own query ({[(r['id'], r['query_ts_ns']) for r in gr]} vs {gq_ts})")

loop = [m for m in of("dns", pids["dig_loop"]) if m["direction"] == "ingress"]
check(len(loop) == 1 and loop[0]["malformed"] and loop[0]["error"],
      f"dns pointer loop: one response, malformed with a reason ({[(m['malformed'], m['error']) for m in loop]})")
short = [m for m in of("dns", pids["dig_short"]) if m["direction"] == "ingress"]
check(len(short) == 1 and short[0]["malformed"] and short[0]["length"] == 5,
      f"dns 5-byte header: malformed ({[(m['malformed'], m['error']) for m in short]})")
big = [m for m in of("dns", pids["dig_big"]) if m["direction"] == "ingress"]
check(len(big) == 1 and big[0]["truncated"] and big[0]["_h"]["truncated"] and big[0]["length"] > 4096,
      f"dns 4 KiB TXT: one response, flagged cut ({[(m['truncated'], m['length'], m['error']) for m in big]})")

# ---- TCP 1 MiB
pid, port, server_got, client_got = map(int, open(f"{d}/tcp.out").read().split())
check(server_got == 1 << 20 and client_got == 1000, "tcp: the transfer itself worked")
est = of("tcp_established", pid)
check(sorted(e["direction"] for e in est) == ["accepted", "connected"],
      f"tcp: established on both sides ({[e['direction'] for e in est]})")
closes = {c["direction"]: c for c in of("tcp_close", pid)}
check(len(of("tcp_close", pid)) == 2 and set(closes) == {"accepted", "connected"}, "tcp: one close per side")
c, s = closes.get("connected", {}), closes.get("accepted", {})
check(c.get("bytes_sent") == 1 << 20 and c.get("bytes_received") == 1000,
      f"tcp: client close counts 1 MiB sent, 1000 received ({c.get('bytes_sent')}, {c.get('bytes_received')})")
check(s.get("bytes_received") == 1 << 20 and s.get("bytes_sent") == 1000,
      f"tcp: server close counts 1 MiB received, 1000 sent ({s.get('bytes_received')}, {s.get('bytes_sent')})")
check(c.get("remote", {}).get("port") == port and s.get("local", {}).get("port") == port,
      "tcp: the endpoints name the listener's port")
check(all(x.get("reason") == "fin" and x.get("duration_ns", 0) > 0 for x in (c, s)), "tcp: fin, with a duration")

# ---- Community ID: one per flow, the same from both ends
cids = {x["_h"]["community_id"] for x in (c, s)} | {e["_h"]["community_id"] for e in est}
check(len(cids) == 1 and next(iter(cids)).startswith("1:") and len(next(iter(cids))) == 30,
      f"community id: one for the TCP flow on all four records ({cids})")
q1 = [m for m in of("dns", pids["dig_udp_a"])]
check(len({m["_h"]["community_id"] for m in q1}) == 1 and q1[0]["_h"]["community_id"],
      "community id: a DNS query and its response share one")

sys.exit(1 if fails else 0)
