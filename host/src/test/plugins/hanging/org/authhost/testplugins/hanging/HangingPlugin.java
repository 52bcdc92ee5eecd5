package org.authhost.testplugins.hanging;

import java.util.concurrent.locks.LockSupport;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/** Authenticate never returns, and shrugs off interrupts. */
public final class HangingPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    while (true) {
      LockSupport.parkNanos(1_000_000_000L);
      Thread.interrupted();
    }
  }
}
