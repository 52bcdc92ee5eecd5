package org.authhost.testplugins.heartbeat;

import java.time.Duration;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/** Asks for heartbeats every {@code period} ms and logs an INFORMATION event for each. */
public final class HeartbeatPlugin extends TestPlugin {
  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    heartbeatPeriod.set(Duration.ofMillis(Long.parseLong(values.get("period", "0"))));
    return HResult.S_OK;
  }

  @Override
  public HResult onHeartbeat() {
    return server.eventLog().logEvent(values, EventLevel.INFORMATION, HResult.S_OK, "heartbeat");
  }
}
