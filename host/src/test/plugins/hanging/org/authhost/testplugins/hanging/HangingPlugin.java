package org.authhost.testplugins.hanging;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/**
 * Authenticate never returns, and shrugs off interrupts. Once inside, it counts down the latch a
 * test may have put in the system properties under the name its {@code entered} property gives (the
 * one object plug-in and test both see), so the test knows the call has started.
 */
public final class HangingPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    if (System.getProperties().get(values.get("entered", "")) instanceof CountDownLatch entered) {
      entered.countDown();
    }
    while (true) {
      LockSupport.parkNanos(1_000_000_000L);
      Thread.interrupted();
    }
  }
}
