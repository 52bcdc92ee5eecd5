package org.authhost.host.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.authhost.host.state.RedisLink;

/**
 * The failed-logon counts and lockouts several hosts share through Redis, so that five wrong
 * passwords spread over two hosts lock the account on both.
 *
 * <p>A failure is one atomic script: unless the key is locked already, {@code INCR} its count
 * (expiring {@code windowSeconds} after the first failure: a fixed window, where the local
 * throttle's slides), and at the threshold set the lock with its duration ({@code PX}), note it in
 * the hash of lockouts in force and {@code PUBLISH} it. Every host applies what is published to its
 * own {@link LogonThrottle}, which answers "is this locked?" from memory: the check before every
 * credential check costs no round trip. The host whose failure began a lockout learns it from the
 * script's answer, before it answers its client; the others within a message's delivery, and a host
 * that was disconnected (or started later) reads the lockouts in force when it connects.
 *
 * <p>The count is shared, the check is local: that is the trade. A lockout begun on host A is in
 * force on host B once B has the message (well under a millisecond on a LAN), not before.
 */
final class SharedLockouts {
  static final String CHANNEL = "lockout/events";

  /**
   * The lockouts in force, a sorted set scored by their end (ms): those over are dropped by range
   * whenever a lockout begins or a host reads them, so it holds no more than the lockouts of one
   * duration. (Named anew: an earlier version kept a hash under {@code lockout/active}.)
   */
  static final String ACTIVE = "lockout/in-force";

  /** {1, ms} a lockout began now for ms; {0, ms} already locked for ms more; {0, 0} counted. */
  private static final RedisLink.Script FAILED =
      new RedisLink.Script(
          "local left = redis.call('PTTL', KEYS[2])\n"
              + "if left > 0 then return {0, left} end\n"
              + "local n = redis.call('INCR', KEYS[1])\n"
              + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end\n"
              + "if n < tonumber(ARGV[1]) then\n"
              + "  redis.call('PUBLISH', KEYS[4], 'failed ' .. ARGV[2] .. ' ' .. ARGV[4])\n"
              + "  return {0, 0}\n"
              + "end\n"
              + "redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])\n"
              + "redis.call('DEL', KEYS[1])\n"
              + "local t = redis.call('TIME')\n"
              + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
              + "redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)\n"
              + "redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[4])\n"
              + "redis.call('PUBLISH', KEYS[4], 'lock ' .. ARGV[3] .. ' ' .. ARGV[4])\n"
              + "return {1, tonumber(ARGV[3])}\n");

