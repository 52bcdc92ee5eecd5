package org.authhost.testplugins.gated;

import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Authenticate as TestPlugin, after three optional steps a test arranges through objects it puts in
 * the system properties (the one place plug-in and test both see) under the names these properties
 * give: {@code threads}, a queue it adds the calling thread to; {@code entered}, a latch it counts
 * down; {@code gate}, a latch it waits for (an interrupt ends the wait). With the property {@code
 * account}, it logs that account on instead of Guest (a logon whose check a test holds open).
 */
public final class GatedPlugin extends TestPlugin {
  /** With {@code account}, that account, and a context that leaves its names to the host. */
  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    if (values.get("account", "").isEmpty()) {
      return super.createAuthenticationContext(context);
    }
    context.set(unnamedContext());
    return HResult.S_OK;
  }

  @Override
  protected String account() {
    return values.get("account", "").isEmpty() ? super.account() : values.get("account", "");
  }

  @Override
  @SuppressWarnings("unchecked")
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    if (System.getProperties().get(values.get("threads", "")) instanceof Queue<?> threads) {
      ((Queue<Object>) threads).add(Thread.currentThread());
    }
    if (System.getProperties().get(values.get("entered", "")) instanceof CountDownLatch entered) {
      entered.countDown();
    }
    if (System.getProperties().get(values.get("gate", "")) instanceof CountDownLatch gate) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return HResult.E_ABORT;
      }
    }
    return super.authenticate(self, callback, context);
  }
}
