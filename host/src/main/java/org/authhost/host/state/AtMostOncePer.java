package org.authhost.host.state;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gate that opens at most once per interval, for whichever thread asks first: a log line that
 * every request could write, a sweep that every write could start. Lock-free; the first call
 * passes.
 */
final class AtMostOncePer {
  private final long intervalNanos;
  private final AtomicLong last;

  AtMostOncePer(Duration interval, long nowNanos) {
    this.intervalNanos = interval.toNanos();
    this.last = new AtomicLong(nowNanos - intervalNanos);
  }

  /** Whether the caller may act now (monotonic nanoseconds): true once per interval. */
  boolean due(long nowNanos) {
    long before = last.get();
    return nowNanos - before >= intervalNanos && last.compareAndSet(before, nowNanos);
  }
}
