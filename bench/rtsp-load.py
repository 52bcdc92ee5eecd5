#!/usr/bin/env python3
"""A small RTSP load tool: N concurrent sessions (OPTIONS, DESCRIBE, SETUP per track over
interleaved TCP, PLAY), each counting the interleaved packets and bytes it receives for a while.

    rtsp-load.py URL [--sessions N] [--seconds S] [--user U --password P]
                     [--reference URL [--reference-sessions K]]

Prints one JSON object: sessions that set up, set-up times (DESCRIBE sent to PLAY answered, ms:
median, p99, mean; and from the connect, OPTIONS and its challenge included), set-ups per second
over the ramp, packets and bytes per session (min, median, total), Mbit/s received, the 401s each
session met (a client that reuses its nonce meets one per connection), and failures with their
first line. Digest (RFC 2617 with qop=auth, or RFC 2069) and Basic are answered when challenged.

With --reference, K more sessions play the reference URL (the origin, directly) at the same time:
the origin's shared media sends every session the same RTP packets, so the time between a packet's
arrival on a reference session and on a session of URL is the latency URL adds (latency_ms: p50,
p99 over every RTP packet both received; against the origin itself it is the tool's own noise).
Python 3 standard library only.
"""
import argparse
import asyncio
import base64
import hashlib
import json
import os
import re
import statistics
import time
from urllib.parse import urlsplit, unquote

PARAM = re.compile(r'([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))')


class Auth:
    def __init__(self, user, password):
        self.user, self.password = user, password
        self.digest, self.basic, self.nc = None, False, 0

    def challenged(self, values):
        for v in values:
            scheme, _, rest = v.strip().partition(" ")
            if scheme.lower() == "digest":
                self.digest = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                               for m in PARAM.finditer(rest)}
                self.nc = 0
                return True
        if any(v.strip().lower().startswith("basic") for v in values):
            self.basic = True
            return True
        return False

    def header(self, method, uri):
        if self.user is None:
            return None
        if self.digest:
            d = self.digest
            md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
            ha1 = md5(f"{self.user}:{d.get('realm', '')}:{self.password}")
            ha2 = md5(f"{method}:{uri}")
            realm, nonce = d.get("realm", ""), d["nonce"]
            h = (f'Digest username="{self.user}", realm="{realm}", '
                 f'nonce="{nonce}", uri="{uri}"')
            if "auth" in [q.strip() for q in d.get("qop", "").split(",")]:
                self.nc += 1
                nc, cnonce = f"{self.nc:08x}", os.urandom(8).hex()
                resp = md5(f"{ha1}:{d['nonce']}:{nc}:{cnonce}:auth:{ha2}")
                h += f', qop=auth, nc={nc}, cnonce="{cnonce}", response="{resp}"'
            else:
                resp = md5(ha1 + ":" + d["nonce"] + ":" + ha2)
                h += f', response="{resp}"'
            if "opaque" in d:
                h += ', opaque="' + d["opaque"] + '"'
            return h + ", algorithm=MD5"
        if self.basic:
            return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return None


