package org.authhost.host.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * Adds headers to the next response written through it, then leaves the pipeline: how the final
 * word of an authentication ({@code Authentication-Info}, a mutual-authentication token) reaches a
 * response that the file responder or the proxy builds, and, for one user's answer to a request
 * that did not say so itself, that no shared cache may keep it ({@link PersonalAnswers}).
 */
final class ResponseHeaders extends ChannelOutboundHandlerAdapter {
  static final String NAME = "auth-response-headers";

  private final List<Map.Entry<String, String>> headers;
  private final boolean sayPrivate;

  ResponseHeaders(List<Map.Entry<String, String>> headers, boolean sayPrivate) {
    this.headers = headers;
    this.sayPrivate = sayPrivate;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof HttpResponse response) {
      headers.forEach(h -> response.headers().add(h.getKey(), h.getValue()));
      if (sayPrivate) {
        response
            .headers()
            .set(
                HttpHeaderNames.CACHE_CONTROL,
                PersonalAnswers.privateForm(
                    String.join(", ", response.headers().getAll(HttpHeaderNames.CACHE_CONTROL))));
      }
      ctx.pipeline().remove(this);
    }
    ctx.write(msg, promise);
  }
}
