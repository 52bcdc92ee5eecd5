package org.authhost.host.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The host's own Prometheus registry (never the static default one, so that several hosts in one
 * JVM, as in the tests, count apart) and the instruments the request path, the driver and the call
 * guard count with. WMS counterpart: the performance counters of the server's {@code
 * IWMSServerCurrentCounters} and each plug-in's own, read by Performance Monitor as Prometheus
 * reads {@code /metrics}.
 *
 * <p>Every label value comes from a closed set: fronts and methods are the host's own names,
 * results are an enum, plug-in ids come from the operator's plug-in folder. None carries anything a
 * client chose (no account, address or path), so a client cannot grow the series without bound. The
 * data point of each label set is looked up once and kept, so that counting costs no allocation on
 * the request path.
 */
@Singleton
public final class HostMetrics {
  /** The front of requests on the HTTP listeners (plain and TLS). */
  public static final String HTTP = "http";

  /** The front of requests on the RTSP listeners. */
  public static final String RTSP = "rtsp";

  /** The front of the web console's own listeners: the operators', not clients'. */
  public static final String CONSOLE = "console";

  /**
   * Plug-in calls take microseconds (Digest's hash, a token lookup) to seconds (a password checked
   * with Argon2id, a KDC or identity provider asked): buckets from 50 µs to the call time limit.
   */
  private static final double[] CALL_SECONDS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
    2.5, 5, 10, 30
  };

  /** The result labels of {@code authhost_plugin_reloads_total}, shown at 0 from the start. */
  private static final String[] RELOAD_RESULTS = {"added", "replaced", "removed", "failed"};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Counter logons;
  private final CallTimes callSeconds = new CallTimes(CALL_SECONDS);
  // A LongAdder, not a Gauge (one CAS loop for every leg on every thread): read at a scrape.
  private final LongAdder handshakes = new LongAdder();
  private final Counter lockouts;
  private final Counter reloads;
  private final Counter failures;

  private final Map<String, AnswerCounts> fronts = new ConcurrentHashMap<>();
  private final Map<String, CounterDataPoint[]> logonsByPlugin = new ConcurrentHashMap<>();

  @Inject
  public HostMetrics() {
    requests =
        Counter.builder()
            .name("authhost_requests_total")
            .help("Final answers the host's fronts gave, by front and status")
            .labelNames("front", "status")
            .withoutExemplars()
            .register(registry);
    logons =
        Counter.builder()
            .name("authhost_logons_total")
            .help(
                "Answers plug-ins gave to credentials (and to anonymous requests), by plug-in and"
                    + " what the host made of them")
            .labelNames("plugin", "result")
            .withoutExemplars()
            .register(registry);
    registry.register(callSeconds);
    GaugeWithCallback.builder()
        .name("authhost_handshakes_in_progress")
        .help(
            "Authentication legs a plug-in is answering now, and connection-bound handshakes"
                + " (NTLM, Negotiate) waiting for the client's next leg")
        .callback(c -> c.call(handshakes.sum()))
        .register(registry);
    lockouts =
        Counter.builder()
            .name("authhost_lockouts_total")
            .help("Lockouts that began, of an account or of an address")
            .labelNames("kind")
            .withoutExemplars()
            .register(registry);
    reloads =
        Counter.builder()
            .name("authhost_plugin_reloads_total")
            .help("What plug-in folder scans and operator reloads did, by result")
            .labelNames("result")
            .withoutExemplars()
            .register(registry);
    failures =
        Counter.builder()
            .name("authhost_plugin_failures_total")
            .help("Failures the call guard recorded (a plug-in put in error), by plug-in")
            .labelNames("plugin")
            .withoutExemplars()
            .register(registry);
    for (String kind : new String[] {"account", "address"}) {
      lockouts.initLabelValues(kind);
    }
    for (String result : RELOAD_RESULTS) {
      reloads.initLabelValues(result);
    }
  }

  /**
   * The JVM's metrics, once per process: the JVM is one whatever the number of hosts in it, and the
   * library keeps every registry it was registered with for good, which would keep each host (and
   * its plug-ins' class loaders) reachable after it stopped.
   */
  private static final class Jvm {
    static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

    static {
      JvmMetrics.builder().register(REGISTRY);
    }
  }

  /** What {@code /metrics} writes: the host's metrics, then the JVM's. */
  public MetricSnapshots scrape() {
    MetricSnapshots.Builder all = MetricSnapshots.builder();
    registry.scrape().forEach(all::metricSnapshot);
    Jvm.REGISTRY.scrape().forEach(all::metricSnapshot);
    return all.build();
  }

  /** The host's own registry, where the host's parts register what they read at a scrape. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** The answer counts of {@code front} ({@link #HTTP}, {@link #RTSP}, a streaming server's). */
  public AnswerCounts answers(String front) {
    return fronts.computeIfAbsent(front, f -> new AnswerCounts(requests, f));
  }

  /**
   * Every answer to clients so far: every front's but the console's, so that the Now pane's own
   * polls do not show as client traffic.
   */
  long requestsTotal() {
    long sum = 0;
    for (Map.Entry<String, AnswerCounts> front : fronts.entrySet()) {
      if (!front.getKey().equals(CONSOLE)) {
        sum += front.getValue().total();
      }
    }
    return sum;
  }

  /** One answer of {@code plugin}, as the driver decided it. */
  public void logon(String plugin, LogonResult result) {
    CounterDataPoint[] points = logonsByPlugin.get(plugin);
    if (points == null) {
      points =
          logonsByPlugin.computeIfAbsent(
              plugin,
              p -> {
                CounterDataPoint[] made = new CounterDataPoint[LogonResult.values().length];
                for (LogonResult r : LogonResult.values()) {
                  made[r.ordinal()] = logons.labelValues(p, r.label);
                }
                return made;
              });
    }
    points[result.ordinal()].inc();
  }

  /** The logon counts so far, by plug-in and result, for the live figures. */
  Map<String, Map<LogonResult, Long>> logonTotals() {
    Map<String, Map<LogonResult, Long>> totals = new LinkedHashMap<>();
    logonsByPlugin.forEach(
        (plugin, points) -> {
          Map<LogonResult, Long> byResult = new LinkedHashMap<>();
          for (LogonResult r : LogonResult.values()) {
            byResult.put(r, points[r.ordinal()].getLongValue());
          }
          totals.put(plugin, byResult);
        });
    return totals;
  }

  /**
   * One call into {@code plugin}'s code that took {@code nanos} (tests: the guard keeps its
   * series).
   */
  void pluginCall(String plugin, String method, long nanos) {
    pluginCalls(plugin).observe(method, nanos);
  }

  /**
   * Where {@code plugin}'s call times are counted: the same object for every caller, to be kept by
   * whoever times that plug-in's calls rather than asked for per call.
   */
  public PluginCallTimes pluginCalls(String plugin) {
    return callSeconds.forPlugin(plugin);
  }

  /** An authentication leg or a bound handshake began. */
  public void handshakeBegun() {
    handshakes.increment();
  }

  /** One that {@link #handshakeBegun} counted ended. */
  public void handshakeEnded() {
    handshakes.decrement();
  }

  /** Handshakes in progress now. */
  int handshakesInProgress() {
    return (int) handshakes.sum();
  }

  /** A lockout began: of an address ({@code ip:} key) or of an account. */
  public void lockedOut(boolean address) {
    lockouts.labelValues(address ? "address" : "account").inc();
  }

  /**
   * What one entry of a plug-in folder scan's report did: {@code added}, {@code replaced}, {@code
   * removed}, or {@code failed} (a file refused, a replacement kept out).
   */
  public void reloaded(String result) {
    reloads.labelValues(result).inc();
  }

  /** The call guard put {@code plugin} in error (or recorded another failure of its making). */
  public void pluginFailed(String plugin) {
    failures.labelValues(plugin).inc();
  }
}
