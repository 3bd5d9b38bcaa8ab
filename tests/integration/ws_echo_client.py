"""WebSocket client for integration tests (Debian python3-websockets, 10.x).

Usage: ws_echo_client.py URL SUBPROTOCOL -- connects (offering SUBPROTOCOL
unless it is "-"), sends a text message, binary messages of 0 bytes, 100
bytes and 1 MiB (random), checks each echo is the same bytes in its turn,
pings, closes with 1000; prints "ok N" or the first mismatch, exit 0/1.
"""
import asyncio
import os
import sys

import websockets


async def main(url, subprotocol):
    protocols = None if subprotocol == "-" else [subprotocol]
    messages = ["hello, ss-serve", b"", os.urandom(100), os.urandom(1024 * 1024), "bye"]
    async with websockets.connect(url, subprotocols=protocols, max_size=2 * 1024 * 1024) as ws:
        for i, m in enumerate(messages):
            await ws.send(m)
            got = await ws.recv()
            want = m.encode() if isinstance(m, str) else m
            if (got.encode() if isinstance(got, str) else got) != want:
                print("message %d: echo of %d bytes differs from the %d sent" % (i, len(got), len(want)))
                return 1
        pong = await ws.ping(b"ss")
        await asyncio.wait_for(pong, 5)
    print("ok %d" % len(messages))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
