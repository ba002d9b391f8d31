#!/usr/bin/env python3
"""Write the seed corpus of fuzz_record_decode: one valid kernel record of
every type (bpf/ringtap_abi.h layouts, little-endian), each prefixed with
the target's mode byte (0: taken as is). Run from the source tree:
    python3 tests/fuzz/make_record_corpus.py tests/fuzz/corpus/record_decode
"""
import os
import socket
import struct
import sys

def abi_version():
    """RT_ABI_VERSION as bpf/ringtap_abi.h says, so the seeds never go stale."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "bpf", "ringtap_abi.h")) as f:
        for line in f:
            if line.startswith("#define RT_ABI_VERSION"):
                return int(line.split()[2])
    raise SystemExit("RT_ABI_VERSION not found in bpf/ringtap_abi.h")


ABI = abi_version()
EXEC, EXIT, FORK, OPEN, CONNECT, ACCEPT = 1, 2, 3, 4, 5, 6
TRUNCATED = 1


def header(typ, body_and_data, flags=0, comm=b"cat"):
    size = 88 + len(body_and_data)
    return struct.pack("<HHIII QQQ IIIIIIII 16s", typ, ABI, size, flags, 1,
                       5_000_000_000, 4_990_000_000, 9876,
                       4321, 4322, 4300, 1000, 1000, 0, 0, 0, comm) + body_and_data


def sockaddr(family, addr, port):
    raw = socket.inet_pton(family, addr).ljust(16, b"\0")
    return struct.pack("<16sHHI", raw, port, {socket.AF_INET: 2, socket.AF_INET6: 10}[family], 0)


def records():
    fname, argv = b"/usr/bin/cat", b"cat\0/etc/hostname\0"
    yield "exec", header(EXEC, struct.pack("<iIII", 0, len(fname), len(argv), 2) + fname + argv)
    cut = b"a" * 40
    yield "exec_truncated", header(EXEC, struct.pack("<iIII", -2, len(fname), len(cut), 9) + fname + cut,
                                   flags=TRUNCATED)
    yield "exec_utf8", header(EXEC, struct.pack("<iIII", 0, 4, 6, 2) + b"/\xff\xfex" + b"\xc3\xa9\0\x80\0\0",
                              comm=b"\xe2\x82")
    yield "exit", header(EXIT, struct.pack("<iI", 3, 0))
    yield "exit_signal", header(EXIT, struct.pack("<iI", 0, 9))
    yield "fork", header(FORK, struct.pack("<II", 4400, 0))
    for sc, path in enumerate([b"/etc/hostname", b"rel/x", b"/proc/../etc/hostname", b""]):
        yield f"open_{sc}", header(OPEN, struct.pack("<iIIiII", 3 if path else -2, 0, 0o644, -100,
                                                      len(path), sc) + path)
    yield "connect4", header(CONNECT, struct.pack("<iiII", 0, 3, 6, 0) +
                             sockaddr(socket.AF_INET, "127.0.0.1", 40000) +
                             sockaddr(socket.AF_INET, "10.1.2.3", 443))
    yield "connect6_nosrc", header(CONNECT, struct.pack("<iiII", -111, 4, 17, 0) + bytes(24) +
                                   sockaddr(socket.AF_INET6, "::ffff:10.0.0.1", 53))
    yield "accept4", header(ACCEPT, struct.pack("<ii", 5, 3) +
                            sockaddr(socket.AF_INET, "127.0.0.1", 8080) +
                            sockaddr(socket.AF_INET, "127.0.0.1", 51000))
    yield "accept6_error", header(ACCEPT, struct.pack("<ii", -24, 3) +
                                  sockaddr(socket.AF_INET6, "::1", 8080) + bytes(24))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, rec in records():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(b"\0" + rec)


if __name__ == "__main__":
    main()
