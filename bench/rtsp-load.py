#!/usr/bin/env python3
"""A small RTSP load tool: N concurrent sessions (OPTIONS, DESCRIBE, SETUP per track over
interleaved TCP, PLAY), each counting the interleaved packets and bytes it receives for a while.

    rtsp-load.py URL [--sessions N] [--seconds S] [--user U --password P]
                     [--reference URL [--reference-sessions K]]
                     [--processes P] [--start aligned|free] [--range]
                     [--total N] [--watch NAME=PID ...]

Prints one JSON object: sessions that set up, set-up times (DESCRIBE sent to PLAY answered, ms:
median, p99, mean; and from the connect, OPTIONS and its challenge included), set-ups per second
(sessions / the slowest DESCRIBE-to-PLAY), packets and bytes per session (min, median, total),
Mbit/s received, the 401s each session met (a client that reuses its nonce meets one per
connection), and failures with their first line. Digest (RFC 2617 with qop=auth, or RFC 2069) and
Basic are answered when challenged.

The sessions are spread over P processes (default: one per core, at most one per session), each
with its own event loop, so that one Python thread serving every session is not what limits the
run. Not more: the tool shares the cores with the servers, and two per core woke each process for
fewer answers at a time, for more CPU per session in both runs (~30 µs direct, ~70 through, on 2
cores) and more time the origin's one client thread waited for a core. With --start aligned (the
default) every session connects and does its OPTIONS (answering the challenge, if any) first,
then all of them send DESCRIBE at the same moment: "N sessions at once" for the direct run and the
relayed one alike, whatever a challenge round trip costs before it. --start free starts each
session's DESCRIBE as soon as its own OPTIONS is answered (the tool's behaviour before).

--total N sets up N sessions, --sessions clients at a time, each a new connection from its connect
(OPTIONS and its challenge included) to PLAY, then closed: "sustained", sessions per second over
the go to the last PLAY. --watch NAME=PID (repeatable) reads that process's threads, and the tool's
own, over the set-up window (go to every session playing): "cpu" (see Watch).

PLAY goes without a Range unless --range: with "Range: npt=0.000-" (what ffmpeg and live555 send)
GStreamer's RTSP server seeks its shared live media on every PLAY (~10 ms of its one client
thread each, the whole of its PLAY time), and 50 such PLAYs at once have deadlocked it (1.22).
A live stream plays from now either way.

Every read asks the kernel when the bytes arrived (SO_TIMESTAMPNS: for TCP, the arrival of the
last segment the read took, so an answer read together with bytes that came after it looks later
than it came), so the tool reports its own share apart from the server's: "tool_ms" splits the time between an answer and the next request
into the wait before the tool read the answer (arrival to read: a busy tool or core) and the
tool's own work (read to next request written); "server_ms" is a request written to its answer's
arrival, per method.

With --reference, K more sessions play the reference URL (the origin, directly) at the same time:
the origin's shared media sends every session the same RTP packets, so the time between a packet's
arrival on a reference session and on a session of URL is the latency URL adds (latency_ms: p50,
p99 over every RTP packet both received, by the kernel's arrival times: each read's last
segment's, so a late read still stamps its earlier packets late, and the measured sessions (in busy
worker processes) batch more than the reference ones; against the origin itself it reads ~0). Python 3 standard library only,
Linux (SO_TIMESTAMPNS).
"""
import argparse
import asyncio
import base64
import hashlib
import json
import multiprocessing
import os
import re
import socket
import statistics
import time
from urllib.parse import urlsplit, unquote

PARAM = re.compile(r'([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))')
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; Python does not name it
ANCILLARY = socket.CMSG_SPACE(16)


CONTENT_LENGTH = re.compile(rb"\ncontent-length[ \t]*:[ \t]*(\d+)\r", re.I)


