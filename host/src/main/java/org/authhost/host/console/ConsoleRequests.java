package org.authhost.host.console;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.access.Right;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.ClientConnection;
import org.authhost.host.authn.HttpCommandContext;
import org.authhost.host.authn.HttpPresentationContext;
import org.authhost.host.authn.HttpUserContext;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.Request;
import org.authhost.host.authn.Verdict;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.http.AddressLists;
import org.authhost.host.http.HttpAnswers;
import org.authhost.host.http.RequestTarget;
import org.authhost.host.http.content.OriginProxy;

/**
 * Every console request, after the codec: the path checked as the HTTP front checks it, then the
 * session. With a live session cookie the request is the operator's; without one it goes to the
 * {@link AuthenticationDriver} as any client's request to the console's own publishing point
 * ({@link ConsolePoint}), whose refusals are answered by {@link HttpAnswers} and whose success
 * opens a session. Changes must carry the session's CSRF token.
 *
 * <p>Signing out with HTTP authentication: the browser keeps sending the credentials it cached, so
 * that a dropped session alone would log it straight back on. A sign-out (and a session that ended
 * while idle) therefore leaves a marker — the signed-out cookie, or the stale session cookie itself
 * — on which the next request is answered 401 with fresh challenges whatever it carries, once: the
 * browser then forgets what it cached and asks the operator again.
 */
final class ConsoleRequests {
  // Both names begin with the prefix the origin proxy strips, both ways.
  static final String SESSION_COOKIE = OriginProxy.CONSOLE_COOKIE_PREFIX;
  static final String SIGNED_OUT_COOKIE = OriginProxy.CONSOLE_COOKIE_PREFIX + "_signed_out";
  static final String CSRF_HEADER = "X-AuthHost-CSRF";

  /** Sent by the page's automatic refreshes: they do not keep a session alive. */
  static final String POLL_HEADER = "X-AuthHost-Poll";

  /** The console's cookies go only to the console's paths, never to content on the same host. */
  static final String COOKIE_PATH = ConsolePoint.PREFIX;

  static final String API = "/console/api/";
  static final String SIGN_OUT = API + "signout";

  private final AuthenticationDriver driver;
  private final HttpAnswers answers;
  private final ConsoleSessions sessions;
  private final ConsolePoint point;
  private final ConsoleApi api;
  private final ConsoleAssets assets;
  private final HostEvents events;
  private final Executor worker;

  ConsoleRequests(
      AuthenticationDriver driver,
      HttpAnswers answers,
      ConsoleSessions sessions,
      ConsolePoint point,
      ConsoleApi api,
      ConsoleAssets assets,
      HostEvents events,
      Executor worker) {
    this.driver = driver;
    this.answers = answers;
    this.sessions = sessions;
    this.point = point;
    this.api = api;
    this.assets = assets;
    this.events = events;
    this.worker = worker;
  }

  /** The request as read off the wire: its body is copied, so the buffer can go at once. */
  record Incoming(
      FullHttpRequest request, String body, ClientConnection connection, ClientAddress client) {
    static Incoming of(FullHttpRequest request, ClientConnection connection, ClientAddress client) {
      return new Incoming(
          request, request.content().toString(StandardCharsets.UTF_8), connection, client);
    }

    String method() {
      return request.method().name();
    }
  }

