package org.authhost.host.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.authhost.host.accounts.LoadedMark;

/**
 * After {@code authhost accounts} changed the store: waits, at most {@link #BOUND} in all, until
 * every host running on it has loaded the change (each host's {@link LoadedMark} names what was
 * written), so that a script's next request meets the new account on whichever host it reaches, not
 * a 401 that counts towards its address's lockout. Only this machine's hosts are waited for, and
 * only those whose process still runs: another machine's (or container's) processes cannot be seen
 * from here. Without one it does not wait.
 */
final class RunningHostWait {
  /** A few of the host's one-second looks. */
  static final Duration BOUND = Duration.ofSeconds(3);

  static final Duration STEP = Duration.ofMillis(50);

  /** Lets time pass between two reads of the marks. */
  @FunctionalInterface
  interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  private final LongSupplier nanos;
  private final Pause pause;
  private final LongPredicate running;
  private final String machine;
  private final long self;

  /**
   * @param running whether a process of {@code machine} runs
   * @param machine this machine: only its hosts' processes can be seen
   * @param self this process
   */
  RunningHostWait(
      LongSupplier nanos, Pause pause, LongPredicate running, String machine, long self) {
    this.nanos = nanos;
    this.pause = pause;
    this.running = running;
    this.machine = machine;
    this.self = self;
  }

  /** On the system's clock, for the command line. */
  static RunningHostWait onSystemClock() {
    return new RunningHostWait(
        System::nanoTime,
        d -> Thread.sleep(d.toMillis()),
        LoadedMark::runs,
        LoadedMark.thisMachine(),
        ProcessHandle.current().pid());
  }

  /**
   * Waits until the mark of every host running on the store in {@code storeFile} names {@code
   * written}.
   *
   * @return what to tell the operator, a line per host; empty when no other process runs a host on
   *     the store (a host in this process is one a test runs, whose looks follow its own clock)
   */
  Optional<String> await(Path storeFile, String written) throws InterruptedException {
    List<Long> waiting = new ArrayList<>();
    for (LoadedMark mark : LoadedMark.all(storeFile)) {
      if (mark.machine().equals(machine) && mark.pid() != self && running.test(mark.pid())) {
        waiting.add(mark.pid());
      }
    }
    if (waiting.isEmpty()) {
      return Optional.empty();
    }
    Map<Long, String> told = new TreeMap<>();
    long start = nanos.getAsLong();
    while (true) {
      for (Iterator<Long> it = waiting.iterator(); it.hasNext(); ) {
        long pid = it.next();
        Optional<LoadedMark> seen = LoadedMark.read(LoadedMark.of(storeFile, machine, pid));
        if (seen.isEmpty() || !running.test(pid)) {
          told.put(pid, "the running host (process " + pid + ") has stopped");
          it.remove();
        } else if (seen.get().sha256().equals(written)) {
          told.put(pid, "the running host (process " + pid + ") uses the change now");
          it.remove();
        }
      }
      if (waiting.isEmpty()) {
        break;
      }
      if (nanos.getAsLong() - start >= BOUND.toNanos()) {
        for (long pid : waiting) {
          told.put(
              pid,
              "the running host (process "
                  + pid
                  + ") has not loaded the change within "
                  + BOUND.toSeconds()
                  + " s; it looks about every second (its log says why if it cannot read the"
                  + " store)");
        }
        break;
      }
      pause.pause(STEP);
    }
    return Optional.of(String.join(System.lineSeparator(), told.values()));
  }
}
