package org.authhost.testplugins.slowdisable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Authenticate fails (E_FAIL), so the host takes it out of service and sends DisablePlugin; that
 * DisablePlugin waits for the test's latch (its {@code release} property names it in the system
 * properties). Records "enable-in" as EnablePlugin starts and "disable-out" as DisablePlugin
 * returns in the list its {@code order} property names, and counts down the latch its {@code
 * entered} property names as DisablePlugin starts.
 */
public final class SlowDisablePlugin extends TestPlugin {
  @SuppressWarnings("unchecked")
  private void record(String what) {
    if (System.getProperties().get(values.get("order", "")) instanceof List<?> order) {
      ((List<String>) order).add(what);
    }
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    record("enable-in");
    return HResult.S_OK;
  }

  @Override
  public HResult disable() {
    if (System.getProperties().get(values.get("entered", "")) instanceof CountDownLatch entered) {
      entered.countDown();
    }
    if (System.getProperties().get(values.get("release", "")) instanceof CountDownLatch release) {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return HResult.E_FAIL;
      }
    }
    record("disable-out");
    return HResult.S_OK;
  }

  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    return HResult.E_FAIL;
  }
}
