package org.authhost.host.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.diagnostics.HostEvents;

/**
 * Tells the operator when Redis cannot be reached and when it can again, once each per outage:
 * while it is down every Digest request fails closed with a 503, which would be one event per
 * request if each failure said so (the pattern of {@link CapacityEvents}).
 *
 * <p>Two events begin an outage, for the two ways the host copes: an ERROR for what fails closed
 * (the plug-ins' replay checks: no shared record, no logon), and a WARNING for what falls back to
 * this host's memory (lockout counting), so that an operator reading only errors still learns that
 * lockouts are per host for a while. One INFORMATION event ends it.
 *
 * <p>With hysteresis, so that a busy host does not flap between the two (an event storm, and
 * lockout counting switching between shared and local per request): an outage begins when the
 * connection is lost, or after {@link #FAILURES_TO_DECLARE} commands in a row failed (a time-out, a
 * server that cannot serve now); it ends when the connection is made again, or after {@link
 * #SUCCESSES_TO_RECOVER} answers in a row, or with any answer {@link #RECOVERY_QUIET} after the
 * last failure (a host with few requests). A single command that fails still fails closed (its
 * request gets its 503); only the mode and the events wait.
 */
public final class RedisOutage implements LocalStateService.CapacityAlarm {
  /** Where the events go: the host's event log ({@link HostEvents#host}, source {@code host}). */
  @FunctionalInterface
  public interface Events {
    void write(EventLevel level, HResult code, String text);

    /** The host's own events. */
    static Events of(HostEvents events) {
      return (level, code, text) -> events.host(level, HostEvents.HOST, code, text);
    }
  }

  static final int FAILURES_TO_DECLARE = 3;
  static final int SUCCESSES_TO_RECOVER = 3;
  static final Duration RECOVERY_QUIET = Duration.ofSeconds(5);

  private final Events events;
  private final String shownUri;
  private final Clock clock;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicInteger failuresInARow = new AtomicInteger();
  private final AtomicInteger successesInARow = new AtomicInteger();
  private volatile Instant lastFailure = Instant.MIN;

  public RedisOutage(Events events, String shownUri) {
    this(events, shownUri, Clock.systemUTC());
  }

  public RedisOutage(Events events, String shownUri, Clock clock) {
    this.events = events;
    this.shownUri = shownUri;
    this.clock = clock;
  }

  /** Whether the last thing heard of Redis was a failure. */
  public boolean isDown() {
    return down.get();
  }

  /**
   * A command failed for want of Redis (a time-out, a server that cannot serve now): an outage
   * after {@link #FAILURES_TO_DECLARE} in a row.
   */
  void commandFailed(Throwable cause) {
    lastFailure = clock.instant();
    successesInARow.set(0);
    if (failuresInARow.incrementAndGet() >= FAILURES_TO_DECLARE) {
      unreachable(cause);
    }
  }

  /** The connection failed or was lost: an outage at once. */
  void unreachable(Throwable cause) {
    lastFailure = clock.instant();
    successesInARow.set(0);
    if (!down.compareAndSet(false, true)) {
      return;
    }
    String why =
        cause == null
            ? ""
            : " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
    events.write(
        EventLevel.ERROR,
        HResult.NS_E_NO_NEW_CONNECTIONS,
        "Redis at "
            + shownUri
            + " cannot be reached"
            + why
            + ": the plug-ins' shared state fails closed, so every check that needs it (a Digest"
            + " nonce count) is refused with 503 and Retry-After, never accepted unrecorded. Fix:"
            + " start Redis or restore the network path to it (state.redis in host.json); the"
            + " host reconnects by itself and says so. One event per outage");
    events.write(
        EventLevel.WARNING,
        HResult.S_FALSE,
        "while Redis at "
            + shownUri
            + " cannot be reached, failed logons are counted and lockouts kept in this host's"
            + " memory only: a client can make up to the lockout threshold of attempts on each"
            + " host. Shared counting resumes when Redis is back");
  }

  /** Redis refused a write for want of memory ({@code maxmemory}): once per episode. */
  @Override
  public void full(int ignored) {
    events.write(
        EventLevel.ERROR,
        HResult.NS_E_NO_NEW_CONNECTIONS,
        "Redis at "
            + shownUri
            + " is full (OOM: used memory above its maxmemory): a plug-in write that needs a new"
            + " entry is refused and its client gets 503 with Retry-After. Fix: raise maxmemory,"
            + " or shorten what plug-ins keep (Digest: nonceLifetimeSeconds); keep the policy"
            + " noeviction (an evicted nonce count would accept a replay). One event per episode");
  }

