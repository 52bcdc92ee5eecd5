package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import java.util.Locale;
import org.authhost.api.HResult;
import org.authhost.host.access.IpRules;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.access.PublishingPoints;
import org.authhost.host.authn.Refusal;
import org.authhost.host.http.RequestTarget;

/**
 * The request URL's path in its one canonical form (400 otherwise, as for HTTP), the RTSP
 * publishing point of the longest matching prefix (404 when none; {@code rtsp://h/cam} names the
 * point {@code /cam/}), one point per connection (its origin connection is that point's), and the
 * server's and the point's address lists (403, audited). {@code OPTIONS *} is answered here.
 */
final class RtspRouting extends SimpleChannelInboundHandler<RtspExchange> {
  private static final String PUBLIC = String.join(", ", RtspRequestCheck.METHODS);

  private final PublishingPoints points;
  private final IpRules serverRules;
  private final RtspAnswers answers;
  private PublishingPoint connectionPoint;

  RtspRouting(PublishingPoints points, IpRules serverRules, RtspAnswers answers) {
    super(false);
    this.points = points;
    this.serverRules = serverRules;
    this.answers = answers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, RtspExchange exchange) {
    boolean handedOn = false;
    try {
      handedOn = route(ctx, exchange);
    } finally {
      if (!handedOn) {
        exchange.request.release();
      }
    }
  }

  private boolean route(ChannelHandlerContext ctx, RtspExchange exchange) {
    String target = exchange.request.uri();
    if (!serverRules.allows(exchange.connection.client.inet())) {
      answers.refuse(
          ctx.channel(),
          exchange,
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "client address "
                      + exchange.connection.client.address()
                      + " is not allowed by the server's address lists"));
      return false;
    }
    if (target.equals("*") && exchange.method.equals("OPTIONS")) {
      // As bytes, as every answer of the front's: no RTSP encoder in the pipeline to take more.
      // Checked as every CSeq an answer of the front's echoes, whoever read the request.
      String cseq = RtspAnswers.valid(exchange.cseq);
      ByteBuf ok = ctx.alloc().buffer(64 + PUBLIC.length());
      HeadLines.status(ok, RtspResponseStatuses.OK);
      HeadLines.header(ok, RtspHeaderNames.CSEQ, cseq);
      HeadLines.header(ok, RtspHeaderNames.PUBLIC, PUBLIC);
      HeadLines.header(ok, RtspHeaderNames.CONTENT_LENGTH, "0");
      HeadLines.end(ok);
      ctx.writeAndFlush(new EncodedAnswer(ok, 200));
      return false;
    }
    String path = RequestTarget.canonical(rawPath(target));
    if (path == null) {
      answers.refuse(
          ctx.channel(),
          exchange,
          Refusal.malformed(
                  Refusal.Kind.BAD_REQUEST,
                  "malformed request URL",
                  "RTSP request URL is malformed or its path not canonical")
              .withClose(false));
      return false;
    }
    PublishingPoint point = points.matchRtsp(path).orElse(null);
    String rest;
    if (point == null) {
      point = points.matchRtsp(path + "/").orElse(null);
      rest = "";
    } else {
      rest = path.substring(point.prefix().length());
    }
    if (point == null) {
      answers.refuse(ctx.channel(), exchange, Refusal.notFound("no publishing point here"));
      return false;
    }
    if (connectionPoint != null && connectionPoint != point) {
      answers.refuse(
          ctx.channel(),
          exchange,
          Refusal.malformed(
                  Refusal.Kind.BAD_REQUEST,
                  "one publishing point per connection",
                  "RTSP request for publishing point "
                      + point.name()
                      + " on a connection opened for "
                      + connectionPoint.name())
              .withClose(false));
      return false;
    }
    exchange.routed(point, rest);
    if (!point.ipRules().allows(exchange.connection.client.inet())) {
      answers.refuse(
          ctx.channel(),
          exchange,
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "client address "
                      + exchange.connection.client.address()
                      + " is not allowed by publishing point "
                      + point.name()));
      return false;
    }
    if (connectionPoint == null) {
      connectionPoint = point;
      ctx.fireUserEventTriggered(new RtspRelay.PointChosen(point, target));
    }
    ctx.fireChannelRead(exchange);
    return true;
  }

  /**
   * The raw path of an absolute {@code rtsp://} or {@code rtsps://} URL or of a path, without its
   * query; null for anything else.
   */
  static String rawPath(String target) {
    String t = target;
    if (!t.startsWith("/")) {
      String lower = t.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("rtsp://") && !lower.startsWith("rtsps://")) {
        return null;
      }
      int slash = t.indexOf('/', t.indexOf("://") + 3);
      t = slash < 0 ? "/" : t.substring(slash);
    }
    int q = t.indexOf('?');
    return q < 0 ? t : t.substring(0, q);
  }
}
