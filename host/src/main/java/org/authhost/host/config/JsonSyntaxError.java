package org.authhost.host.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON syntax error as an operator fixes it: the usual slips (a trailing comma, a missing comma
 * or colon, an unquoted key, a comment, an unclosed string, an early end of the file) named in
 * plain words at the character to change, anything else in Jackson's own words at Jackson's place.
 *
 * <p>Jackson reports where it stopped understanding, which for a trailing comma is the {@code }} on
 * the next line and reads "was expecting double-quote to start field name"; the comma itself is
 * what has to go, so the position moves back to it.
 *
 * @param pos where to look in the file
 * @param message what is wrong and what to do, starting with {@code invalid JSON: }
 */
record JsonSyntaxError(LocatedJson.Pos pos, String message) {
  // Jackson embeds locations as "[Source: ...; line: 2, column: 8]"; the source part is noise here.
  private static final Pattern JACKSON_LOCATION =
      Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

  private static final Pattern BARE_WORD = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

  // "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped ..." inside a string.
  private static final Pattern CONTROL_CHARACTER =
      Pattern.compile("^Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");

  // "Unexpected end-of-input: expected close marker for Object (start marker at [...])".
  private static final Pattern UNCLOSED_AT_END =
      Pattern.compile(
          "expected close marker for (Object|Array) \\(start marker at \\[Source: .*?; line:"
              + " (\\d+), column: (\\d+)\\]",
          Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

  /** The error {@code e} met while parsing {@code text}, explained. */
  static JsonSyntaxError of(String text, JsonProcessingException e) {
    LocatedJson.Pos jacksonPos = LocatedJson.Pos.of(e.getLocation());
    String detail = e.getOriginalMessage();
    JsonLocation location = e.getLocation();
    int at = location == null ? -1 : (int) location.getCharOffset();
    if (detail.contains("ALLOW_COMMENTS")) {
      // Jackson's wording suggests enabling a parser feature, which is not the operator's fix.
      return new JsonSyntaxError(
          jacksonPos,
          "invalid JSON: comments are not allowed; expected plain JSON without // or /* */");
    }
    String plain = plainWords(detail);
    if (plain != null) {
      return new JsonSyntaxError(jacksonPos, "invalid JSON: " + plain);
    }
    if (at >= 0 && at < text.length()) {
      JsonSyntaxError slip = slip(text, at, detail);
      if (slip != null) {
        return slip;
      }
    }
    detail = JACKSON_LOCATION.matcher(detail).replaceAll("line $1, column $2");
    return new JsonSyntaxError(jacksonPos, "invalid JSON: " + detail.replace('\n', ' ').strip());
  }

  /**
   * Jackson's wording of an unclosed string or an early end of the file, in an operator's words, or
   * {@code null}; Jackson's place is the right one for these: where the quote or bracket is
   * missing.
   */
  private static String plainWords(String detail) {
    Matcher control = CONTROL_CHARACTER.matcher(detail);
    if (control.find()) {
      int code = Integer.parseInt(control.group(1));
      if (code == '\n' || code == '\r') {
        return "a string is not closed before the end of the line (a missing '\"'?)";
      }
      return code == '\t'
          ? "a tab inside a string (write it as \\t)"
          : "a control character (code "
              + code
              + ") inside a string (write it as \\u"
              + String.format("%04x", code)
              + ")";
    }
    if (!detail.startsWith("Unexpected end-of-input")) {
      return null;
    }
    if (detail.contains("closing quote for a string value")) {
      return "the file ends inside a string (a missing '\"'?)";
    }
    Matcher unclosed = UNCLOSED_AT_END.matcher(detail);
    if (unclosed.find()) {
      boolean object = unclosed.group(1).equalsIgnoreCase("Object");
      return "the file ends before the "
          + (object ? "object" : "array")
          + " opened at line "
          + unclosed.group(2)
          + ", column "
          + unclosed.group(3)
          + " is closed (a missing '"
          + (object ? '}' : ']')
          + "'?)";
    }
    return "the file ends before the JSON is complete (a missing '}' or ']'?)";
  }

  /** One of the usual slips at {@code at}, where Jackson stopped, or {@code null}. */
  private static JsonSyntaxError slip(String text, int at, String detail) {
    char found = text.charAt(at);
    int before = previousNonBlank(text, at);
    char last = before < 0 ? 0 : text.charAt(before);
    if ((found == '}' || found == ']') && last == ',') {
      return new JsonSyntaxError(
          position(text, before),
          "invalid JSON: a trailing comma before '" + found + "' (remove it)");
    }
    if (found == ',' && last == ',') {
      return new JsonSyntaxError(position(text, at), "invalid JSON: a second comma (remove it)");
    }
    if (detail.contains("was expecting comma to separate")) {
      String between =
          detail.contains("Array") ? "two elements of an array" : "two entries of an object";
      LocatedJson.Pos next = position(text, at);
      return new JsonSyntaxError(
          position(text, before + 1),
          "invalid JSON: a missing comma between "
              + between
              + " (add ',' here, before the one at "
              + next
              + ")");
    }
    if (detail.contains("was expecting a colon to separate field name and value")) {
      return new JsonSyntaxError(
          position(text, before + 1),
          "invalid JSON: a missing ':' after the key (add ':' here; found '"
              + found
              + "' at "
              + position(text, at)
              + ")");
    }
    if (detail.contains("was expecting double-quote to start field name")) {
      Matcher word = BARE_WORD.matcher(text).region(at, text.length());
      if (word.lookingAt()) {
        return new JsonSyntaxError(
            position(text, at),
            "invalid JSON: the key "
                + word.group()
                + " is not in double quotes (write \""
                + word.group()
                + "\")");
      }
      if (found == '\'') {
        return new JsonSyntaxError(
            position(text, at),
            "invalid JSON: a key in single quotes (JSON keys take double quotes: \"key\")");
      }
    }
    return null;
  }

  private static int previousNonBlank(String text, int at) {
    int i = at - 1;
    while (i >= 0 && Character.isWhitespace(text.charAt(i))) {
      i--;
    }
    return i;
  }

  /** The 1-based line and column of {@code offset}, counting lines as Jackson does. */
  private static LocatedJson.Pos position(String text, int offset) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset; i++) {
      char c = text.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
        line++;
        column = 1;
      } else if (c != '\r') {
        column++;
      }
    }
    return new LocatedJson.Pos(line, column);
  }
}