class Head:
    """An answer's head, kept as bytes: a field is looked for when asked (most answers are read
    for their status alone; the tool's time is the run's, see --watch)."""

    def __init__(self, raw):
        self.raw = raw

    def status(self):
        return int(self.raw.split(b" ", 2)[1])

    def get(self, name, default=()):
        """Every value of a field (case-insensitive name), or default."""
        values = []
        for line in self.raw.decode("latin-1").split("\r\n")[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == name:
                values.append(v.strip())
        return values or default

    def __getitem__(self, name):
        values = self.get(name)
        if not values:
            raise KeyError(name)
        return values


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


class Auth:
    """Answers a challenge as a client that keeps its nonce does: the Digest parts that depend on
    the challenge alone (HA1, the header's start, the cnonce) are made once per challenge, HA2 once
    per method and URI; each request still gets its own nc and so its own response, which the
    server verifies in full."""

    def __init__(self, user, password):
        self.user, self.password = user, password
        self.digest, self.basic, self.nc = None, None, 0

    def challenged(self, values):
        for v in values:
            scheme, _, rest = v.strip().partition(" ")
            if scheme.lower() == "digest":
                d = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                     for m in PARAM.finditer(rest)}
                realm, nonce = d.get("realm", ""), d["nonce"]
                self.digest = d
                self.nc = 0
                self.ha1 = md5(f"{self.user}:{realm}:{self.password}")
                self.ha2 = {}
                self.qop = "auth" in [q.strip() for q in d.get("qop", "").split(",")]
                # one cnonce per challenge: RFC 7616 lets a client keep it while nc grows
                self.cnonce = os.urandom(8).hex()
                self.start = (f'Digest username="{self.user}", realm="{realm}", '
                              f'nonce="{nonce}", uri="')
                self.end = (f', opaque="{d["opaque"]}"' if "opaque" in d else "") + ", algorithm=MD5"
                return True
        if any(v.strip().lower().startswith("basic") for v in values):
            self.basic = "Basic " + base64.b64encode(
                f"{self.user}:{self.password}".encode()).decode()
            return True
        return False

    def header(self, method, uri):
        if self.user is None:
            return None
        if self.digest:
            ha2 = self.ha2.get((method, uri))
            if ha2 is None:
                ha2 = self.ha2[method, uri] = md5(f"{method}:{uri}")
            nonce = self.digest["nonce"]
            if self.qop:
                self.nc += 1
                nc = f"{self.nc:08x}"
                resp = md5(f"{self.ha1}:{nonce}:{nc}:{self.cnonce}:auth:{ha2}")
                return (f'{self.start}{uri}", qop=auth, nc={nc}, cnonce="{self.cnonce}", '
                        f'response="{resp}"{self.end}')
            resp = md5(f"{self.ha1}:{nonce}:{ha2}")
            return f'{self.start}{uri}", response="{resp}"{self.end}'
        return self.basic


