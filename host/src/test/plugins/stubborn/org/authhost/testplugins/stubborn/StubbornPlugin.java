package org.authhost.testplugins.stubborn;

import java.util.concurrent.locks.LockSupport;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/**
 * Never returns from Authenticate, DisablePlugin or ShutdownPlugin, and shrugs off interrupts: the
 * plug-in a stop must not wait for. Each call prints one line on standard output as it starts, so a
 * test watching a host process knows the call is in progress.
 */
public final class StubbornPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    return never("Authenticate");
  }

  @Override
  public HResult disable() {
    return never("DisablePlugin");
  }

  @Override
  public HResult shutdown() {
    return never("ShutdownPlugin");
  }

  private static HResult never(String method) {
    System.out.println("stubborn: entered " + method);
    System.out.flush();
    while (true) {
      LockSupport.parkNanos(1_000_000_000L);
      Thread.interrupted();
    }
  }
}
