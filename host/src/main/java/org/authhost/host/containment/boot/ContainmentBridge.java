package org.authhost.host.containment.boot;

import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * What the rewritten JDK methods ({@code Runtime.exit}, {@code setAccessible}, ...) call at their
 * entry. The host copies this class into the boot class loader, since code in {@code java.base}
 * sees no other loader's classes, so it knows JDK types only; the check behind it is the host's
 * {@code CallChecker}, installed once. A check that is already running on this thread lets the
 * calls it makes itself through (the JDK reflects while it links a lambda or writes an event).
 */
public final class ContainmentBridge {
  private static volatile BiConsumer<String, Object> check;
  private static volatile BiPredicate<String, Object> concerns;
  private static final ThreadLocal<Boolean> CHECKING = new ThreadLocal<>();

  private ContainmentBridge() {}

  /**
   * Installs the check; only the first install counts. A check that is also a {@link BiPredicate}
   * first answers, cheaply and without reflecting, whether a call concerns it at all: every
   * setAccessible in the process comes here, nearly all on classes the check does not guard.
   *
   * @return whether this one did
   */
  public static synchronized boolean install(BiConsumer<String, Object> installed) {
    if (check != null || installed == null) {
      return false;
    }
    @SuppressWarnings("unchecked")
    BiPredicate<String, Object> filter =
        installed instanceof BiPredicate<?, ?> p ? (BiPredicate<String, Object>) p : null;
    concerns = filter;
    check = installed;
    return true;
  }

  /**
   * Called at the entry of a guarded JDK method; throws (a {@link SecurityException}) to refuse it.
   *
   * @param call what is called, e.g. {@code Runtime.exit}
   * @param target its argument that the check needs: the exit status, the reflected member(s) or
   *     the class a private lookup is for
   */
  public static void check(String call, Object target) {
    BiConsumer<String, Object> installed = check;
    if (installed == null) {
      return;
    }
    BiPredicate<String, Object> filter = concerns;
    if (filter != null && !filter.test(call, target)) {
      return;
    }
    if (CHECKING.get() != null) {
      return;
    }
    CHECKING.set(Boolean.TRUE);
    try {
      installed.accept(call, target);
    } finally {
      CHECKING.remove();
    }
  }

  /**
   * {@link #check} for a method that answers a refusal rather than throwing it ({@code
   * trySetAccessible}, the call libraries probe with).
   *
   * @return false if the check refused the call
   */
  public static boolean allows(String call, Object target) {
    try {
      check(call, target);
      return true;
    } catch (SecurityException refused) {
      return false;
    }
  }
}
