package org.authhost.plugins.digest;

import java.nio.charset.StandardCharsets;
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
 * <p>The input is the header's octets, read as ISO-8859-1 (one char per octet), so that values keep
 * the exact octets the client hashed. They are read where they are: a caller that compares a value
 * with a constant compares it in place, and only the values it keeps become strings. Garbage is
 * refused with a {@link Malformed} naming the offset and the problem; no input makes it throw
 * anything else.
 */
final class DigestParams {
  /** More than any real client sends; bounds the work a hostile header can cause. */
  static final int MAX_PARAMETERS = 64;

  /**
   * Receives each parameter as it is read, so that a caller that knows the names it wants keeps
   * them in fields instead of a map, and makes a string only of the values it keeps: {@link
   * DigestCredentials} reads every request's header.
   */
  interface Sink {
    /**
     * One parameter.
     *
     * @param text the header's octets; the name is {@code text[nameStart, nameEnd)}, in any case
     * @param valueStart where the value's octets start, unquoted; with {@code valueEnd}, the value
     *     itself unless it had escapes
     * @param unescaped the value when it was quoted with backslash escapes, else null
     * @return false when a parameter of that name (in any case) came before: the text is refused
     */
    boolean parameter(
        byte[] text, int nameStart, int nameEnd, int valueStart, int valueEnd, String unescaped);
  }

  /** {@link #KIND}: a character a name (a token, RFC 9110 §5.6.2) may have. */
  private static final byte TCHAR = 1;

  /**
   * {@link #KIND}: a character that ends a run of a quoted value ({@code "}, {@code \\}, control).
   */
  private static final byte QUOTED_STOP = 2;

  /** {@link #KIND}: a character that ends or refuses an unquoted value. */
  private static final byte UNQUOTED_STOP = 4;

  /**
   * What each octet is to the scans, so that each runs one look-up per octet over the header's runs
   * of plain text: every request's header is read.
   */
  private static final byte[] KIND = new byte[256];

