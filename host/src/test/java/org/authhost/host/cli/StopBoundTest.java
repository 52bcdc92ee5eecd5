package org.authhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The last resort of a stop: past its bound the process ends, saying what was left running. The
 * halt is a callback here; a bound of zero has passed as soon as it is armed.
 */
class StopBoundTest {
  @Test
  void aStopPastItsBoundEndsTheProcessNamingWhatItAbandoned() throws Exception {
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> halted = new CompletableFuture<>();
    CompletableFuture<String> recorded = new CompletableFuture<>();

    StopBound.arm(
        Duration.ZERO,
        () -> List.of("stopping the plug-in host", "plug-in 'stubborn': Authenticate"),
        recorded::complete,
        new PrintWriter(err),
        halted::complete);

    assertEquals(StopBound.EXIT_CODE, halted.get(10, TimeUnit.SECONDS));
    assertEquals(
        "the host did not stop within 0 s; exiting with 1 and abandoning: stopping the plug-in"
            + " host; plug-in 'stubborn': Authenticate",
        recorded.getNow(null),
        "recorded before the end");
    assertEquals(
        "error: the host did not stop within 0 s; exiting with 1 and abandoning: stopping the"
            + " plug-in host; plug-in 'stubborn': Authenticate",
        err.toString().strip());
  }

  @Test
  void aStopThatEndsInTimeLeavesTheProcessAlone() throws Exception {
    CompletableFuture<Integer> halted = new CompletableFuture<>();
    StopBound bound =
        StopBound.arm(
            Duration.ofHours(1),
            List::of,
            text -> {},
            new PrintWriter(new StringWriter()),
            halted::complete);

    bound.stopped();

    assertTrue(bound.awaitWatcher(10, TimeUnit.SECONDS), "the watcher ends at once");
    assertFalse(halted.isDone());
  }
}
