package org.authhost.host.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The host's one source of time, after Caffeine's {@code Ticker}: a {@link Clock} for the instants
 * the host records or compares with dates (events, lockouts, nonce and password lifetimes) and a
 * monotonic {@link #nanoTime()} for durations and deadlines (call time limits, idle time-outs).
 *
 * <p>Both readings come from one object so that a test moves them together: the fake clock in the
 * tests advances the instant, the nanosecond reading and its {@link Scheduler} in one step. It
 * extends {@link Clock} so that the same object is handed to plug-ins, which take a {@code
 * java.time.Clock}, through the plug-in API's {@code ServerContext.clock()}.
 */
public abstract class HostClock extends Clock {
  /** A monotonic reading in nanoseconds, comparable only with other readings of this clock. */
  public abstract long nanoTime();

  /**
   * The same time source seen in {@code zone}: instants and {@link #nanoTime()} still come from
   * this clock (so a fake clock moved by a test moves the zoned one too); only {@link #getZone()}
   * differs. A plug-in given the host's clock through {@code ServerContext.clock()} may ask for its
   * own zone, as any {@link Clock} allows.
   */
  @Override
  public HostClock withZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    return zone.equals(getZone()) ? this : new Zoned(this, zone);
  }

  /** The machine's clocks: UTC wall time and {@link System#nanoTime()}. */
  public static HostClock system() {
    return SystemHostClock.INSTANCE;
  }

  /** {@link #withZone}: a view of a source clock in another zone. */
  private static final class Zoned extends HostClock {
    private final HostClock source;
    private final ZoneId zone;

    Zoned(HostClock source, ZoneId zone) {
      this.source = source;
      this.zone = zone;
    }

    @Override
    public long nanoTime() {
      return source.nanoTime();
    }

    @Override
    public Instant instant() {
      return source.instant();
    }

    @Override
    public long millis() {
      return source.millis();
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public HostClock withZone(ZoneId zone) {
      return source.withZone(zone);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Zoned z && z.source.equals(source) && z.zone.equals(zone);
    }

    @Override
    public int hashCode() {
      return source.hashCode() * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
      return source + ".withZone(" + zone + ")";
    }
  }
}
