package org.authhost.host.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.authhost.host.access.IpRules;
import org.authhost.host.http.content.ShortAnswer;

/**
 * Answers the metrics listener's requests: {@code GET /metrics} (and {@code HEAD}) from an allowed
 * address, with the bearer token when one is configured, gets the host's registry in the Prometheus
 * text format, or in OpenMetrics when the scraper's {@code Accept} asks for it. In that order: an
 * address not allowed is 403 whatever it asks (it learns nothing more), a missing or wrong token is
 * 401, any other path 404 and any other method 405.
 */
@ChannelHandler.Sharable
final class MetricsRequests extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String PATH = "/metrics";

  private final HostMetrics metrics;
  private final IpRules allowed;

  /** The token as bytes, or null for none. */
  private final byte[] token;

  private final ExpositionFormatWriter text = PrometheusTextFormatWriter.create();
  private final ExpositionFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();

  /**
   * @param allowed who besides loopback may scrape, or null for nobody
   * @param token the bearer token a scrape must carry, or null
   */
  MetricsRequests(HostMetrics metrics, IpRules allowed, String token) {
    this.metrics = metrics;
    this.allowed = allowed;
    this.token = token == null ? null : token.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
    if (!allowed(ctx.channel().remoteAddress())) {
      // Nothing more to say to it: the connection ends with the answer.
      answer(
          ctx,
          refusal(HttpResponseStatus.FORBIDDEN, "this address may not read the metrics"),
          false);
      return;
    }
    if (!request.decoderResult().isSuccess()) {
      answer(ctx, refusal(HttpResponseStatus.BAD_REQUEST, "malformed request"), false);
      return;
    }
    if (token != null && !carriesToken(request)) {
      FullHttpResponse unauthorized =
          refusal(HttpResponseStatus.UNAUTHORIZED, "a bearer token is required");
      unauthorized.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"metrics\"");
      answer(ctx, unauthorized, keepAlive);
      return;
    }
    String target = request.uri();
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    if (!PATH.equals(path)) {
      answer(
          ctx,
          refusal(HttpResponseStatus.NOT_FOUND, "not found; the metrics are at " + PATH),
          keepAlive);
      return;
    }
    boolean head = HttpMethod.HEAD.equals(request.method());
    if (!head && !HttpMethod.GET.equals(request.method())) {
      FullHttpResponse notAllowed =
          refusal(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD");
      notAllowed.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      answer(ctx, notAllowed, keepAlive);
      return;
    }
    answer(ctx, scrape(ctx, request.headers().get(HttpHeaderNames.ACCEPT), head), keepAlive);
  }

  /**
   * Whether the peer may scrape: loopback always; another address only when {@code metrics.allow}
   * lists it. An empty list allows nobody else (IpRules alone would allow all).
   */
  boolean allowed(SocketAddress peer) {
    if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return false;
    }
    InetAddress address = inet.getAddress();
    return address.isLoopbackAddress() || (allowed != null && allowed.allows(address));
  }

  /**
   * {@code Bearer TOKEN} (the scheme in any case, RFC 9110), the token compared in constant time:
   * how long a wrong guess takes says nothing of the token.
   */
  private boolean carriesToken(FullHttpRequest request) {
    String given = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (given == null || !given.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(
        token, given.substring(7).strip().getBytes(StandardCharsets.US_ASCII));
  }

  private FullHttpResponse scrape(ChannelHandlerContext ctx, String accept, boolean head) {
    ExpositionFormatWriter writer =
        accept != null && openMetrics.accepts(accept) ? openMetrics : text;
    ByteBuf body = ctx.alloc().buffer(16 * 1024);
    try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
      writer.write(out, metrics.scrape());
    } catch (IOException | RuntimeException e) {
      body.release();
      return refusal(HttpResponseStatus.INTERNAL_SERVER_ERROR, "the metrics could not be written");
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType())
        .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (head) {
      body.clear();
    }
    return response;
  }

  private static FullHttpResponse refusal(HttpResponseStatus status, String text) {
    return ShortAnswer.of(status, text, true);
  }

  private static void answer(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    HttpUtil.setKeepAlive(response, keepAlive);
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
