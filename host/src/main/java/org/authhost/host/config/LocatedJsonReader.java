package org.authhost.host.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads strict JSON into a {@link LocatedJson} tree with Jackson's streaming parser, recording each
 * value's and each key's position.
 *
 * <p>Duplicate keys are detected here rather than with {@code STRICT_DUPLICATE_DETECTION}: that
 * feature stops the parse at the first duplicate, while checking here reports every duplicate (with
 * where the key was first set) and lets the rest of the file be checked too.
 */
final class LocatedJsonReader {
  // Plain strict JSON: no comments, no single quotes, no trailing commas, no NaN.
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private final JsonParser parser;
  private final Problems problems;

  private LocatedJsonReader(JsonParser parser, Problems problems) {
    this.parser = parser;
    this.problems = problems;
  }

  /**
   * The file's top-level value, or {@code null} if the file is not well-formed enough to check (the
   * reason is then in {@code problems}). Content after the top-level value is reported but the
   * value is still returned, so its own problems are found in the same pass.
   */
  static LocatedJson read(byte[] bytes, Problems problems) {
    String text = decodeUtf8(bytes, problems);
    if (text == null) {
      return null;
    }
    // Parsing characters rather than bytes makes Jackson's columns count characters, which is
    // what editors show; over bytes, every non-ASCII character before a problem would shift it.
    try (JsonParser parser = FACTORY.createParser(text)) {
      return new LocatedJsonReader(parser, problems).readDocument(text);
    } catch (IOException e) {
      throw new UncheckedIOException("closing a parser over a string cannot fail", e);
    }
  }

  private LocatedJson readDocument(String text) throws IOException {
    LocatedJson root;
    try {
      JsonToken first = parser.nextToken();
      if (first == null) {
        problems.add(
            ConfigProblem.SYNTAX,
            new LocatedJson.Pos(1, 1),
            "the file is empty; expected a JSON object (an empty {} gives all defaults)");
        return null;
      }
      root = readValue(first, "");
    } catch (JsonProcessingException e) {
      JsonSyntaxError error = JsonSyntaxError.of(text, e);
      problems.add(ConfigProblem.SYNTAX, error.pos(), error.message());
      return null;
    }
    checkNothingFollows(text, parser.currentLocation());
    return root;
  }

  /**
   * Reports anything but whitespace after the top-level value, at the place it starts. Scanning the
   * text directly rather than asking the parser for another token matters for garbage: the parser
   * would place it at the end of the unrecognized word, not at its start.
   */
  private void checkNothingFollows(String text, JsonLocation end) {
    int line = end.getLineNr();
    int column = end.getColumnNr();
    for (int i = (int) end.getCharOffset(); i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        column = 1;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        column++;
      } else {
        problems.add(
            ConfigProblem.SYNTAX,
            new LocatedJson.Pos(line, column),
            "unexpected content after the end of the top-level value; expected the end of the"
                + " file");
        return;
      }
    }
  }

  private LocatedJson readValue(JsonToken token, String path) throws IOException {
    LocatedJson.Pos pos = LocatedJson.Pos.of(parser.currentTokenLocation());
    return switch (token) {
      case START_OBJECT -> readObject(pos, path);
      case START_ARRAY -> readArray(pos, path);
      case VALUE_STRING -> new LocatedJson.Str(pos, parser.getText());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
          new LocatedJson.Num(pos, parser.getText(), parser.getDecimalValue());
      case VALUE_TRUE -> new LocatedJson.Bool(pos, true);
      case VALUE_FALSE -> new LocatedJson.Bool(pos, false);
      case VALUE_NULL -> new LocatedJson.Null(pos);
      default -> throw new IllegalStateException("unexpected JSON token " + token + " at " + pos);
    };
  }

  private LocatedJson.Obj readObject(LocatedJson.Pos pos, String path) throws IOException {
    Map<String, LocatedJson.Member> members = new LinkedHashMap<>();
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_OBJECT;
        token = parser.nextToken()) {
      // Only FIELD_NAME can come here: the parser itself rejects anything else inside an object.
      String key = parser.currentName();
      LocatedJson.Pos keyPos = LocatedJson.Pos.of(parser.currentTokenLocation());
      LocatedJson value = readValue(parser.nextToken(), JsonText.child(path, key));
      LocatedJson.Member first = members.get(key);
      if (first != null) {
        problems.add(
            ConfigProblem.DUPLICATE_KEY,
            keyPos,
            "duplicate key "
                + JsonText.quote(key)
                + " "
                + JsonText.where(path)
                + "; it is already set at "
                + first.keyPos()
                + ", and each key may appear only once");
      } else {
        members.put(key, new LocatedJson.Member(key, keyPos, value));
      }
    }
    return new LocatedJson.Obj(pos, members);
  }

  private LocatedJson.Arr readArray(LocatedJson.Pos pos, String path) throws IOException {
    List<LocatedJson> elements = new ArrayList<>();
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_ARRAY;
        token = parser.nextToken()) {
      elements.add(readValue(token, JsonText.element(path, elements.size())));
    }
    return new LocatedJson.Arr(pos, elements);
  }

  /**
   * The file as text, or {@code null} (with a problem at the first bad byte) if it is not UTF-8. A
   * leading byte-order mark, which some Windows editors write, is dropped.
   */
  private static String decodeUtf8(byte[] bytes, Problems problems) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isUnderflow()) {
      out.flip();
      // The text decoded so far gives the bad byte's line and column.
      String before = out.toString();
      int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
      int column = before.length() - before.lastIndexOf('\n');
      problems.add(
          ConfigProblem.SYNTAX,
          new LocatedJson.Pos(line, column),
          "the file is not valid UTF-8 (bad byte at offset "
              + in.position()
              + "); expected a UTF-8 text file");
      return null;
    }
    decoder.flush(out);
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }
}
