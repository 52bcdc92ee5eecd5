package org.authhost.plugins.negotiate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * At most one WARNING per {@link #PERIOD} for one kind of client-triggered problem, so that a
 * client cannot fill the operator's warning list by repeating a token (a made-up key version is one
 * request away). The suppressed ones are still refused and audited one by one; the next warning
 * says how many there were. Shared by all contexts of one enabled plug-in.
 */
final class WarningLimit {
  static final Duration PERIOD = Duration.ofSeconds(60);

  private final Clock clock;
  private Instant last;
  private int suppressed;

  WarningLimit(Clock clock) {
    this.clock = clock;
  }

  /**
   * Whether a warning may be written now.
   *
   * @return -1 to stay quiet; otherwise how many were suppressed since the last one
   */
  synchronized int take() {
    Instant now = clock.instant();
    if (last != null && now.isBefore(last.plus(PERIOD)) && !now.isBefore(last)) {
      suppressed++;
      return -1;
    }
    last = now;
    int count = suppressed;
    suppressed = 0;
    return count;
  }
}
