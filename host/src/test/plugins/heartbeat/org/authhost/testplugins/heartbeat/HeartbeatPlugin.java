package org.authhost.testplugins.heartbeat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Asks for heartbeats every {@code period} ms and logs an INFORMATION event for each. While the
 * system properties hold two latches under the name of its {@code hold} property, a heartbeat
 * counts the first down and returns only once the second is (a worker slow to run it).
 */
public final class HeartbeatPlugin extends TestPlugin {
  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    heartbeatPeriod.set(Duration.ofMillis(Long.parseLong(values.get("period", "0"))));
    return HResult.S_OK;
  }

  @Override
  public HResult onHeartbeat() {
    if (System.getProperties().get(values.get("hold", "")) instanceof CountDownLatch[] h) {
      h[0].countDown();
      try {
        h[1].await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return server.eventLog().logEvent(values, EventLevel.INFORMATION, HResult.S_OK, "heartbeat");
  }
}
