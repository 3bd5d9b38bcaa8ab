#!/usr/bin/env python3
"""lws_wire_get.py @NAME STREAMTYPE OUT

A proxy client at the wire level (docs/wire.md), doing what a
libwebsockets SSPC client does for a GET: STREAMTYPE, wait for CREATE_RESULT
ok, ONWARD_CONNECT, then read frames until CONNSTATE QOS_ACK_REMOTE. It
writes "<bytes> <sha256 hex> <largest RX_PAYLOAD payload> <client_buflen>"
(what arrived so far) to OUT in every case, and exits 0 at the ack; 1 (one
line on stderr) if the link closes, the stream reports
DISCONNECTED/NACK/ALL_RETRIES_FAILED/TIMEOUT or the proxy refuses the
streamtype first, or after 120 s.

It sees the frame sizes, which a libwebsockets client cares about: with the
default client_buflen (32 KiB) it was measured to lose the tail of every
RX_PAYLOAD frame carrying more than about 30,000 payload bytes.
"""
import hashlib
import os
import socket
import struct
import sys
import time

RX_PAYLOAD, CREATE_RESULT, CONNSTATE = 0x55, 0x56, 0x57
STREAMTYPE, ONWARD_CONNECT = 0xAA, 0xAB
FLAG_RIDESHARE = 1 << 5
QOS_ACK_REMOTE = 10
FAILED = {2: "DISCONNECTED", 9: "ALL_RETRIES_FAILED", 11: "QOS_NACK_REMOTE", 14: "TIMEOUT"}


class Result:
    def __init__(self, out):
        self.out = out
        self.digest = hashlib.sha256()
        self.total = self.largest = self.client_buflen = 0

    def add(self, payload):
        self.digest.update(payload)
        self.total += len(payload)
        self.largest = max(self.largest, len(payload))

    def write(self):
        with open(self.out, "w") as f:
            f.write("%d %s %d %d\n" % (self.total, self.digest.hexdigest(), self.largest,
                                       self.client_buflen))

    def fail(self, msg):
        self.write()
        print("lws_wire_get: %s (%d bytes received)" % (msg, self.total), file=sys.stderr)
        return 1


def get(r):
    name, streamtype = sys.argv[1][1:], sys.argv[2].encode()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(120)
    deadline = time.monotonic() + 120
    s.connect("\0" + name)
    body = struct.pack(">BIi", 1, os.getpid(), 500000000) + streamtype
    s.sendall(struct.pack(">BH", STREAMTYPE, len(body)) + body)

    buf = bytearray()
    while time.monotonic() < deadline:
        # Whole frames first; then more bytes.
        while len(buf) >= 3:
            ftype, flen = buf[0], (buf[1] << 8) | buf[2]
            if len(buf) < 3 + flen:
                break
            frame = bytes(buf[3:3 + flen])
            del buf[:3 + flen]
            if ftype == CREATE_RESULT:
                if len(frame) < 5 or frame[0] != 0:
                    return r.fail("the proxy refused the streamtype")
                r.client_buflen = struct.unpack(">I", frame[1:5])[0]
                s.sendall(bytes([ONWARD_CONNECT, 0, 0]))
            elif ftype == RX_PAYLOAD:
                flags = struct.unpack(">I", frame[0:4])[0]
                at = 16
                if flags & FLAG_RIDESHARE:
                    at += 1 + frame[16]
                r.add(frame[at:])
            elif ftype == CONNSTATE:
                state = frame[0] if len(frame) == 5 else struct.unpack(">I", frame[0:4])[0]
                if state == QOS_ACK_REMOTE:
                    r.write()
                    return 0
                if state in FAILED:
                    return r.fail(FAILED[state] + " before the whole response")
        data = s.recv(65536)
        if not data:
            return r.fail("the proxy closed the link")
        buf += data
    return r.fail("timed out")


def main():
    if len(sys.argv) != 4 or not sys.argv[1].startswith("@"):
        print("usage: lws_wire_get.py @NAME STREAMTYPE OUT", file=sys.stderr)
        return 2
    r = Result(sys.argv[3])
    try:
        return get(r)
    except OSError as e:  # includes socket.timeout and a refused connect
        return r.fail(str(e))
    except (IndexError, struct.error):
        return r.fail("a malformed frame")


if __name__ == "__main__":
    sys.exit(main())
