package org.authhost.host.accounts;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.authhost.host.accounts.AccountStore.Credential;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.SlowChecksConfig;
import org.authhost.host.tokens.AccountLockouts;
import org.authhost.host.tokens.LogonCaller;
import org.authhost.host.tokens.PasswordCheck;

/**
 * Checks an account's password against its Argon2id hash.
 *
 * <p>A success is remembered for {@link #DEFAULT_TTL} (by the injected clock), keyed by the account
 * and an HMAC-SHA256 of the password under a key made at random for this process, so a keep-alive
 * client that sends the same credentials on every request pays Argon2 once a minute, not every
 * time. A remembered success counts only while the account is enabled and its password hash and
 * change time are those it was checked against: a new password, or disabling the account, takes
 * effect at once. Failures are not remembered.
 *
 * <p>Argon2 runs are admitted by a {@link SlowCheckLimiter} ({@code security.slowChecks}: so many
 * at once, so many per client address, a short queue); a check refused there is {@link
 * PasswordCheck.Result#BUSY}, never a wrong password. A remembered password never waits for it.
 * Concurrent checks of the same account and password share one Argon2 run (single flight): the
 * first runs it, the others wait for its result, a failure included; only a success is remembered.
 * Unknown, disabled and password-less accounts cost one run as well, so answers do not reveal which
 * names exist.
 *
 * <p>A name whose account lockout is in force is refused at once, before the store is read: no
 * remembered success is read or made for it and no Argon2 runs. Its logon is answered 429 whether
 * the password was right or wrong, and a remembered success answering fast where a wrong password
 * takes an Argon2 run would tell the two apart by time alone; refusing before the look-up keeps a
 * locked name that is no account as fast as one that is.
 */
@Singleton
public final class PasswordVerifier implements PasswordCheck {
  /** How long a verified password is remembered. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

  private static final int PRUNE_AT = 4_096;
  private static final int MAX_ENTRIES = 65_536;

  private final AccountStore store;
  private final Clock clock;
  private final Duration ttl;
  private final SecretKeySpec cacheKey;
  private final ConcurrentHashMap<Key, Entry> cache = new ConcurrentHashMap<>();
  private final SlowCheckLimiter limiter;
  private final SlowHash slowHash;
  private final AccountLockouts lockouts;

  /** Checks in progress, by account, password and hash: latecomers wait for the first one. */
  private final ConcurrentHashMap<Flight, CompletableFuture<PasswordCheck.Result>> inFlight =
      new ConcurrentHashMap<>();

  /** Called when a check joins one in progress instead of hashing (tests count them). */
  private volatile Runnable onJoin = () -> {};

  private final AtomicLong busyRefusals = new AtomicLong();
  private final AtomicLong argon2Runs = new AtomicLong();
  private volatile String decoy;

  private record Key(int rid, String passwordMac) {}

  private record Flight(int rid, String passwordMac, String argon2id) {}

  /** The slow hash itself: Argon2id, replaced in tests to hold a run open. */
  @FunctionalInterface
  interface SlowHash {
    boolean verify(String phc, byte[] password);
  }

  /** How many times the time-to-live a remembered password may be extended by use. */
  static final int MAX_TTL_MULTIPLE = 10;

  private record Entry(
      String argon2id, String passwordChanged, Instant expires, Instant firstChecked) {
    boolean stillFor(Credential c, Instant now) {
      return now.isBefore(expires)
          && !c.disabled()
          && argon2id.equals(c.argon2id())
          && Objects.equals(passwordChanged, c.passwordChanged());
    }
  }

  @Inject
  public PasswordVerifier(
      AccountStore store, Clock clock, HostConfig config, AccountLockouts lockouts) {
    this(store, clock, DEFAULT_TTL, limits(config), Secrets::verifyArgon2id, lockouts);
  }

  /**
   * {@code security.slowChecks}, with the wait capped at half a plug-in call's time limit: a check
   * waiting for the slow hash must never run the plug-in that asked for it past its limit, which
   * would take the plug-in out of service instead of answering 503.
   */
  static SlowChecksConfig limits(HostConfig config) {
    SlowChecksConfig c = config.security().slowChecks();
    long cap = Math.max(0, config.plugins().callTimeoutMillis() / 2);
    return c.queueWaitMillis() <= cap
        ? c
        : new SlowChecksConfig(c.concurrent(), c.perAddress(), c.queue(), cap);
  }

  public PasswordVerifier(AccountStore store, Clock clock) {
    this(store, clock, DEFAULT_TTL);
  }

  PasswordVerifier(AccountStore store, Clock clock, Duration ttl) {
    this(
        store,
        clock,
        ttl,
        SlowChecksConfig.defaults(),
        Secrets::verifyArgon2id,
        AccountLockouts.NONE);
  }

  PasswordVerifier(
      AccountStore store,
      Clock clock,
      Duration ttl,
      SlowChecksConfig limits,
      SlowHash slowHash,
      AccountLockouts lockouts) {
    this.store = store;
    this.lockouts = lockouts;
    this.clock = clock;
    this.ttl = ttl;
    this.limiter = new SlowCheckLimiter(limits);
    this.slowHash = slowHash;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
  }

