package org.authhost.host.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.authhost.host.config.HttpConfig;

/**
 * The request itself: one the decoder could not read (400; with {@link RequestCodec}, also a header
 * continued by obs-fold), or that is too long (414, 431), that has more header fields than the
 * limit, a version other than HTTP/1.x (505), an HTTP/1.1 request without {@code Host} or with more
 * than one, both {@code Content-Length} and {@code Transfer-Encoding} (the framing two servers on
 * the way could read differently: request smuggling, RFC 9112 §6.1), or more than one {@code
 * Authorization}. Each is audited and ends the connection.
 */
@ChannelHandler.Sharable
final class RequestLimits extends SimpleChannelInboundHandler<Exchange> {
  private final HttpConfig limits;
  private final HttpAnswers answers;

  RequestLimits(HttpConfig limits, HttpAnswers answers) {
    super(false); // an Exchange holds no buffer to release
    this.limits = limits;
    this.answers = answers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Exchange exchange) {
    Refusal refusal = check(exchange.request());
    if (refusal != null) {
      answers.refuse(exchange, refusal);
      return;
    }
    ctx.fireChannelRead(exchange);
  }

  private Refusal check(HttpRequest request) {
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      Throwable cause = decoded.cause();
      Refusal.Kind kind =
          !(cause instanceof TooLongFrameException)
              ? Refusal.Kind.BAD_REQUEST
              : cause.getMessage() != null && cause.getMessage().contains("header")
                  ? Refusal.Kind.HEADERS_TOO_LARGE
                  : Refusal.Kind.URI_TOO_LONG;
      return malformed(kind, "malformed request: " + cause.getMessage());
    }
    int fields = request.headers().size();
    if (fields > limits.maxHeaders()) {
      return malformed(
          Refusal.Kind.HEADERS_TOO_LARGE,
          fields + " header fields, more than the limit of " + limits.maxHeaders());
    }
    HttpVersion version = request.protocolVersion();
    if (!version.protocolName().equals("HTTP") || version.majorVersion() != 1) {
      // A higher minor version of 1 is read as 1.1 (RFC 9110 §2.5); another major is not HTTP/1.
      return malformed(
          Refusal.Kind.VERSION_NOT_SUPPORTED, "version " + version.text() + " is not supported");
    }
    int hosts = request.headers().getAll(HttpHeaderNames.HOST).size();
    if (request.protocolVersion().equals(HttpVersion.HTTP_1_1) && hosts == 0) {
      return malformed(Refusal.Kind.BAD_REQUEST, "HTTP/1.1 request without Host");
    }
    if (hosts > 1) {
      return malformed(Refusal.Kind.BAD_REQUEST, "more than one Host header");
    }
    if (request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
        && request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      return malformed(
          Refusal.Kind.BAD_REQUEST,
          "both Content-Length and Transfer-Encoding (RFC 9112 §6.1; request smuggling)");
    }
    if (request.headers().getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
      return malformed(Refusal.Kind.BAD_REQUEST, "more than one Authorization header");
    }
    return null;
  }

  /** The answer's text is the status's reason phrase, as it always was for these. */
  private static Refusal malformed(Refusal.Kind kind, String reason) {
    return Refusal.malformed(kind, HttpResponseStatus.valueOf(kind.code).reasonPhrase(), reason);
  }
}
