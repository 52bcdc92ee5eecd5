package org.authhost.host.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Set;

/**
 * The whole body of a call to a streaming-server endpoint whose payload is in it (nginx-rtmp,
 * MediaMTX, SRS), before the request goes on: one {@link FullHttpRequest}, at most {@link
 * #MAX_BODY} bytes. A longer body becomes a {@link Oversized} request with no content, and the rest
 * is dropped as it arrives (the refusal closes the connection). Every other request passes
 * untouched, headers and framing included, so that {@link RequestLimits} judges it as before.
 *
 * <p>Not Netty's {@code HttpObjectAggregator}: that one rewrites the framing headers it aggregates
 * (a chunked request loses its {@code Transfer-Encoding}), which would hide a smuggling attempt
 * from {@link RequestLimits}, and answers an oversized request itself.
 */
final class RequestCallBodies extends ChannelInboundHandlerAdapter {
  /** The largest body read: a call is a few hundred bytes. */
  static final int MAX_BODY = 16 * 1024;

  private final Set<String> paths;
  private HttpRequest head;
  private CompositeByteBuf body;
  private boolean dropping;

  RequestCallBodies(Set<String> paths) {
    this.paths = paths;
  }

  /** A call whose body was longer than {@link #MAX_BODY}: its head, no content. */
  static final class Oversized extends DefaultFullHttpRequest {
    Oversized(HttpRequest head) {
      super(
          head.protocolVersion(),
          head.method(),
          head.uri(),
          Unpooled.EMPTY_BUFFER,
          head.headers(),
          new DefaultHttpHeaders(false));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (dropping) {
      if (msg instanceof LastHttpContent) {
        dropping = false;
      }
      ReferenceCountUtil.release(msg);
      return;
    }
    if (head == null) {
      if (msg instanceof HttpRequest request
          && !(msg instanceof FullHttpRequest)
          && request.decoderResult().isSuccess()
          && paths.contains(String.valueOf(RequestTarget.path(request.uri())))) {
        head = request;
        body = ctx.alloc().compositeBuffer();
        if (msg instanceof HttpContent content) {
          add(ctx, content);
        }
        return;
      }
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof HttpContent content) {
      add(ctx, content);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private void add(ChannelHandlerContext ctx, HttpContent content) {
    try {
      if (content.decoderResult().isFailure()) {
        FullHttpRequest failed = full(Unpooled.EMPTY_BUFFER);
        failed.setDecoderResult(content.decoderResult());
        release();
        ctx.fireChannelRead(failed);
        return;
      }
      ByteBuf data = content.content();
      if (body.readableBytes() + data.readableBytes() > MAX_BODY) {
        Oversized oversized = new Oversized(head);
        release();
        dropping = !(content instanceof LastHttpContent);
        ctx.fireChannelRead(oversized);
        return;
      }
      body.addComponent(true, data.retain());
      if (content instanceof LastHttpContent) {
        FullHttpRequest whole = full(body);
        body = null;
        head = null;
        ctx.fireChannelRead(whole);
      }
    } finally {
      content.release();
    }
  }

  private FullHttpRequest full(ByteBuf content) {
    return new DefaultFullHttpRequest(
        head.protocolVersion(),
        head.method(),
        head.uri(),
        content,
        head.headers(),
        new DefaultHttpHeaders(false));
  }

  private void release() {
    if (body != null) {
      body.release();
    }
    body = null;
    head = null;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release();
    super.channelInactive(ctx);
  }
}
