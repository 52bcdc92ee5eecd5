package org.authhost.testplugins.lateerror;

import java.util.concurrent.CountDownLatch;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/**
 * Authenticate counts down the {@code entered} latch, waits for the {@code gate} latch (a test puts
 * both in the system properties under the names these properties give), shrugging off interrupts,
 * and then throws an {@code OutOfMemoryError}: a call that runs out of memory after its time limit.
 */
public final class LateErrorPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    if (System.getProperties().get(values.get("entered", "")) instanceof CountDownLatch entered) {
      entered.countDown();
    }
    if (System.getProperties().get(values.get("gate", "")) instanceof CountDownLatch gate) {
      while (true) {
        try {
          gate.await();
          break;
        } catch (InterruptedException e) {
          // The host's interrupt at the time limit: this plug-in does not listen.
        }
      }
    }
    throw new OutOfMemoryError("Java heap space");
  }
}
