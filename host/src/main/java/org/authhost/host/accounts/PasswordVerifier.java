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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.authhost.host.accounts.AccountStore.Credential;
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
 * <p>At most one Argon2 computation per processor runs at a time (each needs 19 MiB), and unknown,
 * disabled and password-less accounts cost one as well, so answers do not reveal which names exist.
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
  private final Semaphore argon2Slots =
      new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

  /** The longest a check waits for a free Argon2 slot; well under any plug-in call time limit. */
  static final long SLOT_WAIT_MILLIS = 1_000;

  private final AtomicLong busyRefusals = new AtomicLong();
  private final AtomicLong argon2Runs = new AtomicLong();
  private volatile String decoy;

  private record Key(int rid, String passwordMac) {}

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
  public PasswordVerifier(AccountStore store, Clock clock) {
    this(store, clock, DEFAULT_TTL);
  }

  PasswordVerifier(AccountStore store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
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
    if (account == null || password == null) {
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
      PasswordCheck.Result result = argon2(c.argon2id(), utf8);
      if (result != PasswordCheck.Result.MATCH) {
        return result;
      }
      cache.put(key, new Entry(c.argon2id(), c.passwordChanged(), now.plus(ttl), now));
      prune(now);
      return PasswordCheck.Result.MATCH;
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
    try {
      if (!argon2Slots.tryAcquire(SLOT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        busyRefusals.incrementAndGet();
        return PasswordCheck.Result.BUSY;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return PasswordCheck.Result.BUSY;
    }
    try {
      argon2Runs.incrementAndGet();
      return Secrets.verifyArgon2id(phc, password)
          ? PasswordCheck.Result.MATCH
          : PasswordCheck.Result.MISMATCH;
    } finally {
      argon2Slots.release();
    }
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
