package org.authhost.host.containment;

/**
 * What a refused call throws into the code that made it. A {@link SecurityException}, which the
 * refused JDK methods declare; the host knows by this type that the refusal is already reported.
 */
public final class ForbiddenCallException extends SecurityException {
  private static final long serialVersionUID = 1L;

  private final transient ForbiddenCall call;

  ForbiddenCallException(ForbiddenCall call) {
    super(call.describe());
    this.call = call;
  }

  public ForbiddenCall call() {
    return call;
  }

  /** The refusal in {@code thrown} or its causes, or null: a plug-in may wrap what it caught. */
  public static ForbiddenCallException in(Throwable thrown) {
    // Bounded: a cause chain can loop.
    Throwable t = thrown;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof ForbiddenCallException f) {
        return f;
      }
    }
    return null;
  }
}