class Session:
    """One RTSP connection: a non-blocking socket read from the event loop's own callback (one
    recvmsg per readiness, no await per message or frame), which splits interleaved frames from
    answers at any time, so a playing session costs its process one callback per read."""

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
        self.described = self.played = None
        self.challenges = 0
        # method -> ms of each request (the answered attempt, without a challenge round trip)
        self.request_ms = {}
        # method -> ms from the request written to its answer's arrival (the kernel's time)
        self.server_ms = {}
        # the tool's own time per answer: arrival -> read (wake), read -> next request (work)
        self.wake_ms, self.work_ms = [], []
        self.answer_read = None
        # RTP timestamp << 16 | sequence number -> arrival (ns, the kernel's), for the latency
        self.arrivals = {} if keep_arrivals else None
        self.buf, self.answer, self.closed = bytearray(), None, None
        self.sock = None
        self.range = False

    async def open(self):
        loop = asyncio.get_running_loop()
        self.opened = time.perf_counter()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.setblocking(False)
        await loop.sock_connect(self.sock, (self.host, self.port))
        loop.add_reader(self.sock.fileno(), self.readable)

    def close(self):
        if self.sock is not None:
            try:
                asyncio.get_running_loop().remove_reader(self.sock.fileno())
            except (RuntimeError, ValueError):
                pass
            self.sock.close()
            self.sock = None

    def readable(self):
        try:
            data, anc, _, _ = self.sock.recvmsg(1 << 16, ANCILLARY)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            data, anc = b"", ()
            self.closed = f"{type(e).__name__}: {e}"
        read_ns = time.time_ns()
        arrived = read_ns
        for level, kind, stamp in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(stamp) >= 16:
                arrived = (int.from_bytes(stamp[0:8], "little") * 1_000_000_000
                           + int.from_bytes(stamp[8:16], "little"))
        if not data:
            self.closed = self.closed or "the server closed the connection"
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
            if self.answer is not None and not self.answer.done():
                self.answer.set_exception(RuntimeError(self.closed))
            return
        buf = self.buf
        buf += data
        at, n = 0, len(buf)
        while n - at >= 4:
            if buf[at] == 0x24:
                size = int.from_bytes(buf[at + 2:at + 4], "big")
                if n - at < 4 + size:
                    break
                self.packets += 1
                self.bytes += size
                if self.arrivals is not None and buf[at + 1] % 2 == 0 and size >= 12:
                    key = int.from_bytes(buf[at + 8:at + 12], "big") << 16 | int.from_bytes(
                        buf[at + 6:at + 8], "big")
                    self.arrivals[key] = arrived
                at += 4 + size
                continue
            head_end = buf.find(b"\r\n\r\n", at)
            if head_end < 0:
                break
            # the head is split into fields only when one is asked for (Head)
            found = CONTENT_LENGTH.search(buf, at, head_end + 2)
            length = int(found.group(1)) if found else 0
            if n - (head_end + 4) < length:
                break
            head = Head(bytes(buf[at:head_end]))
            body = bytes(buf[head_end + 4:head_end + 4 + length])
            at = head_end + 4 + length
            # an answer; a request from the server (GET_PARAMETER, ANNOUNCE) is skipped
            if head.raw.startswith(b"RTSP/") and self.answer is not None \
                    and not self.answer.done():
                self.answer.set_result((head.status(), head, body, arrived, read_ns))
        del buf[:at]

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
        if self.closed:
            raise RuntimeError(self.closed)
        loop = asyncio.get_running_loop()
        self.answer = loop.create_future()
        data = ("\r\n".join(lines) + "\r\n\r\n").encode()
        sent_ns, sent = time.time_ns(), time.perf_counter()
        if self.answer_read is not None:
            self.work_ms.append((sent_ns - self.answer_read) / 1e6)
        # a request fits the socket's buffer: sent at once, without sock_sendall's coroutine
        try:
            written = self.sock.send(data)
        except (BlockingIOError, InterruptedError):
            written = 0
        if written < len(data):
            await loop.sock_sendall(self.sock, data[written:])
        status, head, body, arrived, read_ns = await self.answer
        self.answer_read = read_ns
        self.wake_ms.append((read_ns - arrived) / 1e6)
        self.request_ms.setdefault(method, []).append((time.perf_counter() - sent) * 1000)
        self.server_ms.setdefault(method, []).append((arrived - sent_ns) / 1e6)
        if status == 401:
            self.challenges += 1
        if status == 401 and retry and self.auth.challenged(head.get("www-authenticate", [])):
            return await self.request(method, uri, headers, retry=False)
        return status, head, body

    async def options(self):
        await self.request("OPTIONS", self.url)

    async def play(self, seconds, playing=lambda: None):
        self.answer_read = None  # the wait for the aligned start is not the tool's work
        self.described = time.perf_counter()
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
        status, _, _ = await self.request("PLAY", base, {"Range": "npt=0.000-"} if self.range else {})
        if status != 200:
            raise RuntimeError(f"PLAY {status}")
        self.played = time.perf_counter()
        self.setup_ms = (self.played - self.described) * 1000
        self.connect_to_play_ms = (self.played - self.opened) * 1000
        self.answer_read = None
        playing()
        # Playing: the frames are counted by the read callback; nothing to await per packet.
        await asyncio.sleep(seconds)
        if self.closed:
            raise RuntimeError(self.closed + " while playing")
        self.close()

    def result(self):
        return {"setup_ms": self.setup_ms, "connect_to_play_ms": self.connect_to_play_ms,
                "described": self.described, "played": self.played,
                "request_ms": {m: t[-1] for m, t in self.request_ms.items()},
                "server_ms": {m: t[-1] for m, t in self.server_ms.items()},
                "wake_ms": self.wake_ms, "work_ms": self.work_ms,
                "challenges": self.challenges, "packets": self.packets, "bytes": self.bytes,
                "arrivals": self.arrivals}


