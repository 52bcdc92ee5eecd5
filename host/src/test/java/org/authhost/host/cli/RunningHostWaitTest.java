package org.authhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code authhost accounts} after a change: waits for the running host's mark to name what it
 * wrote, a bounded time, on a fake clock (each pause moves it; nothing sleeps), and not at all
 * without a running host.
 */
class RunningHostWaitTest {
  private static final long HOST = 4242;
  private static final long SELF = 7;

  @TempDir Path dir;
  private long nanos = 1_000_000_000L;
  private int pauses;

  @Test
  void itWaitsUntilTheHostHasLoadedTheChange() throws Exception {
    Path mark = mark("old");
    RunningHostWait wait =
        waitFor(
            () -> {
              if (pauses == 2) {
                mark("new"); // the host's next look has loaded the change
              }
            },
            true);
    assertEquals(
        Optional.of("the running host (process 4242) uses the change now"),
        wait.await(mark, "new"));
    assertEquals(2, pauses);
  }

  @Test
  void itStopsWaitingAfterTheBoundAndSaysSo() throws Exception {
    Path mark = mark("old");
    Optional<String> told = waitFor(() -> {}, true).await(mark, "new");
    assertTrue(
        told.orElseThrow().startsWith("the running host (process 4242) has not loaded the change"),
        told.toString());
    assertEquals(RunningHostWait.BOUND.dividedBy(RunningHostWait.STEP), pauses);
  }

  @Test
  void withoutARunningHostItDoesNotWait() throws Exception {
    assertEquals(Optional.empty(), waitFor(() -> {}, true).await(dir.resolve("none"), "new"));
    assertEquals(Optional.empty(), waitFor(() -> {}, false).await(mark("old"), "new"), "ended");
    Files.writeString(dir.resolve("mark"), SELF + " old\n");
    assertEquals(
        Optional.empty(),
        waitFor(() -> {}, true).await(dir.resolve("mark"), "new"),
        "a host in this process looks on its own clock");
    assertEquals(0, pauses);
  }

  @Test
  void aHostThatStopsMeanwhileEndsTheWait() throws Exception {
    Path mark = mark("old");
    Optional<String> told =
        waitFor(
                () -> {
                  try {
                    Files.delete(mark);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                true)
            .await(mark, "new");
    assertEquals(Optional.of("the running host (process 4242) has stopped"), told);
  }

  /** The host's mark, naming the store it has loaded. */
  private Path mark(String sha256) {
    try {
      return Files.writeString(dir.resolve("accounts.json.loaded"), HOST + " " + sha256 + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A wait whose pauses move the fake clock and then do {@code meanwhile}. */
  private RunningHostWait waitFor(Runnable meanwhile, boolean hostRunning) {
    return new RunningHostWait(
        () -> nanos,
        d -> {
          pauses++;
          nanos += d.toNanos();
          meanwhile.run();
        },
        pid -> pid == HOST && hostRunning,
        SELF);
  }
}
