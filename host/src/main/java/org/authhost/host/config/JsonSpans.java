package org.authhost.host.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each value of a JSON text starts and ends, in characters, read with Jackson's streaming
 * parser. {@link HostJsonText} edits one value by splicing the text between those offsets, so
 * everything else (formatting, key order, {@code ${...}} placeholders) stays as the operator wrote
 * it. {@link LocatedJsonReader} keeps lines and columns for messages; this keeps offsets for edits.
 */
final class JsonSpans {
  // The loader's own dialect: strict JSON, so the two readers agree on what a file is.
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private JsonSpans() {}

  /** A value's text is {@code text.substring(start, end)}. */
  sealed interface Span permits Obj, Other {
    int start();

    int end();
  }

  /**
   * An object: {@code start} is its {@code '{'}, {@code end} is just after its {@code '}'}; members
   * in file order.
   */
  record Obj(int start, int end, List<Member> members) implements Span {
    Obj {
      members = List.copyOf(members);
    }

    /** The member named {@code key}, or null. */
    Member member(String key) {
      for (Member m : members) {
        if (m.key().equals(key)) {
          return m;
        }
      }
      return null;
    }

    int indexOf(Member member) {
      return members.indexOf(member);
    }
  }

  /** Anything else: a string, number, literal or array, edited only as a whole. */
  record Other(int start, int end) implements Span {}

  /** {@code "key": value}; {@code keyStart} is the offset of the key's opening quote. */
  record Member(String key, int keyStart, Span value) {}

  /**
   * The spans of {@code text}, whose top-level value must be an object.
   *
   * @throws IllegalArgumentException if the text is not one well-formed JSON object
   */
  static Obj read(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("the top-level value is not a JSON object");
      }
      return (Obj) new Reader(parser, text).value(first);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not well-formed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
  }

  private record Reader(JsonParser parser, String text) {
    Span value(JsonToken token) throws IOException {
      int start = offset(parser.currentTokenLocation().getCharOffset());
      return switch (token) {
        case START_OBJECT -> object(start);
        case START_ARRAY -> {
          parser.skipChildren();
          yield checked(new Other(start, end()), '[', ']');
        }
        case VALUE_STRING -> {
          // Jackson reads a string's content lazily; reading it moves the location past its end.
          parser.getText();
          yield checked(new Other(start, end()), '"', '"');
        }
        default -> new Other(start, end());
      };
    }

    private Obj object(int start) throws IOException {
      List<Member> members = new ArrayList<>();
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_OBJECT;
          token = parser.nextToken()) {
        String key = parser.currentName();
        int keyStart = offset(parser.currentTokenLocation().getCharOffset());
        if (text.charAt(keyStart) != '"') {
          throw new IllegalStateException("key " + key + " does not start at " + keyStart);
        }
        members.add(new Member(key, keyStart, value(parser.nextToken())));
      }
      return checked(new Obj(start, end(), members), '{', '}');
    }

    private int end() {
      return offset(parser.currentLocation().getCharOffset());
    }

    /**
     * A span that does not begin and end with the expected characters means the offsets are wrong
     * (a Jackson change); failing here is better than splicing an edit into the wrong place.
     */
    private <S extends Span> S checked(S span, char first, char last) {
      if (text.charAt(span.start()) != first || text.charAt(span.end() - 1) != last) {
        throw new IllegalStateException(
            "value span " + span.start() + ".." + span.end() + " does not match the text");
      }
      return span;
    }

    private static int offset(long charOffset) {
      if (charOffset < 0) {
        throw new IllegalStateException("the parser gave no character offset");
      }
      return Math.toIntExact(charOffset);
    }
  }
}
