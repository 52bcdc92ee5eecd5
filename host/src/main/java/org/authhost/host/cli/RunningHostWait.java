package org.authhost.host.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.authhost.host.accounts.LoadedMark;

/**
 * After {@code authhost accounts} changed the store: waits, at most {@link #BOUND}, until the host
 * running on it has loaded the change (its {@link LoadedMark} names what was written), so that a
 * script's next request meets the new account, not a 401 that counts towards its address's lockout.
 * Without a running host (no mark, or its process has ended) it does not wait.
 */
final class RunningHostWait {
  /** A few of the host's one-second looks. */
  static final Duration BOUND = Duration.ofSeconds(3);

  static final Duration STEP = Duration.ofMillis(50);

  /** Lets time pass between two reads of the mark. */
  @FunctionalInterface
  interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  private final LongSupplier nanos;
  private final Pause pause;
  private final LongPredicate running;
  private final long self;

  RunningHostWait(LongSupplier nanos, Pause pause, LongPredicate running, long self) {
    this.nanos = nanos;
    this.pause = pause;
    this.running = running;
    this.self = self;
  }

  /** On the system's clock, for the command line. */
  static RunningHostWait onSystemClock() {
    return new RunningHostWait(
        System::nanoTime,
        d -> Thread.sleep(d.toMillis()),
        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        ProcessHandle.current().pid());
  }

  /**
   * Waits until the mark at {@code mark} names {@code written}.
   *
   * @return what to tell the operator; empty when no other process runs a host on the store (a host
   *     in this process is one a test runs, whose looks follow its own clock)
   */
  Optional<String> await(Path mark, String written) throws InterruptedException {
    Optional<LoadedMark> seen = LoadedMark.read(mark);
    if (seen.isEmpty() || seen.get().pid() == self || !running.test(seen.get().pid())) {
      return Optional.empty();
    }
    long pid = seen.get().pid();
    long start = nanos.getAsLong();
    while (seen.isPresent() && !seen.get().sha256().equals(written)) {
      if (nanos.getAsLong() - start >= BOUND.toNanos()) {
        return Optional.of(
            "the running host (process "
                + pid
                + ") has not loaded the change within "
                + BOUND.toSeconds()
                + " s; it looks about every second (its log says why if it cannot read the"
                + " store)");
      }
      pause.pause(STEP);
      seen = LoadedMark.read(mark);
    }
    return Optional.of(
        seen.isPresent()
            ? "the running host (process " + pid + ") uses the change now"
            : "the running host (process " + pid + ") has stopped");
  }
}
