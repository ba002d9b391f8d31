#!/usr/bin/env python3
"""Unconnected UDP: two datagrams to port A, one to port B, from one socket."""
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a, b = int(sys.argv[1]), int(sys.argv[2])
s.sendto(b"1", ("127.0.0.1", a))
s.sendto(b"2", ("127.0.0.1", a))
s.sendto(b"3", ("127.0.0.1", b))
print(os.getpid())
