package org.authhost.plugins.digest;

/**
 * The nonce counts already used with one nonce: the highest, and a 64-bit map of the 64 below it
 * (the anti-replay window of IPsec, RFC 4303 §3.4.3).
 *
 * <p>Why a window and not "nc must be the next number" (Apache's {@code AuthDigestNcCheck}): a
 * client that shares one nonce across parallel connections, or pipelines, sends counts out of
 * order. Any count not yet seen is accepted as long as it is not more than 64 below the highest; a
 * count seen before is a replay. Older counts are refused, because the window no longer knows
 * whether they were used.
 *
 * <p>Not thread-safe: the {@link ReplayCache} calls it under its lock.
 */
final class NcWindow {
  /** How far below the highest count a count is still accepted. */
  static final int SIZE = 64;

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
    /** More than {@link #SIZE} below the highest count: cannot be told from a replay. */
    TOO_OLD
  }

  private long highest; // 0: none yet; counts start at 1
  private long below; // bit i set: count (highest - 1 - i) was used

  /** Records {@code nc} (at least 1) if it was not used before. */
  Result accept(long nc) {
    if (nc > highest) {
      long shift = nc - highest;
      if (highest == 0) {
        below = 0; // nothing was used below the first count
      } else if (shift > SIZE) {
        below = 0;
      } else {
        // The old highest moves into the map at position shift - 1. Java masks shift counts to 6
        // bits, so a shift of exactly 64 must not reach the << (it would shift by 0).
        below = (shift == SIZE ? 0 : below << shift) | (1L << (shift - 1));
      }
      highest = nc;
      return Result.ACCEPTED;
    }
    if (nc == highest) {
      return Result.REPLAYED;
    }
    long distance = highest - nc;
    if (distance > SIZE) {
      return Result.TOO_OLD;
    }
    long bit = 1L << (distance - 1);
    if ((below & bit) != 0) {
      return Result.REPLAYED;
    }
    below |= bit;
    return Result.ACCEPTED;
  }
}
