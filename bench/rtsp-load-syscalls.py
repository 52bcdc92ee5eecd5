"""The host's system calls per RTSP session set-up, by socket: reads `strace -f` output (the
host traced whole during rtsp-load.sh's CPU part, STRACE=2) and counts each call made on a client
connection (a socket accept4 returned), on an origin connection (one socket() made), on the
listening socket or epoll, and the rest by name, each divided by the sessions.

    python3 bench/rtsp-load-syscalls.py strace-host.log SESSIONS
"""
import collections
import re
import sys

log, sessions = sys.argv[1], int(sys.argv[2])
# fd as the first argument: these calls' own socket; epoll_ctl's is its third.
FD_FIRST = {"read", "recvfrom", "recvmsg", "readv", "write", "writev", "sendto", "sendmsg",
            "close", "shutdown", "setsockopt", "getsockopt", "getsockname", "getpeername",
            "connect", "ioctl", "fcntl"}
line_re = re.compile(r"^(\d+)\s+(.*)$")
call_re = re.compile(r"^(\w+)\((.*)")
unfinished, sides, counts, other = {}, {}, collections.Counter(), collections.Counter()


def args_of(rest):
    # The arguments before the result: "88) = 0" is close's one argument.
    head = rest.rsplit(" = ", 1)[0] if " = " in rest else rest
    return [a.strip().rstrip(")").strip() for a in head.split(",")]


for raw in open(log, errors="replace"):
    m = line_re.match(raw.rstrip("\n"))
    if not m:
        continue
    tid, text = m.groups()
    if text.endswith("<unfinished ...>"):
        unfinished[tid] = text[: -len("<unfinished ...>")]
        continue
    r = re.match(r"^<\.\.\. (\w+) resumed>(.*)$", text)
    if r:
        text = unfinished.pop(tid, r.group(1) + "(") + r.group(2)
    c = call_re.match(text)
    if not c:
        continue
    name, rest = c.groups()
    ret = rest.rsplit("= ", 1)[-1].split(" ")[0] if "= " in rest else "?"
    a = args_of(rest)
    if name in ("accept4", "accept") and ret.isdigit():
        sides[ret] = "client"
        counts[("client", name)] += 1
        continue
    if name == "socket" and ret.isdigit() and "SOCK_STREAM" in rest:
        sides[ret] = "origin"
        counts[("origin", name)] += 1
        continue
    fd = None
    if name in FD_FIRST and a and a[0].isdigit():
        fd = a[0]
    elif name == "epoll_ctl" and len(a) > 2 and a[2].isdigit():
        fd = a[2]
        name = "epoll_ctl " + a[1].replace("EPOLL_CTL_", "")
    side = sides.get(fd) if fd is not None else None
    if side:
        counts[(side, name)] += 1
        if name == "close" and ret == "0":
            sides.pop(fd, None)
    else:
        other[name] += 1

print(f"System calls per session set-up ({sessions} sessions), by socket:")
for side in ("client", "origin"):
    calls = sorted(((n, v) for (s, n), v in counts.items() if s == side), key=lambda kv: -kv[1])
    total = sum(v for _, v in calls)
    print(f"  {side} connection: {total / sessions:.1f}: "
          + ", ".join(f"{n} {v / sessions:.2f}" for n, v in calls))
total = sum(other.values())
print(f"  elsewhere (epoll waits, futexes, files, the listener): {total / sessions:.1f}: "
      + ", ".join(f"{n} {v / sessions:.2f}" for n, v in other.most_common(14)))
