#!/usr/bin/env python3
"""Turns the kernel matrix's results (build/kernels/results.jsonl, one JSON
line per leg run by tests/kernels) into the README's per-kernel table.

Usage: scripts/kernels/table.py [RESULTS.jsonl]   (the last run of each leg wins)
"""
import json
import sys


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "build/kernels/results.jsonl"
    legs = {}
    for line in open(path):
        r = json.loads(line)
        legs[r["leg"]] = r
    print("| kernel | probes loaded | load time | events matched | kernel drops | features disabled |")
    print("|---|---|---|---|---|---|")
    for leg in sorted(legs):
        r = legs[leg]
        n = len(r["matched"]) + len(r["missing"])
        loaded = "yes" if r["loaded"] else "no: " + (r["error"] or "?")
        load = "%.1f s" % (r["load_ms"] / 1000.0) if r["load_ms"] is not None else "-"
        matched = "%d/%d" % (len(r["matched"]), n) if r["loaded"] else "-"
        if r["missing"]:
            matched += " (missing: %s)" % ", ".join(r["missing"])
        print("| %s | %s | %s | %s | %s | %s |" % (leg, loaded, load, matched,
              r["dropped"] if r["dropped"] is not None else "-", ", ".join(r["disabled"]) or "none"))


if __name__ == "__main__":
    sys.exit(main())
