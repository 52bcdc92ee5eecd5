package org.authhost.plugins.digest;

import java.util.Arrays;

/**
 * The nonce counts already used with one nonce: the highest, and a map of the {@link #SIZE} counts
 * up to it (the anti-replay window of IPsec, RFC 4303 §3.4.3, as a ring of bits).
 *
 * <p>Why a window and not "nc must be the next number" (Apache's {@code AuthDigestNcCheck}): a
 * client that shares one nonce across parallel connections, or pipelines, sends counts out of
 * order. Any count not yet seen is accepted as long as it is less than {@link #SIZE} below the
 * highest; a count seen before is a replay. Older counts are refused, because the window no longer
 * knows whether they were used.
 *
 * <p>Why 1,024: a client spreading one nonce over many keep-alive connections (a player fetching
 * segments in parallel, a load tool with 64 connections per thread) lets a count fall behind by as
 * many requests as the other connections complete meanwhile, which on two event loops under load
 * was seen above 64 (the previous size). Jetty keeps the same 1,024 counts per nonce. The map costs
 * 128 bytes per nonce in the replay cache.
 *
 * <p>Not thread-safe: the {@link ReplayCache} calls it under its lock.
 */
final class NcWindow {
  /** How many counts, up to the highest, the window knows. */
  static final int SIZE = 1024;

  private static final int MASK = SIZE - 1;

  /** Whether a {@code nextnonce} was already sent for this nonce: one is enough. */
  private boolean nextIssued;

  /** True the first time only: the caller may send a {@code nextnonce} for this nonce. */
  boolean claimNext() {
    if (nextIssued) {
      return false;
    }
    nextIssued = true;
    return true;
  }

  /** What {@link #accept} found. */
  enum Result {
    /** Not used before: now recorded. */
    ACCEPTED,
    /** Used before: a replay. */
    REPLAYED,
    /** {@link #SIZE} or more below the highest count: cannot be told from a replay. */
    TOO_OLD
  }

  private long highest; // 0: none yet; counts start at 1
  // Bit (nc & MASK) set: count nc, one of the SIZE counts up to highest, was used.
  private final long[] seen = new long[SIZE / Long.SIZE];

  /** Records {@code nc} (at least 1) if it was not used before. */
  Result accept(long nc) {
    if (nc > highest) {
      // The counts entering the window may still carry the bits of counts SIZE lower: clear them.
      if (nc - highest >= SIZE) {
        Arrays.fill(seen, 0L);
      } else {
        for (long c = highest + 1; c < nc; c++) {
          clear(c);
        }
      }
      highest = nc;
      set(nc);
      return Result.ACCEPTED;
    }
    if (highest - nc >= SIZE) {
      return Result.TOO_OLD;
    }
    if (isSet(nc)) {
      return Result.REPLAYED;
    }
    set(nc);
    return Result.ACCEPTED;
  }

  private boolean isSet(long nc) {
    int bit = (int) (nc & MASK);
    return (seen[bit >>> 6] & (1L << bit)) != 0;
  }

  private void set(long nc) {
    int bit = (int) (nc & MASK);
    seen[bit >>> 6] |= 1L << bit;
  }

  private void clear(long nc) {
    int bit = (int) (nc & MASK);
    seen[bit >>> 6] &= ~(1L << bit);
  }
}