  @Override
  public void roomAgain(int ignored) {
    events.write(
        EventLevel.INFORMATION,
        HResult.S_OK,
        "Redis at " + shownUri + " accepts writes again: plug-in writes are accepted again");
  }

  /**
   * Redis came back without what it held (restarted without persistence, or flushed): the windows
   * of used nonce counts are gone, so a count used before would be accepted once more until its
   * nonce expires. Told every time it is found, by every host that finds it.
   */
  void dataLost() {
    events.write(
        EventLevel.ERROR,
        HResult.E_UNEXPECTED,
        "Redis at "
            + shownUri
            + " came back empty (restarted without persistence, failed over to a replica that"
            + " missed writes, or flushed): the records of Digest nonce counts used before, and the"
            + " lockouts in force, are lost. So that no count used before is accepted again, every"
            + " state operation answers 503 while the host disables the plug-ins that kept state"
            + " there and enables them anew (Digest: a new nonce key, outstanding nonces turn"
            + " stale); an INFORMATION event follows. Fix for the future: run Redis with"
            + " appendonly yes (or replicas that acknowledge writes: WAIT)");
  }

  /** Redis's {@code maxmemory-policy} lets it delete keys: told once, until it is fixed. */
  void evicting(String policy) {
    events.write(
        EventLevel.ERROR,
        HResult.NS_E_NO_NEW_CONNECTIONS,
        "Redis at "
            + shownUri
            + " has maxmemory-policy "
            + policy
            + ": under memory pressure it may delete a window of used Digest nonce counts (a"
            + " replay would then be accepted) or the store's life mark, so every state operation"
            + " answers 503 until it is noeviction. Fix: CONFIG SET maxmemory-policy noeviction"
            + " (and maxmemory-policy noeviction in redis.conf), or give the hosts a Redis of"
            + " their own; the host checks again on reconnection and every minute");
  }

  /** The policy is {@code noeviction} again. */
  void noEviction() {
    events.write(
        EventLevel.INFORMATION,
        HResult.S_OK,
        "Redis at "
            + shownUri
            + " has maxmemory-policy noeviction again: state operations are served again");
  }

  /** {@code CONFIG GET maxmemory-policy} refused (an ACL): the host cannot check it. */
  void evictionUnread(String why) {
    events.write(
        EventLevel.WARNING,
        HResult.S_FALSE,
        "Redis at "
            + shownUri
            + " refused CONFIG GET maxmemory-policy ("
            + why
            + "), so the host cannot check that Redis never evicts keys; it goes on. Make sure"
            + " maxmemory-policy is noeviction (an evicted window of used Digest nonce counts"
            + " accepts a replay), or allow the user +config|get");
  }

  /**
   * Redis answered a command: the end of an outage after {@link #SUCCESSES_TO_RECOVER} in a row, or
   * {@link #RECOVERY_QUIET} after the last failure.
   */
  void answered() {
    if (failuresInARow.get() != 0) {
      failuresInARow.set(0);
    }
    if (!down.get()) {
      return; // the common case: nothing written, nothing shared between threads
    }
    if (successesInARow.incrementAndGet() >= SUCCESSES_TO_RECOVER
        || !clock.instant().isBefore(lastFailure.plus(RECOVERY_QUIET))) {
      reachable();
    }
  }

  /**
   * Redis answered on a per-loop connection: failures are no longer in a row, but an outage never
   * ends this way (it is the main connection's to tell: {@link LoopConnections}).
   */
  void answeredOnLane() {
    if (failuresInARow.get() != 0) {
      failuresInARow.set(0);
    }
  }

  /** The connection was made: the end of an outage at once. */
  void reachable() {
    failuresInARow.set(0);
    successesInARow.set(0);
    if (down.compareAndSet(true, false)) {
      events.write(
          EventLevel.INFORMATION,
          HResult.S_OK,
          "Redis at "
              + shownUri
              + " is reachable again: shared state, replay checks and shared lockout counting"
              + " have resumed");
    }
  }
}
