package org.authhost.host.http;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which successful checks a streaming server asked for are audited: the first per client address,
 * account and stream within the interval ({@code integrations.successAuditSeconds}), on the host's
 * clock. An HLS player through nginx {@code auth_request} is checked for every segment, and one
 * record per segment would drown the audit. Bounded: past {@link #MAX_KEYS} the oldest key goes,
 * which at worst audits a success once more.
 */
final class SuccessAudits {
  static final int MAX_KEYS = 16_384;

  private final Clock clock;
  private final long intervalMillis;
  private final Map<String, Long> lastAudited =
      new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_KEYS;
        }
      };

  SuccessAudits(Clock clock, Duration interval) {
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
  }

  /** Whether this success is the first of its kind in the interval: then it is audited. */
  synchronized boolean isFirst(String client, String account, String stream) {
    if (intervalMillis == 0) {
      return true;
    }
    String key = client + '\n' + account + '\n' + stream;
    long now = clock.millis();
    Long last = lastAudited.get(key);
    if (last != null && now - last < intervalMillis) {
      return false;
    }
    // Re-inserted, so that eviction takes the key audited longest ago.
    lastAudited.remove(key);
    lastAudited.put(key, now);
    return true;
  }
}
