#!/usr/bin/env python3
"""Keeps one publishing point busy: K requests outstanding at all times, for a bounded time.

    hang-keeper.py URL [--connections K] [--seconds S] [--status FILE] [--no-wait]

For bench/hanging-plugin.sh: against a point whose plug-in never answers, K requests larger than
the plug-in's bulkhead (workers + queue) keep its threads stuck and its queue full; the requests
past that are refused 503 with Retry-After at once. A refused connection waits Retry-After (as a
well-behaved client does; --no-wait retries at once, as a hostile one does) and asks again, so the
bulkhead stays full for the whole run. Any other answer also waits a second before the next
request: nothing here loops tightly unless asked to.

At most S seconds: the run ends at its deadline whatever the server does (open requests are
abandoned). --status FILE is rewritten about twice a second and at the end with one line:
  KEEPER sent=N answered=N in_flight=N codes=503:12,401:1 errors=N seconds=S
in_flight: sent and not yet answered (with the default waits: the requests hanging in the plug-in
or queued for it; the refused ones are waiting out Retry-After).
"""
import argparse
import asyncio
import collections
import os
import sys
import time
import urllib.parse


class Keeper:
    def __init__(self, url, connections, seconds, status, wait):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.path = (u.path or "/") + (("?" + u.query) if u.query else "")
        self.connections, self.status, self.wait = connections, status, wait
        self.deadline = time.monotonic() + seconds
        self.start = time.monotonic()
        self.sent = self.answered = self.in_flight = self.errors = 0
        self.codes = collections.Counter()

    def line(self):
        codes = ",".join(f"{c}:{n}" for c, n in sorted(self.codes.items()))
        return (f"KEEPER sent={self.sent} answered={self.answered} in_flight={self.in_flight} "
                f"codes={codes or '-'} errors={self.errors} seconds={time.monotonic() - self.start:.1f}")

    def write_status(self):
        if self.status:
            with open(self.status + ".tmp", "w") as f:
                f.write(self.line() + "\n")
            os.replace(self.status + ".tmp", self.status)

    def left(self):
        return self.deadline - time.monotonic()

    async def one(self):
        reader = writer = None
        while self.left() > 0:
            try:
                if writer is None:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection(self.host, self.port), max(self.left(), 0.01))
                writer.write(f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                             f"User-Agent: hang-keeper\r\n\r\n".encode())
                await writer.drain()
                self.sent += 1
                self.in_flight += 1
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), max(self.left(), 0.01))
                except asyncio.TimeoutError:
                    break  # still unanswered at the deadline: stays counted in in_flight
                except BaseException:
                    self.in_flight -= 1
                    raise
                self.in_flight -= 1
                lines = head.decode("latin-1").split("\r\n")
                code = int(lines[0].split(" ")[1])
                headers = {}
                for h in lines[1:]:
                    if ":" in h:
                        k, v = h.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length", "0") or 0)
                if length:
                    await asyncio.wait_for(reader.readexactly(length), max(self.left(), 0.01))
                self.answered += 1
                self.codes[code] += 1
                if headers.get("connection", "").lower() == "close":
                    writer.close()
                    reader = writer = None
                if self.wait:
                    try:
                        pause = float(headers.get("retry-after", "1"))
                    except ValueError:
                        pause = 1.0
                    await asyncio.sleep(min(max(pause, 0.0), max(self.left(), 0.0)))
            except asyncio.TimeoutError:
                break
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                self.errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(min(0.1, max(self.left(), 0.0)))
        if writer is not None:
            writer.close()

    async def report(self):
        while self.left() > 0:
            self.write_status()
            await asyncio.sleep(min(0.5, max(self.left(), 0.0)))

    async def run(self):
        tasks = [asyncio.create_task(self.one()) for _ in range(self.connections)]
        reporter = asyncio.create_task(self.report())
        await asyncio.gather(*tasks)
        reporter.cancel()
        self.write_status()
        print(self.line(), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--status")
    ap.add_argument("--no-wait", action="store_true", help="retry a refused request at once")
    a = ap.parse_args()
    if a.seconds <= 0 or a.connections <= 0:
        ap.error("--seconds and --connections must be positive")
    asyncio.run(Keeper(a.url, a.connections, a.seconds, a.status, not a.no_wait).run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
