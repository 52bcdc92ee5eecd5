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

  /**
   * Receives each parameter as it is read, so that a caller that knows the names it wants keeps
   * them in fields instead of a map: {@link DigestCredentials} reads every request's header.
   */
  interface Sink {
    /**
     * One parameter.
     *
     * @param text the whole text; the name is {@code text[nameStart, nameEnd)}, in any case
     * @param value unquoted and unescaped
     * @return false when a parameter of that name (in any case) came before: the text is refused
     */
    boolean parameter(String text, int nameStart, int nameEnd, String value);
  }

  private final String text;
  private int pos;

  private DigestParams(String text) {
    this.text = text;
  }

  /** The parameters, names in lower case, values unquoted and unescaped, in arrival order. */
  static Map<String, String> parse(String text) throws Malformed {
    Map<String, String> result = new LinkedHashMap<>();
    read(
        text,
        (t, from, to, value) ->
            result.putIfAbsent(lowerCase(t.substring(from, to)), value) == null);
    return result;
  }

  /**
   * Reads the parameters into {@code sink}, in arrival order, refusing the text as {@link #parse}
   * does.
   */
  static void read(String text, Sink sink) throws Malformed {
    new DigestParams(text).parameters(sink);
  }

  private void parameters(Sink sink) throws Malformed {
    int count = 0;
    while (true) {
      skipSeparators();
      if (pos == text.length()) {
        break;
      }
      int nameStart = pos;
      skipToken();
      int nameEnd = pos;
      if (nameStart == nameEnd) {
        throw new Malformed(
            "expected a parameter name at offset " + pos + ", found " + describe(pos));
      }
      skipWhitespace();
      if (pos == text.length() || text.charAt(pos) != '=') {
        throw new Malformed(
            "parameter '" + name(nameStart, nameEnd) + "' has no '=' (offset " + pos + ")");
      }
      pos++;
      skipWhitespace();
      String value =
          pos < text.length() && text.charAt(pos) == '"'
              ? quoted(nameStart, nameEnd)
              : unquoted(nameStart, nameEnd);
      if (!sink.parameter(text, nameStart, nameEnd, value)) {
        throw new Malformed("parameter '" + name(nameStart, nameEnd) + "' appears twice");
      }
      if (++count > MAX_PARAMETERS) {
        throw new Malformed("more than " + MAX_PARAMETERS + " parameters");
      }
      skipWhitespace();
      if (pos < text.length() && text.charAt(pos) != ',') {
        throw new Malformed(
            "expected ',' after parameter '"
                + name(nameStart, nameEnd)
                + "' at offset "
                + pos
                + ", found "
                + describe(pos));
      }
    }
    if (count == 0) {
      throw new Malformed("no parameters");
    }
  }

  /** A parameter's name as messages give it: in lower case. Made only for a message. */
  private String name(int from, int to) {
    return lowerCase(text.substring(from, to));
  }

  /**
   * A quoted-string: {@code "} ... {@code "}, with backslash escapes; no control characters but
   * tab.
   */
  private String quoted(int nameStart, int nameEnd) throws Malformed {
    int start = pos++;
    // Clients escape nothing in practice, so the common value is one substring; a builder is
    // made only at the first backslash.
    int from = pos;
    int close = text.indexOf('"', from);
    if (close > 0 && plain(from, close)) {
      pos = close + 1;
      return text.substring(from, close);
    }
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
                + name(nameStart, nameEnd)
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
            + name(nameStart, nameEnd)
            + "' starting at offset "
            + start
            + " is not closed");
  }

  /**
   * Whether {@code text[from, to)} has neither a backslash nor a control character: a quoted value
   * that is its own text. The closing quote is found first ({@link String#indexOf} compares many
   * characters at a time), then this is one comparison per character.
   */
  private boolean plain(int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      // Below 0x20 only the tab is allowed; 0x5C is the backslash, 0x7F DEL.
      if (c < 0x20 ? c != '\t' : c == '\\' || c == 0x7F) {
        return false;
      }
    }
    return true;
  }

  /** An unquoted value: everything up to whitespace or a comma, which must not contain quotes. */
  private String unquoted(int nameStart, int nameEnd) throws Malformed {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ',' || c == ' ' || c == '\t') {
        break;
      }
      if (c == '"' || c == '\\' || isControl(c)) {
        throw new Malformed(
            "the unquoted value of parameter '"
                + name(nameStart, nameEnd)
                + "' contains "
                + describe(pos)
                + " at offset "
                + pos);
      }
      pos++;
    }
    if (pos == start) {
      throw new Malformed("parameter '" + name(nameStart, nameEnd) + "' has an empty value");
    }
    return text.substring(start, pos);
  }

  /** Past a token (RFC 9110 §5.6.2): the characters a parameter name may have. */
  private void skipToken() {
    while (pos < text.length() && isTchar(text.charAt(pos))) {
      pos++;
    }
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
