package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.BoundedWait;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fake-clock host settles its heartbeats by default ({@link FakeTime#of}): an advance past the
 * call time limit while an OnHeartbeat still waits for its worker (a busy machine, here a latch)
 * waits for it to return, and the plug-in stays in service. {@link FakeTime#unsettled} is the
 * opt-out for a test whose point is a heartbeat that hangs: the same advance then passes the limit
 * and the plug-in is in error, as it would be in real time.
 */
class HeartbeatSettlingTest extends HostTestBase {
  private static final String HOLD = "house14.heartbeat.hold";

  private final CountDownLatch[] hold = {new CountDownLatch(1), new CountDownLatch(1)};

  @AfterEach
  void letGo() {
    hold[1].countDown();
    System.getProperties().remove(HOLD);
  }

  private void start(com.google.inject.Module fakeTime) throws Exception {
    System.getProperties().put(HOLD, hold);
    PluginJar.of("heartbeat", "org.authhost.testplugins.heartbeat.HeartbeatPlugin")
        .writeTo(root.resolve("plugins"), "heartbeat.jar");
    startHost(
        "\"settings\": { \"heartbeat\": { \"enabled\": true, \"properties\":"
            + " { \"period\": \"1000\", \"hold\": \""
            + HOLD
            + "\" } } }",
        fakeTime);
  }

  private boolean inError() {
    return host.plugins().plugin("heartbeat").orElseThrow().inError();
  }

  @Test
  void anAdvanceWaitsForAHeartbeatInFlightByDefault() throws Exception {
    start(FakeTime.of(clock));
    Thread advancing = Thread.currentThread();
    long until = clock.nanoTime() + Duration.ofSeconds(10).toNanos();
    // A worker slow to finish the first heartbeat: it returns once the advance waits for it (or,
    // were nothing settled, once the advance is over).
    CompletableFuture<Void> slowWorker =
        CompletableFuture.runAsync(
            () -> {
              try {
                hold[0].await(30, TimeUnit.SECONDS);
                BoundedWait.until(() -> waitsForAHeartbeat(advancing) || clock.nanoTime() >= until);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                hold[1].countDown();
              }
            });
    clock.advance(Duration.ofSeconds(10)); // twice the 5 s call limit
    slowWorker.get(30, TimeUnit.SECONDS);
    assertEquals(
        10, heartbeats(), "each heartbeat, at 1 s ... 10 s, returned before time moved on");
    assertFalse(inError(), "a heartbeat that returned is no time-out");
  }

  /** Whether {@code thread} is in the settling wait for a heartbeat. */
  private static boolean waitsForAHeartbeat(Thread thread) {
    return Arrays.stream(thread.getStackTrace())
        .anyMatch(f -> f.getMethodName().equals("awaitInFlight"));
  }

  private long heartbeats() {
    return host.eventLog().query(EventQuery.all().withSource("heartbeat")).stream()
        .filter(e -> e.text().equals("heartbeat"))
        .count();
  }

  @Test
  void unsettledAHeartbeatStillRunningAtItsLimitIsATimeOut() throws Exception {
    start(FakeTime.unsettled(clock));
    clock.advance(Duration.ofSeconds(1)); // the first heartbeat begins
    assertTrue(hold[0].await(30, TimeUnit.SECONDS), "the heartbeat began");
    clock.advance(Duration.ofSeconds(6)); // past its 5 s limit: it still waits
    BoundedWait.until(this::inError); // recorded off the clock's thread
    assertTrue(inError(), "a heartbeat over its limit puts the plug-in in error");
  }
}
