package org.authhost.host.http.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** The file answer's headers skip the name check only for the responder's own constants. */
class FileAnswerHeadersTest {
  @Test
  void aNameFromElsewhereIsStillChecked() {
    HttpHeaders h = FileAnswerHeaders.FACTORY.newHeaders();
    // A plug-in's header reaches the answer by name: a name that is no token is refused as before.
    assertThrows(IllegalArgumentException.class, () -> h.add("Authentication Info", "x"));
    assertThrows(IllegalArgumentException.class, () -> h.add("X-Bad\r\nSet-Cookie", "x"));
    // Equal text to a constant, but not the constant: checked, and accepted as a token.
    h.add(new String("Content-Type".toCharArray()), "text/plain");
    h.set(HttpHeaderNames.ETAG, "\"1\"");
    h.set(FileAnswerHeaders.NOSNIFF_NAME, FileAnswerHeaders.NOSNIFF);
    assertEquals("text/plain", h.get(HttpHeaderNames.CONTENT_TYPE));
    assertEquals("nosniff", h.get("x-content-type-options"));
  }

  @Test
  void valuesAreAlwaysChecked() {
    HttpHeaders h = FileAnswerHeaders.FACTORY.newHeaders();
    assertThrows(
        IllegalArgumentException.class,
        () -> h.set(HttpHeaderNames.ETAG, "\"1\"\r\nSet-Cookie: a=b"));
  }
}
