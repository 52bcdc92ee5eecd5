package org.authhost.host.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.authhost.host.lifecycle.LifeCycle.State;
import org.junit.jupiter.api.Test;

/** The production scheduler's life cycle; its timing is the JDK's and is not tested here. */
class ExecutorSchedulerTest {
  private final ExecutorScheduler scheduler = new ExecutorScheduler("test-scheduler");

  @Test
  void aSchedulerNeverStartedStopsQuietly() throws Exception {
    scheduler.doStop();
    scheduler.doStop();
    scheduler.stop();
    assertEquals(State.STOPPED, scheduler.state());
  }

  @Test
  void schedulingBeforeStartOrAfterStopIsRefused() throws Exception {
    assertThrows(
        IllegalStateException.class, () -> scheduler.schedule(() -> {}, Duration.ofSeconds(1)));
    scheduler.start();
    scheduler.schedule(() -> {}, Duration.ofHours(1));
    scheduler.stop();
    scheduler.doStop(); // idempotent

    assertThrows(
        IllegalStateException.class, () -> scheduler.schedule(() -> {}, Duration.ofSeconds(1)));
    assertThrows(
        IllegalStateException.class,
        () ->
            scheduler.scheduleWithFixedDelay(
                () -> {}, Duration.ofSeconds(1), Duration.ofSeconds(1)));
  }

  @Test
  void aFailingTaskIsLoggedButAVirtualMachineErrorIsRethrown() {
    List<String> ran = new ArrayList<>();
    ExecutorScheduler.logged(
            () -> {
              ran.add("threw");
              throw new IllegalStateException("a bug");
            })
        .run();
    ExecutorScheduler.logged(
            () -> {
              ran.add("assertion");
              throw new AssertionError("also survivable");
            })
        .run();
    assertEquals(List.of("threw", "assertion"), ran);

    OutOfMemoryError oom = new OutOfMemoryError("test");
    Runnable fatal =
        ExecutorScheduler.logged(
            () -> {
              throw oom;
            });
    assertEquals(oom, assertThrows(OutOfMemoryError.class, fatal::run));
    StackOverflowError deep = new StackOverflowError();
    assertEquals(
        deep,
        assertThrows(
            StackOverflowError.class,
            ExecutorScheduler.logged(
                    () -> {
                      throw deep;
                    })
                ::run));
  }
}
