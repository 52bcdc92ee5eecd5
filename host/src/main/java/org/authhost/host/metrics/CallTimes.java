package org.authhost.host.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code authhost_plugin_call_seconds}: the time of each call into plug-in code, by plug-in and
 * method, as a classic histogram read at a scrape. Not the library's {@code Histogram}: every call
 * the guard makes is timed (four to six per request), and its data point takes a shared atomic
 * count, a double adder and a lambda per observation, on both event loops at once; here a call
 * costs two adder increments of whole nanoseconds, which each thread makes on a cell of its own,
 * into the series the plug-in's {@link PluginCallTimes} finds. What a scrape reads is the same
 * family, buckets and labels.
 */
final class CallTimes implements Collector {
  static final String NAME = "authhost_plugin_call_seconds";

  private final double[] upperBounds;
  private final long[] upperNanos;
  private final Map<String, PluginCallTimes> byPlugin = new ConcurrentHashMap<>();

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

  /** The series of {@code plugin}'s calls: made once, then the same for every caller. */
  PluginCallTimes forPlugin(String plugin) {
    return byPlugin.computeIfAbsent(plugin, p -> new PluginCallTimes(p, upperNanos));
  }

  @Override
  public MetricSnapshot collect() {
    HistogramSnapshot.Builder snapshot =
        HistogramSnapshot.builder()
            .name(NAME)
            .help("Time spent in calls into plug-in code, by plug-in and method")
            .unit(Unit.SECONDS);
    byPlugin.values().forEach(plugin -> plugin.collect(snapshot, upperBounds));
    return snapshot.build();
  }

  @Override
  public String getPrometheusName() {
    return NAME;
  }
}
