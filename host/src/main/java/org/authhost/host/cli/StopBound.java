package org.authhost.host.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The last resort of a stop: when the host has not stopped within its bound (a part that ignores
 * every time limit), says on the console what was left running and ends the process anyway. From a
 * shutdown hook {@code System.exit} would wait for the hooks, the stop among them, so the end is
 * {@code Runtime.halt}.
 */
final class StopBound {
  /** The exit code of a process the bound ended: the stop did not finish. */
  static final int EXIT_CODE = 1;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread watcher;

  /** How long the record of an overrun may take: the event log may be what holds the stop. */
  private static final long RECORD_MILLIS = 1_000;

  private StopBound(
      Duration bound,
      Supplier<List<String>> unfinished,
      Consumer<String> record,
      PrintWriter err,
      IntConsumer halt) {
    watcher =
        new Thread(
            () -> {
              try {
                if (stopped.await(bound.toNanos(), TimeUnit.NANOSECONDS)) {
                  return;
                }
              } catch (InterruptedException e) {
                return;
              }
              List<String> left;
              try {
                left = unfinished.get();
              } catch (RuntimeException e) {
                left = List.of("(unknown: " + e + ")");
              }
              String text =
                  "the host did not stop within "
                      + bound.toSeconds()
                      + " s; exiting with "
                      + EXIT_CODE
                      + " and abandoning: "
                      + (left.isEmpty() ? "nothing the host can name" : String.join("; ", left));
              err.println("error: " + text);
              err.flush();
              Thread recorder = new Thread(() -> record.accept(text), "stop-bound-record");
              recorder.setDaemon(true);
              recorder.start();
              try {
                recorder.join(RECORD_MILLIS);
              } catch (InterruptedException e) {
                // Ending anyway.
              }
              halt.accept(EXIT_CODE);
            },
            "stop-bound");
    watcher.setDaemon(true);
  }

  /**
   * Starts counting {@code bound} now; unless {@link #stopped()} comes first, prints what {@code
   * unfinished} names on {@code err}, gives it to {@code record} (the event log) for at most a
   * second, and calls {@code halt} with {@link #EXIT_CODE}.
   */
  static StopBound arm(
      Duration bound,
      Supplier<List<String>> unfinished,
      Consumer<String> record,
      PrintWriter err,
      IntConsumer halt) {
    StopBound b = new StopBound(bound, unfinished, record, err, halt);
    b.watcher.start();
    return b;
  }

  /** The stop ended in time. */
  void stopped() {
    stopped.countDown();
  }

  /** For tests: waits for the watcher to end, as it does at once after {@link #stopped()}. */
  boolean awaitWatcher(long timeout, TimeUnit unit) throws InterruptedException {
    watcher.join(unit.toMillis(timeout));
    return !watcher.isAlive();
  }
}
