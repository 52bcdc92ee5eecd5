#!/usr/bin/env python3
"""Where a set-up's time goes, party by party: reads the pairs of load-tool runs (JSON lines, each
[direct, through], as rtsp-load.sh writes them for BURSTS and SUSTAINED) and prints, as Markdown,
each party's CPU per session set-up inside the set-up window (the tool's `cpu`, read from every
thread's schedstat from the go to the last PLAY answered), direct against through AuthHost, and
what bounds the window: the origin's one client thread (serial: on CPU or waiting for a core the
whole window) or the cores (every party's CPU over the window near the machine's core count).

    rtsp-load-model.py TITLE PAIRS.jsonl CORES
"""
import json
import statistics
import sys


def runs(path):
    """The pairs whose runs all set up every session with no failure, each [direct, through]."""
    kept = []
    try:
        with open(path) as f:
            for line in f:
                pair = json.loads(line)
                if all(r.get("cpu") and not r["failed"] and r["set_up"] == (
                        r["sustained"]["sessions"] if r.get("sustained") else r["sessions"])
                       for r in pair):
                    kept.append(pair)
    except FileNotFoundError:
        pass
    return kept


def figures(run):
    """One run's figures, in µs per session set up (the window's too) and fractions."""
    cpu, n = run["cpu"], run["set_up"]
    parties = cpu["parties"]
    per = lambda ms: ms * 1000 / n  # noqa: E731
    total = lambda party, key="cpu_ms": sum(g[key] for g in parties.get(party, {}).values())  # noqa: E731
    pool = parties.get("origin", {}).get("pool threads", {"busiest_ms": [0, 0], "slices": 0})
    client_cpu, client_wait = pool["busiest_ms"]
    host_loops = parties.get("host", {}).get("event loops", {"cpu_ms": 0})
    loops = host_loops["cpu_ms"]
    workers = parties["tool"].get("workers", {})
    switches = lambda g: g.get("busiest_switches", [0, 0])  # noqa: E731
    window = cpu["window_ms"]
    return {
        "load tool: its worker processes": per(parties["tool"].get("workers", {"cpu_ms": 0})["cpu_ms"]),
        "load tool: its parent (starts, watches)": per(parties["tool"].get("parent", {"cpu_ms": 0})["cpu_ms"]),
        "origin: its client thread": per(client_cpu),
        "origin: its other threads (accept, media)": per(total("origin") - client_cpu),
        "host: event loops": per(loops),
        "host: other threads (JIT, GC, timers)": per(total("host") - loops),
        "all three parties": per(total("tool") + total("origin") + total("host")),
        "the window (go to last PLAY answered)": per(window),
        "waiting for a core, all three (run queue)": per(
            total("tool", "wait_ms") + total("origin", "wait_ms") + total("host", "wait_ms")),
        "cores busy: all three's CPU / window": (total("tool") + total("origin") + total("host"))
        / window,
        "cores busy: every process on the machine (/proc/stat: 10 ms ticks, so a 10-25 ms burst reads it ±1 core)":
            cpu["machine_busy_ms"] / window,
        # one worker's event loop on CPU the whole window: the tool, not a server, bounds the run
        "load tool: its busiest worker on CPU, % of the window": parties["tool"].get(
            "workers", {"busiest_ms": [0, 0]})["busiest_ms"][0] * 100 / window,
        "origin's client thread on CPU, % of the window": client_cpu * 100 / window,
        # schedstat's run delay: runnable, not running (behind another thread, or a wake-up's delay)
        "origin's client thread runnable, waiting for a core, %": client_wait * 100 / window,
        "origin's client thread idle (nothing to do), %": max(0.0, 100 - (client_cpu + client_wait)
                                                              * 100 / window),
        # a thread switched out blocks (then is woken: a voluntary switch) or is preempted
        "the origin's client thread: woken per set-up": switches(pool)[0] / n,
        "the origin's client thread: preempted per set-up": switches(pool)[1] / n,
        "the host's event loops: woken per set-up": host_loops.get("woken", 0) / n,
        "the host's event loops: preempted per set-up": host_loops.get("preempted", 0) / n,
        "the load tool's workers: woken per set-up": workers.get("woken", 0) / n,
        "the load tool's workers: preempted per set-up": workers.get("preempted", 0) / n,
    }


