#!/usr/bin/env python3
"""Read every ringtap topic back with kcat and check what a SIEM would rely on.

  check_topics.py BROKERS N SUMMARY_FILE [--outage] [--spool-full] [--gap A B]


Asserts, for the N events of gen_events.py:
  - each event (header.ts_ns 1..N) is in Kafka exactly once, in the topic of
    its class; with --outage a duplicate is allowed only when the summary
    reports a producer restart, and it must repeat the original's ce_id;
  - every value decodes with `protoc --decode` against proto/ringtap/v1/event.proto;
  - key = pod UID when the event has a pod, else node/<node>;
  - headers ce_specversion, ce_type, ce_source, ce_id, ce_dataschema, content-type;
  - per key: a single partition, the one Kafka's Java producer would pick
    (murmur2), and events in the order they were emitted;
  - the sink's summary adds up: events (+ records recovered from the spool + Drop
    records the sink made) = delivered + failed + drops + expired + not delivered
    + still spooled, and here everything was delivered and the spool is empty.
With the spool:
  - duplicates are allowed only up to the summary's resent + reproduced;
  - --spool-full: the events missing are exactly spool_full_drops, and the
    sensor topic has Drop records (reason spool_full) counting them;
  - --gap A B: events A..B (those a SIGKILLed ringtap had not read yet) may be
    missing, but only as a tail: what arrived of them is a prefix A..K.
"""
import os
import re
import subprocess
import sys
from collections import defaultdict
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from kafka_partition import java_partition  # noqa: E402

SRC = os.environ.get("RINGTAP_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
P = os.environ.get("RINGTAP_TOPIC_PREFIX", "ringtap")  # tls tests: one prefix per setup
TOPIC_OF = {"exec": P + ".process", "exit": P + ".process", "fork": P + ".process",
            "open": P + ".file", "connect": P + ".network", "accept": P + ".network",
            "drop": P + ".sensor"}
PARTITIONS = 3  # scripts/kafka/kafka.sh: num.partitions
failures = []


def fail(msg):
    failures.append(msg)
    if len(failures) <= 20:
        print("FAIL: " + msg, file=sys.stderr)


def consume(brokers, topic):
    fmt = "%p\t%o\t%k\t%h\t%S\n%s\n"
    out = subprocess.run(["kcat", "-C", "-b", brokers, "-t", topic, "-o", "beginning", "-e", "-q",
                          "-f", fmt], check=True, capture_output=True).stdout
    msgs, pos = [], 0
    while pos < len(out):
        nl = out.index(b"\n", pos)
        part, off, key, hdrs, size = out[pos:nl].decode().split("\t")
        pos = nl + 1
        size = int(size) if size != "-1" else 0
        value = out[pos:pos + size]
        pos += size + 1
        headers = dict(h.split("=", 1) for h in hdrs.split(",") if h)
        msgs.append({"topic": topic, "partition": int(part), "offset": int(off), "key": key,
                     "headers": headers, "value": value})
    return msgs


def varint(n):
    b = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            b.append(byte | 0x80)
        else:
            b.append(byte)
            return bytes(b)


def decode_all(msgs):
    """protoc --decode every value at once; return per message (ts_ns, body, node, pod uid)."""
    batch = b"".join(b"\x0a" + varint(len(m["value"])) + m["value"] for m in msgs)
    res = subprocess.run(["protoc", "-I", os.path.join(SRC, "proto"), "-I", os.path.dirname(os.path.abspath(__file__)),
                          "--decode", "ringtap.test.Batch", "batch.proto"],
                         input=batch, capture_output=True,
                         cwd=os.path.dirname(os.path.abspath(__file__)))
    if res.returncode:
        fail("protoc could not decode the values: " + res.stderr.decode()[:500])
        return []
    events, path = [], []
    for line in res.stdout.decode().splitlines():
        line = line.strip()
        if line.endswith("{"):
            name = line[:-1].strip()
            path.append(name)
            if path == ["events"]:
                events.append({"ts": 0, "body": None, "node": "", "pod": None, "comm": "",
                               "drop": {}})
            elif len(path) == 2 and name != "header":
                events[-1]["body"] = name
        elif line == "}":
            path.pop()
        elif path == ["events", "header"]:
            k, v = line.split(":", 1)
            if k == "ts_ns":
                events[-1]["ts"] = int(v)
            elif k == "node":
                events[-1]["node"] = v.strip().strip('"')
            elif k == "comm":
                events[-1]["comm"] = v.strip().strip('"')
        elif path == ["events", "drop"]:
            k, v = line.split(":", 1)
            events[-1]["drop"][k] = v.strip().strip('"')
        elif path == ["events", "header", "pod"] and line.startswith("uid:"):
            events[-1]["pod"] = line.split(":", 1)[1].strip().strip('"')
    return events


def summary_counts(path):
    text = open(path).read()
    m = re.search(r"kafka: (events=.*)", text)
    if not m:
        fail(f"no kafka summary in {path}: {text[-500:]}")
        return {}
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(1))}


