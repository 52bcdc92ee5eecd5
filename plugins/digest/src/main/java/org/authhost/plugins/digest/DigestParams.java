package org.authhost.plugins.digest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameter list of a Digest {@code Authorization} value: {@code #auth-param} of RFC 9110
 * §11.2–11.4, read the way real clients write it rather than the way RFC 7616 §3.4 says they must.
 *
 * <ul>
 *   <li>Any parameter may be quoted or not: Python's urllib sends {@code algorithm="MD5"}, ffmpeg
 *       sends {@code qop="auth"}, and old clients leave tokens unquoted.
 *   <li>Inside quotes, a backslash escapes the next character (quoted-pair).
 *   <li>Whitespace (space and tab) may surround {@code =} and {@code ,}; empty list elements
 *       ({@code a=1,,b=2}) are skipped, as the {@code #rule} allows.
 *   <li>Names are case-insensitive and returned in lower case. A name given twice is refused: which
 *       of the two to believe is exactly what an attacker would like to choose.
 *   <li>Unknown parameters are kept and ignored by the caller, as RFC 7616 §3.4 requires.
 * </ul>
 *
 * <p>The input is the header text as ISO-8859-1, one char per octet, so that values keep the exact
 * octets the client hashed. Garbage is refused with a {@link Malformed} naming the offset and the
 * problem; no input makes it throw anything else.
 */
final class DigestParams {
  /** More than any real client sends; bounds the work a hostile header can cause. */
  static final int MAX_PARAMETERS = 64;

  private final String text;
  private int pos;

  private DigestParams(String text) {
    this.text = text;
  }

  /** The parameters, names in lower case, values unquoted and unescaped, in arrival order. */
  static Map<String, String> parse(String text) throws Malformed {
    return new DigestParams(text).parameters();
  }

  private Map<String, String> parameters() throws Malformed {
    Map<String, String> result = new LinkedHashMap<>();
    while (true) {
      skipSeparators();
      if (pos == text.length()) {
        break;
      }
      String name = token();
      if (name.isEmpty()) {
        throw new Malformed(
            "expected a parameter name at offset " + pos + ", found " + describe(pos));
      }
      name = lowerCase(name);
      skipWhitespace();
      if (pos == text.length() || text.charAt(pos) != '=') {
        throw new Malformed("parameter '" + name + "' has no '=' (offset " + pos + ")");
      }
      pos++;
      skipWhitespace();
      String value = pos < text.length() && text.charAt(pos) == '"' ? quoted(name) : unquoted(name);
      if (result.putIfAbsent(name, value) != null) {
        throw new Malformed("parameter '" + name + "' appears twice");
      }
      if (result.size() > MAX_PARAMETERS) {
        throw new Malformed("more than " + MAX_PARAMETERS + " parameters");
      }
      skipWhitespace();
      if (pos < text.length() && text.charAt(pos) != ',') {
        throw new Malformed(
            "expected ',' after parameter '"
                + name
                + "' at offset "
                + pos
                + ", found "
                + describe(pos));
      }
    }
    if (result.isEmpty()) {
      throw new Malformed("no parameters");
    }
    return result;
  }

  /**
   * A quoted-string: {@code "} ... {@code "}, with backslash escapes; no control characters but
   * tab.
   */
  private String quoted(String name) throws Malformed {
    int start = pos++;
    // Clients escape nothing in practice, so the common value is one substring; a builder is
    // made only at the first backslash.
    int from = pos;
    StringBuilder value = null;
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return value == null ? text.substring(from, pos - 1) : value.toString();
      }
      if (c == '\\') {
        if (value == null) {
          value = new StringBuilder(text.length() - from).append(text, from, pos - 1);
        }
        if (pos == text.length()) {
          break;
        }
        c = text.charAt(pos++);
      }
      if (isControl(c)) {
        throw new Malformed(
            "parameter '"
                + name
                + "' contains a control character (0x"
                + Integer.toHexString(c)
                + ") at offset "
                + (pos - 1));
      }
      if (value != null) {
        value.append(c);
      }
    }
    throw new Malformed(
        "the quoted value of parameter '"
            + name
            + "' starting at offset "
            + start
            + " is not closed");
  }

  /** An unquoted value: everything up to whitespace or a comma, which must not contain quotes. */
  private String unquoted(String name) throws Malformed {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ',' || c == ' ' || c == '\t') {
        break;
      }
      if (c == '"' || c == '\\' || isControl(c)) {
        throw new Malformed(
            "the unquoted value of parameter '"
                + name
                + "' contains "
                + describe(pos)
                + " at offset "
                + pos);
      }
      pos++;
    }
    if (pos == start) {
      throw new Malformed("parameter '" + name + "' has an empty value");
    }
    return text.substring(start, pos);
  }

  /** A token (RFC 9110 §5.6.2): the characters a parameter name may have. */
  private String token() {
    int start = pos;
    while (pos < text.length() && isTchar(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  /**
   * ASCII text in lower case. Clients send names and hex digits in lower case already, and {@link
   * String#toLowerCase} would look up the case of every character to find that out.
   */
  static String lowerCase(String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return ascii.toLowerCase(Locale.ROOT);
      }
    }
    return ascii;
  }

  private void skipSeparators() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ',' && c != ' ' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  private void skipWhitespace() {
    while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private String describe(int at) {
    if (at >= text.length()) {
      return "the end";
    }
    char c = text.charAt(at);
    return c > 0x20 && c < 0x7F ? "'" + c + "'" : String.format("0x%02x", (int) c);
  }

  private static boolean isControl(char c) {
    return (c < 0x20 && c != '\t') || c == 0x7F;
  }

  private static boolean isTchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
