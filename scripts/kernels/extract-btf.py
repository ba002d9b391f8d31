#!/usr/bin/env python3
"""Extracts a kernel's BTF (.BTF, the blob /sys/kernel/btf/vmlinux serves)
from a raw or gzip-compressed arm64 Image, which Debian ships as vmlinuz
without section headers. The blob is found by its header: magic 0xeb9f,
version 1, hdr_len 24, types at offset 0 and strings right after them.
bpftool then turns it into vmlinux.h for the arm64 BPF build.

Usage: extract-btf.py IMAGE OUT.btf
"""
import gzip
import struct
import sys


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    data = open(sys.argv[1], "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    best = None
    pos = 0
    while True:
        pos = data.find(b"\x9f\xeb\x01\x00\x18\x00\x00\x00", pos)
        if pos < 0:
            break
        type_off, type_len, str_off, str_len = struct.unpack_from("<IIII", data, pos + 8)
        end = pos + 24 + str_off + str_len
        # vmlinux BTF: the types, then the strings, the first string empty.
        if type_off == 0 and str_off == type_len and type_len > 100000 and end <= len(data) \
                and data[pos + 24 + str_off] == 0 and (best is None or type_len > best[1]):
            best = (pos, type_len, end)
        pos += 1
    if not best:
        print("extract-btf: no vmlinux BTF in %s (CONFIG_DEBUG_INFO_BTF=y?)" % sys.argv[1], file=sys.stderr)
        return 1
    with open(sys.argv[2], "wb") as f:
        f.write(data[best[0]:best[2]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
