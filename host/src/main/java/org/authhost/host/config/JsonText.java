package org.authhost.host.config;

import java.util.List;
import java.util.regex.Pattern;

/** How keys, values and JSON paths are spelled in problem messages. */
final class JsonText {
  // Long values are cut so one bad line cannot bury the others.
  private static final int MAX_SHOWN = 60;

  // Keys that can stand in a dotted path without being mistaken for two segments.
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private JsonText() {}

  /** {@code s} as a JSON string literal, control characters escaped, shortened if very long. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    int shown = 0;
    for (int i = 0; i < s.length(); i++, shown++) {
      if (shown == MAX_SHOWN) {
        out.append("...");
        break;
      }
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** {@code s} shortened to a readable length. */
  static String abbreviate(String s) {
    return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...";
  }

  /** The path of {@code key} inside the object at {@code parent} ({@code ""} is the top level). */
  static String child(String parent, String key) {
    if (PLAIN_KEY.matcher(key).matches()) {
      return parent.isEmpty() ? key : parent + "." + key;
    }
    // Plug-in ids may contain dots; brackets keep "a.b" one segment.
    return parent + "[" + quote(key) + "]";
  }

  /** The path of element {@code index} of the array at {@code parent}. */
  static String element(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** {@code "allow" or "deny"}, or {@code one of "read", "write", "create"}: the values allowed. */
  static String choices(List<String> choices) {
    List<String> quoted = choices.stream().map(JsonText::quote).toList();
    return quoted.size() == 2
        ? quoted.get(0) + " or " + quoted.get(1)
        : "one of " + String.join(", ", quoted);
  }

  /** "at the top level" or {@code in "plugins"}: where a key was found, for messages. */
  static String where(String path) {
    return path.isEmpty() ? "at the top level" : "in \"" + path + "\"";
  }
}
