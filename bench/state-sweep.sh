#!/usr/bin/env bash
# state-sweep.sh — how long one run of the in-memory state store's periodic sweep
# (LocalStateService.sweepSome, on the host's scheduler thread) takes on a big map: fills a store
# with ENTRIES Digest-like window entries (keys as the Digest plug-in's, "digest:nc/<nonce>"), all
# expired (TTL_MS=1) or all live (TTL_MS=3600000), then times RUNS runs of the sweep. Reported per
# round: runs, the worst run and the total. The scheduler's thread carries every time limit of the
# host, so the worst run is the figure that matters.
#
#   bench/state-sweep.sh                              # a million expired entries
#   TTL_MS=3600000 RUNS=100 bench/state-sweep.sh      # a million live entries: a whole pass
#
# Needs a built distribution (./mvnw -B -q -DskipTests package) for its lib/ and compiled classes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ENTRIES=${ENTRIES:-1000000}
TTL_MS=${TTL_MS:-1}
RUNS=${RUNS:-1000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/src/org/authhost/host/state"
cat >"$WORK/src/org/authhost/host/state/SweepTime.java" <<'JAVA'
package org.authhost.host.state;

import java.time.Duration;
import org.authhost.api.Out;
import org.authhost.api.StateService.WindowClaim;
import org.authhost.host.time.HostClock;

public class SweepTime {
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]);
    Duration ttl = Duration.ofMillis(Long.parseLong(a[1]));
    int runs = Integer.parseInt(a[2]);
    for (int round = 0; round < 3; round++) {
      LocalStateService s = new LocalStateService(HostClock.system(), 2 * n);
      for (int i = 0; i < n; i++) {
        String nonce = Long.toHexString(i * 0x9E3779B97F4A7C15L) + "abcdefabcdef0123";
        s.claimInWindow("digest:nc/" + nonce, 1, 1024, ttl, new Out<WindowClaim>());
      }
      Thread.sleep(LocalStateService.SWEEP_GRACE.toMillis() + 100);
      long worst = 0;
      long total = 0;
      int done = 0;
      while (done < runs && s.size() > 0) {
        long t0 = System.nanoTime();
        s.sweepSome();
        long d = System.nanoTime() - t0;
        worst = Math.max(worst, d);
        total += d;
        done++;
      }
      System.out.printf(
          "entries=%d ttl_ms=%d batch=%d runs=%d worst_ms=%.2f mean_ms=%.2f left=%d%n",
          n, ttl.toMillis(), LocalStateService.SWEEP_BATCH, done, worst / 1e6,
          total / 1e6 / done, s.size());
    }
  }
}
JAVA
CP="$ROOT/host/target/classes:$(ls "$ROOT"/host/target/authhost/lib/*.jar | tr '\n' ':')"
javac -cp "$CP" -d "$WORK/out" "$WORK/src/org/authhost/host/state/SweepTime.java"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx2g -cp "$WORK/out:$CP" org.authhost.host.state.SweepTime "$ENTRIES" "$TTL_MS" "$RUNS"
