package org.authhost.host.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.authhost.host.AuthHost;

/**
 * Waits for a host's token handles to be closed: a context is released where its plug-in's calls
 * run, on the connection's event loop after a close or on the plug-in's own threads, so a moment
 * after the answer the test saw ({@link BoundedWait}).
 */
public final class OpenTokens {
  private OpenTokens() {}

  /** Asserts, within 10 s, that {@code host} holds no open token handle. */
  public static void awaitNone(AuthHost host, String why) {
    BoundedWait.until(() -> host.tokens().openHandles() == 0);
    assertEquals(0, host.tokens().openHandles(), why);
  }
}
