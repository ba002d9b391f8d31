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
UNLINK, RENAME, CHMOD, CHOWN, LINK, MKNOD = 7, 8, 9, 10, 11, 12
CRED, PTRACE, MEMFD, MODULE, MOUNT, NAMESPACE, DUP, SIGNAL, BPF, IO_URING = range(13, 23)
HEADER_SIZE = 96
TRUNCATED = 1


def header(typ, body_and_data, flags=0, comm=b"cat"):
    size = HEADER_SIZE + len(body_and_data)
    return struct.pack("<HHIII QQQ IIIIIIII 16s Q", typ, ABI, size, flags, 1,
                       5_000_000_000, 4_990_000_000, 9876,
                       4321, 4322, 4300, 1000, 1000, 0, 0, 0, comm,
                       4_000_000_000) + body_and_data


def sockaddr(family, addr, port):
    raw = socket.inet_pton(family, addr).ljust(16, b"\0")
    return struct.pack("<16sHHI", raw, port, {socket.AF_INET: 2, socket.AF_INET6: 10}[family], 0)


def exec_body(ret, fname_len, argv_len, argc, flags=0):
    """rt_exec_body: ret, lengths, argc, then auid, session, caps, exe identity"""
    return struct.pack("<iIIIIIQQQIIqqIIII", ret, fname_len, argv_len, argc, 1000, 3,
                       0, 0, 1234567, (8 << 20) | 1, 0o104755, 1_700_000_000, 1_700_000_000, 1, flags,
                       (136 << 20) | 3, 0)


def records():
    fname, argv = b"/usr/bin/cat", b"cat\0/etc/hostname\0"
    yield "exec", header(EXEC, exec_body(0, len(fname), len(argv), 2) + fname + argv)
    cut = b"a" * 40
    yield "exec_truncated", header(EXEC, exec_body(-2, len(fname), len(cut), 9) + fname + cut,
                                   flags=TRUNCATED)
    yield "exec_utf8", header(EXEC, exec_body(0, 4, 6, 2, flags=0xf) + b"/\xff\xfex" + b"\xc3\xa9\0\x80\0\0",
                              comm=b"\xe2\x82")
    yield "exit", header(EXIT, struct.pack("<iI", 3, 0))
    yield "exit_signal", header(EXIT, struct.pack("<iI", 0, 9))
    yield "fork", header(FORK, struct.pack("<IIQ", 4400, 0, 4_995_000_000))
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
    yield from file_records()
    yield from proc_records()


def file_records():
    p, q = b"/tmp/x/evil", b"/usr/bin/evil"
    yield "unlink", header(UNLINK, struct.pack("<iiIIII", 0, -100, 0, len(p), 0, 0) + p)
    yield "rename", header(RENAME, struct.pack("<iiiIIIII", -17, -100, 3, 1, len(p), len(q), 2, 0) + p + q)
    yield "chmod_setuid", header(CHMOD, struct.pack("<iiiIIIII", 0, -100, -1, 0o4755, 0, len(p), 0, 0) + p)
    yield "chmod_fd", header(CHMOD, struct.pack("<iiiIIIII", 0, -100, 5, 0o755, 0, 0, 1, 0))
    yield "chown", header(CHOWN, struct.pack("<iiiIIIII", 0, -100, -1, 0, 0xffffffff, 0, len(p), 0) + p)
    yield "symlink", header(LINK, struct.pack("<iiiIIIII", 0, -100, -100, 0, len(q), len(p), 2, 0) + q + p)
    yield "mknod", header(MKNOD, struct.pack("<iiIIQII", 0, -100, 0o10644, len(p), 0, 0, 0) + p)


