package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The watchdog driven by a fake clock: which calls it claims, when, and how often. */
class CallWatchdogTest {
  private static final Duration LIMIT = Duration.ofMillis(500);

  private final MutableClock clock = new MutableClock();
  private final List<String> claimed = new CopyOnWriteArrayList<>();
  private final CallWatchdog watchdog =
      new CallWatchdog(
          clock, (frame, thread) -> claimed.add(frame.method + " on " + thread.getName()));

  /** Enters a call on this thread, as the guard does. */
  private CallFrame enter(String method) {
    CallWatchdog.Slot slot = watchdog.slot();
    CallFrame frame =
        new CallFrame(
            null,
            method,
            clock.nanoTime() + LIMIT.toNanos(),
            LIMIT.toMillis(),
            slot.current,
            null,
            false);
    slot.current = frame;
    return frame;
  }

  @Test
  void aCallIsClaimedOncePastItsDeadlineAndNeverBefore() {
    CallFrame call = enter("Authenticate");

    clock.advance(LIMIT);
    assertEquals(0, watchdog.check(clock.nanoTime()), "at the deadline");
    clock.advance(Duration.ofNanos(1));
    assertEquals(1, watchdog.check(clock.nanoTime()));
    assertEquals(0, watchdog.check(clock.nanoTime()), "claimed once");

    assertEquals(List.of("Authenticate on " + Thread.currentThread().getName()), claimed);
    assertFalse(call.finish(), "the late return does not count");
  }

  @Test
  void aCallThatReturnedInTimeIsNeverClaimed() {
    CallFrame call = enter("GetFlags");
    clock.advance(Duration.ofMillis(100));
    assertTrue(call.finish());
    watchdog.slot().current = call.parent;

    clock.advance(LIMIT);

    assertEquals(0, watchdog.check(clock.nanoTime()));
    assertEquals(List.of(), claimed);
  }

  @Test
  void ofNestedCallsPastTheirDeadlinesTheOutermostIsClaimed() {
    enter("Authenticate");
    clock.advance(Duration.ofMillis(100));
    enter("GetLogicalUserID");

    clock.advance(Duration.ofSeconds(1));

    assertEquals(1, watchdog.check(clock.nanoTime()));
    assertEquals(List.of("Authenticate on " + Thread.currentThread().getName()), claimed);
  }

  @Test
  void startedItChecksOnItsOwnThreadUntilStopped() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    List<String> threads = new CopyOnWriteArrayList<>();
    CallWatchdog running =
        new CallWatchdog(
            clock,
            (frame, thread) -> {
              threads.add(Thread.currentThread().getName());
              reported.countDown();
            });
    CallWatchdog.Slot slot = running.slot();
    slot.current =
        new CallFrame(
            null,
            "Authenticate",
            clock.nanoTime() + LIMIT.toNanos(),
            LIMIT.toMillis(),
            null,
            null,
            false);
    running.start();
    try {
      clock.advance(LIMIT.plusNanos(1));
      assertTrue(reported.await(5, TimeUnit.SECONDS), "the watchdog thread reads the host clock");
      assertEquals(List.of("plugin-call-watchdog"), threads);
    } finally {
      running.stop();
    }
    assertEquals(CallWatchdog.State.STOPPED, running.state());
  }
}
