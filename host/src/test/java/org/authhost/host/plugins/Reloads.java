package org.authhost.host.plugins;

import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;

/** For tests outside this package: waits for what a reload or reconfigure left to do. */
public final class Reloads {
  private Reloads() {}

  /**
   * Returns once every change asked of {@code host}'s reloads so far has been made, with the work
   * each queued after it (a drain's beginning, releasing the contexts kept for idle connections).
   */
  public static void awaitIdle(AuthHost host) throws Exception {
    host.plugins().reloads().idle().get(60, TimeUnit.SECONDS);
  }
}
