package org.authhost.host.config;

import java.util.List;
import java.util.Locale;

/**
 * The "did you mean" of every suggestion the configuration makes: unknown keys, and the named
 * values a plug-in refuses.
 */
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

  /**
   * The optimal string alignment distance (Damerau): a swap of two neighbours is one edit, as
   * fingers make it ({@code "prot"} for {@code port}), not the two Levenshtein counts.
   */
  static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int best = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          best = Math.min(best, d[i - 2][j - 2] + 1);
        }
        d[i][j] = best;
      }
    }
    return d[a.length()][b.length()];
  }
}
