package org.authhost.host.config;

import java.util.List;
import java.util.Locale;

/** The "did you mean" of unknown-key reports. */
public final class Misspelling {
  private Misspelling() {}

  /** The allowed key {@code key} is most likely a misspelling of, if any is close enough. */
  public static String intended(String key, List<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : allowed) {
      int distance =
          candidate.equalsIgnoreCase(key)
              ? 0
              : editDistance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    // Two edits catch most typos; short keys would otherwise "resemble" everything.
    int limit = Math.min(2, key.length() / 3);
    return bestDistance <= limit ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
