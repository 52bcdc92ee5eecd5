package org.authhost.host.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.LockoutConfig;
import org.authhost.host.state.HostState;
import org.authhost.host.tokens.Account;
import org.authhost.host.tokens.AccountDirectory;
import org.authhost.host.tokens.AccountLockouts;

/**
 * Failed-logon throttling: after {@code threshold} failures for one account, or {@code
 * addressThreshold} from one client address, within the window, further attempts are refused for
 * the lockout duration. Counting both keeps one address from guessing many passwords and many
 * addresses from guessing one. Each entry goes by itself once its failures and lockout are over.
 *
 * <p>It guards credential checks only (the driver consults it when a plug-in is about to check
 * credentials, never for anonymous access), counts only real ones that failed, and the operator can
 * lift a lockout ({@link #unlockAccount}, {@link #unlockAddress}). Without shared state, the
 * lockouts in force are kept in the data folder ({@link LockoutFile}) and in force again after a
 * restart: a restart is no way to lift one.
 *
 * <p>With {@code state.redis} the counts are shared by every host ({@link SharedLockouts}): the
 * threshold counts failures on all of them, and a lockout begun on one is in force on all. The
 * check stays in memory here, kept up to date by Redis's messages. While Redis cannot be reached
 * each host counts alone (the host says so once, with a WARNING), and shares again when it is back.
 *
 * <p>One address counts at most {@code namesPerAddress} distinct account names per window by name:
 * its further new names count towards the address only, so that one client inventing a name per
 * attempt cannot fill the table (or Redis) with failure-only entries and evict the counts of real
 * names; the address's own count still counts every failure, so such a client locks itself out. A
 * name that is an account of the directory is always counted: the cap is for invented names, and
 * never makes a guess at a real account's password uncounted (many addresses each past their cap
 * would otherwise guess one account without its lockout). The cap is this host's, also with Redis
 * (each host caps the names it sees from an address).
 */
@Singleton
public final class LogonThrottle implements AccountLockouts {
  /** The most keys with failures counted and no lockout in force. */
  static final long MAX_COUNTED = 100_000;

  private final LockoutConfig config;
  private final Clock clock;

  /** The accounts whose names the per-address cap never leaves uncounted. */
  private final AccountDirectory accounts;

  /**
   * Each key's failures and lockout, gone by itself once both are over (Caffeine's per-entry
   * expiry, recomputed at every change of the entry): no scan, however many lockouts are in force.
   * Bounded in the keys with failures only ({@link #MAX_COUNTED}, Caffeine's size eviction, which
   * keeps the keys failing most often: losing one loses a count); a key with a lockout in force
   * weighs nothing and is never dropped to make room, so that a flood of invented names cannot lift
   * the lockouts of the real ones.
   */
  private final Map<String, Window> windows;

  private final Cache<String, Window> held;

  /**
   * Per address key, the invented account keys it has counted in the window: at most {@code
   * namesPerAddress} per address, and so many addresses that all of them together hold at most
   * {@link #MAX_COUNTED} names (an address forgotten to make room may count its names again, which
   * the bound of the counts themselves then limits). Null when there is no cap.
   */
  private final Cache<String, CountedNames> namesByAddress;

  private static long toNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** How many keys it holds once those over are gone (tests: entries go by themselves). */
  long keysHeld() {
    held.cleanUp();
    return held.estimatedSize();
  }

  /**
   * No lockout lasts beyond this: the latest end ever set (raised before the window's own end, so
   * that it never lags behind one). Until a lockout begins, and once all have run out, a check is a
   * comparison of two instants, without building a key or looking one up: every request with
   * credentials is checked, and almost none is locked out.
   */
  private volatile Instant lockoutsEndBy = Instant.MIN;