async def run_sessions(sessions, seconds, go, failures, all_playing):
    """Connects and asks OPTIONS on every session, waits for `go` (None: at once), then plays;
    calls all_playing() once every session has its PLAY answered or has failed."""
    async def opened(s):
        try:
            await s.open()
            await s.options()
            return True
        except Exception as e:  # a failed session is reported, not fatal
            failures.append(f"{type(e).__name__}: {e}")
            s.close()
            return False

    ready = await asyncio.gather(*(opened(s) for s in sessions))
    if go is not None:
        await go()
    waiting = [sum(ready)]

    def reached():
        waiting[0] -= 1
        if waiting[0] == 0:
            all_playing()

    if not waiting[0]:
        all_playing()

    async def played(s):
        counted = []
        try:
            await s.play(seconds, lambda: counted.append(reached()))
        except Exception as e:
            failures.append(f"{type(e).__name__}: {e}")
        finally:
            if not counted:
                reached()
            s.close()

    await asyncio.gather(*(played(s) for s, ok in zip(sessions, ready) if ok))


async def run_sustained(args, slots, share, keep_arrivals, go, failures):
    """--total: `share` sessions over `slots` concurrent clients, started at `go`; each session
    is a new connection set up from its connect (OPTIONS and its challenge included) to PLAY,
    then closed (after --seconds), and its client starts the next one at once."""
    await go()
    results, left = [], [share]

    async def client():
        while left[0] > 0:
            left[0] -= 1
            s = Session(args.url, args.user, args.password, keep_arrivals)
            s.range = args.range
            try:
                await s.open()
                await s.options()
                await s.play(args.seconds)
            except Exception as e:
                failures.append(f"{type(e).__name__}: {e}")
            finally:
                s.close()
            results.append(s.result())

    await asyncio.gather(*(client() for _ in range(slots)))
    return results


def worker(args, count, share, keep_arrivals, pipe):
    """One process's share of the sessions; tells the parent when they are ready, waits for its
    go, tells it when every session plays (the set-up's end), and sends back each session's
    figures."""
    async def main():
        loop = asyncio.get_running_loop()
        failures = []

        async def go():
            pipe.send("ready")
            started = loop.create_future()
            loop.add_reader(pipe.fileno(), lambda: started.done() or started.set_result(None))
            await started
            loop.remove_reader(pipe.fileno())
            pipe.recv()

        if args.total:
            results = await run_sustained(args, count, share, keep_arrivals, go, failures)
            pipe.send("playing")
            return results, failures
        sessions = [Session(args.url, args.user, args.password, keep_arrivals)
                    for _ in range(count)]
        for s in sessions:
            s.range = args.range
        await run_sessions(sessions, args.seconds, go if args.start == "aligned" else None,
                           failures, lambda: pipe.send("playing"))
        return [s.result() for s in sessions], failures

    try:
        pipe.send(("done",) + asyncio.run(main()))
    except Exception as e:
        pipe.send(("done", [], [f"worker {type(e).__name__}: {e}"]))
    finally:
        pipe.close()


