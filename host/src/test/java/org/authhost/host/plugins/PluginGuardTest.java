package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.Test;

/**
 * The guard's own edges, on the fake clock: where a time-out's interrupt may land, what a failed
 * stop or start leaves running, how many threads a burst of time-outs takes, and when a plug-in
 * with a hung call stops being offered.
 */
class PluginGuardTest extends HostTestBase {
  /** The test host's call time limit (TestHosts). */
  private static final Duration LIMIT = Duration.ofMillis(500);

  /** An enabled plug-in the host knows nothing of, for calls made through the guard directly. */
  private static HostedPlugin enabledPlugin(String id) {
    HostedPlugin plugin =
        new HostedPlugin(
            new PluginDescriptor(id, "1.0", ApiVersion.of("1.0"), "none", "", Path.of(id + ".jar")),
            new HostNamedValues(id, Map.of()));
    // No instance: the host makes no calls of its own into it (DisablePlugin after a failure).
    plugin.loaded(null);
    assertTrue(plugin.enabled(plugin.failures()));
    return plugin;
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(5, TimeUnit.SECONDS), "timed out waiting");
    } catch (InterruptedException e) {
      throw new AssertionError("interrupted", e);
    }
  }

  @Test
  void aLateInterruptNeverReachesTheNextCallOfTheThread() throws Exception {
    startHost("");
    PluginGuard guard = host.plugins().guard();
    HostedPlugin slow = enabledPlugin("slow");
    HostedPlugin innocent = enabledPlugin("innocent");
    CountDownLatch slowEntered = new CountDownLatch(1);
    CountDownLatch slowMayReturn = new CountDownLatch(1);
    CountDownLatch reportHeld = new CountDownLatch(1);
    CountDownLatch releaseReport = new CountDownLatch(1);
    CountDownLatch innocentEntered = new CountDownLatch(1);
    CountDownLatch innocentMayReturn = new CountDownLatch(1);
    AtomicBoolean innocentInterrupted = new AtomicBoolean();
    AtomicReference<HResult> slowResult = new AtomicReference<>();
    AtomicReference<HResult> innocentResult = new AtomicReference<>();
    // One of the host's plug-in threads (a life-cycle worker runs calls of every plug-in).
    Thread worker =
        new Bulkhead.Worker(
            () -> {
              slowResult.set(
                  guard.call(
                      slow,
                      "OnHeartbeat",
                      () -> {
                        slowEntered.countDown();
                        slowMayReturn.await();
                        return HResult.S_OK;
                      },
                      // Runs in the time-out's report, just before the interrupt: held there, the
                      // interrupt comes after the call has returned.
                      () -> {
                        reportHeld.countDown();
                        await(releaseReport);
                      }));
              innocentResult.set(
                  guard.call(
                      innocent,
                      "OnHeartbeat",
                      () -> {
                        innocentEntered.countDown();
                        try {
                          innocentMayReturn.await();
                        } catch (InterruptedException e) {
                          innocentInterrupted.set(true);
                          throw e;
                        }
                        return HResult.S_OK;
                      }));
            },
            "test-plugin-worker",
            null);
    worker.start();
    await(slowEntered);

    clock.advance(LIMIT.plusNanos(1));
    // This check, or the watchdog's own thread reading the same clock, claims the call.
    guard.watchdog().check(clock.nanoTime());
    await(reportHeld);
    // The call returns just after its deadline, and the thread goes on to another plug-in.
    slowMayReturn.countDown();
    await(innocentEntered);
    assertEquals(HResult.E_TIMEOUT, slowResult.get());
    releaseReport.countDown();
    // Stopping the guard delivers the time-out's continuation to its end, interrupt included.
    guard.stop();
    innocentMayReturn.countDown();
    worker.join(TimeUnit.SECONDS.toMillis(5));

    assertFalse(worker.isAlive());
    assertFalse(innocentInterrupted.get(), "the interrupt meant for 'slow' reached 'innocent'");
    assertEquals(HResult.S_OK, innocentResult.get());
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, innocent.status());
    assertTrue(innocent.isUsable());
    assertEquals(PluginStatus.LOADED | PluginStatus.ERROR, slow.status());
    assertEquals(HResult.E_TIMEOUT, slow.errorCode());
  }

  @Test
  void aCallStillInsideItsExpiredCallIsInterrupted() throws Exception {
    startHost("");
    PluginGuard guard = host.plugins().guard();
    HostedPlugin hanging = enabledPlugin("hanging");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicReference<HResult> result = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean(true);
    Thread worker =
        new Bulkhead.Worker(
            () -> {
              result.set(
                  guard.call(
                      hanging,
                      "Authenticate",
                      () -> {
                        entered.countDown();
                        never.await();
                        return HResult.S_OK;
                      }));
              interruptedAfter.set(Thread.currentThread().isInterrupted());
            },
            "test-plugin-worker",
            null);
    worker.start();
    await(entered);

    clock.advance(LIMIT.plusNanos(1));
    guard.watchdog().check(clock.nanoTime());
    worker.join(TimeUnit.SECONDS.toMillis(5));

    assertFalse(worker.isAlive(), "the stuck thread was interrupted out of the plug-in");
    assertEquals(HResult.E_TIMEOUT, result.get());
    assertFalse(interruptedAfter.get(), "the interrupt ends with the call it was meant for");
  }

  @Test
  void aStopThatFailsStillStopsThePoolsAndTheNextStopSucceeds() throws Exception {
    HostConfig config = ConfigLoader.defaults(root);
    PluginGuard guard = new PluginGuard(new PluginFailures(null), config, clock);
    guard.start();
    HostedPlugin plugin = enabledPlugin("any");

    // Joining the watchdog's thread fails at once on an interrupted thread, while that thread is
    // alive: held here, as it waits to read the clock.
    synchronized (clock) {
      Thread.currentThread().interrupt();
      try {
        assertThrows(InterruptedException.class, guard::stop);
      } finally {
        Thread.interrupted();
      }
    }
    assertEquals(LifeCycle.State.FAILED, guard.state());

    AtomicReference<Thread> ranOn = new AtomicReference<>();
    guard.afterTimeout(() -> ranOn.set(Thread.currentThread()));
    assertEquals(Thread.currentThread(), ranOn.get(), "the time-out pool is shut down");
    assertEquals(
        HResult.NS_E_NO_NEW_CONNECTIONS,
        guard.callAsync(plugin, "OnHeartbeat", () -> HResult.S_OK).get(5, TimeUnit.SECONDS),
        "the life-cycle pool is shut down");

    guard.stop();
    assertEquals(LifeCycle.State.STOPPED, guard.state());
    assertEquals(LifeCycle.State.STOPPED, guard.watchdog().state());
    guard.stop();
    assertEquals(LifeCycle.State.STOPPED, guard.state());
  }

  @Test
  void aFailedStartOfThePluginHostStopsTheGuard() throws Exception {
    HostConfig config = ConfigLoader.defaults(root);
    PluginGuard guard = new PluginGuard(new PluginFailures(null), config, clock);
    // No event log: reporting the missing plug-in folder, after the guard started, throws.
    PluginHost plugins =
        new PluginHost(
            config, guard, new PluginFailures(null), null, null, null, null, null, null, null);

    assertThrows(NullPointerException.class, plugins::start);

    assertEquals(LifeCycle.State.FAILED, plugins.state());
    assertEquals(LifeCycle.State.STOPPED, guard.state());
    assertEquals(LifeCycle.State.STOPPED, guard.watchdog().state());
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    guard.afterTimeout(() -> ranOn.set(Thread.currentThread()));
    assertEquals(Thread.currentThread(), ranOn.get(), "the time-out pool is shut down");
  }

  @Test
  void aBurstOfTimeOutsTakesAtMostTheCapOfThreads() throws Exception {
    AfterTimeouts afterTimeouts = new AfterTimeouts();
    afterTimeouts.start();
    int burst = AfterTimeouts.THREADS * 3;
    CountDownLatch firstWave = new CountDownLatch(AfterTimeouts.THREADS);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(burst);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    try {
      for (int i = 0; i < burst; i++) {
        afterTimeouts.execute(
            () -> {
              threads.add(Thread.currentThread());
              firstWave.countDown();
              // A continuation that blocks, like a slow audit write.
              await(release);
              done.countDown();
            });
      }
      await(firstWave);
      assertEquals(AfterTimeouts.THREADS, afterTimeouts.largestThreads());
      release.countDown();
      await(done);

      assertTrue(threads.size() <= AfterTimeouts.THREADS, threads.size() + " threads");
      assertEquals(AfterTimeouts.THREADS, afterTimeouts.largestThreads());
      assertTrue(
          threads.stream().allMatch(t -> t.getName().startsWith("plugin-call-timeout-")),
          threads.toString());
    } finally {
      release.countDown();
      afterTimeouts.stop();
    }
  }

  @Test
  void aPluginWithAHungCallIsNoLongerOfferedEvenBeforeItsFailureIsReported() throws Exception {
    PluginJar.of("good", "org.authhost.testplugins.TestPlugin")
        .writeTo(root.resolve("plugins"), "good.jar");
    startHost("");
    assertEquals(
        List.of("good"),
        host.plugins().offeredAuthenticationPlugins().stream().map(PluginView::id).toList());

    // What the watchdog does first, on its own thread; the report follows on another.
    host.plugins().hosted("good").markWedged();

    assertEquals(List.of(), host.plugins().offeredAuthenticationPlugins());
    assertFalse(host.plugins().hosted("good").isUsable());
    AuthenticationOutcome outcome = authenticate("good");
    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertEquals(HResult.NS_E_CRITICAL_ERROR, outcome.hresult());
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, view("good").status());
  }

  private PluginView view(String id) {
    return host.plugins().plugin(id).orElseThrow();
  }
}
