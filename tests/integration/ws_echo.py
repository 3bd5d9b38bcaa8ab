"""WebSocket echo server for integration tests (Debian python3-websockets).

Usage: ws_echo.py PORTFILE [PORT] -- binds 127.0.0.1 port PORT (default 0),
writes the real port to PORTFILE, echoes every message until killed.
"""
import asyncio
import os
import sys

import websockets


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def main(portfile, port):
    async with websockets.serve(echo, "127.0.0.1", port) as server:
        port = server.sockets[0].getsockname()[1]
        tmp = portfile + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.rename(tmp, portfile)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0))
