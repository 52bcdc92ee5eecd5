package org.authhost.host.diagnostics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts of the values one facet of folded audit records took (their reasons, accounts, points or
 * protocols): the first {@link #MAX_NAMED} values by name, in the order first seen, the rest
 * together, so that a flood of invented values costs a summary a bounded length. Each name is cut
 * at {@link #MAX_CHARS}. Not thread-safe: its {@link AuditFloods} counts under its own lock.
 */
final class Tally {
  /** Values a summary names per facet; the others are counted together. */
  static final int MAX_NAMED = 5;

  /** How much of a value a summary quotes. */
  static final int MAX_CHARS = 120;

  /** What ends a value that was cut (as the event log ends a text it cut). */
  static final String ELLIPSIS = "\u2026";

  private final Map<String, Long> named = new LinkedHashMap<>();
  private long other;

  void add(String value) {
    String name = shortened(value);
    if (named.containsKey(name) || named.size() < MAX_NAMED) {
      named.merge(name, 1L, Long::sum);
    } else {
      other++;
    }
  }

  /**
   * At most {@link #MAX_CHARS} of {@code value} and an ellipsis, cut at the last space that keeps
   * at least half of the limit, so that the summary does not quote half a word as if it were the
   * reason; a value without such a space (one long token, a URL, after a first word) is cut at the
   * limit instead, never inside a surrogate pair, so that what tells values apart is kept.
   */
  static String shortened(String value) {
    if (value.length() <= MAX_CHARS) {
      return value;
    }
    int end = value.lastIndexOf(' ', MAX_CHARS);
    if (end < MAX_CHARS / 2) {
      end = Character.isHighSurrogate(value.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
    }
    return value.substring(0, end).stripTrailing() + ELLIPSIS;
  }

  /**
   * {@code facet: "a" 3, "b" 1, 2 other}. Quotes and backslashes in a value are escaped, as the
   * audit's own fields escape them (a value may quote what the client sent), so that a search for
   * an account as its records spell it ({@code "AUTHHOST\\alice"}) finds the summary too.
   */
  void appendTo(StringBuilder text, String facet) {
    text.append(facet).append(": ");
    String comma = "";
    for (Map.Entry<String, Long> r : named.entrySet()) {
      text.append(comma)
          .append('"')
          .append(r.getKey().replace("\\", "\\\\").replace("\"", "\\\""))
          .append("\" ")
          .append(r.getValue());
      comma = ", ";
    }
    if (other > 0) {
      text.append(comma).append(other).append(" other");
    }
  }
}
