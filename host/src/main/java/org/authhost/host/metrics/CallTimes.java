package org.authhost.host.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code authhost_plugin_call_seconds}: the time of each call into plug-in code, by plug-in and
 * method, as a classic histogram read at a scrape. Not the library's {@code Histogram}: every call
 * the guard makes is timed (four to six per request), and its data point takes a shared atomic
 * count, a double adder and a lambda per observation, on both event loops at once; here a call
 * costs two adder increments of whole nanoseconds, which each thread makes on a cell of its own.
 * What a scrape reads is the same family, buckets and labels.
 */
final class CallTimes implements Collector {
  static final String NAME = "authhost_plugin_call_seconds";

  private final double[] upperBounds;
  private final long[] upperNanos;
  private final Map<String, Map<String, Point>> byPlugin = new ConcurrentHashMap<>();

  /**
   * @param upperSeconds the buckets' upper bounds in seconds, ascending; +Inf is added
   */
  CallTimes(double[] upperSeconds) {
    upperBounds = new double[upperSeconds.length + 1];
    upperNanos = new long[upperSeconds.length];
    for (int i = 0; i < upperSeconds.length; i++) {
      upperBounds[i] = upperSeconds[i];
      upperNanos[i] = Math.round(upperSeconds[i] * 1e9);
    }
    upperBounds[upperSeconds.length] = Double.POSITIVE_INFINITY;
  }

  void observe(String plugin, String method, long nanos) {
    Map<String, Point> methods = byPlugin.get(plugin);
    if (methods == null) {
      methods = byPlugin.computeIfAbsent(plugin, p -> new ConcurrentHashMap<>());
    }
    Point point = methods.get(method);
    if (point == null) {
      point = methods.computeIfAbsent(method, m -> new Point(plugin, m, upperBounds.length));
    }
    long n = Math.max(0, nanos);
    int bucket = 0;
    while (bucket < upperNanos.length && n > upperNanos[bucket]) {
      bucket++;
    }
    point.buckets[bucket].increment();
    point.sumNanos.add(n);
  }

  @Override
  public MetricSnapshot collect() {
    HistogramSnapshot.Builder snapshot =
        HistogramSnapshot.builder()
            .name(NAME)
            .help("Time spent in calls into plug-in code, by plug-in and method")
            .unit(Unit.SECONDS);
    byPlugin.forEach(
        (plugin, methods) ->
            methods.forEach(
                (method, point) -> {
                  // Not one consistent snapshot, as the library's buffered one is: calls go on
                  // while it is read. The sum is read first, so that it never counts a call the
                  // buckets (the count) do not; at most it lags them by the calls in progress.
                  long sumNanos = point.sumNanos.sum();
                  long[] counts = new long[point.buckets.length];
                  for (int i = 0; i < counts.length; i++) {
                    counts[i] = point.buckets[i].sum();
                  }
                  snapshot.dataPoint(
                      HistogramSnapshot.HistogramDataPointSnapshot.builder()
                          .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, counts))
                          .sum(Unit.nanosToSeconds(sumNanos))
                          .labels(Labels.of("plugin", point.plugin, "method", point.method))
                          .build());
                }));
    return snapshot.build();
  }

  @Override
  public String getPrometheusName() {
    return NAME;
  }

  /** One plug-in's method: how many calls fell in each bucket (not cumulative), and their sum. */
  private static final class Point {
    final String plugin;
    final String method;
    final LongAdder[] buckets;
    final LongAdder sumNanos = new LongAdder();

    Point(String plugin, String method, int buckets) {
      this.plugin = plugin;
      this.method = method;
      this.buckets = new LongAdder[buckets];
      for (int i = 0; i < buckets; i++) {
        this.buckets[i] = new LongAdder();
      }
    }
  }
}
