package org.authhost.host.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The host's own short answers: a status, a line of text, and the headers that go with them. */
final class Responses {
  private Responses() {}

  static FullHttpResponse text(HttpResponseStatus status, String text, boolean keepAlive) {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    // Canonical capitalisation: older media players match header names case-sensitively.
    response
        .headers()
        .set("Content-Type", "text/plain; charset=utf-8")
        .set("Content-Length", body.length)
        .set("Cache-Control", "no-store")
        .set("Connection", keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    return response;
  }

  /** 401 with one {@code WWW-Authenticate} field per challenge, in offer order. */
  static FullHttpResponse unauthorized(List<String> challenges, String text, boolean keepAlive) {
    FullHttpResponse response = text(HttpResponseStatus.UNAUTHORIZED, text, keepAlive);
    for (String challenge : challenges) {
      response.headers().add("WWW-Authenticate", challenge);
    }
    return response;
  }
}
