package org.authhost.host.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One plug-in's share of {@code authhost_plugin_call_seconds}, to be kept where its calls are made
 * (the host keeps it with the plug-in): every call the guard makes is timed, six per Digest
 * request, from every event loop at once.
 *
 * <ul>
 *   <li>Finding the series: the plug-in's and then the method's in two concurrent maps for each
 *       call was 6% of a Digest request's CPU (lead's profile, 2026-12-06 03:15). The methods are
 *       the host's own names, a dozen at most, so they sit in an open-addressed table that is never
 *       more than half full and is replaced, not changed, when a method is first timed: a call
 *       probes it once, without a lock or a chain of nodes to follow.
 *   <li>Counting: a {@code LongAdder} spreads its count over cells only once two threads' updates
 *       collide, which at one update per call they seldom do; until then both event loops
 *       compare-and-set its one base field, and the cache line it sits on (with the series' own
 *       fields next to it) moves between the cores on every call (the adders and the look-up were
 *       still 8-9% of a Digest request with the table alone). Here each thread adds to a row of its
 *       own, chosen by its thread id, rows a cache line apart: the two event loops of a front have
 *       consecutive ids and never share a row; threads that do share one only add atomically to the
 *       same counts.
 * </ul>
 */
public final class PluginCallTimes {
  /** Rows per method, a power of two: more than the threads that time calls at once. */
  static final int ROWS = 8;

  private final String plugin;
  private final long[] upperNanos;
  private final int buckets;

  /**
   * Longs from one row to the next: a row (the sum, then the buckets) and 8 more (64 bytes), so
   * that no two rows, nor the array's header that every thread reads, share a cache line.
   */
  private final int stride;

  /** The methods' series by the name's hash, linear probing; replaced whole under this lock. */
  private volatile Point[] table = new Point[16];

  PluginCallTimes(String plugin, long[] upperNanos) {
    this.plugin = plugin;
    this.upperNanos = upperNanos;
    this.buckets = upperNanos.length + 1;
    this.stride = 1 + buckets + 8;
  }

  /** One call into {@code method} of this plug-in that took {@code nanos}. */
  public void observe(String method, long nanos) {
    Point point = point(method);
    long n = Math.max(0, nanos);
    int bucket = 0;
    while (bucket < upperNanos.length && n > upperNanos[bucket]) {
      bucket++;
    }
    // Past the first stride, which keeps the rows off the array's header.
    int row = (((int) Thread.currentThread().getId() & (ROWS - 1)) + 1) * stride;
    // The bucket before the sum: see collect.
    point.counts.getAndAdd(row + 1 + bucket, 1);
    point.counts.getAndAdd(row, n);
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
    Point added = new Point(method, (ROWS + 1) * stride);
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
      // read. The sums are read first, and a call adds to its bucket before its sum, so that the
      // sum never counts a call the buckets (the count) do not; at most it lags them by the calls
      // in progress.
      long sumNanos = 0;
      for (int row = stride; row < point.counts.length(); row += stride) {
        sumNanos += point.counts.get(row);
      }
      long[] counts = new long[buckets];
      for (int row = stride; row < point.counts.length(); row += stride) {
        for (int i = 0; i < buckets; i++) {
          counts[i] += point.counts.get(row + 1 + i);
        }
      }
      snapshot.dataPoint(
          HistogramSnapshot.HistogramDataPointSnapshot.builder()
              .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, counts))
              .sum(Unit.nanosToSeconds(sumNanos))
              .labels(Labels.of("plugin", plugin, "method", point.method))
              .build());
    }
  }

  /**
   * One method: per row, the sum of its calls' nanoseconds, then how many calls fell in each bucket
   * (not cumulative).
   */
  private static final class Point {
    final String method;
    final AtomicLongArray counts;

    Point(String method, int length) {
      this.method = method;
      this.counts = new AtomicLongArray(length);
    }
  }
}
