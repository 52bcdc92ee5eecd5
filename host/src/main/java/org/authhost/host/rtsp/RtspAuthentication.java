package org.authhost.host.rtsp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.authhost.api.HResult;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.HttpCommandContext;
import org.authhost.host.authn.HttpPresentationContext;
import org.authhost.host.authn.HttpUserContext;
import org.authhost.host.authn.Logon;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.UrlCredentials;
import org.authhost.host.authn.Verdict;

/**
 * Asks the {@link AuthenticationDriver} for each routed request's verdict (every request: RTSP
 * clients send their credentials with each one), off the event loop, one request at a time so that
 * requests reach the origin in the client's order; a refusal is answered, a verdict to serve goes
 * on. A request without credentials in a session this connection set up, for what the session was
 * already granted here (a keep-alive {@code GET_PARAMETER}, a {@code PLAY} from a client that sends
 * credentials only when challenged), is the session's logon, reauthorized by the driver ({@link
 * AuthenticationDriver#reauthorize}: the operator's changes since the logon count, the plug-in is
 * not asked again); refused, it ends the connection, since the stream it carries must not outlive
 * its authorization. Anything more asks the driver for a full decision; a request with credentials
 * of its own refused on a connection that set up a session ends it the same way (a wrong password,
 * the account disabled or locked out), unless the refusal is a step of logging on ({@link
 * #endsSession}).
 *
 * <p>URL credentials (API 1.4: a signed URL, a token in the query) are the connection's once a
 * request that carried them was served: RTSP clients build their later URLs (a track's SETUP, PLAY
 * on the aggregate) from the origin's {@code Content-Base}, which never holds them (the relay
 * removes them before the origin sees the URL). A later request on the same connection with no
 * credential of its own is checked with them again, on its own URL, by the plug-in: nothing is
 * served on their account that the plug-in would not grant for that URL.
 */
final class RtspAuthentication extends SimpleChannelInboundHandler<RtspExchange> {
  /** Requests a client may send before the previous ones are decided; past it the client is cut. */
  static final int MAX_WAITING = 32;

  private final Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> driver;
  private final BiFunction<AuthenticationDriver.Attempt, Logon, CompletableFuture<Verdict>>
      reauthorize;
  private final RtspAnswers answers;
  private final UrlCredentials urlCredentials;
  private final ArrayDeque<RtspExchange> waiting = new ArrayDeque<>();

  /** The URL credentials of the last served request that carried some, or null. */
  private String carried;

  private boolean deciding;

  RtspAuthentication(
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> driver,
      BiFunction<AuthenticationDriver.Attempt, Logon, CompletableFuture<Verdict>> reauthorize,
      RtspAnswers answers,
      UrlCredentials urlCredentials) {
    super(false);
    this.driver = driver;
    this.reauthorize = reauthorize;
    this.answers = answers;
    this.urlCredentials = urlCredentials;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, RtspExchange exchange) {
    if (waiting.size() >= MAX_WAITING) {
      exchange.request.release();
      answers.refuse(
          ctx.channel(),
          exchange,
          Refusal.busy(
                  "too many requests at once",
                  1,
                  "RTSP client sent more than " + MAX_WAITING + " requests without waiting")
              .withClose(true));
      return;
    }
    waiting.add(exchange);
    next(ctx);
  }

  /** Decides the requests waiting, in order, until one waits for the driver. */
  private void next(ChannelHandlerContext ctx) {
    RtspExchange exchange;
    while (!deciding && (exchange = waiting.poll()) != null) {
      if (!FinBeforeClose.ended(ctx.channel())) {
        decide(ctx, exchange);
      } else {
        exchange.request.release();
      }
    }
  }

