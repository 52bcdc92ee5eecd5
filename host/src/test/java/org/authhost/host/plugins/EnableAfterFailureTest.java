package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's enable right after a failure, while the DisablePlugin the host sent after that
 * failure is still running: the plug-in must see DisablePlugin end before EnablePlugin, or it is
 * disabled while the host believes it enabled (the contract kit's fault injection met this).
 */
class EnableAfterFailureTest extends HostTestBase {
  /** The test host's call time limit (TestHosts). */
  private static final Duration LIMIT = Duration.ofMillis(500);

  private final String releaseKey = "authhost.test.release." + UUID.randomUUID();
  private final String orderKey = "authhost.test.order." + UUID.randomUUID();
  private final String enteredKey = "authhost.test.entered." + UUID.randomUUID();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);
  private final List<String> order = new CopyOnWriteArrayList<>();

  @AfterEach
  void forget() {
    release.countDown();
    System.getProperties().remove(releaseKey);
    System.getProperties().remove(orderKey);
    System.getProperties().remove(enteredKey);
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(10, TimeUnit.SECONDS), "timed out waiting: " + what);
  }

  /** The slow-disable plug-in enabled, then failed once: its DisablePlugin is now running. */
  private HostedPlugin failedWithDisableRunning() throws Exception {
    System.getProperties().put(releaseKey, release);
    System.getProperties().put(orderKey, order);
    System.getProperties().put(enteredKey, entered);
    PluginJar.of("slowdisable", "org.authhost.testplugins.slowdisable.SlowDisablePlugin")
        .writeTo(root.resolve("plugins"), "slowdisable.jar");
    startHost(
        "\"settings\": { \"slowdisable\": { \"enabled\": true, \"properties\": { \"release\": \""
            + releaseKey
            + "\", \"order\": \""
            + orderKey
            + "\", \"entered\": \""
            + enteredKey
            + "\" } } }");
    order.clear();
    // E_FAIL: the host records the failure and sends DisablePlugin, which now waits.
    assertEquals(AuthenticationResult.ERROR, authenticate("slowdisable").result());
    await(entered, "DisablePlugin after the failure");
    return host.plugins().hosted("slowdisable");
  }

  @Test
  void anEnableAfterAFailureWaitsForTheDisablePluginTheHostSentAfterIt() throws Exception {
    HostedPlugin plugin = failedWithDisableRunning();
    CountDownLatch waiting = new CountDownLatch(1);
    plugin.onAwaitingDisable(waiting::countDown);

    CompletableFuture<PluginView> enabled =
        CompletableFuture.supplyAsync(() -> host.plugins().enable("slowdisable"));
    await(waiting, "the enable to wait for DisablePlugin");
    assertFalse(
        order.contains("enable-in"), "EnablePlugin ran while DisablePlugin had not returned");
    release.countDown();

    assertEquals(
        PluginStatus.LOADED | PluginStatus.ENABLED, enabled.get(10, TimeUnit.SECONDS).status());
    assertEquals(List.of("disable-out", "enable-in"), order);
  }

  @Test
  void anEnableWhoseAwaitedDisablePluginTimesOutIsRefusedAsWedged() throws Exception {
    HostedPlugin plugin = failedWithDisableRunning();
    CountDownLatch waiting = new CountDownLatch(1);
    plugin.onAwaitingDisable(waiting::countDown);

    CompletableFuture<PluginView> enabled =
        CompletableFuture.supplyAsync(() -> host.plugins().enable("slowdisable"));
    await(waiting, "the enable to wait for DisablePlugin");
    // The DisablePlugin runs past its time limit: the host stops calling into the plug-in.
    clock.advance(LIMIT.plusNanos(1));
    host.plugins().guard().watchdog().check(clock.nanoTime());

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> enabled.get(10, TimeUnit.SECONDS));
    IllegalStateException refused = assertInstanceOf(IllegalStateException.class, e.getCause());
    assertTrue(refused.getMessage().contains("never returned"), refused.getMessage());
    assertTrue(plugin.wedged());
    assertFalse(order.contains("enable-in"), "EnablePlugin was sent to a wedged plug-in");
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, plugin.status());
  }

  @Test
  void theFailureThatTakesAPluginOutOfServiceAlreadyMarksItsDisablePluginPending() {
    HostedPlugin plugin =
        new HostedPlugin(
            new PluginDescriptor(
                "marked", "1.0", ApiVersion.of("1.0"), "none", "", Path.of("marked.jar")),
            new HostNamedValues("marked", Map.of()));
    plugin.loaded(null);
    assertTrue(plugin.enabled(plugin.failures()));

    assertTrue(plugin.failed(HResult.E_FAIL, "broke"));
    // Out of service, and the DisablePlugin not yet sent: an enable must already wait for it.
    assertFalse(plugin.isUsable());
    assertTrue(plugin.disableAfterFailurePending());

    CompletableFuture<HResult> disable = new CompletableFuture<>();
    plugin.disablingAfterFailure(disable);
    assertTrue(plugin.disableAfterFailurePending());
    disable.complete(HResult.S_OK);
    assertFalse(plugin.disableAfterFailurePending());
    plugin.awaitDisableAfterFailure();
  }
}