  /** {@link #verify(String, char[])} for a password held in a String. */
  @Override
  public boolean verify(String account, String password) {
    if (password == null) {
      return false;
    }
    char[] chars = password.toCharArray();
    try {
      return verify(account, chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /**
   * Whether {@code password} is the password of {@code account} ({@code name}, {@code DOMAIN\name},
   * {@code .\name} or {@code name@domain}). False for an unknown or disabled account, one without a
   * password (Guest) and a wrong password. The array is not cleared.
   */
  public boolean verify(String account, char[] password) {
    return check(account, password) == PasswordCheck.Result.MATCH;
  }

  @Override
  public PasswordCheck.Result check(String account, String password) {
    if (password == null) {
      return PasswordCheck.Result.MISMATCH;
    }
    char[] chars = password.toCharArray();
    try {
      return check(account, chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /** {@link #verify(String, char[])} that also tells a busy verifier from a wrong password. */
  public PasswordCheck.Result check(String account, char[] password) {
    if (account == null || password == null || lockouts.accountLockedOut(account)) {
      return PasswordCheck.Result.MISMATCH;
    }
    byte[] utf8;
    try {
      utf8 = Secrets.utf8(password);
    } catch (IllegalArgumentException unpairedSurrogate) {
      return PasswordCheck.Result.MISMATCH;
    }
    try {
      Optional<Credential> found = store.credential(account);
      if (found.isEmpty()
          || found.get().disabled()
          || found.get().argon2id() == null
          || found.get().rid() == StoreFile.GUEST_RID) {
        found.ifPresent(c -> forget(c.rid()));
        return argon2(decoy(), utf8) == PasswordCheck.Result.BUSY
            ? PasswordCheck.Result.BUSY
            : PasswordCheck.Result.MISMATCH;
      }
      Credential c = found.get();
      Key key = new Key(c.rid(), mac(utf8));
      Instant now = clock.instant();
      Entry hit = cache.get(key);
      if (hit != null) {
        if (hit.stillFor(c, now)) {
          // Sliding: a client that keeps using its password keeps it remembered, so busy
          // keep-alive clients never all miss at the same moment; capped, so it is re-checked.
          if (hit.firstChecked().plus(ttl.multipliedBy(MAX_TTL_MULTIPLE)).isAfter(now)) {
            cache.replace(
                key,
                hit,
                new Entry(
                    hit.argon2id(), hit.passwordChanged(), now.plus(ttl), hit.firstChecked()));
          }
          return PasswordCheck.Result.MATCH;
        }
        cache.remove(key, hit);
      }
      Flight flight = new Flight(c.rid(), key.passwordMac(), c.argon2id());
      CompletableFuture<PasswordCheck.Result> mine = new CompletableFuture<>();
      CompletableFuture<PasswordCheck.Result> first = inFlight.putIfAbsent(flight, mine);
      if (first != null) {
        // Single flight: the same password is being hashed for this account right now.
        onJoin.run();
        return await(first);
      }
      PasswordCheck.Result result = PasswordCheck.Result.BUSY;
      try {
        result = argon2(c.argon2id(), utf8);
        if (result == PasswordCheck.Result.MATCH) {
          cache.put(key, new Entry(c.argon2id(), c.passwordChanged(), now.plus(ttl), now));
          prune(now);
        }
        return result;
      } finally {
        // Removed before completing: a check arriving later either finds the cache or hashes.
        inFlight.remove(flight, mine);
        mine.complete(result);
      }
    } finally {
      Arrays.fill(utf8, (byte) 0);
    }
  }

  /** How many Argon2 computations this verifier has run (tests check the cache with it). */
  long argon2Runs() {
    return argon2Runs.get();
  }

  /** How many checks were refused because every Argon2 slot stayed busy. */
  long busyRefusals() {
    return busyRefusals.get();
  }

  /** How many successes are remembered. */
  int cached() {
    return cache.size();
  }

  private PasswordCheck.Result argon2(String phc, byte[] password) {
    // A bounded wait: under a flood of attempts a check is refused rather than queued until the
    // plug-in calling it runs past its time limit (which would take the plug-in out of service).
    String address = LogonCaller.address();
    try {
      if (!limiter.acquire(address)) {
        busyRefusals.incrementAndGet();
        return PasswordCheck.Result.BUSY;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      busyRefusals.incrementAndGet();
      return PasswordCheck.Result.BUSY;
    }
    try {
      argon2Runs.incrementAndGet();
      return slowHash.verify(phc, password)
          ? PasswordCheck.Result.MATCH
          : PasswordCheck.Result.MISMATCH;
    } finally {
      limiter.release(address);
    }
  }

  private static PasswordCheck.Result await(CompletableFuture<PasswordCheck.Result> first) {
    try {
      return first.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return PasswordCheck.Result.BUSY;
    } catch (ExecutionException e) {
      return PasswordCheck.Result.BUSY;
    }
  }

  /** Test hook: runs whenever a check joins one already in progress. */
  void onJoin(Runnable hook) {
    this.onJoin = hook;
  }

  /** Checks waiting for a slow-hash slot now. */
  int waitingForSlot() {
    return limiter.waiting();
  }

  /** A hash of a random password, so failing early costs what a wrong password costs. */
  private String decoy() {
    String d = decoy;
    if (d == null) {
      byte[] random = new byte[16];
      new SecureRandom().nextBytes(random);
      byte[] salt = new byte[Secrets.SALT_BYTES];
      new SecureRandom().nextBytes(salt);
      // The hash value itself is never compared true: only the cost matters.
      d =
          new Secrets.Argon2Hash(
                  Secrets.ARGON2_MEMORY_KIB,
                  Secrets.ARGON2_ITERATIONS,
                  Secrets.ARGON2_PARALLELISM,
                  salt,
                  random)
              .encode();
      decoy = d;
    }
    return d;
  }

  private void forget(int rid) {
    cache.keySet().removeIf(k -> k.rid() == rid);
  }

  private void prune(Instant now) {
    if (cache.size() > PRUNE_AT) {
      cache.values().removeIf(e -> !now.isBefore(e.expires()));
      if (cache.size() > MAX_ENTRIES) {
        cache.clear();
      }
    }
  }

  private String mac(byte[] password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(cacheKey);
      return Base64.getEncoder().encodeToString(mac.doFinal(password));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