  private void decide(ChannelHandlerContext ctx, RtspExchange exchange) {
    String authorization = exchange.request.headers().get(RtspHeaderNames.AUTHORIZATION);
    String session = exchange.session();
    RtspConnection.Binding bound = session == null ? null : exchange.connection.binding(session);
    Logon logon =
        authorization == null
                && bound != null
                && bound.logon() != null
                && bound.rights().contains(exchange.right())
            ? bound.logon()
            : null;
    String inUrl = urlCredentials.credentialsOf(exchange.request.uri());
    if (logon == null && authorization == null && inUrl.isEmpty() && carried != null) {
      String uri = exchange.request.uri();
      exchange.request.setUri(uri + (uri.indexOf('?') < 0 ? "?" : "&") + carried);
      inUrl = carried;
    }
    String offered = inUrl.isEmpty() ? null : inUrl;
    RtspConnection connection = exchange.connection;
    var attempt =
        new AuthenticationDriver.Attempt(
            exchange.audited(),
            exchange.point(),
            connection.authn,
            connection.client,
            new HttpUserContext(
                exchange.request.headers().get(RtspHeaderNames.USER_AGENT),
                connection.client.address(),
                connection.authn.port,
                connection.authn.id,
                "RTSP"),
            new HttpPresentationContext(exchange.point().name(), absoluteUrl(exchange)),
            HttpCommandContext.of(exchange.request),
            authorization,
            exchange.right(),
            null);
    deciding = true;
    CompletableFuture<Verdict> pending;
    try {
      pending = logon != null ? reauthorize.apply(attempt, logon) : driver.apply(attempt);
    } catch (RuntimeException e) {
      pending = CompletableFuture.failedFuture(e);
    }
    Asked asked =
        new Asked(
            logon != null, logon == null && (authorization != null || offered != null), offered);
    if (pending.isDone() && ctx.executor().inEventLoop()) {
      // Decided on this event loop (a non-blocking plug-in runs inline, as for HTTP): the request
      // goes on now, not in a task queued behind the loop's other work.
      Verdict verdict = null;
      Throwable failure = null;
      try {
        verdict = pending.join();
      } catch (CompletionException | CancellationException e) {
        failure = e.getCause() != null ? e.getCause() : e;
      }
      decided(ctx, exchange, asked, verdict, failure);
      return;
    }
    pending.whenComplete(
        (verdict, failure) ->
            ctx.executor()
                .execute(
                    () -> {
                      decided(ctx, exchange, asked, verdict, failure);
                      next(ctx);
                    }));
  }

  /**
   * How a request was asked about: reauthorized with its session's logon, or with credentials of
   * its own (a header, or URL credentials: {@code urlCredential}, or null).
   */
  private record Asked(boolean reauthorized, boolean credentialed, String urlCredential) {}

  private void decided(
      ChannelHandlerContext ctx,
      RtspExchange exchange,
      Asked asked,
      Verdict verdict,
      Throwable failure) {
    deciding = false;
    if (failure != null || verdict instanceof Refusal) {
      exchange.request.release();
      Refusal refusal =
          failure != null
              ? new Refusal(
                  Refusal.Kind.UNAVAILABLE,
                  "temporarily unavailable",
                  List.of(),
                  Refusal.UNAVAILABLE_RETRY_SECONDS,
                  true,
                  HResult.E_UNEXPECTED,
                  "internal error: " + failure)
              : (Refusal) verdict;
      if (endsSession(exchange.connection, asked, refusal)) {
        refusal = refusal.withClose(true);
      }
      answers.refuse(ctx.channel(), exchange, refusal);
    } else if (FinBeforeClose.ended(ctx.channel())) {
      exchange.request.release();
    } else {
      if (asked.urlCredential() != null) {
        carried = asked.urlCredential();
      }
      exchange.authorized((Verdict.Serve) verdict);
      ctx.fireChannelRead(exchange);
    }
  }

  /**
   * Whether a refusal ends the connection and the stream it carries: the stream must not outlive
   * the authorization of the client who asked for it. A request reauthorized with its session's
   * logon ends it whatever the refusal; so does a request with credentials of its own on a
   * connection that set up a session (a wrong password, an account disabled or locked out, the ACL
   * changed), except for a challenge that is part of logging on, not a failure: a benign refusal
   * (Digest's stale nonce, whose credentials were right) or a connection-bound handshake waiting
   * for its next leg.
   */
  private static boolean endsSession(RtspConnection connection, Asked asked, Refusal refusal) {
    if (asked.reauthorized()) {
      return true;
    }
    if (!asked.credentialed() || !connection.hasSession()) {
      return false;
    }
    return refusal.kind() != Refusal.Kind.LOG_ON
        || !(HResult.SEC_E_INVALID_TOKEN.equals(refusal.why())
            || connection.authn.awaitingNextLeg());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    RtspExchange left;
    while ((left = waiting.poll()) != null) {
      left.request.release();
    }
    super.channelInactive(ctx);
  }

  /**
   * The URL as the client named it ({@code PresentationContext.url()}): its absolute request URL,
   * or, for a bare path, one made from the address the client reached.
   */
  static String absoluteUrl(RtspExchange exchange) {
    String target = exchange.request.uri();
    if (!target.startsWith("/")) {
      return target;
    }
    var local = exchange.connection.local;
    String host = local.getAddress().getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return URI.create(
            (exchange.connection.secure ? "rtsps://" : "rtsp://") + host + ":" + local.getPort())
        + target;
  }
}
