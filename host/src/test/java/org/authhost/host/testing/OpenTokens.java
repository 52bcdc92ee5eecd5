package org.authhost.host.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.authhost.host.AuthHost;

/**
 * Waits for a host's token handles to be closed: a context is released where its plug-in's calls
 * run, on the connection's event loop after a close or on the plug-in's own threads, so a moment
 * after the answer the test saw. A bounded wait on the real clock, not a spin and not a sleep that
 * lets the host's time pass.
 */
public final class OpenTokens {
  private OpenTokens() {}

  /** Asserts, within 10 s, that {@code host} holds no open token handle. */
  public static void awaitNone(AuthHost host, String why) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (host.tokens().openHandles() != 0 && System.nanoTime() < end) {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
    assertEquals(0, host.tokens().openHandles(), why);
  }
}
