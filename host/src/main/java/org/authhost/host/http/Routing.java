package org.authhost.host.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import org.authhost.api.HResult;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.access.PublishingPoints;
import org.authhost.host.authn.Refusal;
import org.authhost.host.http.content.ShortAnswer;

/**
 * The request path, decoded once into its canonical form (anything two points could read
 * differently is refused with 400), and the publishing point of the longest matching prefix: 404
 * when none, 301 to the prefix when only its trailing slash is missing.
 */
@ChannelHandler.Sharable
final class Routing extends SimpleChannelInboundHandler<Exchange> {
  private static final Refusal NOT_CANONICAL =
      new Refusal(
          Refusal.Kind.BAD_REQUEST,
          "malformed request path",
          List.of(),
          0,
          false,
          HResult.E_INVALIDARG,
          "request path is malformed or not canonical "
              + "(bad escapes, encoded '/', '//', '.' or '..' segments, control characters)");

  private static final Refusal NO_POINT = Refusal.notFound("no publishing point here");

  private final PublishingPoints points;
  private final HttpAnswers answers;

  Routing(PublishingPoints points, HttpAnswers answers) {
    super(false); // an Exchange holds no buffer to release
    this.points = points;
    this.answers = answers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Exchange exchange) {
    String path = RequestTarget.canonical(RequestTarget.path(exchange.request().uri()));
    if (path == null) {
      answers.refuse(exchange, NOT_CANONICAL);
      return;
    }
    PublishingPoint point = points.match(path).orElse(null);
    if (point == null) {
      var withSlash = points.matchWithoutSlash(path);
      if (withSlash.isPresent()) {
        String prefix = withSlash.get().prefix();
        FullHttpResponse moved =
            ShortAnswer.of(
                HttpResponseStatus.MOVED_PERMANENTLY, "see " + prefix, exchange.keepAlive());
        moved.headers().set("Location", prefix);
        exchange.answer(moved);
        return;
      }
      answers.refuse(exchange, NO_POINT);
      return;
    }
    exchange.routed(path, point);
    ctx.fireChannelRead(exchange);
  }
}
