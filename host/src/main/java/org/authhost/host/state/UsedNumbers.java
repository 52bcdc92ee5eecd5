package org.authhost.host.state;

import java.util.Arrays;
import org.authhost.api.StateService.WindowClaim;

/**
 * The numbers used under one key of {@link LocalStateService#claimInWindow}: the highest, and a
 * bitmap of the {@code width} numbers up to it (the anti-replay window of IPsec, RFC 4303 §3.4.3,
 * as a ring of bits: number {@code n} is bit {@code n mod width}).
 *
 * <p>The bitmap grows only as far as the numbers used reach, so a window of 1,024 used for counts 1
 * to 5 (a player's few requests on one Digest nonce) costs one {@code long}, not sixteen.
 *
 * <p>Not thread-safe: the store calls it only inside {@code ConcurrentHashMap.compute} for its key,
 * which is what makes a claim atomic.
 */
final class UsedNumbers {
  private static final long[] NONE = new long[0];

  private final int width;
  private long highest = -1; // none used yet; numbers start at 0
  private long[] bits = NONE;

  UsedNumbers(int width) {
    this.width = width;
  }

  int width() {
    return width;
  }

  /** Records {@code number} (at least 0) unless it was used before or is below the window. */
  WindowClaim claim(long number) {
    if (number > highest) {
      // The numbers entering the window may still carry the bits of numbers `width` lower.
      if (highest < 0 || number - highest >= width) {
        bits = NONE;
      } else {
        for (long n = highest + 1; n < number; n++) {
          clear(n);
        }
      }
      highest = number;
      set(number);
      return WindowClaim.FIRST;
    }
    if (highest - number >= width) {
      return WindowClaim.TOO_OLD;
    }
    if (isSet(number)) {
      return WindowClaim.USED;
    }
    set(number);
    return WindowClaim.FIRST;
  }

  /** Words of the bitmap held now: for tests of its growth. */
  int words() {
    return bits.length;
  }

  private int index(long number) {
    return (int) (number % width);
  }

  private boolean isSet(long number) {
    int i = index(number);
    return (i >>> 6) < bits.length && (bits[i >>> 6] & (1L << i)) != 0;
  }

  private void clear(long number) {
    int i = index(number);
    if ((i >>> 6) < bits.length) {
      bits[i >>> 6] &= ~(1L << i);
    }
  }

  private void set(long number) {
    int i = index(number);
    int word = i >>> 6;
    if (word >= bits.length) {
      // Doubling keeps the copies few; never more words than the window has bits for.
      int maxWords = (width + 63) >>> 6;
      bits = Arrays.copyOf(bits, Math.min(maxWords, Math.max(word + 1, bits.length * 2)));
    }
    bits[word] |= 1L << i;
  }
}
