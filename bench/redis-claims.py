#!/usr/bin/env python3
"""redis-claims.py: redis-server's CPU per Digest window claim, the batch script alone (issue 18).

Takes the window scripts (WINDOWS, the batch of one event loop's turn) out of one or more copies of
RedisStateService.java, starts a scratch redis-server on a free loopback port (--save '' --appendonly
no), and drives each script in turn with the same claims, pipelined over one raw RESP connection, as
the host sends them: one EVALSHA per BATCH claims, DEPTH calls per write. redis-server's CPU is read
from /proc/<pid>/task/*/schedstat (ns) around each measured run; INFO commandstats (reset before it)
gives the commands per claim. Rounds alternate the scripts, so that a busy machine moves them alike.

Workloads (--mode): "nonces" (64 nonces counting to 1,000, counts shuffled in blocks of 4 so that a
third come late, as bench/scale-out.sh's clients do over parallel connections); "single" (every claim
a new nonce, count 1: a browser's or player's short session). The ttl of each claim is Digest's (the
nonce's remaining lifetime plus a minute, from the client's clock), so it shrinks as the nonce ages.

  git show ca516da:host/src/main/java/org/authhost/host/state/RedisStateService.java > /tmp/main-rss.java
  bench/redis-claims.py --script main=/tmp/main-rss.java \\
      --script tree=host/src/main/java/org/authhost/host/state/RedisStateService.java --rounds 5

Prints one line per run (µs of redis-server CPU per claim, commands per claim) and the medians.
With --valgrind, redis-server runs under callgrind and the figure is thousands of instructions per
claim instead (the same on a busy machine and a quiet one: for comparing scripts, not for time).
The redis-server it starts is stopped by its pid at the end.
"""
import argparse
import hashlib
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time

# ---- the scripts, out of the Java source -------------------------------------------------------


def java_constants(text):
    """Every `static final String|RedisLink.Script NAME = ...;` as its list of parts."""
    out = {}
    for m in re.finditer(r"static final (?:String|RedisLink\.Script) ([A-Z_]+)\s*=", text):
        parts, i = [], m.end()
        while True:
            c = text[i]
            if text.startswith("//", i):
                i = text.index("\n", i)
            elif c == '"':
                j, s = i + 1, []
                while text[j] != '"':
                    if text[j] == "\\":
                        s.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'"}[text[j + 1]])
                        j += 2
                    else:
                        s.append(text[j])
                        j += 1
                parts.append(("s", "".join(s)))
                i = j + 1
            elif c == ";":
                break
            elif c.isalpha() or c == "_":
                j = i
                while text[j].isalnum() or text[j] in "_.":
                    j += 1
                word = text[i:j]
                if word not in ("new", "RedisLink.Script"):
                    parts.append(("n", word))
                i = j
            else:
                i += 1
        out[m.group(1)] = parts
    return out


def script_source(path, name="WINDOWS"):
    if path.endswith(".lua"):
        return open(path, encoding="utf-8").read()  # a variant written by hand
    consts = java_constants(open(path, encoding="utf-8").read())

    def resolve(n):
        return "".join(v if k == "s" else resolve(v) for k, v in consts[n])

    return resolve(name)


# ---- RESP --------------------------------------------------------------------------------------


def command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.s.recv(1 << 16)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.s.recv(1 << 16)
            data, self.buf = self.buf[:n], self.buf[n + 2 :]
            return data
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError("bad reply " + repr(line))

    def call(self, *args):
        self.s.sendall(command(*args))
        return self.read()


# ---- the workloads -----------------------------------------------------------------------------

LIFETIME_MS = 300_000
SPARE_MS = 60_000
PREFIX = "bench:"
WIDTH = 1024


def claims(mode, seed):
    """Endless (key, count, ttl ms) as a host sends them."""
    rnd = random.Random(seed)
    serial = 0

    def nonce():
        nonlocal serial
        serial += 1
        digest = hashlib.sha256(b"%d-%d" % (seed, serial)).hexdigest()[:54]
        return PREFIX + "plugin/digest/nc/" + digest, time.time() * 1000

    def ttl(born):
        return int(max(0, LIFETIME_MS - (time.time() * 1000 - born)) + SPARE_MS)

    if mode == "single":
        while True:
            key, born = nonce()
            yield key, 1, ttl(born)
    if mode.startswith("uses"):  # "uses3": every nonce used 3 times, counts 1, 2, 3
        k = int(mode[4:])
        while True:
            key, born = nonce()
            for n in range(1, k + 1):
                yield key, n, ttl(born)
    live = []
    for _ in range(64):
        live.append([*nonce(), iter(shuffled_counts(rnd))])
    i = 0
    while True:
        entry = live[i % 64]
        n = next(entry[2], None)
        if n is None:
            entry[:] = [*nonce(), iter(shuffled_counts(rnd))]
            n = next(entry[2])
        yield entry[0], n, ttl(entry[1])
        i += 1


def shuffled_counts(rnd):
    counts = []
    for block in range(1, 1001, 4):
        b = list(range(block, min(block + 4, 1001)))
        rnd.shuffle(b)
        counts += b
    return counts