  /**
   * {@link #lockoutsEndBy} in epoch milliseconds, rounded up: a clock whose {@code millis()} has
   * reached it is past every lockout. The check reads {@code millis()}, not an {@link Instant}: on
   * the system clock that is one intrinsic read, where {@code Instant.now()} is a call into the VM
   * (4% of the Digest request's samples, 2026-12-06).
   */
  private volatile long lockoutsEndByMillis = Long.MIN_VALUE;

  /** Failures of one key, and the lockout they caused. */
  private static final class Window {
    final ArrayDeque<Instant> failures = new ArrayDeque<>();
    Instant lockedUntil = Instant.MIN;

    /** Whether a lockout is in force at {@code now}. */
    synchronized boolean lockedAt(Instant now) {
      return lockedUntil.isAfter(now);
    }

    /** How long it matters from {@code now}: while locked, or while its last failure counts. */
    synchronized long liveNanos(Instant now, Duration window) {
      Instant end = lockedUntil;
      Instant last = failures.peekLast();
      if (last != null && last.plus(window).isAfter(end)) {
        end = last.plus(window);
      }
      return end.isAfter(now) ? Duration.between(now, end).toNanos() : 0;
    }
  }

  /** The account names one address has counted, each from its first failure in the window. */
  private static final class CountedNames {
    // In the order first counted, which is the order of their instants: those over are at the head.
    private final java.util.LinkedHashMap<String, Instant> since = new java.util.LinkedHashMap<>();

    /** Whether {@code name} is counted by name: already in the window, or within {@code cap}. */
    synchronized boolean admit(String name, Instant now, Instant windowStart, int cap) {
      for (var it = since.values().iterator(); it.hasNext(); ) {
        if (it.next().isAfter(windowStart)) {
          break;
        }
        it.remove();
      }
      if (since.containsKey(name)) {
        return true;
      }
      if (since.size() >= cap) {
        return false;
      }
      since.put(name, now);
      return true;
    }
  }

  /**
   * A lockout in force, or one that has just begun.
   *
   * @param failures the failed logons in the window that began it; 0 in a list of those in force
   */
  public record Lockout(String key, Instant until, int failures) {
    public Lockout(String key, Instant until) {
      this(key, until, 0);
    }

    /** Whether it locks an account ({@code account:NAME}), not an address ({@code ip:ADDR}). */
    public boolean ofAccount() {
      return key.startsWith("account:");
    }
  }

  /** The counts several hosts share; null when the state is in this host's memory. */
  private final SharedLockouts shared;

  /** Where the lockouts in force outlive a restart (without shared state: Redis keeps them). */
  private final LockoutFile file;

  @Inject
  LogonThrottle(
      HostConfig config,
      Clock clock,
      HostState state,
      AccountDirectory accounts,
      LockoutFile file) {
    this.config = config.security().lockout();
    this.accounts = accounts;
    this.clock = clock;
    Duration window = Duration.ofSeconds(this.config.windowSeconds());
    this.held =
        Caffeine.newBuilder()
            // The host's clock, which every lockout is judged by: an entry goes when, by that
            // clock, it no longer matters (the tests' fake clock moves it too).
            // A wall clock stepped back keeps entries longer by the step (memory only: lockouts
            // are judged by the same clock).
            .ticker(() -> toNanos(clock.instant()))
            .maximumWeight(MAX_COUNTED)
            .weigher((String key, Window w) -> w.lockedAt(clock.instant()) ? 0 : 1)
            .expireAfter(
                new Expiry<String, Window>() {
                  @Override
                  public long expireAfterCreate(String key, Window w, long now) {
                    return w.liveNanos(clock.instant(), window);
                  }

                  @Override
                  public long expireAfterUpdate(String key, Window w, long now, long remaining) {
                    return w.liveNanos(clock.instant(), window);
                  }

                  @Override
                  public long expireAfterRead(String key, Window w, long now, long remaining) {
                    return remaining;
                  }
                })
            .<String, Window>build();
    this.windows = held.asMap();
    this.namesByAddress =
        this.config.namesPerAddress() == 0 || this.config.threshold() == 0
            ? null
            : Caffeine.newBuilder()
                .ticker(() -> toNanos(clock.instant()))
                .expireAfterAccess(window)
                .maximumSize(Math.max(1, MAX_COUNTED / this.config.namesPerAddress()))
                .<String, CountedNames>build();
    this.shared = state.redis().map(link -> new SharedLockouts(link, clock)).orElse(null);
    if (shared != null) {
      shared.listen(this::lockedElsewhere, key -> windows.remove(key));
    }
    this.file = file;
    file.keep(
        this::lockouts,
        kept -> lockedElsewhere(kept.key(), Duration.between(clock.instant(), kept.until())));
  }