  CompletableFuture<FullHttpResponse> handle(Incoming in) {
    FullHttpRequest request = in.request();
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (request.decoderResult().isFailure()
        || (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
            && request.headers().contains(HttpHeaderNames.CONTENT_LENGTH))) {
      return done(Reply.text(400, "malformed request"), false);
    }
    // The server's address lists (security.ipAllow, ipDeny) before anything else, as on the HTTP
    // front: a denied address may neither log on nor use a session, nor learn the paths.
    Refusal denied =
        AddressLists.refusal(point.serverIpRules(), in.client(), AddressLists.SERVER_LISTS);
    if (denied != null) {
      Request refused = new Request(in.client().address(), in.method(), request.uri(), null);
      return secured(answers.refused(refused, denied, false));
    }
    String raw = RequestTarget.path(request.uri());
    String path = raw == null ? null : RequestTarget.canonical(raw);
    if (path == null) {
      return done(Reply.text(400, "malformed request path"), false);
    }
    if (path.equals("/") || path.equals("/console")) {
      FullHttpResponse moved = Reply.text(302, "see /console/").response(keepAlive);
      moved.headers().set("Location", ConsolePoint.PREFIX);
      return secured(moved);
    }
    if (!path.startsWith(ConsolePoint.PREFIX)) {
      return done(Reply.text(404, "not found: the console is under /console/"), keepAlive);
    }
    Cookies cookies = Cookies.of(request);
    PublishingPoint now = point.now();
    Request audited = new Request(in.client().address(), in.method(), request.uri(), now);
    boolean poll = request.headers().contains(POLL_HEADER);
    Optional<Operator> operator =
        sessions.use(cookies.session(), in.client().address(), poll, point::recheck);
    if (operator.isPresent()) {
      return serve(in, path, cookies.session(), operator.get(), keepAlive, List.of());
    }
    // A stale session cookie or the signed-out marker: ask again, whatever the browser sends.
    boolean askAgain = cookies.signedOut() || cookies.session() != null;
    // A session is opened only for the console's own pages, never for a request another site's
    // page makes the browser send with its cached credentials (an <img> of an API route). A link
    // to the console from elsewhere (a wiki, a mail) opens its page: a top-level navigation to
    // the page itself, which changes nothing and shows nothing to the site that linked.
    String site = request.headers().get("Sec-Fetch-Site");
    if (!askAgain
        && site != null
        && !site.equals("same-origin")
        && !site.equals("none")
        && !linkToThePage(request, path)) {
      return done(Reply.text(403, "the console opens a session only for its own pages"), keepAlive);
    }
    String authorization = askAgain ? null : request.headers().get(HttpHeaderNames.AUTHORIZATION);
    // Without a live session, no logon that a connection-bound handshake (NTLM, Negotiate) proved
    // earlier on this connection stands in for one: after a sign-out or an idle time-out the
    // browser's other pooled connections must be asked again too. A handshake in progress is not
    // touched (nothing is bound until it succeeds).
    forgetBoundLogon(in);
    AuthenticationDriver.Attempt attempt =
        new AuthenticationDriver.Attempt(
            audited,
            now,
            in.connection(),
            in.client(),
            new HttpUserContext(
                request.headers().get(HttpHeaderNames.USER_AGENT),
                in.client().address(),
                in.connection().port,
                in.connection().id),
            new HttpPresentationContext(now.name(), request.uri()),
            HttpCommandContext.of(request),
            authorization,
            Right.forMethod(in.method()),
            null);
    // Read before the check, not after: a password set while it runs must not become the time
    // this session records (it would survive the reset it was made before).
    Function<String, Instant> passwordTimes = point.passwordTimesNow();
    CompletableFuture<Verdict> decided;
    try {
      decided = driver.decide(attempt);
    } catch (RuntimeException e) {
      decided = CompletableFuture.failedFuture(e);
    }
    return decided
        .handle(
            (verdict, failure) -> {
              if (failure != null) {
                return secured(answers.refused(audited, internalError(failure), keepAlive));
              }
              if (verdict instanceof Refusal refusal) {
                // Asked again on a fresh connection: nothing of the old logon rides on this one.
                FullHttpResponse refused =
                    answers.refused(audited, refusal, keepAlive && !askAgain);
                if (askAgain) {
                  // Asked once: the next request logs on as any other.
                  refused.headers().add("Set-Cookie", expired(SESSION_COOKIE, in));
                  refused.headers().add("Set-Cookie", expired(SIGNED_OUT_COOKIE, in));
                }
                return secured(refused);
              }
              return logOn(in, path, (Verdict.Serve) verdict, keepAlive, passwordTimes);
            })
        .thenCompose(f -> f);
  }

