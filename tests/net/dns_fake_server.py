#!/usr/bin/env python3
"""A DNS server on UDP 127.0.0.1:PORT whose answers are bad on purpose:
loop.test   -> a response whose answer name is a compression pointer to itself
short.test  -> 5 bytes: a truncated header
big.test    -> a valid answer with one ~4 KiB TXT record (16 strings of 255)
anything else -> REFUSED. Runs until killed; writes PORT to stdout when ready."""
import socket, struct, sys

def question_end(q):
    i = 12
    while q[i]:
        i += 1 + q[i]
    return i + 5  # zero label, qtype, qclass

def qname(q):
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode())
        i += 1 + q[i]
    return ".".join(labels)

def answer(q):
    qid = q[:2]
    end = question_end(q)
    name = qname(q)
    if name == "short.test":
        return qid + b"\x81\x80\x00"
    if name == "loop.test":
        hdr = qid + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
        off = end  # the answer's name: a pointer to itself
        rr = struct.pack(">H", 0xC000 | off) + struct.pack(">HHIH", 1, 1, 60, 4) + b"\x0a\x00\x00\x01"
        return hdr + q[12:end] + rr
    if name == "big.test":
        hdr = qid + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
        rdata = b"".join(bytes([255]) + bytes([0x61 + i]) * 255 for i in range(16))
        rr = b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 300, len(rdata)) + rdata
        return hdr + q[12:end] + rr
    return qid + struct.pack(">HHHHH", 0x8185, 1, 0, 0, 0) + q[12:end]

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print(sys.argv[1], flush=True)
while True:
    q, peer = s.recvfrom(4096)
    try:
        s.sendto(answer(q), peer)
    except Exception:
        pass