class Session:
    def __init__(self, url, user, password, keep_arrivals=False):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 554
        user = user if user is not None else (unquote(parts.username) if parts.username else None)
        password = password if password is not None else unquote(parts.password or "")
        self.url = parts._replace(netloc=f"{parts.hostname}:{self.port}").geturl()
        self.auth = Auth(user, password)
        self.cseq, self.session = 0, None
        self.packets = self.bytes = 0
        self.setup_ms = self.connect_to_play_ms = None
        self.challenges = 0
        # method -> ms of each request (the answered attempt, without a challenge round trip)
        self.request_ms = {}
        # (RTP timestamp, sequence number) -> arrival, for the latency comparison
        self.arrivals = {} if keep_arrivals else None

    async def open(self):
        self.opened = time.perf_counter()
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method, uri, headers=None, retry=True):
        self.cseq += 1
        lines = [f"{method} {uri} RTSP/1.0", f"CSeq: {self.cseq}", "User-Agent: authhost-rtsp-load"]
        auth = self.auth.header(method, uri)
        if auth:
            lines.append(f"Authorization: {auth}")
        if self.session:
            lines.append(f"Session: {self.session}")
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        sent = time.perf_counter()
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self.writer.drain()
        status, head, body = await self.response()
        self.request_ms.setdefault(method, []).append((time.perf_counter() - sent) * 1000)
        if status == 401:
            self.challenges += 1
        if status == 401 and retry and self.auth.challenged(head.get("www-authenticate", [])):
            return await self.request(method, uri, headers, retry=False)
        return status, head, body

    async def response(self):
        while True:
            first = await self.reader.readexactly(1)
            if first == b"$":
                await self.frame()
                continue
            line = first + await self.reader.readuntil(b"\n")
            if not line.strip():
                continue
            break
        status = int(line.split()[1])
        head = {}
        while True:
            h = (await self.reader.readuntil(b"\n")).decode("latin-1").strip()
            if not h:
                break
            k, _, v = h.partition(":")
            head.setdefault(k.strip().lower(), []).append(v.strip())
        length = int(head.get("content-length", ["0"])[0])
        body = await self.reader.readexactly(length) if length else b""
        return status, head, body

    async def frame(self):
        hdr = await self.reader.readexactly(3)
        size = int.from_bytes(hdr[1:3], "big")
        data = await self.reader.readexactly(size)
        self.packets += 1
        self.bytes += size
        if self.arrivals is not None and hdr[0] % 2 == 0 and size >= 12:
            self.arrivals[(data[4:8], data[2:4])] = time.perf_counter()

    async def play(self, seconds):
        status, head, _ = await self.request("OPTIONS", self.url)
        start = self.described = time.perf_counter()
        status, head, body = await self.request("DESCRIBE", self.url, {"Accept": "application/sdp"})
        if status != 200:
            raise RuntimeError(f"DESCRIBE {status}")
        base = head.get("content-base", [self.url])[0]
        controls = re.findall(r"^a=control:(\S+)", body.decode("latin-1"), re.M)
        tracks = [c for c in controls if c != "*"] or [base]
        channel = 0
        for c in tracks:
            uri = c if "://" in c else base.rstrip("/") + "/" + c
            status, head, _ = await self.request(
                "SETUP", uri, {"Transport": f"RTP/AVP/TCP;unicast;interleaved={channel}-{channel + 1}"})
            if status != 200:
                raise RuntimeError(f"SETUP {status}")
            self.session = head["session"][0].split(";")[0]
            channel += 2
        status, _, _ = await self.request("PLAY", base, {"Range": "npt=0.000-"})
        if status != 200:
            raise RuntimeError(f"PLAY {status}")
        self.played = time.perf_counter()
        self.setup_ms = (self.played - start) * 1000
        self.connect_to_play_ms = (time.perf_counter() - self.opened) * 1000
        end = time.perf_counter() + seconds
        # Read in large chunks and split the frames here: one await per chunk rather than three per
        # packet, so that the tool, not the server, is never what limits 50 sessions.
        buf, at = bytearray(), 0
        while time.perf_counter() < end:
            try:
                chunk = await asyncio.wait_for(self.reader.read(1 << 16), end - time.perf_counter())
            except asyncio.TimeoutError:
                break
            if not chunk:
                raise RuntimeError("the server closed the connection while playing")
            now = time.perf_counter()
            buf += chunk
            while len(buf) - at >= 4:
                if buf[at] == 0x24:
                    size = int.from_bytes(buf[at + 2:at + 4], "big")
                    if len(buf) - at < 4 + size:
                        break
                    self.packets += 1
                    self.bytes += size
                    if self.arrivals is not None and buf[at + 1] % 2 == 0 and size >= 12:
                        self.arrivals[(bytes(buf[at + 8:at + 12]), bytes(buf[at + 6:at + 8]))] = now
                    at += 4 + size
                else:  # an RTSP message from the server (an answer, a request): skipped
                    head_end = buf.find(b"\r\n\r\n", at)
                    if head_end < 0:
                        break
                    at = head_end + 4
            del buf[:at]
            at = 0
        self.writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--sessions", type=int, default=10)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--reference", help="the origin's URL, played at the same time (latency)")
    p.add_argument("--reference-sessions", type=int, default=2)
    a = p.parse_args()
    sessions = [Session(a.url, a.user, a.password, a.reference is not None)
                for _ in range(a.sessions)]
    references = [Session(a.reference, None, None, True)
                  for _ in range(a.reference_sessions if a.reference else 0)]
    failures = []

    async def run(s):
        try:
            await s.open()
            await s.play(a.seconds)
        except Exception as e:  # a failed session is reported, not fatal
            failures.append(f"{type(e).__name__}: {e}")

    async def reference(s):
        try:
            await s.open()
            # playing before the measured sessions start, and until after they end
            await s.play(a.seconds + 2)
        except Exception as e:
            failures.append(f"reference {type(e).__name__}: {e}")

    background = [asyncio.ensure_future(reference(s)) for s in references]
    if references:
        await asyncio.sleep(1)
    ramp = time.perf_counter()
    await asyncio.gather(*(run(s) for s in sessions))
    played = time.perf_counter() - ramp
    await asyncio.gather(*background)
    ok = [s for s in sessions if s.setup_ms is not None]
    first = {}
    for r in references:
        for key, t in (r.arrivals or {}).items():
            if key not in first or t < first[key]:
                first[key] = t
    added = sorted((t - first[key]) * 1000 for s in ok for key, t in (s.arrivals or {}).items()
                   if key in first)
    pct = lambda xs, q: xs[min(len(xs) - 1, int(len(xs) * q))] if xs else None  # noqa: E731
    setups = sorted(s.setup_ms for s in ok)
    last_setup = max((s.setup_ms for s in ok), default=0)
    packets = sorted(s.packets for s in ok)
    print(json.dumps({
        "url": a.url, "sessions": a.sessions, "set_up": len(ok),
        "setup_ms": {"median": statistics.median(setups) if setups else None,
                     "p99": setups[min(len(setups) - 1, int(len(setups) * 0.99))] if setups else None,
                     "mean": statistics.mean(setups) if setups else None},
        "connect_to_play_ms": {"median": statistics.median(c) if (c := sorted(
            s.connect_to_play_ms for s in ok)) else None, "p99": pct(c, 0.99)},
        # per method, the median over sessions of each session's last such request: where set-up
        # time goes (the client's own wake-ups included)
        "request_ms": {m: statistics.median(t) for m in ("OPTIONS", "DESCRIBE", "SETUP", "PLAY")
                       if (t := [s.request_ms[m][-1] for s in ok if m in s.request_ms])},
        "setups_per_second": len(ok) / (last_setup / 1000) if last_setup else None,
        # the same burst by the wall clock: sessions over first DESCRIBE sent to last PLAY answered
        # (sessions that start late, behind a challenge, count here; not in setups_per_second)
        "burst_setups_per_second": len(ok) / span if ok and (span := max(
            s.played for s in ok) - min(s.described for s in ok)) > 0 else None,
        "challenges": {"total": sum(s.challenges for s in sessions),
                       "max_per_session": max((s.challenges for s in sessions), default=0)},
        "mbit_per_second": sum(s.bytes for s in ok) * 8 / 1e6 / played if played else None,
        "latency_ms": {"p50": pct(added, 0.5), "p99": pct(added, 0.99), "matched": len(added)}
        if references else None,
        "packets_per_session": {"min": packets[0] if packets else 0,
                                "median": statistics.median(packets) if packets else 0,
                                "total": sum(packets)},
        "bytes_total": sum(s.bytes for s in ok),
        "failures": failures[:5], "failed": len(failures),
        "ramp_seconds": time.perf_counter() - ramp,
    }, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
