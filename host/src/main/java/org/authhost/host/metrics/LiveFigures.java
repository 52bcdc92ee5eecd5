package org.authhost.host.metrics;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.authhost.host.http.HttpFront;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.rtsp.RtspFront;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;

/**
 * The figures of the console's <b>Now</b> pane ({@link #now()}), computed from the counters {@code
 * /metrics} shows: the counters are read once a second on the host's scheduler, and a rate is the
 * difference between now and a reading a window ago, on the host's clock. Nothing is added to the
 * request path. WMS counterpart: the snap-in's Monitor tab, which reads the server's current
 * counters on a refresh interval.
 */
@Singleton
public final class LiveFigures extends LifeCycle {
  /** How often the counters are read. */
  static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);

  /** The window requests per second are averaged over. */
  public static final Duration RATE_WINDOW = Duration.ofSeconds(5);

  /** The window logons are counted over. */
  public static final Duration LOGON_WINDOW = Duration.ofMinutes(1);

  private final HostMetrics metrics;
  private final IntSupplier openConnections;
  private final HostClock clock;
  private final Scheduler scheduler;

  /** Oldest first; guarded by itself. */
  private final Deque<Sample> samples = new ArrayDeque<>();

  private volatile Scheduler.Scheduled sampling;

  /** One reading of the counters. */
  private record Sample(long nanos, long requests, Map<String, Map<LogonResult, Long>> logons) {}

  @Inject
  LiveFigures(
      HostMetrics metrics, HttpFront http, RtspFront rtsp, HostClock clock, Scheduler scheduler) {
    this(metrics, () -> http.connectionsOpen() + rtsp.connectionsOpen(), clock, scheduler);
  }

  LiveFigures(
      HostMetrics metrics, IntSupplier openConnections, HostClock clock, Scheduler scheduler) {
    this.metrics = metrics;
    this.openConnections = openConnections;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  @Override
  protected void doStart() {
    sample();
    sampling = scheduler.scheduleWithFixedDelay(this::sample, SAMPLE_EVERY, SAMPLE_EVERY);
  }

  @Override
  protected void doStop() {
    Scheduler.Scheduled s = sampling;
    sampling = null;
    if (s != null) {
      s.cancel();
    }
    synchronized (samples) {
      samples.clear();
    }
  }

  /** Reads the counters and forgets readings no window needs. */
  private void sample() {
    Sample now = new Sample(clock.nanoTime(), metrics.requestsTotal(), metrics.logonTotals());
    synchronized (samples) {
      samples.addLast(now);
      long horizon = now.nanos() - LOGON_WINDOW.toNanos();
      // Keep the newest reading at or before the horizon: the base of the logon window.
      while (samples.size() > 1 && nth(1).nanos() <= horizon) {
        samples.removeFirst();
      }
    }
  }

  private Sample nth(int i) {
    var it = samples.iterator();
    for (int k = 0; k < i; k++) {
      it.next();
    }
    return it.next();
  }

  /** The figures now: the counters' current values against the reading a window ago. */
  public NowFigures now() {
    long nanos = clock.nanoTime();
    long requests = metrics.requestsTotal();
    Map<String, Map<LogonResult, Long>> logons = metrics.logonTotals();
    Sample rateBase;
    Sample logonBase;
    synchronized (samples) {
      rateBase = base(nanos - RATE_WINDOW.toNanos());
      logonBase = base(nanos - LOGON_WINDOW.toNanos());
    }
    double perSecond = 0;
    if (rateBase != null && nanos > rateBase.nanos()) {
      perSecond = (requests - rateBase.requests()) * 1e9 / (nanos - rateBase.nanos());
    }
    List<NowFigures.LogonRate> rates = new ArrayList<>();
    logons.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              Map<LogonResult, Long> before =
                  logonBase == null
                      ? Map.of()
                      : logonBase.logons().getOrDefault(e.getKey(), Map.of());
              for (LogonResult r : LogonResult.values()) {
                long count = e.getValue().getOrDefault(r, 0L) - before.getOrDefault(r, 0L);
                if (count > 0) {
                  rates.add(new NowFigures.LogonRate(e.getKey(), r.label(), count));
                }
              }
            });
    return new NowFigures(
        clock.instant(),
        openConnections.getAsInt(),
        Math.max(0, metrics.handshakesInProgress()),
        perSecond,
        rates);
  }

  /**
   * The newest reading at or before {@code nanos}: a window's start; the oldest one if the host has
   * not run that long; null before the first.
   */
  private Sample base(long nanos) {
    Sample found = null;
    for (Sample s : samples) {
      if (s.nanos() <= nanos) {
        found = s;
      } else {
        break;
      }
    }
    return found != null ? found : samples.peekFirst();
  }

  @Override
  public String toString() {
    return "the live figures{" + state() + "}";
  }
}
