package org.authhost.testplugins.redisable;

import java.time.Duration;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Refuses a DisablePlugin when it is already disabled, which WMS may send (the host itself never
 * does, so only a call straight to the plug-in shows it).
 */
public final class RedisablePlugin extends TestPlugin {
  private volatile boolean enabled;

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    enabled = true;
    return HResult.S_OK;
  }

  @Override
  public HResult disable() {
    if (!enabled) {
      return HResult.E_UNEXPECTED;
    }
    enabled = false;
    return HResult.S_OK;
  }
}
