package org.authhost.host.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.authhost.host.time.Scheduler.Scheduled;
import org.junit.jupiter.api.Test;

/** The fake clock the host tests run on: time moves only when told, and tasks run as it passes. */
class MutableClockTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<String> ran = new ArrayList<>();

  @Test
  void advanceMovesTheInstantAndTheMonotonicReadingTogether() {
    long nanos = clock.nanoTime();

    clock.advance(Duration.ofMillis(1500));

    assertEquals(Instant.parse("2026-01-01T00:00:01.500Z"), clock.instant());
    assertEquals(1_500_000_000L, clock.nanoTime() - nanos);
  }

  @Test
  void settingTheWallClockLeavesTheMonotonicReadingAndTheTasks() {
    long nanos = clock.nanoTime();
    clock.schedule(() -> ran.add("task"), Duration.ofSeconds(1));

    clock.set(Instant.parse("2025-06-01T00:00:00Z"));

    assertEquals(Instant.parse("2025-06-01T00:00:00Z"), clock.instant());
    assertEquals(nanos, clock.nanoTime());
    assertEquals(List.of(), ran);
    assertEquals(1, clock.scheduledTasks());
  }

  @Test
  void tasksRunInDueOrderAtTheirDueTimeAndNotBefore() {
    clock.schedule(() -> ran.add("b at " + clock.instant()), Duration.ofMillis(200));
    clock.schedule(() -> ran.add("a at " + clock.instant()), Duration.ofMillis(100));
    clock.schedule(() -> ran.add("c at " + clock.instant()), Duration.ofMillis(300));

    clock.advance(Duration.ofMillis(200));

    assertEquals(List.of("a at 2026-01-01T00:00:00.100Z", "b at 2026-01-01T00:00:00.200Z"), ran);
    assertEquals(Instant.parse("2026-01-01T00:00:00.200Z"), clock.instant());
    assertEquals(1, clock.scheduledTasks());
  }

  @Test
  void aFixedDelayTaskRunsOncePerPeriodPassed() {
    clock.scheduleWithFixedDelay(
        () -> ran.add("beat"), Duration.ofMillis(150), Duration.ofMillis(150));

    clock.advance(Duration.ofSeconds(1));

    assertEquals(6, ran.size(), "150, 300, ... 900 ms");
    assertEquals(1, clock.scheduledTasks(), "still scheduled");
  }

  @Test
  void aCancelledTaskNeverRunsAgain() {
    Scheduled beat =
        clock.scheduleWithFixedDelay(
            () -> ran.add("beat"), Duration.ofMillis(100), Duration.ofMillis(100));
    clock.advance(Duration.ofMillis(250));

    beat.cancel();
    clock.advance(Duration.ofSeconds(1));

    assertEquals(2, ran.size());
    assertTrue(beat.isCancelled());
    assertEquals(0, clock.scheduledTasks());
  }

  @Test
  void aTaskScheduledByATaskRunsInTheSameAdvanceWhenItFallsDueThere() {
    clock.schedule(
        () -> {
          ran.add("first");
          clock.schedule(() -> ran.add("second at " + clock.instant()), Duration.ofMillis(50));
        },
        Duration.ofMillis(100));

    clock.advance(Duration.ofMillis(200));

    assertEquals(List.of("first", "second at 2026-01-01T00:00:00.150Z"), ran);
  }

  @Test
  void timeDoesNotGoBack() {
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofMillis(-1)));
  }

  @Test
  void awaitingTasksThatAreNotScheduledFailsAfterTheTimeout() {
    AssertionError e =
        assertThrows(AssertionError.class, () -> clock.awaitScheduledTasks(1, Duration.ZERO));
    assertEquals("0 task(s) scheduled, not 1, after PT0S", e.getMessage());
  }
}
