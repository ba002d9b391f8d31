#!/usr/bin/env python3
"""A scripted Kubernetes API server for ringtap's API client tests.

Serves GET /api/v1/pods (list, and watch=1 as a chunked stream of JSON
lines) from a scenario file: a list of steps consumed in order, each saying
what request it expects (list or watch, the resourceVersion, the bearer
token) and what to answer (a PodList, watch events, a status, and whether
the watch ends cleanly or the connection is dropped mid-stream). A request
that does not match the next step is answered 400/401 and the step stays.
Every request is logged as a JSON line so the test can check the sequence.
The scenario's "objects" (path -> object, or {"status": N}) answer single
GETs of other objects (ReplicaSets, Jobs, Namespaces) in any order, as often
as asked; any other path is 404.

usage: fake_apiserver.py SCENARIO LOG [CERT KEY]   (prints "PORT <n>")
"""
import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FIXTURES = __import__("os").path.join(__import__("os").path.dirname(__file__), "fixtures")


def load_pod(name):
    with open(f"{FIXTURES}/{name}.json") as f:
        return json.load(f)


def expand(obj):
    """{"pod": "NAME", "labels": {...}, "rv": "N"} -> the fixture pod, edited."""
    if isinstance(obj, dict) and "pod" in obj:
        pod = load_pod(obj["pod"])
        if "labels" in obj:
            pod["metadata"]["labels"] = obj["labels"]
        if "rv" in obj:
            pod["metadata"]["resourceVersion"] = obj["rv"]
        return pod
    return obj


class State:
    def __init__(self, scenario, log):
        self.steps = list(scenario["steps"])
        self.node = scenario["node"]
        self.objects = scenario.get("objects", {})
        self.lock = threading.Lock()
        self.log = open(log, "a", buffering=1)

    def next_step(self, kind, rv, auth):
        """Returns (step, status, reason); step is consumed only on a match."""
        with self.lock:
            if not self.steps:
                return None, 0, "scenario exhausted"
            step = self.steps[0]
            if "token" in step and auth != "Bearer " + step["token"]:
                return None, 401, "bad token"
            if step["kind"] != kind or ("rv" in step and step["rv"] != rv):
                return None, 400, f"expected {step['kind']} rv={step.get('rv')}"
            self.steps.pop(0)
            return step, step.get("status", 200), "ok"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_GET(self):
        st = self.server.state
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        kind = "watch" if q.get("watch") in ("1", "true") else "list"
        rv = q.get("resourceVersion", "")
        auth = self.headers.get("Authorization", "")
        if url.path != "/api/v1/pods":
            obj = st.objects.get(url.path)
            status = 404 if obj is None else obj.get("status", 200)
            st.log.write(json.dumps({"kind": "get", "rv": url.path, "auth": auth, "status": status}) + "\n")
            if status != 200:
                return self.send_json(status, {"kind": "Status", "code": status})
            return self.send_json(200, obj)
        if q.get("fieldSelector") != "spec.nodeName=" + st.node:
            step, status, reason = None, 400, "bad path or fieldSelector " + self.path
        else:
            step, status, reason = st.next_step(kind, rv, auth)
        st.log.write(json.dumps({"kind": kind, "rv": rv, "auth": auth, "status": status,
                                 "reason": reason}) + "\n")
        if step is None and status == 0:  # exhausted: lists fail, watches idle briefly
            if kind == "watch":
                time.sleep(0.5)
                return self.send_json(200, {})
            return self.send_json(503, {"kind": "Status", "code": 503})
        if step is None:
            return self.send_json(status, {"kind": "Status", "code": status, "message": reason})
        if status != 200:
            return self.send_json(status, {"kind": "Status", "code": status, "reason": "Expired"})
        if kind == "list":
            items = [expand(p) for p in step["items"]]
            return self.send_json(200, {"kind": "PodList", "apiVersion": "v1",
                                        "metadata": {"resourceVersion": step["list_rv"]},
                                        "items": items})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for ev in step["events"]:
            self.chunk(json.dumps({"type": ev["type"], "object": expand(ev["object"])}).encode() + b"\n")
        if step.get("end") == "drop":  # die mid-stream: no terminating chunk
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(b"0\r\n\r\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a client that stops mid-response (a test ending, a wrong CA) is expected
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            super().handle_error(request, client_address)


def main():
    scenario, log = sys.argv[1], sys.argv[2]
    with open(scenario) as f:
        sc = json.load(f)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State(sc, log)
    if len(sys.argv) > 4:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("PORT", srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
