package org.authhost.host.time;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** {@link HostClock#system()}: the machine's UTC clock and {@link System#nanoTime()}. */
final class SystemHostClock extends HostClock {
  static final SystemHostClock INSTANCE = new SystemHostClock();

  private SystemHostClock() {}

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant instant() {
    return Instant.now();
  }

  @Override
  public long millis() {
    return System.currentTimeMillis();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public String toString() {
    return "HostClock.system()";
  }
}
