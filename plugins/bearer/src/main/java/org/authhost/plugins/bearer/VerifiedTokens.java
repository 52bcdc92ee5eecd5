package org.authhost.plugins.bearer;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature and claims were verified, by the token's text, until they expire: a player
 * presents the same token with every playlist and segment request, and a signature check (an RSA
 * verification) per request would cost more than the request. Bounded: when full, expired entries
 * are dropped, and if none are, a new token is verified every time instead of remembered.
 */
final class VerifiedTokens {
  private final Map<String, VerifiedToken> byToken = new ConcurrentHashMap<>();
  private final int max;
  private final Clock clock;

  VerifiedTokens(int max, Clock clock) {
    this.max = max;
    this.clock = clock;
  }

  VerifiedToken get(String token) {
    return byToken.get(token);
  }

  void put(String token, VerifiedToken verified) {
    if (byToken.size() >= max) {
      byToken.values().removeIf(v -> v.expiresAt().isBefore(clock.instant()));
      if (byToken.size() >= max) {
        return;
      }
    }
    byToken.put(token, verified);
  }

  void clear() {
    byToken.clear();
  }

  int size() {
    return byToken.size();
  }
}
