package org.authhost.testplugins.late;

import java.util.concurrent.CountDownLatch;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/**
 * Authenticate returns S_OK at once and calls back later, from a thread of its own: when the latch
 * a test put in the system properties under the name its {@code release} property gives is counted
 * down (the one object plug-in and test both see).
 */
public final class LatePlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    CountDownLatch release = (CountDownLatch) System.getProperties().get(values.get("release", ""));
    Thread later =
        new Thread(
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                return;
              }
              super.authenticate(self, callback, context);
            },
            "late-callback");
    later.setDaemon(true);
    later.start();
    return HResult.S_OK;
  }
}
