package org.authhost.host.plugins;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Threads a plug-in left behind: threads that did not exist before it was loaded and belong to it
 * (their class or their context class loader is the plug-in's, which every thread started from
 * plug-in code inherits; a {@code java.util.Timer} is such a thread). Each is given what is left of
 * a bounded wait to end, since a pool shut down in ShutdownPlugin ends its threads a moment later.
 */
public final class Leftovers {
  private Leftovers() {}

  public static Set<Thread> snapshot() {
    return Set.copyOf(Thread.getAllStackTraces().keySet());
  }

  /**
   * The plug-in's threads still alive once {@code deadline} ({@link System#nanoTime()}) has passed
   * or they all ended, each described with its state and where it is.
   */
  public static List<String> of(Set<Thread> before, ClassLoader plugin, long deadline)
      throws InterruptedException {
    List<Thread> suspects = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(t) && belongsTo(t, plugin)) {
        suspects.add(t);
      }
    }
    List<String> alive = new ArrayList<>();
    for (Thread t : suspects) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Math.max(1, left / 1_000_000));
      }
      if (t.isAlive()) {
        alive.add(describe(t));
      }
    }
    return alive;
  }

  private static boolean belongsTo(Thread t, ClassLoader plugin) {
    return t.getContextClassLoader() == plugin || t.getClass().getClassLoader() == plugin;
  }

  private static String describe(Thread t) {
    String where =
        Arrays.stream(t.getStackTrace())
            .limit(3)
            .map(StackTraceElement::toString)
            .collect(Collectors.joining(" < "));
    return "thread '"
        + t.getName()
        + "' ("
        + t.getState()
        + (t.isDaemon() ? ", daemon" : "")
        + (where.isEmpty() ? "" : ", at " + where)
        + ")";
  }
}
