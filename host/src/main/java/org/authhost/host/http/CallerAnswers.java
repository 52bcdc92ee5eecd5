package org.authhost.host.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.authhost.api.HResult;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.Verdict;

/**
 * Verdicts as each streaming server understands them, for {@link HttpAnswers} alone: the statuses
 * are written here and nowhere else.
 *
 * <table>
 *   <caption>Answers per caller</caption>
 *   <tr><th>verdict</th><th>nginx auth_request</th><th>nginx-rtmp</th><th>MediaMTX</th>
 *       <th>SRS</th></tr>
 *   <tr><td>serve</td><td>200, the identity header</td><td>200</td><td>200</td>
 *       <td>200, body {@code 0}</td></tr>
 *   <tr><td>log on</td><td>401 with the challenges (nginx passes them on)</td><td>403</td>
 *       <td>401 (MediaMTX prompts the client)</td><td>403</td></tr>
 *   <tr><td>locked out, busy, unavailable</td><td>403, {@code Retry-After}, {@code
 *       X-AuthHost-Reason}</td><td>403</td><td>403</td><td>403</td></tr>
 *   <tr><td>malformed call</td><td>403, {@code X-AuthHost-Reason: bad-request}</td><td>403</td>
 *       <td>400 (413: too long)</td><td>403</td></tr>
 *   <tr><td>anything else</td><td>403</td><td>403</td><td>403</td><td>403, body {@code
 *       {"code":403}}</td></tr>
 * </table>
 *
 * <p>nginx turns any status of the subrequest but 2xx, 401 and 403 into a 500 for its client, so
 * nothing else is ever answered there; nginx-rtmp reads only the status's first digit; SRS allows
 * only 200 with the body {@code 0} (or {@code {"code":0}}).
 */
final class CallerAnswers {
  /** The response header that tells the documented nginx configuration why it was refused. */
  static final String REASON = "X-AuthHost-Reason";

  private CallerAnswers() {}

  /** The contracts, as the audit names them. */
  enum Dialect {
    NGINX_AUTH_REQUEST("nginx auth_request", "auth_request"),
    NGINX_RTMP("nginx-rtmp", "nginx_rtmp"),
    MEDIAMTX("MediaMTX", "mediamtx"),
    SRS("SRS", "srs");

    final String contract;

    /** The front its calls are counted under in {@code /metrics}. */
    final String front;

    Dialect(String contract, String front) {
      this.contract = contract;
      this.front = front;
    }
  }

  /** Allowed; {@code identityHeader} names {@code account} for auth_request (when both are set). */
  static FullHttpResponse allowed(
      Dialect dialect, Verdict.Serve serve, String identityHeader, boolean keepAlive) {
    FullHttpResponse response =
        switch (dialect) {
          case SRS -> answer(HttpResponseStatus.OK, "0", "application/json", keepAlive);
          default -> answer(HttpResponseStatus.OK, "", null, keepAlive);
        };
    if (dialect == Dialect.NGINX_AUTH_REQUEST && serve != null) {
      if (identityHeader != null && serve.account() != null) {
        response.headers().set(identityHeader, headerSafe(serve.account()));
      }
      for (Map.Entry<String, String> h : serve.headers()) {
        response.headers().add(h.getKey(), h.getValue());
      }
    }
    return response;
  }

  /** Refused, in the caller's terms. */
  static FullHttpResponse refused(Dialect dialect, Refusal refusal, boolean keepAlive) {
    return switch (dialect) {
      case NGINX_AUTH_REQUEST -> authRequest(refusal, keepAlive);
      case NGINX_RTMP -> answer(HttpResponseStatus.FORBIDDEN, refusal.text(), null, keepAlive);
      case MEDIAMTX -> {
        HttpResponseStatus status =
            switch (refusal.kind()) {
              case LOG_ON -> HttpResponseStatus.UNAUTHORIZED;
              case BAD_REQUEST -> HttpResponseStatus.BAD_REQUEST;
              case PAYLOAD_TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
              default -> HttpResponseStatus.FORBIDDEN;
            };
        yield answer(status, refusal.text(), null, keepAlive);
      }
      case SRS ->
          answer(
              HttpResponseStatus.FORBIDDEN,
              "{\"code\":403,\"reason\":\"" + jsonSafe(refusal.text()) + "\"}",
              "application/json",
              keepAlive);
    };
  }

  private static FullHttpResponse authRequest(Refusal refusal, boolean keepAlive) {
    if (refusal.kind() == Refusal.Kind.LOG_ON && !refusal.challenges().isEmpty()) {
      FullHttpResponse response =
          answer(HttpResponseStatus.UNAUTHORIZED, refusal.text(), null, keepAlive);
      for (String challenge : refusal.challenges()) {
        response.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
      }
      return response;
    }
    FullHttpResponse response =
        answer(HttpResponseStatus.FORBIDDEN, refusal.text(), null, keepAlive);
    String reason =
        switch (refusal.kind()) {
          case TOO_MANY -> "locked-out";
          case UNAVAILABLE ->
              HResult.NS_E_NO_NEW_CONNECTIONS.equals(refusal.why()) ? "busy" : "unavailable";
          case BAD_REQUEST,
              PAYLOAD_TOO_LARGE,
              URI_TOO_LONG,
              HEADERS_TOO_LARGE,
              VERSION_NOT_SUPPORTED ->
              "bad-request";
          case LOG_ON -> "unavailable"; // a logon with no plug-in able to challenge
          default -> "forbidden";
        };
    response.headers().set(REASON, reason);
    if (refusal.retryAfterSeconds() > 0) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, refusal.retryAfterSeconds());
    }
    return response;
  }

  private static FullHttpResponse answer(
      HttpResponseStatus status, String body, String type, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.copiedBuffer(body.isEmpty() ? "" : body, StandardCharsets.UTF_8));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type == null ? "text/plain; charset=utf-8" : type)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, "close");
    }
    return response;
  }

  /** An account name as a header value: no control characters, ISO-8859-1 only. */
  private static String headerSafe(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f || c > 0xff ? '?' : c);
    }
    return b.toString();
  }

  private static String jsonSafe(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else {
        b.append(c < 0x20 ? ' ' : c);
      }
    }
    return b.toString();
  }
}
