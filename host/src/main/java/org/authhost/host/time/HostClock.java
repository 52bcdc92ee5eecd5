package org.authhost.host.time;

import java.time.Clock;

/**
 * The host's one source of time, after Caffeine's {@code Ticker}: a {@link Clock} for the instants
 * the host records or compares with dates (events, lockouts, nonce and password lifetimes) and a
 * monotonic {@link #nanoTime()} for durations and deadlines (call time limits, idle time-outs).
 *
 * <p>Both readings come from one object so that a test moves them together: the fake clock in the
 * tests advances the instant, the nanosecond reading and its {@link Scheduler} in one step. It
 * extends {@link Clock} so that the same object can be handed to plug-ins, which already take a
 * {@code java.time.Clock}, when the plug-in API exposes the host's time.
 */
public abstract class HostClock extends Clock {
  /** A monotonic reading in nanoseconds, comparable only with other readings of this clock. */
  public abstract long nanoTime();

  /** The machine's clocks: UTC wall time and {@link System#nanoTime()}. */
  public static HostClock system() {
    return SystemHostClock.INSTANCE;
  }
}
