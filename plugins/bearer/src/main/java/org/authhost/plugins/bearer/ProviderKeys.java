package org.authhost.plugins.bearer;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The provider's signing keys, cached on the host clock. A token naming a {@code kid} the cache
 * lacks (the provider rotated its keys) fetches them again, but never sooner than {@code
 * refetchInterval} after the last attempt, and only one thread fetches at a time: a flood of
 * invented {@code kid}s costs the provider one request per interval. Kept keys older than {@code
 * maxAge} are refetched; if that fails they stay in use (an outage of the provider does not stop
 * tokens it signed before). With no keys at all nothing can be verified: {@link #forKid} answers
 * null and the plug-in refuses with 503.
 *
 * <p>An outage is one WARNING when it starts and one INFORMATION when it ends, not an event per
 * request. Not an ERROR: a plug-in's ERROR takes it out of service until the operator re-enables
 * it, and this one must come back by itself when the provider does.
 */
final class ProviderKeys {
  /** Where an outage's start and end are told to the operator. */
  interface Events {
    void warning(String text);

    void information(String text);
  }

  private final KeySource source;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration refetchInterval;
  private final Events events;
  private final ReentrantLock fetching = new ReentrantLock();

  private volatile JWKSet keys;
  private volatile Instant fetchedAt = Instant.MIN;
  private volatile Instant attemptedAt;
  private volatile long attempts;
  private volatile String outage;

  ProviderKeys(
      KeySource source, Clock clock, Duration maxAge, Duration refetchInterval, Events events) {
    this.source = source;
    this.clock = clock;
    this.maxAge = maxAge;
    this.refetchInterval = refetchInterval;
    this.events = events;
  }

  /**
   * The keys to verify a token signed with {@code kid} (null: the token names none), fetching them
   * when the cache lacks the kid or is old and the last attempt is long enough ago.
   *
   * @return the keys (which may still lack {@code kid}), or null when none were ever fetched
   */
  JWKSet forKid(String kid) {
    JWKSet known = keys;
    if (known != null && !tooOld() && (kid == null || known.getKeyByKeyId(kid) != null)) {
      return known;
    }
    long seen = attempts;
    if (!mayAttempt()) {
      return known;
    }
    fetching.lock();
    try {
      if (attempts == seen && mayAttempt()) { // else another thread just fetched: use its result
        fetch();
      }
      return keys;
    } finally {
      fetching.unlock();
    }
  }

  /** How many fetches were attempted (for tests and the operator's view). */
  long attempts() {
    return attempts;
  }

  /** Why the keys cannot be had, or null. */
  String outage() {
    return outage;
  }

  String describe() {
    return source.describe();
  }

  private boolean tooOld() {
    return clock.instant().isAfter(fetchedAt.plus(maxAge));
  }

  private boolean mayAttempt() {
    Instant last = attemptedAt;
    return last == null || !clock.instant().isBefore(last.plus(refetchInterval));
  }

  private void fetch() {
    attemptedAt = clock.instant();
    attempts++;
    try {
      JWKSet fetched = source.fetch();
      keys = fetched;
      fetchedAt = clock.instant();
      if (outage != null) {
        outage = null;
        events.information(
            "the provider's keys are fetched again from "
                + source.describe()
                + " ("
                + fetched.getKeys().size()
                + " keys): bearer tokens are verified again");
      }
    } catch (IOException | RuntimeException e) {
      boolean started = outage == null;
      outage = String.valueOf(e.getMessage());
      if (started) {
        events.warning(
            "cannot fetch the provider's keys from "
                + source.describe()
                + ": "
                + outage
                + (keys == null
                    ? "; every bearer token is refused with 503 until they are fetched (retried"
                        + " at most every "
                        + refetchInterval.toSeconds()
                        + " s)"
                    : "; the keys fetched before stay in use")
                + ". Fix: make the provider reachable from this host, or correct issuer/jwksUri");
      }
    }
  }
}