  /** The lockouts changed: kept in the data folder (without shared state). */
  private void changed() {
    file.changed();
  }

  /** A lockout another host began (or this one: the message comes back), in force here too. */
  private void lockedElsewhere(String key, Duration left) {
    Instant until = clock.instant().plus(left);
    // Through compute, so that the entry's expiry is taken again from what changed.
    windows.compute(
        key,
        (k, w) -> {
          Window in = w == null ? new Window() : w;
          synchronized (in) {
            if (until.isAfter(in.lockedUntil)) {
              lockoutsLastUntil(until);
              in.lockedUntil = until;
            }
          }
          return in;
        });
  }

  /**
   * One key per account however it was written: {@code DOMAIN\\alice}, {@code alice@domain}, {@code
   * Alice}.
   */
  private static String accountKey(String account) {
    String name = account.substring(account.lastIndexOf('\\') + 1);
    int at = name.indexOf('@');
    String key = (at >= 0 ? name.substring(0, at) : name).toLowerCase(Locale.ROOT);
    // The name is the client's to choose: a long one is counted by its hash, so that a key (here
    // and in Redis, where every host's failures meet) costs the same whatever was sent.
    return key.length() <= MAX_NAME ? "account:" + key : "account:#" + sha256(key);
  }

  /** The longest account name counted under its own text. */
  static final int MAX_NAME = 64;

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One key per client: an IPv6 client counts by its /64 ({@link AddressKey}). */
  private static String addressKey(String address) {
    return "ip:" + AddressKey.of(address);
  }

  /** When credential checks from this address are refused, until when. */
  public Optional<Instant> addressLockedOut(String address) {
    if (clock.millis() >= lockoutsEndByMillis) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return noneBefore(now) ? Optional.empty() : until(addressKey(address), now);
  }

  /**
   * The lockout that refuses attempts from this address, or for this account: the address's first,
   * as the refusal names the one the operator would lift ({@link Lockout#ofAccount}).
   */
  public Optional<Lockout> lockedOut(String address, String account) {
    if (clock.millis() >= lockoutsEndByMillis) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (noneBefore(now)) {
      return Optional.empty();
    }
    Optional<Lockout> byAddress = lockout(addressKey(address), now);
    return byAddress.isPresent() || account == null ? byAddress : lockout(accountKey(account), now);
  }

  private Optional<Lockout> lockout(String key, Instant now) {
    Optional<Instant> until = until(key, now);
    return until.isEmpty() ? Optional.empty() : Optional.of(new Lockout(key, until.get()));
  }

  /**
   * One name per account for throttling, however the client wrote it ({@code carol}, {@code Carol
   * }, {@code DOMAIN\carol}, a spelling the store folds to it): the account's qualified name when
   * it exists, else the trimmed, lower-cased text; null for none, and for the built-in
   * Administrator (RID 500), which is never locked by account, as on Windows, so that nobody who
   * knows its name can lock the operator out.
   */
  public String accountName(String written) {
    if (written == null || written.isBlank()) {
      return null;
    }
    Optional<Account> found = accounts.find(written.strip());
    if (found.isPresent() && Account.isBuiltinAdministrator(found.get().sid())) {
      return null;
    }
    return found.map(Account::qualifiedName).orElse(written.strip()).toLowerCase(Locale.ROOT);
  }

