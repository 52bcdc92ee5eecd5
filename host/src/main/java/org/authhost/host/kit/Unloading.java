package org.authhost.host.kit;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * Whether a class loader can be collected: the garbage collector is asked again and again until the
 * loader's weak reference is cleared or the budget is spent, so one collection that happened not to
 * reach it never fails the check on a busy machine. The wait between tries ends early when the
 * reference is cleared.
 */
final class Unloading {
  private final WeakReference<ClassLoader> loader;
  private final ReferenceQueue<ClassLoader> cleared = new ReferenceQueue<>();

  Unloading(ClassLoader loader) {
    this.loader = new WeakReference<>(loader, cleared);
  }

  /**
   * @return how many collections it took, or -1 if the loader was still reachable at {@code
   *     deadline} ({@link System#nanoTime()})
   */
  int awaitCollected(long deadline) throws InterruptedException {
    int tries = 0;
    while (true) {
      if (loader.refersTo(null)) {
        return tries;
      }
      if (System.nanoTime() - deadline > 0) {
        return -1;
      }
      tries++;
      System.gc();
      // Some collectors clear soft and weak references only under pressure or after a few cycles.
      byte[][] pressure = new byte[16][];
      for (int i = 0; i < pressure.length; i++) {
        pressure[i] = new byte[1 << 20];
      }
      if (cleared.remove(200) != null) {
        return tries;
      }
    }
  }
}
