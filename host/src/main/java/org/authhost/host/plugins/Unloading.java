package org.authhost.host.plugins;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.runtime.ObjectMethods;

/**
 * Whether a class loader can be collected: the garbage collector is asked again and again until the
 * loader's weak reference is cleared or the budget is spent, so one collection that happened not to
 * reach it never fails the check on a busy machine. The wait between tries ends early when the
 * reference is cleared.
 *
 * <p>One implementation for the contract kit's rule {@code KIT-UNLOADABLE} and for the host's check
 * after a plug-in version is unloaded at run time.
 */
public final class Unloading {
  private final WeakReference<ClassLoader> loader;

  /** A record of the kit's own, for {@link #forgetLastRecordType}. */
  private record Flush(String name) {}

  private final ReferenceQueue<ClassLoader> cleared = new ReferenceQueue<>();

  public Unloading(ClassLoader loader) {
    this.loader = new WeakReference<>(loader, cleared);
  }

  /** The loader, if it has not been collected; a strong reference again, so drop it soon. */
  public ClassLoader stillReachable() {
    return loader.get();
  }

  /**
   * @return how many collections it took, or -1 if the loader was still reachable at {@code
   *     deadline} ({@link System#nanoTime()})
   */
  public int awaitCollected(long deadline) throws InterruptedException {
    forgetLastRecordType();
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

  /**
   * The host's way, on a live server: no collection is forced while the budget runs, only the
   * reference queue is watched (the collections the host makes anyway clear it); at {@code
   * deadline} at most two collections are asked for, one second apart, since one that happened not
   * to reach the loader must not make a leak of it. The kit's {@link #awaitCollected} asks every
   * 200 ms, fine for a test and a stop-the-world pause each time on a host under load.
   *
   * @return whether the loader was collected by then
   */
  public boolean awaitCollectedQuietly(long deadline) throws InterruptedException {
    forgetLastRecordType();
    long left = deadline - System.nanoTime();
    if (left > 0 && cleared.remove(Math.max(1, left / 1_000_000)) != null) {
      return true;
    }
    for (int i = 0; i < 2; i++) {
      if (loader.refersTo(null)) {
        return true;
      }
      System.gc();
      if (cleared.remove(1000) != null) {
        return true;
      }
    }
    return loader.refersTo(null);
  }

  /**
   * The JDK 17 record methods ({@code java.lang.runtime.ObjectMethods}) keep, in the one-entry
   * {@code asType} cache of their shared equals, hashCode and toString handles, the type of the
   * last record component they adapted to: a record of the plug-in's (the Digest plug-in's nonce
   * id) stays reachable through a class of the JDK, and with it the plug-in's class loader, until
   * some other record is linked (a heap dump showed the path). Linking the three methods of a
   * record of the kit's own puts a JDK type there instead.
   *
   * <p>This depends on JDK 17 internals (ObjectMethods' shared handles and their asTypeCache), not
   * on any specified behaviour: a later JDK may keep no such cache, or another, and then this does
   * nothing useful and a leak check may again name a JDK class on the path.
   */
  private static void forgetLastRecordType() {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      MethodHandle getter = lookup.findGetter(Flush.class, "name", String.class);
      ObjectMethods.bootstrap(
          lookup,
          "equals",
          MethodType.methodType(boolean.class, Flush.class, Object.class),
          Flush.class,
          "name",
          getter);
      ObjectMethods.bootstrap(
          lookup,
          "hashCode",
          MethodType.methodType(int.class, Flush.class),
          Flush.class,
          "name",
          getter);
      ObjectMethods.bootstrap(
          lookup,
          "toString",
          MethodType.methodType(String.class, Flush.class),
          Flush.class,
          "name",
          getter);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Only a cache of the JDK's is not reset; the check still runs, and may say more.
    } catch (Error e) {
      throw e;
    } catch (Throwable e) {
      // bootstrap declares Throwable; nothing else checked comes out of it.
      throw new IllegalStateException("ObjectMethods.bootstrap failed", e);
    }
  }
}
