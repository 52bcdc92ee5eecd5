package org.authhost.host.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Map;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.Request;
import org.authhost.host.config.HttpConfig;

/**
 * The request itself: one the decoder could not read (400; with {@link RequestCodec}, also a header
 * continued by obs-fold), or that is too long (414, 431), that has more header fields than the
 * limit, a version other than HTTP/1.x (505), an HTTP/1.1 (or 1.x, x ≥ 1) request without {@code
 * Host}, more than one Host or one with a comma, both {@code Content-Length} and {@code
 * Transfer-Encoding}, or a {@code Transfer-Encoding} other than a single {@code chunked} on
 * HTTP/1.1 (the framing two servers on the way could read differently: request smuggling, RFC 9112
 * §6.1), or more than one {@code Authorization}. Each is audited and ends the connection. At a
 * streaming server's endpoint the refusal is answered in that server's terms ({@link
 * CallerAnswers}): nginx makes a 400 of its subrequest a 500 for its client.
 */
@ChannelHandler.Sharable
final class RequestLimits extends SimpleChannelInboundHandler<Exchange> {
  private final HttpConfig limits;
  private final HttpAnswers answers;
  private final Map<String, CallerAnswers.Dialect> callPaths;

  RequestLimits(
      HttpConfig limits, HttpAnswers answers, Map<String, CallerAnswers.Dialect> callPaths) {
    super(false); // an Exchange holds no buffer to release
    this.limits = limits;
    this.answers = answers;
    this.callPaths = callPaths;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Exchange exchange) {
    Refusal refusal = check(exchange.request());
    if (refusal != null) {
      HttpRequest request = exchange.request();
      String path = callPaths.isEmpty() ? null : RequestTarget.path(request.uri());
      CallerAnswers.Dialect dialect = path == null ? null : callPaths.get(path);
      if (dialect == null) {
        answers.refuse(exchange, refusal);
        return;
      }
      String caller = exchange.connection().direct.address();
      // As StreamServerCalls audits a call: never its URI, whose query may hold a password.
      answers.answerCall(
          exchange,
          dialect,
          new Request(caller, request.method().name(), path, null, dialect.contract + "@" + caller),
          refusal,
          null,
          true);
      return;
    }
    ctx.fireChannelRead(exchange);
  }

  private Refusal check(HttpRequest request) {
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      Throwable cause = decoded.cause();
      Refusal.Kind tooLong = HeadLimits.tooLong(cause);
      if (tooLong != null) {
        return malformed(tooLong, "malformed request: " + withoutClientText(cause.getMessage()));
      }
      // Netty 4.2 refuses some framing attacks itself (Content-Length beside Transfer-Encoding)
      // once the header block is read: the audit still names the rule, not Netty's wording.
      Refusal framing = framingProblem(request);
      return framing != null
          ? framing
          : malformed(
              Refusal.Kind.BAD_REQUEST,
              "malformed request: " + withoutClientText(cause.getMessage()));
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
    // A higher minor version of 1 is 1.1 to this server (RFC 9110 §2.5): its rules apply.
    boolean http11 = version.minorVersion() >= 1;
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (http11 && hosts.isEmpty()) {
      return malformed(Refusal.Kind.BAD_REQUEST, "HTTP/1.1 request without Host");
    }
    if (hosts.size() > 1) {
      return malformed(Refusal.Kind.BAD_REQUEST, "more than one Host header");
    }
    if (!hosts.isEmpty() && hosts.get(0).indexOf(',') >= 0) {
      // Not a valid uri-host: two values joined, which two servers on the way could each read
      // as a different one (RFC 9110 §7.2).
      return malformed(Refusal.Kind.BAD_REQUEST, "a Host header with more than one value");
    }
    Refusal framing = framingProblem(request);
    if (framing != null) {
      return framing;
    }
    if (request.headers().getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
      return malformed(Refusal.Kind.BAD_REQUEST, "more than one Authorization header");
    }
    return null;
  }

  /** How the request's body framing could be read two ways, or null. */
  private Refusal framingProblem(HttpRequest request) {
    List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (request.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && !codings.isEmpty()) {
      return malformed(
          Refusal.Kind.BAD_REQUEST,
          "both Content-Length and Transfer-Encoding (RFC 9112 §6.1; request smuggling)");
    }
    if (!codings.isEmpty()) {
      String problem =
          transferEncodingProblem(request.protocolVersion().minorVersion() >= 1, codings);
      if (problem != null) {
        return malformed(Refusal.Kind.BAD_REQUEST, problem);
      }
    }
    return null;
  }

  /**
   * Why a request's {@code Transfer-Encoding} cannot be framed safely, or null. Only one coding is
   * read: exactly {@code chunked}, on HTTP/1.1. Anything else would be framed by guesswork, and a
   * server on the way that guesses differently reads another request out of the body (RFC 9112
   * §6.1: a request whose final coding is not chunked, or an HTTP/1.0 request with a
   * Transfer-Encoding, is refused and the connection closed).
   */
  private static String transferEncodingProblem(boolean http11, List<String> codings) {
    if (!http11) {
      return "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1; request smuggling)";
    }
    if (codings.size() != 1 || !codings.get(0).strip().equalsIgnoreCase("chunked")) {
      String shown = String.join(", ", codings).replaceAll("\\p{Cntrl}", "?");
      return "Transfer-Encoding '"
          + (shown.length() > 64 ? shown.substring(0, 64) + "..." : shown)
          + "': only a single 'chunked' is accepted (RFC 9112 §6.1; request smuggling)";
    }
    return null;
  }

  /**
   * The decoder's complaint without the text it quotes after a colon ({@code invalid version
   * format: ...}): a space in a URL's password splits the request line, and the rest of the
   * password would land in the audit.
   */
  private static String withoutClientText(String message) {
    if (message == null) {
      return "unreadable";
    }
    if (message.equals(RequestCodec.OBS_FOLD)) {
      return message; // the codec's own words, no client text
    }
    int colon = message.indexOf(':');
    return colon < 0 ? message : message.substring(0, colon) + " (not quoted)";
  }

  /** The answer's text is the status's reason phrase, as it always was for these. */
  private static Refusal malformed(Refusal.Kind kind, String reason) {
    return Refusal.malformed(kind, HttpResponseStatus.valueOf(kind.code).reasonPhrase(), reason);
  }
}
