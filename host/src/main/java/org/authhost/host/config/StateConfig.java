package org.authhost.host.config;

/**
 * {@code state}: the host's own store of what plug-ins keep through the state service (nonce
 * windows, counters, nonce keys), and of the lockout counts and password changes several hosts
 * share.
 *
 * @param maxEntries live entries the in-memory store holds at most; beyond, a write that needs a
 *     new entry is refused and its client gets 503
 * @param redis the shared store several hosts use; null (the default) for this host's memory
 */
public record StateConfig(int maxEntries, RedisConfig redis) {
  /**
   * The default bound: Digest keeps one entry per nonce in use (its replay window), so a million
   * serves a million nonces used within their lifetime and a minute, far more than the peer
   * benchmark's 60,000 requests a second on nonces of 1,000 counts each, for some 300 MB of heap at
   * the very worst.
   */
  public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

  /** Everything at its default. */
  public static final StateConfig DEFAULT = new StateConfig(DEFAULT_MAX_ENTRIES, null);

  /** In this host's memory, bounded at {@code maxEntries}. */
  public StateConfig(int maxEntries) {
    this(maxEntries, null);
  }
}
