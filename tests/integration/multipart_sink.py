#!/usr/bin/env python3
"""A real HTTP server (http.server) that takes multipart/form-data POSTs.

  multipart_sink.py PORT_FILE OUT_FILE

Listens on 127.0.0.1 (a free port, written to PORT_FILE once listening).
Each POST body is parsed with the standard library's email parser; one
JSON line per request goes to OUT_FILE: method, path, content_length (the
header, or null), body_length, and per part in order: name, filename,
content_type, length and sha256 of the payload -- or "error" when the body
is not a well-formed multipart body. Answers 200 "stored". Runs until
killed.
"""
import email
import email.policy
import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def parse(content_type, body):
    msg = email.message_from_bytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body, policy=email.policy.HTTP)
    if not msg.is_multipart() or msg.defects:
        raise ValueError("not a well-formed multipart body: %r" % (msg.defects,))
    parts = []
    for part in msg.iter_parts():
        if part.defects:
            raise ValueError("part defects: %r" % (part.defects,))
        payload = part.get_payload(decode=True) or b""
        parts.append({
            "name": part.get_param("name", header="content-disposition"),
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "length": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        })
    return parts


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = self.headers.get("Content-Length")
        if length is None:
            self.send_error(411)
            return
        body = self.rfile.read(int(length))
        record = {"method": "POST", "path": self.path, "content_length": int(length),
                  "body_length": len(body)}
        try:
            record["parts"] = parse(self.headers.get("Content-Type", ""), body)
        except ValueError as e:
            record["error"] = str(e)
        with open(self.server.out_file, "a") as out:
            out.write(json.dumps(record) + "\n")
        reply = b"stored"
        self.send_response(200)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, fmt, *args):
        pass


def main():
    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.out_file = sys.argv[2]
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
