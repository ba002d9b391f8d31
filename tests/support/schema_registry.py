#!/usr/bin/env python3
"""A small Confluent-compatible Schema Registry for the Kafka tests.

Why a stand-in: the Confluent-compatible registries were not to be had from
the package registries this project can use (Karapace is not on PyPI;
Apicurio's Maven artifact is a Quarkus module that needs its own build, and
Confluent's own is not on Maven Central). This serves the subset of the REST
API (https://docs.confluent.io/platform/current/schema-registry/develop/api.html)
that a producer registering a PROTOBUF schema and confluent-kafka-python's
ProtobufDeserializer use, with the registry's documented semantics:

  POST /subjects/{subject}/versions   {"schema": TEXT, "schemaType": "PROTOBUF"}
      -> {"id": N}; a schema the registry already holds keeps its global id,
         and a subject that already has it gets no new version (idempotent).
         The schema is compiled with protoc: one that does not compile is
         422 (error_code 42201). Under BACKWARD compatibility (the default) a
         schema that changes the type of a field number an earlier version of
         the subject declares is 409 (error_code 409).
  GET /schemas/ids/{id}[?format=serialized]  -> {"schema", "schemaType"}
      (serialized: the base64 FileDescriptorProto, as clients ask for it)
  GET /subjects, GET /subjects/{s}/versions, GET /subjects/{s}/versions/latest
  PUT /config/{subject} {"compatibility": "NONE"|"BACKWARD"}

Options: --port-file F (the port it listens on, 127.0.0.1, written once
ready), --user U --password P (basic auth on every request, else 401),
--tls-cert CRT --tls-key KEY (serve https).
"""
import argparse
import base64
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlparse, parse_qs

from google.protobuf import descriptor_pb2

LOCK = threading.Lock()
SCHEMAS = []        # id - 1 -> {"schema": text, "fd": FileDescriptorProto}
SUBJECTS = {}       # subject -> [schema id per version]
COMPAT = {}         # subject -> level


def compile_proto(text):
    """FileDescriptorProto of text, or raise ValueError with protoc's words."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "schema.proto")
        with open(path, "w") as f:
            f.write(text)
        out = os.path.join(d, "set.pb")
        r = subprocess.run(["protoc", "-I", d, "--descriptor_set_out=" + out, "schema.proto"],
                           capture_output=True, text=True)
        if r.returncode:
            raise ValueError(r.stderr.strip().replace(d + "/", ""))
        fds = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as f:
            fds.ParseFromString(f.read())
        return fds.file[0]


def fields_by_message(fd):
    """{full message name: {field number: (type, type_name)}} of a file."""
    out = {}

    def walk(prefix, msgs):
        for m in msgs:
            name = prefix + "." + m.name
            out[name] = {f.number: (f.type, f.type_name.rsplit(".", 1)[-1]) for f in m.field}
            walk(name, m.nested_type)
    walk(fd.package, fd.message_type)
    return out


def incompatible(old_fd, new_fd):
    """Why new cannot read what old wrote (a field number changed type), or ''."""
    old, new = fields_by_message(old_fd), fields_by_message(new_fd)
    for msg, fields in old.items():
        for number, kind in fields.items():
            if msg in new and number in new[msg] and new[msg][number] != kind:
                return f"{msg} field {number} changed type"
    return ""


class Handler(BaseHTTPRequestHandler):
    server_version = "ringtap-test-registry/1"

    def log_message(self, fmt, *args):
        sys.stderr.write("registry: " + fmt % args + "\n")

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message):
        self.reply(status, {"error_code": code, "message": message})

    def authorized(self):
        user = self.server.auth
        if not user:
            return True
        want = "Basic " + base64.b64encode(user.encode()).decode()
        if self.headers.get("Authorization") == want:
            return True
        self.error(401, 401, "Unauthorized")
        return False

    def route(self):
        url = urlparse(self.path)
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        return parts, parse_qs(url.query)

    def do_GET(self):
        if not self.authorized():
            return
        parts, query = self.route()
        with LOCK:
            if parts == ["subjects"]:
                return self.reply(200, sorted(SUBJECTS))
            if len(parts) == 3 and parts[:2] == ["schemas", "ids"] and parts[2].isdigit():
                i = int(parts[2])
                if not 1 <= i <= len(SCHEMAS):
                    return self.error(404, 40403, "Schema not found")
                s = SCHEMAS[i - 1]
                text = s["schema"]
                if query.get("format") == ["serialized"]:
                    text = base64.b64encode(s["fd"].SerializeToString()).decode()
                return self.reply(200, {"schema": text, "schemaType": "PROTOBUF"})
            if len(parts) >= 3 and parts[0] == "subjects" and parts[2] == "versions":
                versions = SUBJECTS.get(parts[1])
                if not versions:
                    return self.error(404, 40401, f"Subject '{parts[1]}' not found.")
                if len(parts) == 3:
                    return self.reply(200, list(range(1, len(versions) + 1)))
                v = len(versions) if parts[3] == "latest" else int(parts[3])
                i = versions[v - 1]
                return self.reply(200, {"subject": parts[1], "version": v, "id": i,
                                        "schemaType": "PROTOBUF",
                                        "schema": SCHEMAS[i - 1]["schema"]})
        self.error(404, 404, "HTTP 404 Not Found")

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"{}")

    def do_PUT(self):
        if not self.authorized():
            return
        parts, _ = self.route()
        if len(parts) == 2 and parts[0] == "config":
            level = self.body().get("compatibility", "BACKWARD")
            with LOCK:
                COMPAT[parts[1]] = level
            return self.reply(200, {"compatibility": level})
        self.error(404, 404, "HTTP 404 Not Found")

    def do_POST(self):
        if not self.authorized():
            return
        parts, _ = self.route()
        if len(parts) != 3 or parts[0] != "subjects" or parts[2] != "versions":
            return self.error(404, 404, "HTTP 404 Not Found")
        subject = parts[1]
        try:
            req = self.body()
        except ValueError:
            return self.error(422, 42201, "Invalid JSON body")
        if req.get("schemaType") != "PROTOBUF" or not isinstance(req.get("schema"), str):
            return self.error(422, 42201, "Only PROTOBUF schemas are served here")
        text = req["schema"]
        try:
            fd = compile_proto(text)
        except ValueError as e:
            return self.error(422, 42201, f"Invalid schema: {e}")
        with LOCK:
            ids = [i for i, s in enumerate(SCHEMAS, 1) if s["schema"] == text]
            versions = SUBJECTS.setdefault(subject, [])
            if ids and ids[0] in versions:
                return self.reply(200, {"id": ids[0]})
            if versions and COMPAT.get(subject, "BACKWARD") != "NONE":
                why = incompatible(SCHEMAS[versions[-1] - 1]["fd"], fd)
                if why:
                    return self.error(409, 409, "Schema being registered is incompatible with "
                                      f"an earlier schema for subject \"{subject}\": {why}")
            if not ids:
                SCHEMAS.append({"schema": text, "fd": fd})
                ids = [len(SCHEMAS)]
            versions.append(ids[0])
            return self.reply(200, {"id": ids[0]})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if a.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.auth = f"{a.user}:{a.password}" if a.user else None
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
