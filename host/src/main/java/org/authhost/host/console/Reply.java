package org.authhost.host.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One answer of the console: a status, a content type and a body, with the console's headers. */
record Reply(int status, String contentType, byte[] body) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Reply json(int status, Object body) {
    try {
      return new Reply(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a console answer could not be written as JSON", e);
    }
  }

  static Reply ok(Object body) {
    return json(200, body);
  }

  /** An error as the pages show it: {@code {"error": text}}. */
  static Reply error(int status, String text) {
    return json(status, Map.of("error", text));
  }

  static Reply text(int status, String text) {
    return new Reply(
        status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  FullHttpResponse response(boolean keepAlive) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    r.headers()
        .set("Content-Type", contentType)
        .set("Content-Length", body.length)
        .set("Connection", keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    return r;
  }

  /**
   * What every console answer carries: nothing cached (pages show live state and secrets of the
   * session), nothing framed (no clickjacking of the buttons), no script or style from elsewhere.
   */
  static void secure(FullHttpResponse r) {
    r.headers()
        .set("Cache-Control", "no-store")
        .set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "no-referrer")
        .set(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'");
  }
}
