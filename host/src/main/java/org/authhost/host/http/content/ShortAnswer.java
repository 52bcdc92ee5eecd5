package org.authhost.host.http.content;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The one builder of the host's short text answers (refusals of the front, the file responder's 4xx
 * and the proxy's 502/504), so that they all carry the same headers: a line of text, its length,
 * {@code Cache-Control: no-store} (a refusal is about this request, not the resource) and {@code
 * Connection}.
 */
public final class ShortAnswer {
  private ShortAnswer() {}

  /**
   * A complete answer with {@code text} and a newline as its body.
   *
   * @param keepAlive whether the connection stays open after it: {@code Connection: keep-alive}
   *     (which an HTTP/1.0 client needs to hear) or {@code close}
   */
  public static FullHttpResponse of(HttpResponseStatus status, String text, boolean keepAlive) {
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
}
