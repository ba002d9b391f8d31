#!/usr/bin/env python3
"""Read ringtap's Kafka topics back for the cluster tests.

  kafka_events.py BROKERS keys             one line per topic message: TOPIC KEY
  kafka_events.py BROKERS events KEY...    the messages with one of these keys, decoded
                                           (protoc --decode against event.proto), one JSON
                                           object per line: {"topic", "key", "event"}

Decoded events are the protobuf text form turned into nested dicts; map fields (labels)
become dicts, repeated message fields lists.
"""
import codecs
import json
import os
import subprocess
import sys

SRC = os.environ.get("RINGTAP_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
TOPICS = ["ringtap.process", "ringtap.file", "ringtap.network", "ringtap.sensor"]


def consume(brokers, topic):
    """Every message of a topic as (key, value); a topic not created yet is empty."""
    res = subprocess.run(["kcat", "-C", "-b", brokers, "-t", topic, "-o", "beginning", "-e", "-q",
                          "-f", "%k\t%S\n%s\n"], capture_output=True)
    if res.returncode:
        if b"Unknown topic" in res.stderr or b"UNKNOWN_TOPIC" in res.stderr:
            return []
        sys.exit("kcat %s: %s" % (topic, res.stderr.decode()[:300]))
    out, msgs, pos = res.stdout, [], 0
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
    brokers, mode = sys.argv[1], sys.argv[2]
    if mode == "keys":
        for t in TOPICS:
            for key, _ in consume(brokers, t):
                print(t, key)
    elif mode == "events":
        want = set(sys.argv[3:])
        for t in TOPICS:
            msgs = [(k, v) for k, v in consume(brokers, t) if k in want]
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
