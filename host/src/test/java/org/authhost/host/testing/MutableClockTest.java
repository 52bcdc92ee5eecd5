package org.authhost.host.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.authhost.host.time.HostClock;
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
  void whatSettlesAfterEachTaskRunsBeforeTheClockMovesOn() {
    MutableClock clock = new MutableClock();
    long start = clock.nanoTime();
    List<String> seen = new ArrayList<>();
    clock.schedule(() -> seen.add("task at " + (clock.nanoTime() - start)), Duration.ofSeconds(1));
    clock.scheduleWithFixedDelay(
        () -> seen.add("beat at " + (clock.nanoTime() - start)),
        Duration.ofSeconds(2),
        Duration.ofSeconds(2));
    clock.settleAfterEachTask(() -> seen.add("settled at " + (clock.nanoTime() - start)));

    clock.advance(Duration.ofSeconds(5));

    assertEquals(
        List.of(
            "task at 1000000000",
            "settled at 1000000000",
            "beat at 2000000000",
            "settled at 2000000000",
            "beat at 4000000000",
            "settled at 4000000000"),
        seen);
    assertEquals(5_000_000_000L, clock.nanoTime() - start);
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

  @Test
  void aTaskThatAdvancesTheClockNeverSendsTimeBack() {
    List<Long> readings = new ArrayList<>();
    long start = clock.nanoTime();
    clock.schedule(() -> clock.advance(Duration.ofSeconds(10)), Duration.ofMillis(100));
    clock.schedule(() -> readings.add(clock.nanoTime() - start), Duration.ofMillis(200));

    clock.advance(Duration.ofSeconds(1));

    assertEquals(List.of(200_000_000L), readings, "the nested advance ran it at its due time");
    assertEquals(10_100_000_000L, clock.nanoTime() - start, "the outer advance did not go back");
    assertEquals(Instant.parse("2026-01-01T00:00:10.100Z"), clock.instant());
  }

  @Test
  void advancesFromManyThreadsAddUpAndNeverGoBack() throws Exception {
    long start = clock.nanoTime();
    List<Long> readings = Collections.synchronizedList(new ArrayList<>());
    clock.scheduleWithFixedDelay(
        () -> readings.add(clock.nanoTime()), Duration.ofMillis(1), Duration.ofMillis(1));
    int threads = 4;
    int steps = 250;
    CyclicBarrier together = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(
            pool.submit(
                () -> {
                  together.await();
                  for (int j = 0; j < steps; j++) {
                    clock.advance(Duration.ofMillis(1));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(Duration.ofMillis(threads * steps).toNanos(), clock.nanoTime() - start);
    assertEquals(threads * steps, readings.size(), "one beat per millisecond passed");
    for (int i = 1; i < readings.size(); i++) {
      assertTrue(readings.get(i) > readings.get(i - 1), "beats in order, time moving forward");
    }
  }

  @Test
  void aZonedViewReadsTheSameMovingTime() {
    Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.advance(Duration.ofMinutes(5));

    assertEquals(ZoneId.of("Europe/Paris"), paris.getZone());
    assertEquals(clock.instant(), paris.instant());
    assertEquals(clock.nanoTime(), ((HostClock) paris).nanoTime());
    assertEquals(clock, paris.withZone(ZoneOffset.UTC));
    assertEquals("2026-01-01T01:05+01:00[Europe/Paris]", ZonedDateTime.now(paris).toString());
  }

  @Test
  void theSystemClockHasAZonedViewToo() {
    Clock tokyo = HostClock.system().withZone(ZoneId.of("Asia/Tokyo"));

    assertEquals(ZoneId.of("Asia/Tokyo"), tokyo.getZone());
    Instant before = Instant.now();
    Instant read = tokyo.instant();
    assertTrue(!read.isBefore(before.minusSeconds(1)), "the machine's time: " + read);
    assertEquals(HostClock.system(), tokyo.withZone(ZoneOffset.UTC));
  }
}
