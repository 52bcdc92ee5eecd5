package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Text the relay sends to the origin, with every URL credential (a signed URL's {@code ah_}
 * parameters, a bearer token in the query) taken out wherever a URL stands in it: a header value
 * that holds several URLs ({@code RTP-Info}), an ANNOUNCE's SDP ({@code a=control:}, {@code u=}), a
 * SET_PARAMETER body. The client's credential is for AuthHost; the origin never sees it.
 */
final class ForwardedText {
  private final UnaryOperator<String> withoutCredentials;

  /**
   * @param withoutCredentials one URL without its credential parameters ({@code
   *     UrlCredentials.withoutCredentials})
   */
  ForwardedText(UnaryOperator<String> withoutCredentials) {
    this.withoutCredentials = withoutCredentials;
  }

  /** One URL (a request target) without its credential parameters. */
  String url(String url) {
    return withoutCredentials.apply(url);
  }

  /**
   * {@code text} with each of its words that holds a query (split at white space, quotes, angle
   * brackets and commas) without its credential parameters; the same instance when none had any.
   */
  String text(String text) {
    if (text.indexOf('?') < 0) {
      return text;
    }
    StringBuilder out = null;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i < text.length() && !isBreak(text.charAt(i))) {
        continue;
      }
      if (i > start) {
        String word = text.substring(start, i);
        String kept = word.indexOf('?') < 0 ? word : withoutCredentials.apply(word);
        if (!kept.equals(word) && out == null) {
          out = new StringBuilder(text.length()).append(text, 0, start);
        }
        if (out != null) {
          out.append(kept);
        }
      }
      if (out != null && i < text.length()) {
        out.append(text.charAt(i));
      }
      start = i + 1;
    }
    return out == null ? text : out.toString();
  }

  /**
   * A body to forward: {@code body} itself when it holds no credential (every binary body, which is
   * kept byte for byte), else a new buffer (and {@code body} is released).
   */
  ByteBuf body(ByteBuf body) {
    if (body.indexOf(body.readerIndex(), body.writerIndex(), (byte) '?') < 0) {
      return body;
    }
    // ISO-8859-1 maps each byte to one char and back: nothing outside the URLs changes.
    String text = body.toString(StandardCharsets.ISO_8859_1);
    String kept = text(text);
    if (kept == text) {
      return body;
    }
    body.release();
    return Unpooled.copiedBuffer(kept, StandardCharsets.ISO_8859_1);
  }

  private static boolean isBreak(char c) {
    return c <= ' ' || c == '"' || c == '<' || c == '>' || c == ',' || c == '\'';
  }
}
