package org.authhost.host.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Which successful checks a streaming server asked for are audited: the first per client address,
 * account and stream within the interval ({@code integrations.successAuditSeconds}), on the host's
 * clock. An HLS player through nginx {@code auth_request} is checked for every segment, and one
 * record per segment would drown the audit. A failure forgets the client and stream, so that the
 * next success is audited, as a connection's next logon after a failure is.
 *
 * <p>Bounded in count ({@link #MAX_KEYS}, Caffeine's size eviction, which at worst audits a success
 * once more) and in bytes: a key is a digest of the client and the stream, a value a digest of the
 * account, whatever the lengths of the names a call brings.
 */
public final class SuccessAudits {
  public static final int MAX_KEYS = 16_384;

  private final Cache<String, String> lastAudited;
  private final boolean everyOne;

  public SuccessAudits(Clock clock, Duration interval) {
    this(clock, interval, MAX_KEYS);
  }

  public SuccessAudits(Clock clock, Duration interval, int maxKeys) {
    this.everyOne = interval.isZero();
    this.lastAudited =
        Caffeine.newBuilder()
            .maximumSize(maxKeys)
            .expireAfterWrite(everyOne ? Duration.ofSeconds(1) : interval)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            // Evicts on the caller's thread: no pool of its own, and tests see it at once.
            .executor(Runnable::run)
            .build();
  }

  /** Whether this success is the first of its kind in the interval: then it is audited. */
  public synchronized boolean isFirst(String client, String account, String stream) {
    if (everyOne) {
      return true;
    }
    String key = digest(client + '\n' + stream);
    String who = digest(String.valueOf(account));
    if (who.equals(lastAudited.getIfPresent(key))) {
      return false;
    }
    lastAudited.put(key, who);
    return true;
  }

  /** A failed check of this client at this stream: its next success is audited again. */
  public synchronized void failed(String client, String stream) {
    lastAudited.invalidate(digest(client + '\n' + stream));
  }

  /** How many successes are remembered now. */
  public long size() {
    lastAudited.cleanUp();
    return lastAudited.estimatedSize();
  }

  private static String digest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
