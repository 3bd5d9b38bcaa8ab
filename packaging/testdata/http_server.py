"""A tiny HTTP/1.1 server for //packaging:install_test: binds 127.0.0.1:0,
writes its port to argv[1], serves the files of argv[2] (http.server); with
argv[3] and argv[4] (a PEM certificate and key) it serves HTTPS."""
import functools
import http.server
import os
import ssl
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass


handler = functools.partial(Handler, directory=sys.argv[2])
with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
    if len(sys.argv) == 5:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()
