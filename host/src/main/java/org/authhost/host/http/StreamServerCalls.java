package org.authhost.host.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.authhost.api.HResult;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.access.IpRules;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.access.PublishingPoints;
import org.authhost.host.access.TrustedProxies;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.ClientConnection;
import org.authhost.host.authn.HttpCommandContext;
import org.authhost.host.authn.HttpPresentationContext;
import org.authhost.host.authn.HttpUserContext;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.Request;
import org.authhost.host.authn.SuccessAudits;
import org.authhost.host.authn.Verdict;
import org.authhost.host.config.IntegrationsConfig;
import org.authhost.host.config.MediaMtxConfig;
import org.authhost.host.config.NginxAuthRequestConfig;
import org.authhost.host.config.StreamHookConfig;
import org.authhost.host.metrics.AnswerCounts;
import org.authhost.host.metrics.HostMetrics;

/**
 * The endpoints streaming servers call to have their clients authenticated ({@code integrations}),
 * each an exact path on the HTTP listener, ahead of routing: the caller must be one of the
 * endpoint's own {@code callers} (checked before the call's payload is read, so that nobody can
 * test passwords through it), not merely a trusted proxy, which relays anyone's requests; a call
 * with a body carries no forwarding header (a streaming server never sends one: a proxy relayed it
 * for someone else); the call is read into a {@link StreamCall}; its stream finds the publishing
 * point by the longest prefix, as a request path does; the server's and the point's address lists
 * see the client the call names; and the {@link AuthenticationDriver} decides as for an HTTP client
 * of that point. {@link HttpAnswers} answers in the caller's terms.
 */
@ChannelHandler.Sharable
final class StreamServerCalls extends SimpleChannelInboundHandler<Exchange> {
  private static final String FORWARDED = "Forwarded";

  private final Map<String, Endpoint> endpoints = new HashMap<>();
  private final IpRules serverRules;
  private final PublishingPoints points;
  private final Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> driver;
  private final HttpAnswers answers;
  private final SuccessAudits successes;
  private final Map<CallerAnswers.Dialect, AnswerCounts> fronts =
      new EnumMap<>(CallerAnswers.Dialect.class);

  /** One endpoint: its contract, and how its calls are read. */
  private record Endpoint(
      CallerAnswers.Dialect dialect,
      Reader reader,
      Set<String> points,
      String identityHeader,
      String adminPoint,
      TrustedProxies callers,
      String callersKey) {}

  /**
   * A streaming server's call with a body (nginx-rtmp, MediaMTX, SRS): no point list or identity
   * header, which only nginx auth_request has.
   */
  private static Endpoint bodyCall(
      CallerAnswers.Dialect dialect,
      Reader reader,
      String adminPoint,
      List<String> callers,
      String section) {
    return new Endpoint(
        dialect, reader, null, null, adminPoint, TrustedProxies.of(callers), callersKey(section));
  }

  /** The setting that lists an endpoint's callers, for the audit of a refused one. */
  private static String callersKey(String section) {
    return "integrations." + section + ".callers";
  }

  @FunctionalInterface
  private interface Reader {
    StreamCall read(Exchange exchange) throws MalformedCall;
  }

