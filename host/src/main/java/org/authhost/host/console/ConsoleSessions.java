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

  /** More sessions of one account than this and its own idlest goes. */
  static final int MAX_SESSIONS_PER_ACCOUNT = 20;

  private final Clock clock;
  private final Duration idle;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  /** However it is used, a session ends this long after it was opened. */
  static final Duration LIFETIME = Duration.ofHours(12);

  private static final class Session {
    volatile Operator operator;
    final String address;
    final Instant opened;
    volatile Instant lastUsed;

    Session(Operator operator, String address, Instant opened) {
      this.operator = operator;
      this.address = address;
      this.opened = opened;
      this.lastUsed = opened;
    }
  }

  /**
   * What the account may do now (its store entry may have changed since the logon): empty when it
   * may no longer use the console, else whether it may change things.
   */
  interface Recheck {
    Optional<Boolean> administrator(Operator operator);
  }

  ConsoleSessions(Clock clock, Duration idle) {
    this.clock = clock;
    this.idle = idle;
  }

  /**
   * A new session for {@code account}, from {@code address}; returns its cookie value.
   *
   * @param passwordChanged the account's password-change time now (null: not a local account)
   */
  String open(
      String account,
      boolean administrator,
      Instant expires,
      String address,
      Instant passwordChanged) {
    Instant now = clock.instant();
    // One account's many logons (a script, a browser that keeps losing its cookie) end its own
    // oldest sessions, never another operator's.
    if (sessions.values().stream()
            .filter(s -> s.operator.account().equalsIgnoreCase(account))
            .count()
        >= MAX_SESSIONS_PER_ACCOUNT) {
      sessions.entrySet().stream()
          .filter(e -> e.getValue().operator.account().equalsIgnoreCase(account))
          .min(Comparator.comparing(e -> e.getValue().lastUsed))
          .ifPresent(e -> sessions.remove(e.getKey()));
    }
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
                account,
                administrator,
                randomToken(),
                expires == null ? Instant.MAX : expires,
                passwordChanged),
            address,
            now));
    return id;
  }

  /**
   * The operator of a live session; empty for an unknown value, a session that has ended (it is
   * dropped: idle, past its lifetime or its logon's proof, or its account may no longer use the
   * console) and a cookie replayed from another address than the one it was issued to.
   *
   * @param poll an automatic refresh of the page (a live view), which does not count as use: the
   *     idle time-out ends a session left open on the Now pane
   */
  Optional<Operator> use(String id, String address, boolean poll, Recheck recheck) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    if (s == null || !s.address.equals(address)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!now.isBefore(s.lastUsed.plus(idle))
        || !now.isBefore(s.opened.plus(LIFETIME))
        || !now.isBefore(s.operator.expires())) {
      sessions.remove(id, s);
      return Optional.empty();
    }
    Optional<Boolean> administrator = recheck.administrator(s.operator);
    if (administrator.isEmpty()) {
      sessions.remove(id, s);
      return Optional.empty();
    }
    if (administrator.get() != s.operator.administrator()) {
      Operator o = s.operator;
      s.operator =
          new Operator(
              o.account(), administrator.get(), o.csrf(), o.expires(), o.passwordChanged());
    }
    if (!poll) {
      s.lastUsed = now;
    }
    return Optional.of(s.operator);
  }

  /** Ends every session of {@code account} (its password was reset, it was disabled). */
  int closeAll(String account) {
    int[] closed = {0};
    sessions
        .entrySet()
        .removeIf(
            e -> {
              boolean match = e.getValue().operator.account().equalsIgnoreCase(account);
              closed[0] += match ? 1 : 0;
              return match;
            });
    return closed[0];
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