def batch_call(sha, life, batch, layout):
    keys = [k for k, _, _ in batch] + [PREFIX + "life"]
    if layout == 2:  # redis12: life, width, then per claim the bit (96 + n) or r<n>, and ttl
        args = [life, WIDTH]
        for _, n, ttl in batch:
            args += [96 + n if n < WIDTH else "r%d" % n, ttl]
    else:  # up to redis11: how many marks, the marks, then per claim n, width, ttl, which mark
        args = ["1", life]
        for _, n, ttl in batch:
            args += [n, WIDTH, ttl, "1"]
    return command("EVALSHA", sha, len(keys), *keys, *args)


def layout_of(source):
    return 2 if "ARGV[c * 2 + 1]" in source else 1


def cpu_ns(pid):
    total = 0
    for t in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
            total += int(f.read().split()[0])
    return total


def run(conn, pid, sha, life, gen, count, batch, depth, layout):
    """Sends `count` claims; the redis-server ns and the answers' codes."""
    codes = {}
    start = cpu_ns(pid)
    sent = 0
    while sent < count:
        calls = []
        for _ in range(depth):
            b = [next(gen) for _ in range(batch)]
            calls.append(batch_call(sha, life, b, layout))
        conn.s.sendall(b"".join(calls))
        for _ in range(depth):
            for c in conn.read():
                codes[c] = codes.get(c, 0) + 1
        sent += batch * depth
    return cpu_ns(pid) - start, codes


def commandstats(conn):
    text = conn.call("INFO", "commandstats").decode()
    return {
        m.group(1): int(m.group(2)) for m in re.finditer(r"cmdstat_(\w+):calls=(\d+)", text)
    }


def callgrind(pid, what, out_dir):
    """Zeroes callgrind's counts (-z), or dumps them (-d) and gives the instructions since."""
    before = set(os.listdir(out_dir))
    subprocess.run(["callgrind_control", what, str(pid)], check=True, stdout=subprocess.DEVNULL)
    if what != "-d":
        return 0
    for _ in range(200):
        new = set(os.listdir(out_dir)) - before
        if new:
            time.sleep(0.2)
            with open(os.path.join(out_dir, new.pop())) as f:
                for line in f:
                    if line.startswith("totals:") or line.startswith("summary:"):
                        return int(line.split()[1]) / 1000  # thousands of instructions
        time.sleep(0.05)
    raise RuntimeError("no callgrind dump")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--script", action="append", required=True,
                   help="NAME=RedisStateService.java (its WINDOWS), or NAME=file.lua (a variant)")
    p.add_argument("--mode", default="nonces",
                   help="nonces (64 nonces counting to 1,000), single (count 1 of a new nonce"
                   " each), usesK (each nonce used K times in a row)")
    p.add_argument("--claims", type=int, default=100_000)
    p.add_argument("--warmup", type=int, default=20_000)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--valgrind", action="store_true",
                   help="run redis-server under callgrind and count its instructions per claim"
                   " (deterministic: what a busy machine does not move; ~50x slower, so fewer claims)")
    a = p.parse_args()

    scripts = []
    for s in a.script:
        name, path = s.split("=", 1)
        scripts.append((name, script_source(path)))
    port = free_port()
    out_dir = "/tmp/redis-claims-%d" % os.getpid()
    prefix = []
    if a.valgrind:
        os.makedirs(out_dir, exist_ok=True)
        prefix = ["valgrind", "--tool=callgrind", "--callgrind-out-file=%s/cg.out" % out_dir]
    server = subprocess.Popen(
        prefix + ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                conn = Conn(port)
                conn.call("PING")
                break
            except (ConnectionRefusedError, RuntimeError):
                time.sleep(0.05)
        results = {name: [] for name, _ in scripts}
        print("load before: %s; redis-server pid %d, port %d; mode %s, %d claims a run,"
              " %d a call, %d calls a write" % (open("/proc/loadavg").read().split()[0:3],
                                                server.pid, port, a.mode, a.claims, a.batch,
                                                a.depth))
        for r in range(a.rounds):
            for name, source in scripts:
                conn.call("FLUSHALL")
                life = "life-%d" % r
                conn.call("SET", PREFIX + "life", life)
                sha = conn.call("SCRIPT", "LOAD", source).decode()
                gen = claims(a.mode, r)
                layout = layout_of(source)
                run(conn, server.pid, sha, life, gen, a.warmup, a.batch, a.depth, layout)
                conn.call("CONFIG", "RESETSTAT")
                if a.valgrind:
                    callgrind(server.pid, "-z", out_dir)
                ns, codes = run(conn, server.pid, sha, life, gen, a.claims, a.batch, a.depth,
                                layout)
                if a.valgrind:
                    ns = callgrind(server.pid, "-d", out_dir) * 1000  # shown as "us": k instr.
                stats = commandstats(conn)
                stats.pop("config", None)
                us = ns / 1000 / a.claims
                results[name].append(us)
                per = ", ".join(
                    "%s %.2f" % (k, v / a.claims) for k, v in sorted(stats.items()) if k != "info"
                )
                print("round %d %-8s %6.2f us/claim  codes %s  per claim: %s  load %s" % (
                    r + 1, name, us, dict(sorted(codes.items())), per,
                    open("/proc/loadavg").read().split()[0]), flush=True)
        for name, v in results.items():
            print("median %-8s %.2f us/claim (%s)" % (name, statistics.median(v),
                                                      ", ".join("%.2f" % x for x in v)))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
