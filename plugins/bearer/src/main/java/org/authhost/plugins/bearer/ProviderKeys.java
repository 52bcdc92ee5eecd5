package org.authhost.plugins.bearer;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The provider's signing keys, cached on the host clock. A token naming a {@code kid} the cache
 * lacks (the provider rotated its keys) fetches them again, but never sooner than {@code
 * refetchInterval} after the last attempt, and one fetch at a time: a flood of invented {@code
 * kid}s costs the provider one request per interval. Kept keys older than {@code maxAge} are
 * refetched; if that fails they stay in use (an outage of the provider does not stop tokens it
 * signed before). With no keys at all nothing can be verified and the plug-in refuses with 503.
 *
 * <p>Fetches run on the plug-in's own {@code fetcher}, never on the thread that answers a client
 * (the plug-in is {@code non-blocking}): the exchange waiting for them completes from there.
 *
 * <p>An outage is one event when it starts and one INFORMATION when it ends, not an event per
 * request: an ERROR when no keys were ever fetched (every token is refused), a WARNING when the
 * keys fetched before stay in use. The ERROR is an outage ({@code PluginEvents.outage}, API 1.4),
 * which leaves the plug-in in service, so it comes back by itself when the provider does.
 */
final class ProviderKeys {
  /** Where an outage's start and end are told to the operator. */
  interface Events {
    /** Nothing can be verified: the outage refuses every token. */
    void error(String text);

    void warning(String text);

    void information(String text);
  }

  private final KeySource source;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration refetchInterval;
  private final Events events;
  private final Duration waitLimit;

  private volatile JWKSet keys;
  private volatile Instant fetchedAt = Instant.MIN;
  private volatile String outage;
  // Guarded by this: the attempt in flight, when the last began, how many there were.
  private CompletableFuture<JWKSet> inFlight;
  private Instant attemptedAt;
  private long attempts;

  ProviderKeys(
      KeySource source, Clock clock, Duration maxAge, Duration refetchInterval, Events events) {
    this(source, clock, maxAge, refetchInterval, events, null);
  }

  /**
   * @param waitLimit how long an exchange waits for a fetch at most (null: until it ends)
   */
  ProviderKeys(
      KeySource source,
      Clock clock,
      Duration maxAge,
      Duration refetchInterval,
      Events events,
      Duration waitLimit) {
    this.waitLimit = waitLimit;
    this.source = source;
    this.clock = clock;
    this.maxAge = maxAge;
    this.refetchInterval = refetchInterval;
    this.events = events;
  }

  /** The keys now, or null when none were ever fetched. */
  JWKSet cached() {
    return keys;
  }

  /**
   * Whether a token signed with {@code kid} (null: it names none) should wait for a fetch: the
   * cache lacks the kid or is old, and a fetch is allowed now or already running.
   */
  boolean wantsFetch(String kid) {
    JWKSet known = keys;
    boolean stale =
        known == null
            || clock.instant().isAfter(fetchedAt.plus(maxAge))
            || (kid != null && known.getKeyByKeyId(kid) == null);
    if (!stale) {
      return false;
    }
    synchronized (this) {
      return inFlight != null || mayAttempt();
    }
  }

  /**
   * The keys after the fetch in flight, or after a new one on {@code fetcher} if the interval
   * allows; otherwise the keys now. Completes with null when none could ever be fetched.
   */
  CompletableFuture<JWKSet> refresh(Executor fetcher) {
    CompletableFuture<JWKSet> f;
    synchronized (this) {
      if (inFlight != null) {
        return waitBound(inFlight, fetcher);
      }
      if (!mayAttempt()) {
        return CompletableFuture.completedFuture(keys);
      }
      attemptedAt = clock.instant();
      attempts++;
      f = new CompletableFuture<>();
      inFlight = f;
    }
    try {
      fetcher.execute(
          new Fetcher.Abandonable() {
            @Override
            public void run() {
              complete(f, true);
            }

            @Override
            public void abandon() {
              complete(f, false);
            }
          });
    } catch (RuntimeException e) { // the fetcher is shut down: the plug-in is being disabled
      complete(f, false);
    }
    return waitBound(f, fetcher);
  }

  /**
   * {@code f}, released at {@link #waitLimit} with the keys at hand (null: none) if the fetch has
   * not ended by then: a slow or trickling provider (discovery and JWKS are two requests, each with
   * its own connect and read time-out) must not hold an exchange past the host's callback time
   * limit, which would put the plug-in in error. The fetch itself goes on and its keys serve the
   * next tokens. An I/O wait, so on the wall clock, as the fetch's own time-outs are.
   */
  private CompletableFuture<JWKSet> waitBound(CompletableFuture<JWKSet> f, Executor fetcher) {
    if (waitLimit == null || f.isDone() || !(fetcher instanceof Fetcher thread)) {
      return f;
    }
    CompletableFuture<JWKSet> bounded = new CompletableFuture<>();
    f.whenComplete((k, e) -> bounded.complete(k));
    try {
      thread.after(waitLimit, () -> bounded.complete(keys));
    } catch (RuntimeException e) { // shut down: the fetch's end releases them
      return f;
    }
    return bounded;
  }

  /** How many fetches were attempted. */
  synchronized long attempts() {
    return attempts;
  }

  /** Why the keys cannot be had, or null. */
  String outage() {
    return outage;
  }

  private boolean mayAttempt() {
    return attemptedAt == null || !clock.instant().isBefore(attemptedAt.plus(refetchInterval));
  }

  /** Ends the attempt (with a fetch, or without: dropped at disable) and releases its waiters. */
  private void complete(CompletableFuture<JWKSet> f, boolean fetching) {
    try {
      if (fetching) {
        fetch();
      }
    } finally {
      synchronized (this) {
        inFlight = null;
      }
      f.complete(keys);
    }
  }

  private void fetch() {
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
        String text =
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
                + ". Fix: make the provider reachable from this host, or correct issuer/jwksUri";
        if (keys == null) {
          events.error(text);
        } else {
          events.warning(text);
        }
      }
    }
  }
}
