package org.authhost.host.tokens;

import java.util.Optional;
import org.authhost.api.AccessToken;

/**
 * The thread's current security context while the host acts for a client; closing it reverts to the
 * host's own context ({@code RevertSecurityContext}). Nested impersonation restores the outer token
 * on close.
 */
public final class Impersonation implements AutoCloseable {
  private static final ThreadLocal<AccessToken> CURRENT = new ThreadLocal<>();

  private final AccessToken previous;
  private final Thread owner;
  private boolean closed;

  private Impersonation(AccessToken previous) {
    this.previous = previous;
    this.owner = Thread.currentThread();
  }

  static Impersonation begin(AccessToken token) {
    Impersonation scope = new Impersonation(CURRENT.get());
    CURRENT.set(token);
    return scope;
  }

  /** The token the current thread is impersonating, if any. */
  public static Optional<AccessToken> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "an impersonation must be reverted on the thread that began it");
    }
    closed = true;
    // Set back, never removed: a removed entry is put back into the thread's map by the next get
    // (every request does one) and taken out again here, and that churn displaces the thread's
    // other entries (the call guard's slot is read for every plug-in call). A null value pins
    // nothing.
    CURRENT.set(previous);
  }
}
