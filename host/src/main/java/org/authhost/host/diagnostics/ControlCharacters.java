package org.authhost.host.diagnostics;

/**
 * Makes text that may come from a plug-in or a client safe to print: a control character written
 * raw to a console or a log line can end the line early, forge a second one, or move the cursor (a
 * CR LF in a protocol name reached the {@code run} console so). Each becomes a visible escape
 * ({@code \r}, {@code \n}, {@code \t}, {@code \u001b}), so the operator still sees what was sent.
 */
public final class ControlCharacters {
  private ControlCharacters() {}

  /** {@code text} with every C0 and C1 control character, and DEL, escaped; null stays null. */
  public static String escape(String text) {
    if (text == null || !hasAny(text)) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!isControl(c)) {
        b.append(c);
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\t') {
        b.append("\\t");
      } else {
        b.append(String.format("\\u%04x", (int) c));
      }
    }
    return b.toString();
  }

  /** Whether {@code text} holds a character {@link #escape} would change. */
  public static boolean hasAny(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (isControl(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }
}
