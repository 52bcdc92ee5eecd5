package org.authhost.host.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.authhost.api.HResult;
import org.authhost.host.access.Right;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.ClientConnection;
import org.authhost.host.authn.HttpCommandContext;
import org.authhost.host.authn.HttpPresentationContext;
import org.authhost.host.authn.HttpUserContext;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.Verdict;

/**
 * Asks the {@link AuthenticationDriver} for the routed request's verdict, off the event loop, and
 * brings it back to it: a refusal is answered, a verdict to serve goes on to {@link Dispatch}.
 */
@ChannelHandler.Sharable
final class Authentication extends SimpleChannelInboundHandler<Exchange> {
  private final Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> driver;
  private final HttpAnswers answers;

  /**
   * @param driver {@link AuthenticationDriver#decide}; a test may complete it before it returns
   */
  Authentication(
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> driver,
      HttpAnswers answers) {
    super(false); // an Exchange holds no buffer to release
    this.driver = driver;
    this.answers = answers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Exchange exchange) {
    HttpRequest request = exchange.request();
    ClientConnection connection = exchange.connection();
    var attempt =
        new AuthenticationDriver.Attempt(
            exchange.audited(),
            exchange.point(),
            connection,
            exchange.client(),
            new HttpUserContext(
                request.headers().get(HttpHeaderNames.USER_AGENT),
                exchange.clientText(),
                connection.port,
                connection.id),
            new HttpPresentationContext(exchange.point().name(), request.uri()),
            HttpCommandContext.of(request),
            request.headers().get(HttpHeaderNames.AUTHORIZATION),
            Right.forMethod(request.method().name()),
            null);
    // While the host decides, no bytes move, yet the client is not idle (ConnectionDeadlines).
    ConnectionActivity activity = exchange.activity();
    CompletableFuture<Verdict> pending;
    try {
      pending = driver.apply(activity.deciding(attempt));
    } catch (RuntimeException e) {
      // Decided all the same (a refusal), so that the connection does not stay "deciding".
      pending = CompletableFuture.failedFuture(e);
    }
    if (pending.isDone() && ctx.executor().inEventLoop()) {
      // Decided on this loop already (a non-blocking plug-in's verdict, a refusal): answered now
      // rather than from a task queued behind this read, so that the request's end, which the
      // decoder passes on in the same read, finds it decided and reading never has to stop.
      pending.whenComplete((verdict, failure) -> decided(ctx, exchange, verdict, failure));
    } else {
      pending.whenComplete(
          (verdict, failure) ->
              ctx.executor().execute(() -> decided(ctx, exchange, verdict, failure)));
    }
  }

  private void decided(
      ChannelHandlerContext ctx, Exchange exchange, Verdict verdict, Throwable failure) {
    // First thing, whatever the verdict and whether or not anyone still waits for it: idle time
    // counts again from now.
    exchange.activity().decided();
    if (failure != null) {
      // A host bug, not the client's: still fail closed, with a status that says "try later".
      answers.refuse(exchange, internalError(failure));
    } else if (verdict instanceof Refusal refusal) {
      answers.refuse(exchange, refusal);
    } else if (!exchange.isOver()) {
      exchange.authorized((Verdict.Serve) verdict);
      ctx.fireChannelRead(exchange);
    }
  }

  /** A host bug, not the client's: fail closed, with a status that says "try later". */
  static Refusal internalError(Throwable failure) {
    return new Refusal(
        Refusal.Kind.UNAVAILABLE,
        "temporarily unavailable",
        List.of(),
        Refusal.UNAVAILABLE_RETRY_SECONDS,
        true,
        HResult.E_UNEXPECTED,
        "internal error: " + failure);
  }
}
