package org.authhost.host.rtsp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.authhost.api.HResult;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.Refusal;

/**
 * An RTSP {@code Session} is bound to the connection that set it up and to the identity that did: a
 * session id this connection never saw (another client's, guessed, or from another connection of
 * the same client) is 454 Session Not Found, and a session of another identity is 403; both
 * audited.
 */
final class RtspSessionBinding extends SimpleChannelInboundHandler<RtspExchange> {
  private final RtspAnswers answers;

  RtspSessionBinding(RtspAnswers answers) {
    super(false);
    this.answers = answers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, RtspExchange exchange) {
    String session = exchange.session();
    if (session == null) {
      ctx.fireChannelRead(exchange);
      return;
    }
    RtspConnection.Binding bound = exchange.connection.binding(session);
    String account = exchange.serve().account();
    if (bound == null) {
      exchange.request.release();
      answers.refuse(
          ctx.channel(),
          exchange,
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "RTSP session "
                      + Audit.quoted(session)
                      + " was not set up on this connection (account "
                      + Audit.quoted(account)
                      + ")"),
          454);
      return;
    }
    if (!bound.account().equals(account)) {
      exchange.request.release();
      answers.refuse(
          ctx.channel(),
          exchange,
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "RTSP session "
                      + Audit.quoted(session)
                      + " belongs to "
                      + Audit.quoted(bound.account())
                      + ", not to "
                      + Audit.quoted(account)));
      return;
    }
    exchange.connection.granted(session, exchange.serve(), exchange.right());
    ctx.fireChannelRead(exchange);
  }
}
