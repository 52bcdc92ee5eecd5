package org.authhost.host.plugins;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * After a plug-in version is unloaded at run time: whether its class loader becomes unreachable
 * (the contract kit's {@link Unloading}, one implementation) and, if not, what can be found to hold
 * it (Tomcat's {@code findleaks} and its thread warnings): the threads it started and did not stop,
 * and JDK-held places that keep one of its objects. Runs on a thread of its own, waiting for the
 * collections the host makes anyway and forcing at most two at the end (see {@link
 * Unloading#awaitCollectedQuietly}): it must never hold up the scheduler or a reload, nor pause a
 * host under load again and again.
 */
final class UnloadCheck {
  private UnloadCheck() {}

  /**
   * Starts the check. The caller must hold no reference to the plug-in's objects afterwards: only
   * the check's weak reference is left.
   *
   * @return completes with what holds the loader, one line each, or an empty list once it has been
   *     collected; {@code ["still reachable, holder not found"]} when nothing known holds it
   */
  static CompletableFuture<List<String>> start(ClassLoader loader, Duration budget) {
    Unloading unloading = new Unloading(loader);
    CompletableFuture<List<String>> result = new CompletableFuture<>();
    Thread check =
        new Thread(
            () -> {
              try {
                long deadline = System.nanoTime() + budget.toNanos();
                if (unloading.awaitCollectedQuietly(deadline)) {
                  result.complete(List.of());
                  return;
                }
                result.complete(holders(unloading.stillReachable()));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.complete(List.of("the check was interrupted"));
              } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
              }
            },
            "authhost-unload-check");
    check.setDaemon(true);
    // Not the caller's context class loader: the check itself must not hold a plug-in's.
    check.setContextClassLoader(UnloadCheck.class.getClassLoader());
    check.start();
    return result;
  }

  /** What is known to hold {@code loader}. */
  static List<String> holders(ClassLoader loader) throws InterruptedException {
    List<String> found = new ArrayList<>();
    if (loader == null) {
      return found;
    }
    for (String thread : Leftovers.of(java.util.Set.of(), loader, System.nanoTime())) {
      found.add(thread + ", started by the plug-in and never stopped");
    }
    for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
      if (isFrom(e.getKey(), loader) || isFrom(e.getValue(), loader)) {
        found.add(
            "System.getProperties() entry '"
                + e.getKey()
                + "', holding a "
                + (isFrom(e.getValue(), loader) ? e.getValue() : e.getKey()).getClass().getName()
                + " of the plug-in's");
      }
    }
    if (found.isEmpty()) {
      found.add(
          "still reachable, and no holder found among its threads and the JDK-held places the host"
              + " checks (System properties); a heap dump (jcmd PID GC.heap_dump) shows the path");
    }
    return found;
  }

  private static boolean isFrom(Object o, ClassLoader loader) {
    if (o == null) {
      return false;
    }
    for (ClassLoader l = o.getClass().getClassLoader(); l != null; l = l.getParent()) {
      if (l == loader) {
        return true;
      }
    }
    return false;
  }
}
