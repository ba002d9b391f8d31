#!/usr/bin/env python3
"""1 MiB client -> server over loopback, 1000 bytes back, both sides close with FIN."""
import socket, threading, os
N = 1 << 20
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1)
port = ls.getsockname()[1]
got = []
def srv():
    c, _ = ls.accept(); n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    c.sendall(b"k" * 1000)
    c.close(); got.append(n)
t = threading.Thread(target=srv); t.start()
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"x" * N); s.shutdown(socket.SHUT_WR)
r = 0
while True:
    b = s.recv(65536)
    if not b: break
    r += len(b)
s.close(); t.join()
print(os.getpid(), port, got[0], r)