  /**
   * A logon the driver let in: a new session, whose cookie goes with this answer; {@code
   * passwordTimes}, the accounts' password-change times as they were when its check began.
   */
  private CompletableFuture<FullHttpResponse> logOn(
      Incoming in,
      String path,
      Verdict.Serve serve,
      boolean keepAlive,
      Function<String, Instant> passwordTimes) {
    boolean administrator = point.mayChange(serve.token());
    String id =
        sessions.open(
            serve.account(),
            administrator,
            serve.token() == null ? null : serve.token().expiresAt(),
            in.client().address(),
            passwordTimes.apply(serve.account()));
    Operator operator =
        sessions
            .use(id, in.client().address(), false, o -> Optional.of(administrator))
            .orElseThrow();
    events.audit(
        EventLevel.INFORMATION,
        HResult.S_OK,
        "console: session opened for "
            + serve.account()
            + " ("
            + operator.role()
            + ") from "
            + in.client().address());
    DefaultCookie cookie = new DefaultCookie(SESSION_COOKIE, id);
    cookie.setHttpOnly(true);
    cookie.setPath(COOKIE_PATH);
    cookie.setSameSite(CookieHeaderNames.SameSite.Strict);
    cookie.setSecure(in.connection().secure);
    List<Map.Entry<String, String>> headers = new java.util.ArrayList<>(serve.headers());
    headers.add(Map.entry("Set-Cookie", ServerCookieEncoder.STRICT.encode(cookie)));
    return serve(in, path, id, operator, keepAlive, headers);
  }

  private CompletableFuture<FullHttpResponse> serve(
      Incoming in,
      String path,
      String sessionId,
      Operator operator,
      boolean keepAlive,
      List<Map.Entry<String, String>> headers) {
    String method = in.method();
    boolean change = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
    if (change) {
      String refused = null;
      if (!ConsoleSessions.csrfMatches(operator, in.request().headers().get(CSRF_HEADER))) {
        refused =
            in.request().headers().contains(CSRF_HEADER)
                ? "a change with another session's or a wrong CSRF token"
                : "a change without the CSRF token (header " + CSRF_HEADER + ")";
      } else if (!operator.administrator() && !path.equals(SIGN_OUT)) {
        refused = "a change by a read-only operator";
      }
      if (refused != null) {
        events.audit(
            EventLevel.WARNING,
            HResult.E_ACCESSDENIED,
            "console: refused "
                + refused
                + ": "
                + method
                + " "
                + Request.withoutControls(path)
                + " by "
                + operator.account()
                + " from "
                + in.client().address());
        return done(Reply.error(403, "refused: " + refused), keepAlive, headers);
      }
    }
    if (path.equals(SIGN_OUT) && method.equals("POST")) {
      sessions.close(sessionId);
      events.audit(
          EventLevel.INFORMATION,
          HResult.S_OK,
          "console: " + operator.account() + " signed out (from " + in.client().address() + ")");
      List<Map.Entry<String, String>> out = new ArrayList<>(headers);
      out.add(Map.entry("Set-Cookie", expired(SESSION_COOKIE, in)));
      out.add(Map.entry("Set-Cookie", signedOut(in)));
      // A connection-bound logon (NTLM, Negotiate) would let the next request on this connection
      // in again: it is dropped, and the connection with it.
      forgetBoundLogon(in);
      return done(Reply.ok(Map.of("signedOut", true)), false, out);
    }
    if (path.startsWith(API)) {
      QueryStringDecoder query = new QueryStringDecoder(in.request().uri());
      return CompletableFuture.supplyAsync(
              () ->
                  api.handle(
                      new ConsoleApi.Call(
                          operator,
                          method,
                          path.substring(API.length()),
                          query.parameters(),
                          in.body(),
                          in.client().address(),
                          sessionId)),
              worker)
          .exceptionally(ConsoleApi::failed)
          .thenApply(reply -> withHeaders(reply.response(keepAlive), headers));
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return done(Reply.text(405, "pages are read with GET"), keepAlive, headers);
    }
    return done(assets.get(path.substring(ConsolePoint.PREFIX.length())), keepAlive, headers);
  }

