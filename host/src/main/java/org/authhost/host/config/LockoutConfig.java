package org.authhost.host.config;

/**
 * Failed-logon throttling, per account and per client address.
 *
 * @param threshold failures for one account within the window that lock it out; 0 turns it off
 * @param addressThreshold failures from one client address within the window that lock the address
 *     out; higher than {@code threshold}, since one address (a proxy, a NAT) may carry many users;
 *     0 turns it off
 * @param windowSeconds the window failures are counted in
 * @param durationSeconds how long further attempts are refused
 * @param namesPerAddress distinct account names one client address has counted per window; its
 *     further new names are not counted by name (the address's own count still counts them); 0: no
 *     cap
 */
public record LockoutConfig(
    int threshold,
    int addressThreshold,
    long windowSeconds,
    long durationSeconds,
    int namesPerAddress) {
  /** Names counted per address and window unless the operator says otherwise. */
  public static final int DEFAULT_NAMES_PER_ADDRESS = 100;

  /** With the default cap of names per address. */
  public LockoutConfig(
      int threshold, int addressThreshold, long windowSeconds, long durationSeconds) {
    this(threshold, addressThreshold, windowSeconds, durationSeconds, DEFAULT_NAMES_PER_ADDRESS);
  }
}
