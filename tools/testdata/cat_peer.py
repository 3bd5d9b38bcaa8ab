"""Misbehaving peers for ss-cat's end-of-transfer tests (tools/ss_cat_end_test.sh).

Usage: cat_peer.py MODE PORTFILE -- binds 127.0.0.1 port 0, writes the port
to PORTFILE, then serves every connection in MODE until killed:

  h1-short      HTTP 200, Content-Length: 100000, 1000 body bytes, close
  h1-huge       HTTP 200, Content-Length: 10000000000, 5 body bytes, close
  h1-badchunk   HTTP 200, chunked, a first chunk, then a chunk size "zz"
  h1-slow       HTTP 200, Content-Length: 10, one body byte per second
  raw-close     sends "bye\\n", then an orderly close (FIN)
  raw-reset     sends "bye\\n", then a reset (RST: SO_LINGER 0)
  raw-ticks     sends "tick\\n" every 50 ms, never closes
  ws-bigframe   WebSocket: one 70000-byte binary frame, then waits
  ws-close1000  WebSocket: one text message "hello", then Close 1000
"""
import asyncio
import os
import socket
import struct
import sys
import threading
import time


def write_port(portfile, port):
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, portfile)


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk


def serve_tcp(mode, conn):
    try:
        if mode.startswith("h1-"):
            read_request(conn)
        if mode == "h1-short":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"a" * 1000)
        elif mode == "h1-huge":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\nhello")
        elif mode == "h1-badchunk":
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n")
        elif mode == "h1-slow":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
            for i in range(10):
                conn.sendall(b"0123456789"[i:i + 1])
                time.sleep(1)
        elif mode == "raw-close":
            conn.sendall(b"bye\n")
        elif mode == "raw-reset":
            conn.sendall(b"bye\n")
            time.sleep(0.2)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "raw-ticks":
            while True:
                conn.sendall(b"tick\n")
                time.sleep(0.05)
    except OSError:
        pass
    finally:
        conn.close()


def main_tcp(mode, portfile):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    write_port(portfile, srv.getsockname()[1])
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve_tcp, args=(mode, conn), daemon=True).start()


async def main_ws(mode, portfile):
    import websockets

    async def handler(ws, path=None):
        if mode == "ws-bigframe":
            await ws.send(b"x" * 70000)  # one frame: websockets does not fragment
            await asyncio.sleep(3600)
        elif mode == "ws-close1000":
            await ws.send("hello")
            await ws.close(1000, "done")

    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None) as server:
        write_port(portfile, server.sockets[0].getsockname()[1])
        await asyncio.Future()


if __name__ == "__main__":
    mode, portfile = sys.argv[1], sys.argv[2]
    if mode.startswith("ws-"):
        asyncio.run(main_ws(mode, portfile))
    else:
        main_tcp(mode, portfile)