def main():
    title, path, cores = sys.argv[1], sys.argv[2], sys.argv[3]
    pairs = runs(path)
    if not pairs:
        return
    direct = [figures(d) for d, _ in pairs]
    through = [figures(t) for _, t in pairs]
    print(f"{title}: each party's CPU inside the set-up window, µs per session set up (median over "
          f"{len(pairs)} pairs; every thread's schedstat, read at the go and when every session "
          f"plays; {cores} cores):\n")
    print("| | direct | through AuthHost | through − direct |\n|---|---:|---:|---:|")
    for key in direct[0]:
        a = statistics.median(f[key] for f in direct)
        b = statistics.median(f[key] for f in through)
        fmt = "{:.2f}" if key.startswith("cores") else "{:.1f}" if key.endswith("per set-up") \
            else "{:.0f}"
        print(f"| {key} | {fmt.format(a)} | {fmt.format(b)} | {fmt.format(b - a)} |")
    print(f"\nWhat bounds them (by the medians above): direct: {bound(direct, int(cores))}; "
          f"through AuthHost: {bound(through, int(cores))}.\n")
    reads = [r for r in (running(run) for pair in pairs for run in pair) if r is not None]
    if reads:
        print(f"Threads running or runnable (state R) as they were read, go / end, summed over the "
              f"{len(reads)} runs: "
              + ", ".join(f"{party} {sum(r.get(party, (0, 0))[0] for r in reads)} / "
                          f"{sum(r.get(party, (0, 0))[1] for r in reads)}"
                          for party in ("origin", "host", "tool"))
              + ". A thread on CPU as read has a schedstat that lags by up to a scheduler tick (4 ms "
                "at HZ=250): its CPU in the window reads high by up to that if it ran at the go, low "
                "if at the end (a runnable one's is exact); a burst's window is 10-25 ms, a "
                "sustained run's ~0.5 s.\n")


def running(run):
    """Per party: its threads in state R at the go's read and at the end's (Watch), or None for
    a run made before the watch counted them."""
    parties = run["cpu"]["parties"]
    if not any("running_when_read" in g for groups in parties.values() for g in groups.values()):
        return None
    return {party: tuple(sum(g.get("running_when_read", [0, 0])[i] for g in groups.values())
                         for i in (0, 1))
            for party, groups in parties.items()}


def bound(runs_figures, cores):
    """The model's reading: the load tool (a worker on CPU nearly the whole window); else the
    origin's one client thread when it is runnable nearly the whole window (or never blocked in
    it: it always had requests), on a core of its own or slowed by the cores (waiting for one,
    behind the other parties or other processes); else the gaps between the parties."""
    m = lambda key: statistics.median(f[key] for f in runs_figures)  # noqa: E731
    on = m("origin's client thread on CPU, % of the window")
    wait = m("origin's client thread runnable, waiting for a core, %")
    busy = m("cores busy: all three's CPU / window")
    woken = m("the origin's client thread: woken per set-up")
    preempted = m("the origin's client thread: preempted per set-up")
    if m("load tool: its busiest worker on CPU, % of the window") >= 90:
        return "the load tool (a worker on CPU >= 90% of the window)"
    if on + wait < 90 and not (preempted and woken < 0.5):
        return (f"neither: the origin's client thread is idle {100 - on - wait:.0f}% of the window "
                f"(round trips, wake-ups)")
    serial = f"the origin's one client thread (serial: on CPU {on:.0f}% of the window"
    if wait < 15:
        return serial + ")"
    who = ("the three parties" if busy >= 0.8 * cores
           else f"the three parties use {busy:.2f} of {cores}: other processes too")
    switched = f", preempted {preempted:.1f} times a set-up" if woken or preempted else ""
    return f"{serial}, slowed by the cores: waiting for one {wait:.0f}% ({who}){switched})"


if __name__ == "__main__":
    main()