  StreamServerCalls(
      IntegrationsConfig config,
      IpRules serverRules,
      PublishingPoints points,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> driver,
      HttpAnswers answers,
      Clock clock,
      HostMetrics metrics) {
    super(false); // an Exchange holds no buffer to release
    for (CallerAnswers.Dialect dialect : CallerAnswers.Dialect.values()) {
      fronts.put(dialect, metrics.answers(dialect.front));
    }
    this.serverRules = serverRules;
    this.points = points;
    this.driver = driver;
    this.answers = answers;
    this.successes = new SuccessAudits(clock, Duration.ofSeconds(config.successAuditSeconds()));
    NginxAuthRequestConfig nginx = config.nginxAuthRequest();
    if (nginx != null) {
      endpoints.put(
          nginx.path(),
          new Endpoint(
              CallerAnswers.Dialect.NGINX_AUTH_REQUEST,
              e -> AuthRequestCalls.read(e.request().headers()),
              Set.copyOf(nginx.points()),
              nginx.identityHeader(),
              null,
              TrustedProxies.of(nginx.callers()),
              callersKey("nginxAuthRequest")));
    }
    StreamHookConfig rtmp = config.nginxRtmp();
    if (rtmp != null) {
      endpoints.put(
          rtmp.path(),
          bodyCall(
              CallerAnswers.Dialect.NGINX_RTMP,
              e -> NginxRtmpCalls.read(full(e), rtmp),
              null,
              rtmp.callers(),
              "nginxRtmp"));
    }
    MediaMtxConfig mediamtx = config.mediamtx();
    if (mediamtx != null) {
      endpoints.put(
          mediamtx.path(),
          bodyCall(
              CallerAnswers.Dialect.MEDIAMTX,
              e -> MediaMtxCalls.read(jsonBody(e), mediamtx),
              mediamtx.adminPoint(),
              mediamtx.callers(),
              "mediamtx"));
    }
    StreamHookConfig srs = config.srs();
    if (srs != null) {
      endpoints.put(
          srs.path(),
          bodyCall(
              CallerAnswers.Dialect.SRS,
              e -> SrsCalls.read(jsonBody(e), srs),
              null,
              srs.callers(),
              "srs"));
    }
  }

  /** Each configured endpoint's path and contract. */
  static Map<String, CallerAnswers.Dialect> dialects(IntegrationsConfig config) {
    Map<String, CallerAnswers.Dialect> dialects = new HashMap<>();
    if (config.nginxAuthRequest() != null) {
      dialects.put(config.nginxAuthRequest().path(), CallerAnswers.Dialect.NGINX_AUTH_REQUEST);
    }
    for (String path : bodyPaths(config)) {
      dialects.put(
          path,
          config.nginxRtmp() != null && path.equals(config.nginxRtmp().path())
              ? CallerAnswers.Dialect.NGINX_RTMP
              : config.mediamtx() != null && path.equals(config.mediamtx().path())
                  ? CallerAnswers.Dialect.MEDIAMTX
                  : CallerAnswers.Dialect.SRS);
    }
    return Map.copyOf(dialects);
  }

  /** The paths whose calls carry their payload in the body (all but nginx auth_request). */
  static Set<String> bodyPaths(IntegrationsConfig config) {
    Set<String> paths = new HashSet<>();
    if (config.nginxRtmp() != null) {
      paths.add(config.nginxRtmp().path());
    }
    if (config.mediamtx() != null) {
      paths.add(config.mediamtx().path());
    }
    if (config.srs() != null) {
      paths.add(config.srs().path());
    }
    return Set.copyOf(paths);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Exchange exchange) {
    HttpRequest request = exchange.request();
    String path = RequestTarget.path(request.uri());
    Endpoint endpoint = path == null ? null : endpoints.get(path);
    if (endpoint == null) {
      ctx.fireChannelRead(exchange);
      return;
    }
    try {
      call(ctx, exchange, endpoint, path);
    } finally {
      // The body was read into the call (or refused): the buffer goes now, the head stays.
      if (request instanceof FullHttpRequest full && full.refCnt() > 0) {
        full.release();
      }
    }
  }

