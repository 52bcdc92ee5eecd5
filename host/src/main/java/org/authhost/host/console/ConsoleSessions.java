package org.authhost.host.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sessions: an opaque random cookie value per logon, each with its own CSRF token,
 * that ends when unused for the idle time (on the host clock), when the logon's proof ends, or on
 * sign-out. Kept in memory: a restart signs everyone out.
 */
final class ConsoleSessions {
  /** More sessions than this and the one idle longest goes: a bound on memory, not a policy. */
  static final int MAX_SESSIONS = 1_000;

  private final Clock clock;
  private final Duration idle;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  private static final class Session {
    final Operator operator;
    volatile Instant lastUsed;

    Session(Operator operator, Instant lastUsed) {
      this.operator = operator;
      this.lastUsed = lastUsed;
    }
  }

  ConsoleSessions(Clock clock, Duration idle) {
    this.clock = clock;
    this.idle = idle;
  }

  /** A new session for {@code account}; returns its cookie value. */
  String open(String account, boolean administrator, Instant expires) {
    Instant now = clock.instant();
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.entrySet().stream()
          .min(Comparator.comparing(e -> e.getValue().lastUsed))
          .ifPresent(e -> sessions.remove(e.getKey()));
    }
    String id = randomToken();
    sessions.put(
        id,
        new Session(
            new Operator(
                account, administrator, randomToken(), expires == null ? Instant.MAX : expires),
            now));
    return id;
  }

  /**
   * The operator of a live session, which counts as used now; empty for an unknown value and for a
   * session that has ended (it is dropped).
   */
  Optional<Operator> use(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    if (s == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!now.isBefore(s.lastUsed.plus(idle)) || !now.isBefore(s.operator.expires())) {
      sessions.remove(id, s);
      return Optional.empty();
    }
    s.lastUsed = now;
    return Optional.of(s.operator);
  }

  /** Ends the session; whether there was one. */
  boolean close(String id) {
    return id != null && sessions.remove(id) != null;
  }

  /** Sessions open now (idle ones not yet noticed included). */
  int open() {
    return sessions.size();
  }

  /** Whether {@code offered} is the session's CSRF token, compared in constant time. */
  static boolean csrfMatches(Operator operator, String offered) {
    return offered != null
        && MessageDigest.isEqual(
            operator.csrf().getBytes(StandardCharsets.US_ASCII),
            offered.strip().getBytes(StandardCharsets.US_ASCII));
  }

  private String randomToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