  static {
    for (int c = 0; c < 256; c++) {
      int kind = 0;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) {
        kind |= TCHAR;
      }
      if (c == '"' || c == '\\' || isControl((char) c)) {
        kind |= QUOTED_STOP | UNQUOTED_STOP;
      }
      if (c == ',' || c == ' ' || c == '\t') {
        kind |= UNQUOTED_STOP;
      }
      KIND[c] = (byte) kind;
    }
  }

  private final byte[] text;
  private int pos;

  private DigestParams(byte[] text) {
    this.text = text;
  }

  /**
   * The parameters of {@code text} (one char per octet), names in lower case, values unquoted and
   * unescaped, in arrival order.
   */
  static Map<String, String> parse(String text) throws Malformed {
    Map<String, String> result = new LinkedHashMap<>();
    read(
        text.getBytes(StandardCharsets.ISO_8859_1),
        (t, from, to, valueStart, valueEnd, unescaped) ->
            result.putIfAbsent(
                    lowerCase(latin1(t, from, to)), value(t, valueStart, valueEnd, unescaped))
                == null);
    return result;
  }

  /**
   * Reads the parameters into {@code sink}, in arrival order, refusing the text as {@link #parse}
   * does.
   */
  static void read(byte[] text, Sink sink) throws Malformed {
    new DigestParams(text).parameters(sink);
  }

  /** A value as the sink received it, as text. */
  static String value(byte[] text, int valueStart, int valueEnd, String unescaped) {
    return unescaped != null ? unescaped : latin1(text, valueStart, valueEnd);
  }

  /** {@code text[from, to)} as text, one char per octet. */
  static String latin1(byte[] text, int from, int to) {
    return new String(text, from, to - from, StandardCharsets.ISO_8859_1);
  }

  /**
   * Whether {@code text[from, to)} is {@code s}, octet for char, as comparing {@link #latin1} of it
   * with {@code s} would say, without making that string.
   */
  static boolean same(byte[] text, int from, int to, String s) {
    return same(text, from, to, s, false);
  }

  /** {@link #same}, ignoring the case of ASCII letters. */
  static boolean sameIgnoringCase(byte[] text, int from, int to, String s) {
    return same(text, from, to, s, true);
  }

  /** {@link #same}, or {@link #sameIgnoringCase} when {@code ignoreCase}. */
  static boolean same(byte[] text, int from, int to, String s, boolean ignoreCase) {
    if (to - from != s.length()) {
      return false;
    }
    for (int i = from; i < to; i++) {
      int c = text[i] & 0xFF;
      int expected = s.charAt(i - from);
      if (c != expected && (!ignoreCase || lower(c) != lower(expected))) {
        return false;
      }
    }
    return true;
  }

  private static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
  }

  private char at(int i) {
    return (char) (text[i] & 0xFF);
  }

  private void parameters(Sink sink) throws Malformed {
    int count = 0;
    while (true) {
      skipSeparators();
      if (pos == text.length) {
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
      if (pos == text.length || at(pos) != '=') {
        throw new Malformed(
            "parameter '" + name(nameStart, nameEnd) + "' has no '=' (offset " + pos + ")");
      }
      pos++;
      skipWhitespace();
      int valueStart = pos;
      int valueEnd;
      String unescaped = null;
      if (pos < text.length && at(pos) == '"') {
        valueStart++;
        unescaped = quoted(nameStart, nameEnd);
        valueEnd = pos - 1; // the closing quote
      } else {
        unquoted(nameStart, nameEnd);
        valueEnd = pos;
      }
      if (!sink.parameter(text, nameStart, nameEnd, valueStart, valueEnd, unescaped)) {
        throw new Malformed("parameter '" + name(nameStart, nameEnd) + "' appears twice");
      }
      if (++count > MAX_PARAMETERS) {
        throw new Malformed("more than " + MAX_PARAMETERS + " parameters");
      }
      skipWhitespace();
      if (pos < text.length && at(pos) != ',') {
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
    return lowerCase(latin1(text, from, to));
  }

  /**
   * A quoted-string: {@code "} ... {@code "}, with backslash escapes; no control characters but
   * tab. Leaves {@link #pos} past the closing quote.
   *
   * @return the value when it had escapes; null when it is the octets between the quotes
   */
  private String quoted(int nameStart, int nameEnd) throws Malformed {
    int start = pos++;
    int from = pos;
    // Clients escape nothing in practice: the common value is a run of plain octets up to its
    // closing quote. Anything else is read again below, a builder made at the first backslash.
    while (pos < text.length && (KIND[text[pos] & 0xFF] & QUOTED_STOP) == 0) {
      pos++;
    }
    if (pos < text.length && text[pos] == '"') {
      pos++;
      return null;
    }
    pos = from;
    StringBuilder value = null;
    while (pos < text.length) {
      char c = at(pos++);
      if (c == '"') {
        return value == null ? null : value.toString();
      }
      if (c == '\\') {
        if (value == null) {
          value = new StringBuilder(text.length - from).append(latin1(text, from, pos - 1));
        }
        if (pos == text.length) {
          break;
        }
        c = at(pos++);
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

  /** An unquoted value: everything up to whitespace or a comma, which must not contain quotes. */
  private void unquoted(int nameStart, int nameEnd) throws Malformed {
    int start = pos;
    while (pos < text.length && (KIND[text[pos] & 0xFF] & UNQUOTED_STOP) == 0) {
      pos++;
    }
    if (pos < text.length) {
      char c = at(pos);
      if (c != ',' && c != ' ' && c != '\t') {
        throw new Malformed(
            "the unquoted value of parameter '"
                + name(nameStart, nameEnd)
                + "' contains "
                + describe(pos)
                + " at offset "
                + pos);
      }
    }
    if (pos == start) {
      throw new Malformed("parameter '" + name(nameStart, nameEnd) + "' has an empty value");
    }
  }

  /** Past a token (RFC 9110 §5.6.2): the characters a parameter name may have. */
  private void skipToken() {
    while (pos < text.length && (KIND[text[pos] & 0xFF] & TCHAR) != 0) {
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
    while (pos < text.length) {
      char c = at(pos);
      if (c != ',' && c != ' ' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  private void skipWhitespace() {
    while (pos < text.length && (at(pos) == ' ' || at(pos) == '\t')) {
      pos++;
    }
  }

  private String describe(int at) {
    if (at >= text.length) {
      return "the end";
    }
    char c = at(at);
    return c > 0x20 && c < 0x7F ? "'" + c + "'" : String.format("0x%02x", (int) c);
  }

  private static boolean isControl(char c) {
    return (c < 0x20 && c != '\t') || c == 0x7F;
  }
}
