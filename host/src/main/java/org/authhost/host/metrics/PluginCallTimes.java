package org.authhost.host.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One plug-in's share of {@code authhost_plugin_call_seconds}, to be kept where its calls are made
 * (the host keeps it with the plug-in): every call the guard makes is timed, six per Digest
 * request, and finding the plug-in's and then the method's series in two concurrent maps for each
 * was 6% of that request's CPU (lead's profile, 2026-12-06 03:15). The methods are the host's own
 * names, a dozen at most, so they sit in an open-addressed table that is never more than half full
 * and is replaced, not changed, when a method is first timed: a call probes it once, without a lock
 * or a chain of nodes to follow.
 */
public final class PluginCallTimes {
  private final String plugin;
  private final long[] upperNanos;
  private final int buckets;

  /** The methods' series by the name's hash, linear probing; replaced whole under this lock. */
  private volatile Point[] table = new Point[16];

  PluginCallTimes(String plugin, long[] upperNanos) {
    this.plugin = plugin;
    this.upperNanos = upperNanos;
    this.buckets = upperNanos.length + 1;
  }

  /** One call into {@code method} of this plug-in that took {@code nanos}. */
  public void observe(String method, long nanos) {
    Point point = point(method);
    long n = Math.max(0, nanos);
    int bucket = 0;
    while (bucket < upperNanos.length && n > upperNanos[bucket]) {
      bucket++;
    }
    point.buckets[bucket].increment();
    point.sumNanos.add(n);
  }

  private Point point(String method) {
    Point[] t = table;
    int mask = t.length - 1;
    for (int i = method.hashCode() & mask; ; i = (i + 1) & mask) {
      Point p = t[i];
      if (p == null) {
        return added(method);
      }
      // The host passes its string constants: equals answers on the reference at once.
      if (p.method.equals(method)) {
        return p;
      }
    }
  }

  private synchronized Point added(String method) {
    int used = 0;
    for (Point p : table) {
      if (p != null) {
        if (p.method.equals(method)) {
          return p; // another thread added it meanwhile
        }
        used++;
      }
    }
    Point added = new Point(method, buckets);
    int size = table.length;
    while (size < 2 * (used + 1)) {
      size *= 2;
    }
    Point[] grown = new Point[size];
    for (Point p : table) {
      if (p != null) {
        put(grown, p);
      }
    }
    put(grown, added);
    table = grown;
    return added;
  }

  private static void put(Point[] t, Point p) {
    int mask = t.length - 1;
    int i = p.method.hashCode() & mask;
    while (t[i] != null) {
      i = (i + 1) & mask;
    }
    t[i] = p;
  }

  /** Adds a data point per method timed so far to {@code snapshot}. */
  void collect(HistogramSnapshot.Builder snapshot, double[] upperBounds) {
    for (Point point : table) {
      if (point == null) {
        continue;
      }
      // Not one consistent snapshot, as the library's buffered one is: calls go on while it is
      // read. The sum is read first, so that it never counts a call the buckets (the count) do
      // not; at most it lags them by the calls in progress.
      long sumNanos = point.sumNanos.sum();
      long[] counts = new long[point.buckets.length];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = point.buckets[i].sum();
      }
      snapshot.dataPoint(
          HistogramSnapshot.HistogramDataPointSnapshot.builder()
              .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, counts))
              .sum(Unit.nanosToSeconds(sumNanos))
              .labels(Labels.of("plugin", plugin, "method", point.method))
              .build());
    }
  }

  /** One method: how many calls fell in each bucket (not cumulative), and their sum. */
  private static final class Point {
    final String method;
    final LongAdder[] buckets;
    final LongAdder sumNanos = new LongAdder();

    Point(String method, int buckets) {
      this.method = method;
      this.buckets = new LongAdder[buckets];
      for (int i = 0; i < buckets; i++) {
        this.buckets[i] = new LongAdder();
      }
    }
  }
}
