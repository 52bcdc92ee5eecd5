package org.authhost.host.plugins;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.authhost.host.diagnostics.ControlCharacters;

/**
 * A throwable as one line for an event: its class and message, then each cause's. The cause is
 * often the only useful part: an {@code ExceptionInInitializerError} has no message of its own, so
 * without its cause the operator reads only that some static initializer failed.
 */
final class ThrowableText {
  /** Enough for a wrapper of a wrapper of the real fault; a longer chain is cut. */
  private static final int MAX_CAUSES = 4;

  private ThrowableText() {}

  /**
   * {@code java.lang.ExceptionInInitializerError, caused by java.lang.IllegalStateException: x}.
   */
  static String of(Throwable e) {
    StringBuilder b = new StringBuilder(one(e));
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(e);
    Throwable cause = e.getCause();
    for (int n = 0; cause != null && seen.add(cause); n++, cause = cause.getCause()) {
      if (n == MAX_CAUSES) {
        b.append(", ...");
        break;
      }
      b.append(", caused by ").append(one(cause));
    }
    return ControlCharacters.escape(b.toString());
  }

  /** Its message alone (else its class), escaped: also plug-in code that may throw. */
  static String message(Throwable e) {
    String text;
    try {
      text = e.getMessage();
    } catch (RuntimeException | LinkageError thrown) {
      text = null;
    }
    return text == null ? of(e) : ControlCharacters.escape(text);
  }

  /** Its {@code toString()}, which is plug-in code and may itself throw. */
  private static String one(Throwable t) {
    try {
      return String.valueOf(t);
    } catch (RuntimeException | LinkageError e) {
      return t.getClass().getName();
    }
  }
}
