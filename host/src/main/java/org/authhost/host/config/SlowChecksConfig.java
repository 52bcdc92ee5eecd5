package org.authhost.host.config;

/**
 * {@code security.slowChecks}: how many slow password verifications (Argon2id, 19 MiB each) may run
 * and wait. Cheap checks (a remembered password, a Digest response, a connection already
 * authenticated) never count against these limits.
 *
 * @param concurrent slow verifications running at once, server-wide (default: one per processor)
 * @param perAddress slow verifications running at once for one client address (as resolved through
 *     {@code trustedProxies}); 0 means no per-address limit
 * @param queue checks that may wait for a slot, server-wide; past it a check is refused at once
 * @param queueWaitMillis the longest a check waits for a slot before it is refused (503 with {@code
 *     Retry-After}); the verifier caps it at half of {@code plugins.callTimeoutMillis}
 */
public record SlowChecksConfig(int concurrent, int perAddress, int queue, long queueWaitMillis) {
  /** One slow verification per processor. */
  public static int defaultConcurrent() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  public static final int DEFAULT_PER_ADDRESS = 4;
  public static final int DEFAULT_QUEUE = 512;
  public static final long DEFAULT_QUEUE_WAIT_MILLIS = 1_000;

  /** The defaults. */
  public static SlowChecksConfig defaults() {
    return new SlowChecksConfig(
        defaultConcurrent(), DEFAULT_PER_ADDRESS, DEFAULT_QUEUE, DEFAULT_QUEUE_WAIT_MILLIS);
  }
}