  private static FullHttpResponse withHeaders(
      FullHttpResponse response, List<Map.Entry<String, String>> headers) {
    for (Map.Entry<String, String> h : headers) {
      response.headers().add(h.getKey(), h.getValue());
    }
    Reply.secure(response);
    return response;
  }

  private static CompletableFuture<FullHttpResponse> done(Reply reply, boolean keepAlive) {
    return done(reply, keepAlive, List.of());
  }

  private static CompletableFuture<FullHttpResponse> done(
      Reply reply, boolean keepAlive, List<Map.Entry<String, String>> headers) {
    return CompletableFuture.completedFuture(withHeaders(reply.response(keepAlive), headers));
  }

  private static CompletableFuture<FullHttpResponse> secured(FullHttpResponse response) {
    Reply.secure(response);
    return CompletableFuture.completedFuture(response);
  }

  /** A top-level navigation of the browser to the console's page (GET /console/), from a link. */
  private static boolean linkToThePage(FullHttpRequest request, String path) {
    return request.method().name().equals("GET")
        && (path.equals(ConsolePoint.PREFIX) || path.equals(ConsolePoint.PREFIX + "index.html"))
        && "navigate".equals(request.headers().get("Sec-Fetch-Mode"))
        && "document".equals(request.headers().get("Sec-Fetch-Dest"));
  }

  /** Drops what a connection-bound handshake proved on this connection. */
  private static void forgetBoundLogon(Incoming in) {
    String bound = in.connection().authenticatedPlugin();
    if (bound != null) {
      in.connection().forget(bound);
    }
  }

  /** A cookie that the browser drops. */
  static String expired(String name, Incoming in) {
    DefaultCookie cookie = new DefaultCookie(name, "");
    cookie.setHttpOnly(true);
    cookie.setPath(COOKIE_PATH);
    cookie.setMaxAge(0);
    cookie.setSameSite(CookieHeaderNames.SameSite.Strict);
    cookie.setSecure(in.connection().secure);
    return ServerCookieEncoder.STRICT.encode(cookie);
  }

  /**
   * The sign-out marker: on it the next request is asked to log on again. {@code SameSite=Lax}, not
   * Strict: it grants nothing, and it must come with a link to the console from another site too (a
   * top-level navigation opens the page), else the browser's cached credentials would log that link
   * straight back on after a sign-out.
   */
  static String signedOut(Incoming in) {
    DefaultCookie cookie = new DefaultCookie(SIGNED_OUT_COOKIE, "1");
    cookie.setHttpOnly(true);
    cookie.setPath(COOKIE_PATH);
    cookie.setSameSite(CookieHeaderNames.SameSite.Lax);
    cookie.setSecure(in.connection().secure);
    return ServerCookieEncoder.STRICT.encode(cookie);
  }

  /** A host bug, not the operator's: fail closed. */
  private static Refusal internalError(Throwable failure) {
    return new Refusal(
        Refusal.Kind.UNAVAILABLE,
        "temporarily unavailable",
        List.of(),
        Refusal.UNAVAILABLE_RETRY_SECONDS,
        true,
        HResult.E_UNEXPECTED,
        "internal error: " + failure);
  }

  /** The console's cookies of one request. */
  record Cookies(String session, boolean signedOut) {
    static Cookies of(FullHttpRequest request) {
      String session = null;
      boolean signedOut = false;
      for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
        for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
          if (c.name().equals(SESSION_COOKIE) && !c.value().isEmpty()) {
            session = c.value();
          } else if (c.name().equals(SIGNED_OUT_COOKIE)) {
            signedOut = true;
          }
        }
      }
      return new Cookies(session, signedOut);
    }
  }
}