  /** By {@link #accountName}: the name the driver counts and checks, so both agree on every one. */
  @Override
  public boolean accountLockedOut(String account) {
    if (clock.millis() >= lockoutsEndByMillis) {
      return false;
    }
    Instant now = clock.instant();
    if (noneBefore(now)) {
      return false;
    }
    String name = accountName(account);
    return name != null && until(accountKey(name), now).isPresent();
  }

  /** Whether no lockout is in force at {@code now}. */
  private boolean noneBefore(Instant now) {
    return !lockoutsEndBy.isAfter(now);
  }

  private synchronized void lockoutsLastUntil(Instant until) {
    if (until.isAfter(lockoutsEndBy)) {
      lockoutsEndByMillis = ceilMillis(until);
      lockoutsEndBy = until;
    }
  }

  /** {@code at} in epoch milliseconds, rounded up; saturated past what a long holds. */
  static long ceilMillis(Instant at) {
    try {
      Instant down = Instant.ofEpochMilli(at.toEpochMilli());
      return down.equals(at) ? down.toEpochMilli() : Math.addExact(down.toEpochMilli(), 1);
    } catch (ArithmeticException beyond) {
      return at.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private Optional<Instant> until(String key, Instant now) {
    Window w = windows.get(key);
    if (w == null) {
      return Optional.empty();
    }
    synchronized (w) {
      return w.lockedUntil.isAfter(now) ? Optional.of(w.lockedUntil) : Optional.empty();
    }
  }

  /**
   * Counts a failed logon: on every host when the state is in Redis (the answer then waits for
   * Redis's, so that the next attempt, here or on another host, meets the lockout this one began),
   * else here; here also while Redis cannot be reached, so that an outage does not stop lockouts.
   *
   * @param claimed the driver's key of the account: a real account's qualified name, lower-cased
   *     (the per-address cap looks it up in the directory as given), else the name as written; null
   *     for none
   * @return the lockouts this failure began (the address's, the account's, or both)
   */
  public CompletableFuture<List<Lockout>> failed(String address, String claimed) {
    String account = countedByName(address, claimed);
    if (shared == null || shared.down()) {
      return CompletableFuture.completedFuture(failedHere(address, account));
    }
    List<CompletableFuture<Optional<Lockout>>> counts = new ArrayList<>(2);
    if (config.addressThreshold() > 0) {
      counts.add(failedShared(addressKey(address), config.addressThreshold()));
    }
    if (config.threshold() > 0 && account != null && !account.isEmpty()) {
      counts.add(failedShared(accountKey(account), config.threshold()));
    }
    return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
        .handle(
            (ok, failure) -> {
              if (failure != null) {
                // Redis went away meanwhile: this failure counts here, as the outage's do.
                return failedHere(address, account);
              }
              List<Lockout> begun = new ArrayList<>(2);
              counts.forEach(c -> c.join().ifPresent(begun::add));
              return begun;
            });
  }

  /**
   * {@code account} when its failure is counted by name, null when {@code address} has counted its
   * {@code namesPerAddress} names in the window already and this is a new one that names no account
   * (the address's count still counts it).
   */
  private String countedByName(String address, String account) {
    if (namesByAddress == null || account == null || account.isEmpty()) {
      return account;
    }
    Instant now = clock.instant();
    boolean admitted =
        namesByAddress
            .get(addressKey(address), k -> new CountedNames())
            .admit(
                accountKey(account),
                now,
                now.minusSeconds(config.windowSeconds()),
                config.namesPerAddress());
    // Past the cap, a real account's name still counts (looked up only then: a flood's cost).
    return admitted || accounts.find(account).isPresent() ? account : null;
  }

  private CompletableFuture<Optional<Lockout>> failedShared(String key, int threshold) {
    return shared
        .failed(
            key,
            threshold,
            Duration.ofSeconds(config.windowSeconds()),
            Duration.ofSeconds(config.durationSeconds()))
        .thenApply(
            began ->
                began.map(
                    left -> {
                      lockedElsewhere(key, left);
                      // Redis begins it when the shared count reaches the threshold.
                      return new Lockout(key, clock.instant().plus(left), threshold);
                    }));
  }

  /** {@link #failed} counted in this host's memory alone. */
  List<Lockout> failedHere(String address, String account) {
    Instant now = clock.instant();
    List<Lockout> begun = new ArrayList<>(2);
    if (config.addressThreshold() > 0) {
      count(addressKey(address), config.addressThreshold(), now).ifPresent(begun::add);
    }
    if (config.threshold() > 0 && account != null && !account.isEmpty()) {
      count(accountKey(account), config.threshold(), now).ifPresent(begun::add);
    }
    return begun;
  }

  /** A successful logon clears the account's failures, not the address's. */
  public void succeeded(String account) {
    if (account != null) {
      // Its failures only: a lockout that arrived (a message from another host) while this
      // password was being checked stays in force.
      // Nearly always nobody has failed lately: no key is built for a table that holds none.
      if (!windows.isEmpty()) {
        Instant now = clock.instant();
        windows.computeIfPresent(
            accountKey(account),
            (k, w) -> {
              synchronized (w) {
                return w.lockedUntil.isAfter(now) ? w : null;
              }
            });
      }
      if (shared != null && !shared.down()) {
        shared.succeeded(accountKey(account));
      }
    }
  }

  /**
   * The operator's unlock of an account: its lockout ends and its failures are forgotten.
   *
   * @return whether the account was locked out
   */
  public boolean unlockAccount(String account) {
    return unlock(accountKey(account));
  }

  /**
   * Whether the host remembers anything of {@code account}: failed logons in the window, or a
   * lockout. An operator's unlock of a name it has never seen is most likely a typo.
   */
  public boolean knowsAccount(String account) {
    return windows.containsKey(accountKey(account));
  }

  /**
   * The operator's unlock of a client address: its lockout ends and its failures are forgotten.
   *
   * @return whether the address was locked out
   */
  public boolean unlockAddress(String address) {
    return unlock(addressKey(address));
  }

  private boolean unlock(String key) {
    if (shared != null) {
      shared.unlock(key);
    }
    Window w = windows.remove(key);
    if (w == null) {
      return false;
    }
    changed();
    synchronized (w) {
      return w.lockedUntil.isAfter(clock.instant());
    }
  }

  /** The lockouts in force now, accounts ({@code account:NAME}) and addresses ({@code ip:ADDR}). */
  public List<Lockout> lockouts() {
    Instant now = clock.instant();
    List<Lockout> in = new ArrayList<>();
    windows.forEach(
        (key, w) -> {
          synchronized (w) {
            if (w.lockedUntil.isAfter(now)) {
              in.add(new Lockout(key, w.lockedUntil));
            }
          }
        });
    in.sort(Comparator.comparing(Lockout::key));
    return in;
  }

  private Optional<Lockout> count(String key, int threshold, Instant now) {
    Lockout[] begun = new Lockout[1];
    // Through compute, so that the entry's expiry is taken again from what changed.
    windows.compute(
        key,
        (k, existing) -> {
          Window w = existing == null ? new Window() : existing;
          synchronized (w) {
            Instant windowStart = now.minus(Duration.ofSeconds(config.windowSeconds()));
            while (!w.failures.isEmpty() && !w.failures.peekFirst().isAfter(windowStart)) {
              w.failures.removeFirst();
            }
            w.failures.addLast(now);
            if (w.failures.size() >= threshold && !w.lockedUntil.isAfter(now)) {
              Instant until = now.plusSeconds(config.durationSeconds());
              lockoutsLastUntil(until);
              w.lockedUntil = until;
              begun[0] = new Lockout(key, w.lockedUntil, w.failures.size());
              w.failures.clear();
            }
          }
          return w;
        });
    if (begun[0] != null) {
      changed();
    }
    return Optional.ofNullable(begun[0]);
  }
}