  private void call(ChannelHandlerContext ctx, Exchange exchange, Endpoint endpoint, String path) {
    exchange.front(fronts.get(endpoint.dialect()));
    HttpRequest request = exchange.request();
    InetAddress caller = exchange.connection().direct.inet();
    String via = endpoint.dialect().contract + "@" + caller.getHostAddress();
    // The call's own URI is never audited: nginx-rtmp's GET carries the client's password in it.
    Request bare = new Request(caller.getHostAddress(), request.method().name(), path, null, via);
    if (!endpoint.callers().trusts(caller)) {
      answer(
          exchange,
          endpoint,
          bare,
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "caller "
                      + caller.getHostAddress()
                      + " is not in "
                      + endpoint.callersKey()
                      + "; only the streaming server may call the "
                      + endpoint.dialect().contract
                      + " endpoint"));
      return;
    }
    if (endpoint.dialect() != CallerAnswers.Dialect.NGINX_AUTH_REQUEST
        && (request.headers().contains(FORWARDED)
            || request.headers().contains(AuthRequestCalls.FORWARDED_FOR))) {
      // The payload names the client; a proxy in between would have it name anyone.
      answer(
          exchange,
          endpoint,
          bare,
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "a "
                      + endpoint.dialect().contract
                      + " call carrying Forwarded or X-Forwarded-For was relayed by a proxy, which"
                      + " a streaming server never needs; let it call the host directly"));
      return;
    }
    if (request instanceof RequestCallBodies.Oversized) {
      answer(
          exchange,
          endpoint,
          bare,
          Refusal.malformed(
              Refusal.Kind.PAYLOAD_TOO_LARGE,
              "call too large",
              "malformed "
                  + endpoint.dialect().contract
                  + " call: body longer than "
                  + RequestCallBodies.MAX_BODY
                  + " bytes"));
      return;
    }
    StreamCall call;
    try {
      call = endpoint.reader().read(exchange);
    } catch (MalformedCall e) {
      answer(
          exchange,
          endpoint,
          bare,
          Refusal.malformed(
                  Refusal.Kind.BAD_REQUEST,
                  "malformed call",
                  "malformed " + endpoint.dialect().contract + " call: " + e.getMessage())
              .withClose(false));
      return;
    }
    if (!call.checked()) {
      answer(exchange, endpoint, bare, new Verdict.Serve(null, null, List.of()));
      return;
    }
    decide(ctx, exchange, endpoint, via, call);
  }

  private void decide(
      ChannelHandlerContext ctx,
      Exchange exchange,
      Endpoint endpoint,
      String via,
      StreamCall call) {
    ClientAddress client =
        endpoint.dialect() == CallerAnswers.Dialect.NGINX_AUTH_REQUEST
            ? nginxClient(call.clientAddress(), exchange.request().headers())
            : payloadClient(call.clientAddress());
    String account = call.account() == null ? "" : " account=" + Audit.quoted(call.account());
    Optional<PublishingPoint> found =
        call.stream().equals(MediaMtxCalls.ADMIN)
            ? points.all().stream().filter(p -> p.name().equals(endpoint.adminPoint())).findFirst()
            : points.match(call.stream());
    // A payload's query (MediaMTX, SRS) is the plug-ins' to read, never the audit's: it may carry
    // a token that no plug-in names. nginx auth_request's original URI is audited as a request's.
    String shown =
        endpoint.dialect() == CallerAnswers.Dialect.NGINX_AUTH_REQUEST
            ? call.target()
            : Objects.requireNonNullElse(RequestTarget.path(call.target()), call.target());
    Request audited = new Request(client.address(), call.action(), shown, found.orElse(null), via);
    if (!serverRules.allows(client.inet())) {
      answer(
          exchange,
          endpoint,
          audited,
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "client address "
                      + client.address()
                      + " is not allowed by the server's address lists"
                      + account));
      return;
    }
    if (found.isEmpty()) {
      answer(
          exchange,
          endpoint,
          audited,
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  (call.stream().equals(MediaMtxCalls.ADMIN)
                          ? "no publishing point for MediaMTX's "
                              + call.action()
                              + " (mediamtx.adminPoint)"
                          : "no publishing point for stream " + Audit.quoted(call.stream()))
                      + account));
      return;
    }
    PublishingPoint point = found.get();
    if (endpoint.points() != null && !endpoint.points().contains(point.name())) {
      answer(
          exchange,
          endpoint,
          audited,
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "publishing point "
                      + point.name()
                      + " is not listed in integrations.nginxAuthRequest.points"));
      return;
    }
    if (!point.ipRules().allows(client.inet())) {
      answer(
          exchange,
          endpoint,
          audited,
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "client address "
                      + client.address()
                      + " is not allowed by publishing point "
                      + point.name()
                      + account));
      return;
    }
    // No connection is the client's: a fresh one per call, closed when it is decided.
    ClientConnection connection =
        new ClientConnection(new InetSocketAddress(client.inet(), 0), false);
    HttpHeaders headers = commandHeaders(exchange, endpoint, call);
    var attempt =
        new AuthenticationDriver.Attempt(
            audited,
            point,
            connection,
            client,
            new HttpUserContext(
                headers.get(HttpHeaderNames.USER_AGENT), client.address(), 0, connection.id),
            new HttpPresentationContext(point.name(), call.target()),
            HttpCommandContext.of(call.method(), call.target(), headers),
            call.authorization(),
            call.right(),
            new AuthenticationDriver.OnBehalf(
                endpoint.dialect().contract,
                call.password(),
                successes,
                // An HLS player asks through nginx for every segment: its point is its stream.
                endpoint.points() != null ? point.prefix() : call.stream(),
                endpoint.dialect() != CallerAnswers.Dialect.NGINX_AUTH_REQUEST));
    ConnectionActivity activity = exchange.activity();
    CompletableFuture<Verdict> pending;
    try {
      pending = driver.apply(activity.deciding(attempt));
    } catch (RuntimeException e) {
      pending = CompletableFuture.failedFuture(e);
    }
    pending.whenComplete(
        (verdict, failure) ->
            ctx.executor()
                .execute(
                    () -> {
                      exchange.activity().decided();
                      connection.close();
                      Verdict v = failure != null ? Authentication.internalError(failure) : verdict;
                      answer(exchange, endpoint, audited, v);
                    }));
  }

  /**
   * The headers the plug-ins see: the client's own, as nginx forwards them with the subrequest; for
   * a call that carries the client's fields instead, only the {@code Authorization} made from them.
   */
  private static HttpHeaders commandHeaders(Exchange exchange, Endpoint endpoint, StreamCall call) {
    if (endpoint.dialect() == CallerAnswers.Dialect.NGINX_AUTH_REQUEST) {
      return exchange.request().headers();
    }
    HttpHeaders headers = new DefaultHttpHeaders(false);
    if (call.authorization() != null) {
      headers.set(HttpHeaderNames.AUTHORIZATION, call.authorization());
    }
    return headers;
  }

  /**
   * The client a call names: its leg to the streaming server is neither TLS nor loopback as far as
   * the host knows, so the address lends nothing to a password challenge.
   */
  private static ClientAddress payloadClient(String text) {
    InetAddress inet = NetUtil.createInetAddressFromIpAddressString(text);
    return new ClientAddress(inet, inet.getHostAddress(), false, false, true);
  }

  /**
   * The client nginx names: its {@code $remote_addr}, TLS as its {@code $scheme} says, loopback
   * when it is (a client on nginx's own machine, as a direct loopback client is).
   */
  private static ClientAddress nginxClient(String text, HttpHeaders headers) {
    InetAddress inet = NetUtil.createInetAddressFromIpAddressString(text);
    return new ClientAddress(
        inet,
        inet.getHostAddress(),
        AuthRequestCalls.secure(headers),
        inet.isLoopbackAddress(),
        true);
  }

  private void answer(Exchange exchange, Endpoint endpoint, Request audited, Verdict verdict) {
    answers.answerCall(
        exchange,
        endpoint.dialect(),
        audited,
        verdict,
        endpoint.identityHeader(),
        endpoint.dialect() == CallerAnswers.Dialect.NGINX_AUTH_REQUEST
            && declaresBody(exchange.request()));
  }

  /**
   * Whether an auth_request subrequest declares a body: nginx passes the client's {@code
   * Content-Length} on unless the location clears it, and sends no body, so what this server would
   * read as the body is nginx's next subrequest. Its answer closes the connection: nginx opens
   * another, and no request can hide in a body that never was.
   */
  private static boolean declaresBody(HttpRequest request) {
    String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    return request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
        || (length != null && !length.strip().equals("0"));
  }

  private static FullHttpRequest full(Exchange exchange) throws MalformedCall {
    if (exchange.request() instanceof FullHttpRequest full) {
      return full;
    }
    throw new MalformedCall("no body could be read");
  }

  private static byte[] jsonBody(Exchange exchange) throws MalformedCall {
    FullHttpRequest full = full(exchange);
    if (!full.method().name().equals("POST")) {
      throw new MalformedCall("method " + full.method() + "; expected POST");
    }
    byte[] bytes = new byte[full.content().readableBytes()];
    full.content().getBytes(full.content().readerIndex(), bytes);
    return bytes;
  }
}