def threads(pid):
    """Each thread of a process: tid -> (on-CPU ns, run-queue wait ns, time slices), the
    kernel's schedstat (ns, not clock ticks: a 10 ms burst is readable), then its voluntary and
    involuntary context switches (status: it blocked and was woken later; it was preempted), then
    1 if it was in state R as read (on CPU, or runnable): a thread on CPU has a schedstat that lags
    by up to a scheduler tick."""
    rows, base = {}, f"/proc/{pid}/task"
    try:
        tids = os.listdir(base)
    except OSError:
        return rows
    for tid in tids:
        try:
            with open(f"{base}/{tid}/schedstat") as f:
                row = [int(x) for x in f.read().split()[:3]]
            with open(f"{base}/{tid}/status") as f:
                status = f.readlines()
            row += [int(line.split()[1]) for line in status
                    if line.startswith(("voluntary_ctxt", "nonvoluntary_ctxt"))]
            row += [0] * (5 - len(row))  # a kernel without the switch counts: zeros
            row.append(1 if any(line.startswith("State:\tR") for line in status) else 0)
            if tid == str(os.getpid()):
                # this very thread, running: its schedstat lags by its current slice (the reading
                # of the others' would land in the window); its own clock does not
                row[0], row[5] = time.thread_time_ns(), 0
            rows[tid] = tuple(row)
        except (OSError, ValueError, IndexError):
            pass
    return rows


