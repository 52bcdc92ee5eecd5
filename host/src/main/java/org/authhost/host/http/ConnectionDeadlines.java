package org.authhost.host.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;

/**
 * The idle time-out and the next request head's deadline of every connection of one HTTP front,
 * enforced on the host's clock and scheduler: connections note the time of their last activity and
 * their head deadline in a {@link ConnectionActivity}, and one periodic sweep closes those past
 * either. Per request nothing is scheduled or cancelled, and a test moves the time-outs with a fake
 * clock.
 */
final class ConnectionDeadlines {
  /**
   * The longest pause between sweeps. A connection is closed at the first sweep at or after its
   * deadline, so at most a sweep period late: these time-outs free connections that clients hold
   * for nothing, and a quarter of the idle time (at most 250 ms) more makes no difference to that,
   * while a sweep over the live connections, a few volatile reads each, costs next to nothing.
   */
  private static final Duration MAX_PERIOD = Duration.ofMillis(250);

  private final HostClock clock;
  private final Scheduler scheduler;
  private final long idleNanos;
  private final Set<ConnectionActivity> live = ConcurrentHashMap.newKeySet();
  private final Runnable onChange;
  private Scheduler.Scheduled sweep;

  ConnectionDeadlines(HostClock clock, Scheduler scheduler, Duration idle) {
    this(clock, scheduler, idle, () -> {});
  }

  /** {@code onChange} runs after each connection opens or closes (the front's test hook). */
  ConnectionDeadlines(HostClock clock, Scheduler scheduler, Duration idle, Runnable onChange) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.idleNanos = idle.toNanos();
    this.onChange = onChange;
  }

  /** Starts the sweep; with the front. */
  synchronized void start() {
    Duration period = period(Duration.ofNanos(idleNanos));
    sweep = scheduler.scheduleWithFixedDelay(this::sweep, period, period);
  }

  /** Stops the sweep; with the front, whose connections close with its event loops. */
  synchronized void stop() {
    if (sweep != null) {
      sweep.cancel();
      sweep = null;
    }
  }

  /** A quarter of the idle time, at most {@link #MAX_PERIOD}, at least a millisecond. */
  static Duration period(Duration idle) {
    Duration quarter = idle.dividedBy(4);
    if (quarter.compareTo(MAX_PERIOD) > 0) {
      return MAX_PERIOD;
    }
    return quarter.isZero() ? Duration.ofMillis(1) : quarter;
  }

  /** A new connection's timekeeping, for its pipeline. */
  ConnectionActivity newConnection() {
    return new ConnectionActivity(this, clock, idleNanos);
  }

  void opened(ConnectionActivity connection) {
    live.add(connection);
    onChange.run();
  }

  void closed(ConnectionActivity connection) {
    live.remove(connection);
    onChange.run();
  }

  /** How many connections are open: for a test to know the front has seen its connection. */
  int open() {
    return live.size();
  }

  private void sweep() {
    long now = clock.nanoTime();
    for (ConnectionActivity connection : live) {
      if (connection.overdue(now)) {
        connection.close();
      }
    }
  }
}
