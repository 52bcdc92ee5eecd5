package org.authhost.host.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits, on the real clock and for at most 10 s, for something the host finishes off the test's
 * thread (a release on an event loop or a plug-in's own thread): short parks between looks, not a
 * spin, and not a sleep that lets the host's time pass. The caller asserts the outcome after it.
 */
public final class BoundedWait {
  private BoundedWait() {}

  /** Returns once {@code done} is true or the bound has passed, whichever comes first. */
  public static void until(BooleanSupplier done) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < end) {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }
}