def proc_records():
    caps = 0x1ffffffffff
    yield "cred_setresuid", header(CRED, struct.pack("<iI3I4I4II6Q", 0, 4, 1000, 1000, 0xffffffff,
                                                     1000, 1000, 1000, 1000, 0, 0, 0, 0, 0,
                                                     0, 0, 0, 0, 0, 0))
    yield "cred_capset", header(CRED, struct.pack("<iI3I4I4II6Q", -22, 8, 0x20080522, 0, 0xffffffff,
                                                  0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                  caps, caps, 0, caps, caps, 0))
    yield "ptrace_attach", header(PTRACE, struct.pack("<qqQQIIII", 0, 16, 0, 0, 4400, 0, 0, 0))
    yield "ptrace_traceme", header(PTRACE, struct.pack("<qqQQIIII", 0, 0, 0, 0, 4300, 0, 0, 0))
    yield "process_vm_writev", header(PTRACE, struct.pack("<qqQQIIII", 8, -1, 0, 0, 4400, 1, 1, 1))
    name = b"payload"
    yield "memfd", header(MEMFD, struct.pack("<iIII", 3, 1, len(name), 0) + name)
    mod, params = b"evil.ko", b"debug=1"
    yield "module_finit", header(MODULE, struct.pack("<iIQiIII56s", 0, 1, 0, 3, 0, len(mod), len(params),
                                                     b"evil") + mod + params)
    yield "module_name_full", header(MODULE, struct.pack("<iIQiIII56s", -38, 0, 4096, -1, 0, 0, 0,
                                                         b"\xff" * 56))
    yield "module_delete", header(MODULE, struct.pack("<iIQiIII56s", -2, 2, 0, -1, 0x800, len(mod), 0, b"")
                                  + mod)
    fstype, src, tgt = b"tmpfs", b"none", b"/host"
    yield "mount", header(MOUNT, struct.pack("<iIQQiiiIII", 0, 0, 6, 0, -1, -1, -1, len(fstype), len(src),
                                             len(tgt)) + fstype + src + tgt)
    yield "chroot", header(MOUNT, struct.pack("<iIQQiiiIII", -2, 2, 0, 0, -1, -1, -1, 0, 0, len(tgt)) + tgt)
    yield "unshare", header(NAMESPACE, struct.pack("<iIQiI", 0, 0, 0x20000, -1, 0))
    yield "setns", header(NAMESPACE, struct.pack("<iIQiI", -9, 1, 0x40000000, 9999, 0))
    yield "dup2_tcp", header(DUP, struct.pack("<iIiiIIII", 0, 1, 3, 0, 0, 2, 1, 6) +
                             sockaddr(socket.AF_INET, "127.0.0.1", 40000) +
                             sockaddr(socket.AF_INET, "10.0.0.9", 4444))
    yield "dup3_unix", header(DUP, struct.pack("<iIiiIIII", -22, 2, 3, 1, 0x1234, 1, 1, 0) + bytes(48))
    yield "signal_kill", header(SIGNAL, struct.pack("<iIIiii", 0, 0, 9, 4400, 0, -1))
    yield "signal_pidfd", header(SIGNAL, struct.pack("<iIIiii", -3, 3, 15, 0, 0, 7))
    yield "bpf_prog_load", header(BPF, struct.pack("<iIIIIIII16s", 4, 5, 1, 0, 12, 0, 0, 0, b"prog\xff"))
    path = b"/etc/shadow"
    yield "io_uring_setup", header(IO_URING, struct.pack("<iIIiQIIII", 5, 0, 0, -1, 0, 0, 8, 0, 0) + bytes(24))
    yield "io_uring_openat", header(IO_URING, struct.pack("<iIIiQIIII", 0, 1, 18, -100, 0x1111, 0, 0, len(path),
                                                          0o2000000) + bytes(24) + path)
    yield "io_uring_connect", header(IO_URING, struct.pack("<iIIiQIIII", 0, 1, 16, 4, 0x2222, 0, 0, 0, 0) +
                                     sockaddr(socket.AF_INET6, "2001:db8::1", 443))
    yield "io_uring_complete", header(IO_URING, struct.pack("<iIIiQIIII", -2, 2, 18, -100, 0x1111, 0, 0, 0, 0) +
                                      bytes(24))
    yield "bpf_map_create", header(BPF, struct.pack("<iIIIIIII16s", -1, 0, 2, 0, 3, 4, 8, 0, b"m" * 16))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, rec in records():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(b"\0" + rec)


if __name__ == "__main__":
    main()
