package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.authhost.api.AuthenticationResult;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's enable right after a failure, while the DisablePlugin the host sent after that
 * failure is still running: the plug-in must see DisablePlugin end before EnablePlugin, or it is
 * disabled while the host believes it enabled (the contract kit's fault injection met this).
 */
class EnableAfterFailureTest extends HostTestBase {
  private final String releaseKey = "authhost.test.release." + UUID.randomUUID();
  private final String orderKey = "authhost.test.order." + UUID.randomUUID();

  @AfterEach
  void forget() {
    System.getProperties().remove(releaseKey);
    System.getProperties().remove(orderKey);
  }

  @Test
  void anEnableAfterAFailureWaitsForTheDisablePluginTheHostSentAfterIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    System.getProperties().put(releaseKey, release);
    System.getProperties().put(orderKey, order);
    PluginJar.of("slowdisable", "org.authhost.testplugins.slowdisable.SlowDisablePlugin")
        .writeTo(root.resolve("plugins"), "slowdisable.jar");
    startHost(
        "\"settings\": { \"slowdisable\": { \"enabled\": true, \"properties\": { \"release\": \""
            + releaseKey
            + "\", \"order\": \""
            + orderKey
            + "\" } } }");
    order.clear();

    // E_FAIL: the host records the failure and sends DisablePlugin, which now waits.
    assertEquals(AuthenticationResult.ERROR, authenticate("slowdisable").result());
    Thread operator = new Thread(() -> host.plugins().enable("slowdisable"), "operator-enable");
    operator.start();
    // Either the enable went ahead (the bug) or it waits for the DisablePlugin.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!order.contains("enable-in")
        && operator.getState() != Thread.State.WAITING
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertFalse(
        order.contains("enable-in"), "EnablePlugin ran while DisablePlugin had not returned");
    release.countDown();
    operator.join(10_000);

    assertFalse(operator.isAlive());
    assertEquals(List.of("disable-out", "enable-in"), order);
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ENABLED,
        host.plugins().plugin("slowdisable").orElseThrow().status());
  }
}
