package org.authhost.host.integrations;

/**
 * Stops what a test class started, last started first, each part even when one before it failed: a
 * failed stop must not leave a provider, a KDC or an nginx running for the next class.
 */
final class Teardown {
  /** Stopping one part. */
  interface Step {
    void run() throws Exception;
  }

  /** How to stop a part of type {@code T}. */
  interface Stop<T> {
    void stop(T part) throws Exception;
  }

  private Teardown() {}

  /** Runs every step; the first failure is thrown with the later ones suppressed in it. */
  static void inOrder(Step... steps) throws Exception {
    Exception first = null;
    for (Step step : steps) {
      try {
        step.run();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Stops {@code part} if the set-up got as far as starting it. */
  static <T> Step ifStarted(T part, Stop<T> how) {
    return () -> {
      if (part != null) {
        how.stop(part);
      }
    };
  }
}
