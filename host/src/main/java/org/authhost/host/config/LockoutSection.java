package org.authhost.host.config;

/** {@code security.lockout}: failed-logon throttling, per account and per client address. */
final class LockoutSection {
  private static final int DEFAULT_THRESHOLD = 5;
  private static final int DEFAULT_ADDRESS_THRESHOLD = 20;
  private static final long DEFAULT_WINDOW_SECONDS = 300;
  private static final long DEFAULT_DURATION_SECONDS = 900;

  private LockoutSection() {}

  static LockoutConfig bind(ConfigSection lockout) {
    int threshold =
        (int)
            lockout.whole(
                "threshold",
                "a whole number of failed logons (0 turns lockout off)",
                0,
                1_000,
                DEFAULT_THRESHOLD);
    int addressThreshold =
        (int)
            lockout.whole(
                "addressThreshold",
                "a whole number of failed logons from one address (0 turns address lockout off)",
                0,
                100_000,
                DEFAULT_ADDRESS_THRESHOLD);
    long window =
        lockout.whole(
            "windowSeconds", "a whole number of seconds", 1, 86_400, DEFAULT_WINDOW_SECONDS);
    long duration =
        lockout.whole(
            "durationSeconds", "a whole number of seconds", 1, 604_800, DEFAULT_DURATION_SECONDS);
    int namesPerAddress =
        (int)
            lockout.whole(
                "namesPerAddress",
                "a whole number of account names one address has counted per window (0: no cap)",
                0,
                10_000,
                LockoutConfig.DEFAULT_NAMES_PER_ADDRESS);
    return new LockoutConfig(threshold, addressThreshold, window, duration, namesPerAddress);
  }
}