def machine_busy_ns():
    """Every process's CPU on the machine so far (/proc/stat: clock ticks, 10 ms each)."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def thread_group(pid, tid, name):
    """What a thread is, by its name: the host's event loops, JIT and GC, the origin's pool
    threads (GStreamer's client thread; its media has threads of its own) and main thread."""
    if "EventLoop" in name:
        return "event loops"
    if name.startswith(("C1 Comp", "C2 Comp")):
        return "JIT compilers"
    if name.startswith(("GC ", "G1 ")) or "GC" in name:
        return "GC"
    if name.startswith("pool-"):
        return "pool threads"
    return "main thread" if tid == str(pid) else "other threads"


class Watch:
    """Each party's CPU over the set-up window, thread by thread: the load tool's own processes
    (its parent and its workers) and the --watch processes (the host, the origin). Read before
    the go and once every session plays, so it holds the set-up and nothing of the tool's
    start or of the media played after."""

    def __init__(self, parties):
        self.parties = parties  # name -> [pid]

    def start(self):
        # the tool's own processes read last here and first in stop(): the parent's reading of
        # the other parties' threads (~1 ms for a host's) is then outside its own figures
        self.before = {p: {pid: threads(pid) for pid in self.parties[p]}
                       for p in reversed(list(self.parties))}
        self.machine = machine_busy_ns()
        self.started = time.perf_counter()

    def stop(self):
        after = {p: {pid: threads(pid) for pid in pids} for p, pids in self.parties.items()}
        window = time.perf_counter() - self.started
        machine = machine_busy_ns() - self.machine
        parties = {}
        for party, pids in after.items():
            groups = parties.setdefault(party, {})
            for pid, rows in pids.items():
                for tid, now in rows.items():
                    was = self.before[party].get(pid, {}).get(tid, (0, 0, 0, 0, 0, 0))
                    cpu, wait, slices, woken, preempted = (a - b for a, b in zip(now[:5], was))
                    if party == "tool":
                        name = "parent" if pid == os.getpid() else "workers"
                    else:
                        try:
                            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                                name = thread_group(pid, tid, f.read().strip())
                        except OSError:
                            name = "other threads"
                    g = groups.setdefault(name, {"cpu_ms": 0, "wait_ms": 0, "slices": 0,
                                                 "threads": 0, "busiest_ms": [0, 0],
                                                 "woken": 0, "preempted": 0,
                                                 "busiest_switches": [0, 0],
                                                 "running_when_read": [0, 0]})
                    g["cpu_ms"] += cpu / 1e6
                    g["wait_ms"] += wait / 1e6
                    g["slices"] += slices
                    g["threads"] += 1 if cpu else 0
                    g["woken"] += woken
                    g["preempted"] += preempted
                    # on CPU at the go's read (its figure here high by up to a tick) or at the end's
                    # (low by up to a tick: 4 ms at HZ=250, against a burst's 10-25 ms)
                    g["running_when_read"][0] += was[5] if len(was) > 5 else 0
                    g["running_when_read"][1] += now[5]
                    # the busiest thread of the group: on CPU, and runnable but waiting for a core
                    if cpu / 1e6 > g["busiest_ms"][0]:
                        g["busiest_ms"] = [cpu / 1e6, wait / 1e6]
                        # its voluntary (blocked, then woken) and involuntary (preempted) switches
                        g["busiest_switches"] = [woken, preempted]
        return {"window_ms": window * 1000, "machine_busy_ms": machine / 1e6,
                "parties": parties}


def summary(args, results, failures, references, ramp, played, go, cpu):
    ok = [r for r in results if r["setup_ms"] is not None]
    first = {}
    for r in references:
        for key, t in (r.arrivals or {}).items():
            if key not in first or t < first[key]:
                first[key] = t
    added = sorted((t - first[key]) / 1e6 for r in ok for key, t in (r["arrivals"] or {}).items()
                   if key in first)
    pct = lambda xs, q: xs[min(len(xs) - 1, int(len(xs) * q))] if xs else None  # noqa: E731
    spread = lambda xs: {"median": statistics.median(xs), "p90": pct(xs, 0.9),  # noqa: E731
                         "max": xs[-1]} if xs else None
    setups = sorted(r["setup_ms"] for r in ok)
    last_setup = setups[-1] if setups else 0
    packets = sorted(r["packets"] for r in ok)
    wake = sorted(x for r in ok for x in r["wake_ms"])
    work = sorted(x for r in ok for x in r["work_ms"])
    return {
        "url": args.url, "sessions": args.sessions, "set_up": len(ok),
        "processes": args.processes, "start": args.start, "range": args.range,
        "setup_ms": {"median": statistics.median(setups) if setups else None,
                     "p99": pct(setups, 0.99), "mean": statistics.mean(setups) if setups else None},
        "connect_to_play_ms": {"median": statistics.median(c) if (c := sorted(
            r["connect_to_play_ms"] for r in ok)) else None, "p99": pct(c, 0.99)},
        # per method, the median over sessions of each session's last such request: where set-up
        # time goes (the client's own wake-ups included)
        "request_ms": {m: statistics.median(t) for m in ("OPTIONS", "DESCRIBE", "SETUP", "PLAY")
                       if (t := [r["request_ms"][m] for r in ok if m in r["request_ms"]])},
        # the same from the request written to its answer's arrival (the tool's wake-up excluded)
        "server_ms": {m: statistics.median(t) for m in ("OPTIONS", "DESCRIBE", "SETUP", "PLAY")
                      if (t := [r["server_ms"][m] for r in ok if m in r["server_ms"]])},
        # the tool's own time per answer: arrival to read, and read to the next request written
        "tool_ms": {"arrival_to_read": spread(wake), "read_to_next_request": spread(work)},
        "setups_per_second": len(ok) / (last_setup / 1000) if last_setup and not args.total
        else None,
        # --total: sessions set up over the go to the last PLAY answered, connects and challenges
        # included (each session is a new connection, as in a burst)
        "sustained": {"clients": args.sessions, "sessions": args.total,
                      "seconds": (end := max(r["played"] for r in ok) - go),
                      "setups_per_second": len(ok) / end} if args.total and ok else None,
        # each party's CPU from the go to every session playing (Watch)
        "cpu": cpu,
        # the same burst by the wall clock: sessions over first DESCRIBE sent to last PLAY answered
        "burst_setups_per_second": len(ok) / span if ok and (span := max(
            r["played"] for r in ok) - min(r["described"] for r in ok)) > 0 else None,
        "challenges": {"total": sum(r["challenges"] for r in results),
                       "max_per_session": max((r["challenges"] for r in results), default=0)},
        "mbit_per_second": sum(r["bytes"] for r in ok) * 8 / 1e6 / played if played else None,
        "latency_ms": {"p50": pct(added, 0.5), "p99": pct(added, 0.99), "matched": len(added)}
        if references else None,
        "packets_per_session": {"min": packets[0] if packets else 0,
                                "median": statistics.median(packets) if packets else 0,
                                "total": sum(packets)},
        "bytes_total": sum(r["bytes"] for r in ok),
        "failures": failures[:5], "failed": len(failures),
        "ramp_seconds": ramp,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--sessions", type=int, default=10)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--reference", help="the origin's URL, played at the same time (latency)")
    p.add_argument("--reference-sessions", type=int, default=2)
    p.add_argument("--processes", type=int, default=0,
                   help="processes the sessions are spread over (default: one per core)")
    p.add_argument("--start", choices=("aligned", "free"), default="aligned")
    p.add_argument("--range", action="store_true", help='PLAY with "Range: npt=0.000-"')
    p.add_argument("--total", type=int, default=0,
                   help="sustained: this many sessions, --sessions clients at a time")
    p.add_argument("--watch", action="append", default=[], metavar="NAME=PID",
                   help="a process whose CPU is read over the set-up (the host, the origin)")
    a = p.parse_args()
    a.processes = max(1, min(a.sessions, a.processes or os.cpu_count() or 1))
    aligned = a.start == "aligned" or a.total
    keep = a.reference is not None
    # The workers are forked before this process starts an event loop.
    ctx = multiprocessing.get_context("fork")
    pipes, procs = [], []
    for i in range(a.processes):
        count = a.sessions // a.processes + (1 if i < a.sessions % a.processes else 0)
        share = a.total // a.processes + (1 if i < a.total % a.processes else 0)
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=worker, args=(a, count, share, keep, child), daemon=True)
        proc.start()
        child.close()
        pipes.append(parent)
        procs.append(proc)

    async def parent():
        loop = asyncio.get_running_loop()
        references = [Session(a.reference, None, None, True)
                      for _ in range(a.reference_sessions if a.reference else 0)]
        failures = []

        async def reference(s):
            try:
                await s.open()
                await s.options()
                # playing before the measured sessions start, and until after they end
                await s.play(a.seconds + 3)
            except Exception as e:
                failures.append(f"reference {type(e).__name__}: {e}")
            finally:
                s.close()

        background = [asyncio.ensure_future(reference(s)) for s in references]
        if references:
            await asyncio.sleep(1)

        async def message(pipe):
            got = loop.create_future()
            loop.add_reader(pipe.fileno(), lambda: got.done() or got.set_result(None))
            try:
                await got
            finally:
                loop.remove_reader(pipe.fileno())
            return pipe.recv()

        results = []
        waiting = pipes
        if aligned:
            readies = await asyncio.gather(*(message(pipe) for pipe in pipes))
            ends = [m for m in readies if m != "ready"]
            waiting = [pipe for pipe, m in zip(pipes, readies) if m == "ready"]
        else:
            ends = []
        watch = Watch({"tool": [os.getpid()] + [p.pid for p in procs],
                       **{name: [int(pid)] for name, _, pid in
                          (w.partition("=") for w in a.watch)}})
        watch.start()
        ramp = time.perf_counter()
        if aligned:
            for pipe in waiting:
                pipe.send("go")
        # each worker says when its sessions play (or, failing, ends at once)
        playing = await asyncio.gather(*(message(pipe) for pipe in waiting))
        cpu = watch.stop()
        ends += [m for m in playing if m != "playing"]
        ends += await asyncio.gather(*(message(pipe) for pipe, m in zip(waiting, playing)
                                       if m == "playing"))
        played = time.perf_counter() - ramp
        for _, got, failed in ends:
            results += got
            failures += failed
        await asyncio.gather(*background)
        return summary(a, results, failures, references, time.perf_counter() - ramp, played,
                       ramp, cpu)

    report = asyncio.run(parent())
    for proc in procs:
        proc.join(10)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
