package org.authhost.testplugins.selfpinning;

import java.time.Duration;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Keeps a reference to itself in a place the JDK holds, the system properties, and never takes it
 * out: after an unload its class loader stays reachable from there.
 */
public final class SelfPinningPlugin extends TestPlugin {
  public static final String KEY = "authhost.test.selfpinning";

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    System.getProperties().put(KEY, this);
    return HResult.S_OK;
  }
}
