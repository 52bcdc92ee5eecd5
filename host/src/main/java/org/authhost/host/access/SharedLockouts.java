package org.authhost.host.access;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
  static final String ACTIVE = "lockout/active";

  /** {1, ms} a lockout began now for ms; {0, ms} already locked for ms more; {0, 0} counted. */
  private static final RedisLink.Script FAILED =
      new RedisLink.Script(
          "local left = redis.call('PTTL', KEYS[2])\n"
              + "if left > 0 then return {0, left} end\n"
              + "local n = redis.call('INCR', KEYS[1])\n"
              + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end\n"
              + "if n < tonumber(ARGV[1]) then return {0, 0} end\n"
              + "redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])\n"
              + "redis.call('DEL', KEYS[1])\n"
              + "local t = redis.call('TIME')\n"
              + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
              + "redis.call('HSET', KEYS[3], ARGV[4], string.format('%.0f', now + tonumber(ARGV[3])))\n"
              + "redis.call('PUBLISH', KEYS[4], 'lock ' .. ARGV[3] .. ' ' .. ARGV[4])\n"
              + "return {1, tonumber(ARGV[3])}\n");

  /** The lockouts in force: key, ms left, key, ms left...; those over are dropped from the hash. */
  private static final RedisLink.Script IN_FORCE =
      new RedisLink.Script(
          "local t = redis.call('TIME')\n"
              + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
              + "local all = redis.call('HGETALL', KEYS[1])\n"
              + "local out = {}\n"
              + "for i = 1, #all, 2 do\n"
              + "  local left = tonumber(all[i + 1]) - now\n"
              + "  if left > 0 then out[#out + 1] = all[i]; out[#out + 1] = string.format('%.0f', left)\n"
              + "  else redis.call('HDEL', KEYS[1], all[i]) end\n"
              + "end\n"
              + "return out\n");

  /** Ends a lockout everywhere: its lock, count and note go, and the hosts are told. */
  private static final RedisLink.Script UNLOCK =
      new RedisLink.Script(
          "local n = redis.call('DEL', KEYS[1], KEYS[2])\n"
              + "redis.call('HDEL', KEYS[3], ARGV[1])\n"
              + "redis.call('PUBLISH', KEYS[4], 'unlock ' .. ARGV[1])\n"
              + "return n\n");

  private final RedisLink link;

  SharedLockouts(RedisLink link) {
    this.link = link;
  }

  /**
   * Tells {@code locked} of every lockout another host begins (and this one, again) with its time
   * left, {@code unlocked} of every one an operator ends; and on every connection, of those in
   * force.
   */
  void listen(BiConsumer<String, Duration> locked, Consumer<String> unlocked) {
    link.subscribe(
        CHANNEL,
        message -> {
          if (message.startsWith("lock ")) {
            int space = message.indexOf(' ', 5);
            locked.accept(
                message.substring(space + 1),
                Duration.ofMillis(Long.parseLong(message.substring(5, space))));
          } else if (message.startsWith("unlock ")) {
            unlocked.accept(message.substring(7));
          }
        });
    link.whenConnected(
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
                    }));
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
        .thenApply(
            r ->
                r.get(0) == 1L
                    ? Optional.of(Duration.ofMillis(r.get(1)))
                    : Optional.<Duration>empty());
  }

  /** A success clears the count of {@code key} on every host (not a lockout in force). */
  void succeeded(String key) {
    link.send(r -> r.del(link.key("lockout/count/" + key)));
  }

  /** The operator's unlock, on every host. */
  void unlock(String key) {
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
