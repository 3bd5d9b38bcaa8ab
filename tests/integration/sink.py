#!/usr/bin/env python3
"""sink.py OUT [BYTES_PER_SECOND]

Reads stdin to its end and writes "<bytes> <sha256 hex>" to OUT (only once
stdin has ended). With BYTES_PER_SECOND it reads no faster than that, so the
writer on the other end of the pipe is held back: a slow consumer for the
proxy tests (tests/integration/proxy_bulk_test.sh).
"""
import hashlib
import os
import sys
import time


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: sink.py OUT [BYTES_PER_SECOND]", file=sys.stderr)
        return 2
    out = sys.argv[1]
    rate = int(sys.argv[2]) if len(sys.argv) == 3 else 0
    # Small reads when slow, so the pace is even rather than bursty.
    chunk = min(65536, max(4096, rate // 32)) if rate else 65536
    digest = hashlib.sha256()
    total = 0
    start = time.monotonic()
    while True:
        data = os.read(0, chunk)
        if not data:
            break
        digest.update(data)
        total += len(data)
        if rate:
            ahead = total / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
    with open(out + ".tmp", "w") as f:
        f.write("%d %s\n" % (total, digest.hexdigest()))
    os.rename(out + ".tmp", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
