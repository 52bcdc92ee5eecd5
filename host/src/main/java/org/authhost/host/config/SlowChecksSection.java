package org.authhost.host.config;

/** {@code security.slowChecks}: the limits of slow password verification. */
final class SlowChecksSection {
  private SlowChecksSection() {}

  static SlowChecksConfig bind(ConfigSection slow) {
    int concurrent =
        (int)
            slow.whole(
                "concurrent",
                "a whole number of slow verifications running at once",
                1,
                1_024,
                SlowChecksConfig.defaultConcurrent());
    int perAddress =
        (int)
            slow.whole(
                "perAddress",
                "a whole number of slow verifications for one address (0: no per-address limit)",
                0,
                1_024,
                SlowChecksConfig.DEFAULT_PER_ADDRESS);
    int queue =
        (int)
            slow.whole(
                "queue",
                "a whole number of checks waiting for a slot (0: refuse when all are busy)",
                0,
                100_000,
                SlowChecksConfig.DEFAULT_QUEUE);
    long wait =
        slow.whole(
            "queueWaitMillis",
            "a whole number of milliseconds",
            0,
            60_000,
            SlowChecksConfig.DEFAULT_QUEUE_WAIT_MILLIS);
    return new SlowChecksConfig(concurrent, perAddress, queue, wait);
  }
}