def main():
    brokers, n, summary = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    outage = "--outage" in sys.argv
    spool_full = "--spool-full" in sys.argv
    gap = None
    if "--gap" in sys.argv:
        i = sys.argv.index("--gap")
        gap = (int(sys.argv[i + 1]), int(sys.argv[i + 2]))
    msgs = [m for t in sorted(set(TOPIC_OF.values())) for m in consume(brokers, t)]
    events = decode_all(msgs)
    if len(events) != len(msgs):
        fail(f"decoded {len(events)} events from {len(msgs)} messages")
        return
    # One value decoded exactly as the docs show it.
    one = subprocess.run(["protoc", "-I", os.path.join(SRC, "proto"), "--decode", "ringtap.v1.Event",
                          "ringtap/v1/event.proto"], input=msgs[0]["value"], capture_output=True,
                         cwd=os.path.join(SRC, "proto"))
    if one.returncode or b"header {" not in one.stdout:
        fail("protoc --decode ringtap.v1.Event failed on a single message: " + one.stderr.decode())

    counts = summary_counts(summary)
    first = {}
    dupes = 0
    sink_drops = []
    for m, ev in zip(msgs, events):
        m["ev"] = ev
        ts, body, h = ev["ts"], ev["body"], m["headers"]
        if body == "drop" and ev["drop"].get("reason"):
            sink_drops.append(ev["drop"])  # made by the sink (spool full / max age)
            if m["topic"] != P + ".sensor":
                fail(f"a sink Drop record in {m['topic']}")
            continue
        if not 1 <= ts <= n:
            fail(f"unexpected event ts_ns={ts} in {m['topic']}")
            continue
        if ts in first:
            dupes += 1
            if h.get("ce_id") != first[ts]["headers"].get("ce_id"):
                fail(f"event {ts} arrived twice with different ce_id")
            continue
        first[ts] = m
        if m["topic"] != TOPIC_OF.get(body):
            fail(f"event {ts} ({body}) in topic {m['topic']}")
        want_key = ev["pod"] if ev["pod"] else "node/" + ev["node"]
        if m["key"] != want_key:
            fail(f"event {ts}: key {m['key']!r}, want {want_key!r}")
        want = {"ce_specversion": "1.0", "ce_type": f"ringtap.v1.{body}", "ce_source": ev["node"],
                "content-type": "application/x-protobuf",
                "ce_dataschema": "urn:ringtap:proto:ringtap.v1.Event"}
        for k, v in want.items():
            if h.get(k) != v:
                fail(f"event {ts}: header {k}={h.get(k)!r}, want {v!r}")
        if not h.get("ce_id"):
            fail(f"event {ts}: no ce_id header")
    missing = [ts for ts in range(1, n + 1) if ts not in first]
    if gap:
        in_gap = [ts for ts in missing if gap[0] <= ts <= gap[1]]
        arrived = [ts for ts in range(gap[0], gap[1] + 1) if ts in first]
        if arrived and len(arrived) != arrived[-1] - gap[0] + 1:
            fail(f"events {gap[0]}..{gap[1]}: what arrived is not a prefix (missing {in_gap[:5]}...)")
        print(f"gap {gap[0]}..{gap[1]} (read or not by the killed ringtap): {len(in_gap)} never handed")
        missing = [ts for ts in missing if not gap[0] <= ts <= gap[1]]
    dropped_drops = sum(int(d.get("dropped", 0)) for d in sink_drops if d.get("reason") == "spool_full")
    if spool_full:
        if len(missing) != counts.get("spool_full_drops", -1):
            fail(f"{len(missing)} events missing, the summary counts {counts.get('spool_full_drops')} "
                 "spool_full_drops")
        if not missing:
            fail("nothing was dropped: the spool never filled")
        if dropped_drops != counts.get("spool_full_drops", -1):
            fail(f"Drop records (reason spool_full) count {dropped_drops}, the summary "
                 f"{counts.get('spool_full_drops')}: {sink_drops[:5]}")
        print(f"{len(missing)} events missing = spool_full_drops; {len(sink_drops)} Drop records "
              f"with reason spool_full counting {dropped_drops}")
    elif missing:
        fail(f"{len(missing)} events missing, e.g. {missing[:10]}")
    ids = [m["headers"].get("ce_id") for m in first.values()]
    if len(set(ids)) != len(ids):
        fail("ce_id is not unique per event")
    allowed = counts.get("reproduced", 0) + counts.get("resent", 0)
    if dupes and not (outage and dupes <= allowed):
        fail(f"{dupes} duplicates, more than the {allowed} counted as re-sent "
             "(reproduced after a producer restart, resent after a ringtap restart)")

    # Per key: one partition, emitted order (first occurrences, by offset).
    by_key = defaultdict(list)
    for m in sorted(first.values(), key=lambda m: (m["topic"], m["partition"], m["offset"])):
        by_key[(m["topic"], m["key"])].append(m)
    for (topic, key), ms in by_key.items():
        if len({m["partition"] for m in ms}) != 1:
            fail(f"key {key} in {topic} spread over partitions")
        elif ms[0]["partition"] != java_partition(key, PARTITIONS):
            fail(f"key {key} in {topic}: partition {ms[0]['partition']}, a Java producer "
                 f"would use {java_partition(key, PARTITIONS)}")
        seq = [m["ev"]["ts"] for m in ms]
        if seq != sorted(seq):
            fail(f"key {key} in {topic}: order not kept")

    if counts:
        c = defaultdict(int, counts)
        handed = c["events"] + c["recovered"] + c["drop_records"]
        total = (c["delivered"] + c["failed"] + c["queue_full_drops"] + c["spool_full_drops"] +
                 c["expired"] + c["not_delivered"] + c["pending"])
        if handed != total:
            fail(f"summary does not add up: events + recovered + drop_records = {handed}, "
                 f"delivered + failed + drops + expired + not delivered + pending = {total}: {counts}")
        if c["pending"] or c["failed"] or c["queue_full_drops"] or c["not_delivered"]:
            fail(f"summary: not everything was delivered: {counts}")
        if not gap and c["events"] != n and not c["recovered"]:
            fail(f"summary: {c['events']} events handed, want {n}")
        if len(sink_drops) != c["drop_records"]:
            fail(f"{len(sink_drops)} sink Drop records in Kafka, the summary made {c['drop_records']}")
    print(f"checked {len(msgs)} messages: {len(first)} distinct events of {n}, {dupes} duplicates, "
          f"{len(by_key)} keys; summary {counts}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
