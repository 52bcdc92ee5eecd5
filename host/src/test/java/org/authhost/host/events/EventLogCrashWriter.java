package org.authhost.host.events;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.slf4j.LoggerFactory;

/**
 * The process {@link EventLogCrashTest} kills: two threads append as fast as they can and print
 * {@code ACK <recordNumber> <thread> <seq>} once each append has returned, until the process dies.
 */
public final class EventLogCrashWriter {
  /** Small, so the kill also lands near segment rolls. */
  static final long SEGMENT_BYTES = 256 * 1024;

  private EventLogCrashWriter() {}

  /** The text the writer gives its {@code seq}-th event from thread {@code thread}. */
  static String text(int thread, long seq) {
    return "crash writer thread " + thread + " event " + seq;
  }

  public static void main(String[] args) throws Exception {
    // stdout is the ACK channel; the echo would only slow the race down.
    ((Logger) LoggerFactory.getLogger(EventEcho.LOGGER_NAME)).setLevel(Level.OFF);
    EventLogStore store =
        EventLogStore.open(
            TestLogs.config(Path.of(args[0]), TestLogs.UNBOUNDED, SEGMENT_BYTES, 0, false),
            Clock.systemUTC());
    PrintStream out = System.out;
    Thread[] threads = new Thread[2];
    for (int t = 0; t < threads.length; t++) {
      int thread = t;
      threads[t] =
          new Thread(
              () -> {
                for (long seq = 0; ; seq++) {
                  EventRecord record =
                      store.append(
                          EventLevel.WARNING,
                          "crash-" + thread,
                          HResult.of(thread),
                          text(thread, seq));
                  synchronized (out) {
                    out.println("ACK " + record.recordNumber() + " " + thread + " " + seq);
                    out.flush();
                  }
                }
              });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
