package org.authhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code authhost accounts} after a change: waits for every running host's mark to name what it
 * wrote, a bounded time, on a fake clock (each pause moves it; nothing sleeps), and not at all
 * without a running host.
 */
class RunningHostWaitTest {
  private static final long HOST = 4242;
  private static final long SECOND_HOST = 4343;
  private static final long SELF = 7;
  private static final String MACHINE = "here";

  @TempDir Path dir;
  private long nanos = 1_000_000_000L;
  private int pauses;

  @Test
  void itWaitsUntilTheHostHasLoadedTheChange() throws Exception {
    mark(HOST, "old");
    RunningHostWait wait =
        waitFor(
            () -> {
              if (pauses == 2) {
                mark(HOST, "new"); // the host's next look has loaded the change
              }
            },
            Set.of(HOST));
    assertEquals(
        Optional.of("the running host (process 4242) uses the change now"),
        wait.await(store(), "new"));
    assertEquals(2, pauses);
  }

  @Test
  void itWaitsForEveryHostSharingTheStoreNotOnlyTheOneThatLoadedFirst() throws Exception {
    mark(HOST, "old");
    mark(SECOND_HOST, "old");
    RunningHostWait wait =
        waitFor(
            () -> {
              if (pauses == 2) {
                mark(HOST, "new");
              }
              if (pauses == 5) {
                mark(SECOND_HOST, "new"); // its look came later
              }
            },
            Set.of(HOST, SECOND_HOST));
    assertEquals(
        Optional.of(
            "the running host (process 4242) uses the change now"
                + System.lineSeparator()
                + "the running host (process 4343) uses the change now"),
        wait.await(store(), "new"));
    assertEquals(5, pauses, "until the second host too had loaded it");
  }

  @Test
  void aHostThatHasNotLoadedTheChangeIsNamedAfterTheBound() throws Exception {
    mark(HOST, "old");
    mark(SECOND_HOST, "old");
    Optional<String> told =
        waitFor(
                () -> {
                  if (pauses == 1) {
                    mark(HOST, "new");
                  }
                },
                Set.of(HOST, SECOND_HOST))
            .await(store(), "new");
    String[] lines = told.orElseThrow().split(System.lineSeparator());
    assertEquals("the running host (process 4242) uses the change now", lines[0]);
    assertTrue(
        lines[1].startsWith("the running host (process 4343) has not loaded the change within 3 s"),
        lines[1]);
    assertEquals(RunningHostWait.BOUND.dividedBy(RunningHostWait.STEP), pauses);
  }

  @Test
  void anotherMachinesHostIsNotWaitedForEvenUnderTheSameProcessId() throws Exception {
    // Nodes in containers on one volume: each its own machine name, all of them process 1.
    mark(1, "old");
    mark("there", 1, "old");
    RunningHostWait wait =
        waitFor(
            () -> {
              if (pauses == 1) {
                mark(1, "new");
              }
            },
            Set.of(1L));
    assertEquals(
        Optional.of("the running host (process 1) uses the change now"),
        wait.await(store(), "new"));
    assertEquals(1, pauses, "the other machine's mark, still on the old store, is not waited for");
  }

  @Test
  void itStopsWaitingAfterTheBoundAndSaysSo() throws Exception {
    mark(HOST, "old");
    Optional<String> told = waitFor(() -> {}, Set.of(HOST)).await(store(), "new");
    assertTrue(
        told.orElseThrow().startsWith("the running host (process 4242) has not loaded the change"),
        told.toString());
    assertEquals(RunningHostWait.BOUND.dividedBy(RunningHostWait.STEP), pauses);
  }

  @Test
  void withoutARunningHostItDoesNotWait() throws Exception {
    assertEquals(Optional.empty(), waitFor(() -> {}, Set.of(HOST)).await(store(), "new"));
    mark(HOST, "old");
    assertEquals(Optional.empty(), waitFor(() -> {}, Set.of()).await(store(), "new"), "ended");
    Files.delete(dir.resolve("accounts.json.loaded.here-" + HOST));
    mark(SELF, "old");
    assertEquals(
        Optional.empty(),
        waitFor(() -> {}, Set.of(HOST, SELF)).await(store(), "new"),
        "a host in this process looks on its own clock");
    Files.writeString(
        dir.resolve("accounts.json.loaded.here-" + HOST + ".123.tmp"), HOST + " old here\n");
    Files.writeString(dir.resolve("accounts.json.loaded"), HOST + " old\n");
    assertEquals(
        Optional.empty(),
        waitFor(() -> {}, Set.of(HOST)).await(store(), "new"),
        "a mark being written, and a file of another name, are no host's mark");
    assertEquals(0, pauses);
  }

  @Test
  void aHostThatStopsMeanwhileEndsTheWait() throws Exception {
    Path mark = mark(HOST, "old");
    Optional<String> told =
        waitFor(
                () -> {
                  try {
                    Files.delete(mark);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                Set.of(HOST))
            .await(store(), "new");
    assertEquals(Optional.of("the running host (process 4242) has stopped"), told);
  }

  /** The store's file: never read here, only what is next to it. */
  private Path store() {
    return dir.resolve("accounts.json");
  }

  /** The mark of the host in process {@code pid} here, naming the store it has loaded. */
  private Path mark(long pid, String sha256) {
    return mark(MACHINE, pid, sha256);
  }

  private Path mark(String machine, long pid, String sha256) {
    try {
      return Files.writeString(
          dir.resolve("accounts.json.loaded." + machine + "-" + pid),
          pid + " " + sha256 + " " + machine + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A wait whose pauses move the fake clock and then do {@code meanwhile}. */
  private RunningHostWait waitFor(Runnable meanwhile, Set<Long> running) {
    return new RunningHostWait(
        () -> nanos,
        d -> {
          pauses++;
          nanos += d.toNanos();
          meanwhile.run();
        },
        running::contains,
        MACHINE,
        SELF);
  }
}