  /** The lockouts in force: key, ms left, key, ms left...; those over are dropped from the set. */
  private static final RedisLink.Script IN_FORCE =
      new RedisLink.Script(
          "local t = redis.call('TIME')\n"
              + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
              + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)\n"
              + "local all = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')\n"
              + "local out = {}\n"
              + "for i = 1, #all, 2 do\n"
              + "  out[#out + 1] = all[i]\n"
              + "  out[#out + 1] = string.format('%.0f', tonumber(all[i + 1]) - now)\n"
              + "end\n"
              + "return out\n");

  /** Ends a lockout everywhere: its lock, count and note go, and the hosts are told. */
  private static final RedisLink.Script UNLOCK =
      new RedisLink.Script(
          "local n = redis.call('DEL', KEYS[1], KEYS[2])\n"
              + "redis.call('ZREM', KEYS[3], ARGV[1])\n"
              + "redis.call('PUBLISH', KEYS[4], 'unlock ' .. ARGV[1])\n"
              + "return n\n");

  /** The most keys with counted failures remembered; past it the oldest go (a miss: one DEL). */
  private static final int COUNTED_MAX = 100_000;

  /** The most recent unlocks remembered, each for {@link #UNLOCK_REMEMBERED}. */
  private static final int UNLOCKS_MAX = 10_000;

  /** Far longer than any count's round trip (the command time-out). */
  private static final Duration UNLOCK_REMEMBERED = Duration.ofMinutes(1);

  private final RedisLink link;
  private final Clock clock;

  /**
   * The keys with failures counted on some host, until their window ends (learned from the
   * messages): a success clears a count only where there may be one, so the common logon costs no
   * round trip. A host started after a failure does not know of it: a success there leaves that
   * count to expire at its window's end (a bounded miss: it can only make a later lockout come
   * sooner, within the same window).
   */
  private final Map<String, Instant> counted;

  /**
   * The unlocks this host has heard of (its operator's, or a message), numbered in that order: an
   * answer "locked already" to a count sent before the key's last unlock is not applied, since it
   * may come after the unlock message (another connection) and would undo it here alone.
   */
  private final AtomicLong unlocks = new AtomicLong();

  private final Cache<String, Long> unlockedAt =
      Caffeine.newBuilder().maximumSize(UNLOCKS_MAX).expireAfterWrite(UNLOCK_REMEMBERED).build();

  /** Where a lockout in force goes: set by {@link #listen}. */
  private volatile BiConsumer<String, Duration> locked = (key, left) -> {};

  /**
   * Until when every success sends its {@code DEL}, known count or not: a key with a count was
   * dropped from {@link #counted} to make room (a flood of invented names), and a success of it
   * must still clear its count, else the real user's earlier failures stay in Redis and a later
   * wrong password locks the account sooner. Raised to the dropped count's window end, so it lasts
   * one window past the flood.
   */
  private volatile Instant clearAlwaysUntil = Instant.MIN;

  SharedLockouts(RedisLink link, Clock clock) {
    this(link, clock, COUNTED_MAX);
  }

  /** With at most {@code countedMax} keys with counted failures remembered (tests: a small one). */
  SharedLockouts(RedisLink link, Clock clock, int countedMax) {
    this.link = link;
    this.clock = clock;
    // Bounded in size and each entry gone at its window's end: a flood of invented names costs
    // at most countedMax entries per host, and no scan. Evicted on the writer's thread, so that
    // a dropped key has turned "clear always" on before its success can be checked.
    this.counted =
        Caffeine.newBuilder()
            .maximumSize(countedMax)
            .executor(Runnable::run)
            .evictionListener(
                (String key, Instant until, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE && until != null) {
                    clearAlwaysUntil(until);
                  }
                })
            .expireAfter(
                new Expiry<String, Instant>() {
                  @Override
                  public long expireAfterCreate(String key, Instant until, long now) {
                    return untilNanos(until);
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Instant until, long now, long remaining) {
                    return untilNanos(until);
                  }

                  @Override
                  public long expireAfterRead(String key, Instant until, long now, long remaining) {
                    return remaining;
                  }
                })
            .<String, Instant>build()
            .asMap();
  }

  private synchronized void clearAlwaysUntil(Instant until) {
    if (until.isAfter(clearAlwaysUntil)) {
      clearAlwaysUntil = until;
    }
  }

  private long untilNanos(Instant until) {
    return Math.max(0, Duration.between(clock.instant(), until).toNanos());
  }

  private void noteCounted(String key, Duration window) {
    counted.put(key, clock.instant().plus(window));
  }

  private void heardUnlock(String key) {
    counted.remove(key);
    unlockedAt.put(key, unlocks.incrementAndGet());
  }

  /** Whether {@code key} was unlocked after the {@code before}th unlock heard of. */
  private boolean unlockedSince(String key, long before) {
    Long at = unlockedAt.getIfPresent(key);
    return at != null && at > before;
  }

  /**
   * Tells {@code locked} of every lockout another host begins (and this one, again) with its time
   * left, {@code unlocked} of every one an operator ends; and on every connection, of those in
   * force.
   */
  void listen(BiConsumer<String, Duration> locked, Consumer<String> unlocked) {
    this.locked = locked;
    Runnable readInForce =
        () ->
            link.<List<byte[]>>script(
                    IN_FORCE, ScriptOutputType.MULTI, new byte[][] {link.key(ACTIVE)})
                .thenAccept(
                    pairs -> {
                      for (int i = 0; i + 1 < pairs.size(); i += 2) {
                        locked.accept(
                            text(pairs.get(i)),
                            Duration.ofMillis(Long.parseLong(text(pairs.get(i + 1)))));
                      }
                    });
    link.subscribe(
        CHANNEL,
        message -> {
          if (message.startsWith("failed ")) {
            int space = message.indexOf(' ', 7);
            noteCounted(
                message.substring(space + 1),
                Duration.ofMillis(Long.parseLong(message.substring(7, space))));
          } else if (message.startsWith("lock ")) {
            int space = message.indexOf(' ', 5);
            counted.remove(message.substring(space + 1));
            locked.accept(
                message.substring(space + 1),
                Duration.ofMillis(Long.parseLong(message.substring(5, space))));
          } else if (message.startsWith("unlock ")) {
            heardUnlock(message.substring(7));
            unlocked.accept(message.substring(7));
          }
        });
    // Messages are fire-and-forget: whatever was published while either connection was down
    // (the commands' or the subscriptions', which Lettuce reconnects on its own) is read again.
    link.whenConnected(readInForce);
    link.whenResubscribed(readInForce);
  }

  /** Whether Redis was unreachable when last tried: then the throttle counts here alone. */
  boolean down() {
    return link.isDown();
  }

  /**
   * Counts a failure of {@code key} on every host: the lockout it began, with its duration; empty
   * when it began none. Fails when Redis cannot be reached.
   */
  CompletableFuture<Optional<Duration>> failed(
      String key, int threshold, Duration window, Duration duration) {
    long unlocksBefore = unlocks.get();
    return link.<List<Long>>script(
            FAILED,
            ScriptOutputType.MULTI,
            new byte[][] {
              link.key("lockout/count/" + key),
              link.key("lockout/lock/" + key),
              link.key(ACTIVE),
              link.key(CHANNEL)
            },
            ascii(Integer.toString(threshold)),
            ascii(Long.toString(window.toMillis())),
            ascii(Long.toString(duration.toMillis())),
            key.getBytes(StandardCharsets.UTF_8))
        .thenApply(r -> answered(key, r, window, unlocksBefore));
  }

  /**
   * What the script answered for a count of {@code key} sent when {@code unlocksBefore} unlocks had
   * been heard: the lockout it began, with its duration; empty when it began none.
   */
  Optional<Duration> answered(String key, List<Long> r, Duration window, long unlocksBefore) {
    if (r.get(0) == 1L) {
      counted.remove(key);
      // Began by this count, but an unlock was heard after it was sent: the lock's own message,
      // which comes on the subscriptions' connection in Redis's order, says whether it still
      // holds; applying the answer here would undo the operator's unlock on this host alone.
      return unlockedSince(key, unlocksBefore)
          ? Optional.empty()
          : Optional.of(Duration.ofMillis(r.get(1)));
    }
    if (r.get(1) == 0L) {
      noteCounted(key, window); // ours: known before the message comes back
    } else if (!unlockedSince(key, unlocksBefore)) {
      // Locked already, and this host had not heard (a message lost with the subscriptions'
      // connection): in force here from now on, not only after the next reconnection. Unless an
      // operator's unlock came in meanwhile: the answer was read before it, and would undo it on
      // this host alone.
      locked.accept(key, Duration.ofMillis(r.get(1)));
    }
    return Optional.empty();
  }

  /** How many unlocks this host has heard of: what a count sent now is ordered against. */
  long unlocksHeard() {
    return unlocks.get();
  }

  /**
   * A success clears the count of {@code key} on every host (not a lockout in force); a round trip
   * only when a failure of it was counted within its window, as far as this host has heard, or
   * within a window of this host dropping a counted key to make room.
   */
  void succeeded(String key) {
    Instant until = counted.remove(key);
    Instant now = clock.instant();
    if ((until != null && until.isAfter(now)) || clearAlwaysUntil.isAfter(now)) {
      link.send(r -> r.del(link.key("lockout/count/" + key)));
    }
  }

  /** The operator's unlock, on every host. */
  void unlock(String key) {
    heardUnlock(key); // before its message comes back: an answer read before it is not applied
    link.script(
        UNLOCK,
        ScriptOutputType.INTEGER,
        new byte[][] {
          link.key("lockout/lock/" + key),
          link.key("lockout/count/" + key),
          link.key(ACTIVE),
          link.key(CHANNEL)
        },
        key.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
