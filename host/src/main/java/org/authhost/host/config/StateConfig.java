package org.authhost.host.config;

/**
 * {@code state}: the host's own store of what plug-ins keep through the state service (nonce
 * windows, counters, nonce keys).
 *
 * @param maxEntries live entries the in-memory store holds at most; beyond, a write that needs a
 *     new entry is refused and its client gets 503
 */
public record StateConfig(int maxEntries) {
  /**
   * The default bound: Digest keeps one entry per nonce in use (its replay window), so a million
   * serves a million nonces used within their lifetime and a minute, far more than the peer
   * benchmark's 60,000 requests a second on nonces of 1,000 counts each, for some 300 MB of heap at
   * the very worst.
   */
  public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

  /** Everything at its default. */
  public static final StateConfig DEFAULT = new StateConfig(DEFAULT_MAX_ENTRIES);
}
