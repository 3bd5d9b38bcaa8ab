"""WebSocket echo server for integration tests (Debian python3-websockets).

Usage: ws_echo.py PORTFILE -- binds 127.0.0.1 port 0, writes the real port
to PORTFILE, echoes every message until killed.
"""
import asyncio
import os
import sys

import websockets


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def main(portfile):
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        tmp = portfile + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.rename(tmp, portfile)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
