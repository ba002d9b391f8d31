#!/usr/bin/env python3
"""Read ringtap's Kafka topics back for the cluster tests.

  kafka_events.py BROKERS offsets             end offsets, JSON {topic: {partition: offset}}
  kafka_events.py BROKERS total               messages in all topics (sum of end offsets)
  kafka_events.py BROKERS count KEY...        messages with each key, one line per key: KEY N
  kafka_events.py BROKERS events [--since OFFSETS_FILE] KEY...
                                              the messages with these keys, decoded (protoc
                                              --decode against event.proto), one JSON object
                                              per line: {"topic", "key", "event"}

The node's own processes make most of the traffic (all under one key); a key's messages
are all in the partition the Java partitioner picks (the sink uses murmur2_random), so only
that partition is read, from --since on. Decoded events are the protobuf text form as nested
dicts; map fields (labels) become dicts.
"""
import codecs
import json
import os
import re
import subprocess
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from kafka_partition import java_partition  # noqa: E402

SRC = os.environ.get("RINGTAP_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
TOPICS = ["ringtap.process", "ringtap.file", "ringtap.network", "ringtap.sensor"]


def kcat(args):
    res = subprocess.run(["kcat"] + args, capture_output=True)
    if res.returncode:
        sys.exit("kcat %s: %s" % (" ".join(args), res.stderr.decode()[:300]))
    return res.stdout


def partitions(brokers):
    """{topic: partition count} of the ringtap topics that exist."""
    out = kcat(["-L", "-b", brokers]).decode()
    found = dict(re.findall(r'topic "([^"]+)" with (\d+) partitions', out))
    return {t: int(found[t]) for t in TOPICS if t in found}


def offsets(brokers):
    ends = {}
    for t, n in partitions(brokers).items():
        args = ["-Q", "-b", brokers]
        for p in range(n):
            args += ["-t", "%s:%d:-1" % (t, p)]
        ends[t] = {int(p): int(o) for p, o in re.findall(r"\[(\d+)\] offset (\d+)", kcat(args).decode())}
    return ends


def consume(brokers, topic, partition, start, end, fmt):
    """Messages [start, end) of one partition."""
    if end <= start:
        return b""
    return kcat(["-C", "-b", brokers, "-t", topic, "-p", str(partition), "-o", str(start),
                 "-c", str(end - start), "-e", "-q", "-f", fmt])


def keyed(brokers, keys, since, fmt):
    """(topic, raw kcat output) for the partitions holding these keys."""
    ends = offsets(brokers)
    for t, parts in ends.items():
        for p in sorted({java_partition(k, len(parts)) for k in keys}):
            yield t, consume(brokers, t, p, since.get(t, {}).get(p, 0), parts.get(p, 0), fmt)


def split_values(out):
    msgs, pos = [], 0
    while pos < len(out):
        nl = out.index(b"\n", pos)
        key, size = out[pos:nl].decode().split("\t")
        size = max(int(size), 0)
        msgs.append((key, out[nl + 1:nl + 1 + size]))
        pos = nl + 1 + size + 1
    return msgs


def varint(n):
    b = bytearray()
    while True:
        b.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(b)


def parse_text(lines):
    """protobuf text format (protoc --decode output) -> dict; repeated names -> list."""
    root, stack = {}, []
    cur = root

    def put(d, k, v):
        if k in d:
            if not isinstance(d[k], list):
                d[k] = [d[k]]
            d[k].append(v)
        else:
            d[k] = v

    for line in lines:
        line = line.strip()
        if not line:
            continue
        if line == "}":
            cur = stack.pop()
        elif line.endswith("{"):
            child = {}
            put(cur, line[:-1].strip(), child)
            stack.append(cur)
            cur = child
        else:
            k, v = line.split(":", 1)
            v = v.strip()
            if v.startswith('"'):
                v = codecs.escape_decode(v[1:-1].encode())[0].decode("utf-8", "replace")
            elif v in ("true", "false"):
                v = v == "true"
            else:
                try:
                    v = int(v)
                except ValueError:
                    pass
            put(cur, k.strip(), v)
    return root


def fold_maps(d):
    """labels { key: a value: b } entries -> {a: b}."""
    if isinstance(d, list):
        return [fold_maps(x) for x in d]
    if not isinstance(d, dict):
        return d
    out = {}
    for k, v in d.items():
        entries = v if isinstance(v, list) else [v]
        if k == "labels" and all(isinstance(e, dict) and set(e) <= {"key", "value"} for e in entries):
            out[k] = {e.get("key", ""): e.get("value", "") for e in entries}
        else:
            out[k] = fold_maps(v)
    return out


def decode(values):
    batch = b"".join(b"\x0a" + varint(len(v)) + v for v in values)
    here = os.path.dirname(os.path.abspath(__file__))
    kafka_tests = os.path.join(SRC, "tests", "kafka")
    res = subprocess.run(["protoc", "-I", os.path.join(SRC, "proto"), "-I", kafka_tests,
                          "--decode", "ringtap.test.Batch", "batch.proto"],
                         input=batch, capture_output=True, cwd=here)
    if res.returncode:
        sys.exit("protoc could not decode: " + res.stderr.decode()[:500])
    events = parse_text(res.stdout.decode().splitlines()).get("events", [])
    if not isinstance(events, list):
        events = [events]
    return [fold_maps(e) for e in events]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    brokers, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if mode == "offsets":
        print(json.dumps(offsets(brokers)))
    elif mode == "total":
        print(sum(sum(parts.values()) for parts in offsets(brokers).values()))
    elif mode == "count":
        n = dict.fromkeys(args, 0)
        for _, out in keyed(brokers, args, {}, "%k\n"):
            for k in out.decode().splitlines():
                if k in n:
                    n[k] += 1
        for k in args:
            print(k, n[k])
    elif mode == "events":
        since = {}
        if args[:1] == ["--since"]:
            since = {t: {int(p): o for p, o in parts.items()} for t, parts in json.load(open(args[1])).items()}
            args = args[2:]
        want = set(args)
        for t, out in keyed(brokers, args, since, "%k\t%S\n%s\n"):
            msgs = [(k, v) for k, v in split_values(out) if k in want]
            if not msgs:
                continue
            events = decode([v for _, v in msgs])
            if len(events) != len(msgs):
                sys.exit("%s: %d messages but %d decoded events" % (t, len(msgs), len(events)))
            for (k, _), e in zip(msgs, events):
                print(json.dumps({"topic": t, "key": k, "event": e}, sort_keys=True))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
