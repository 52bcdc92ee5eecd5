package org.authhost.host.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.authhost.api.HResult;
import org.authhost.host.access.IpRules;
import org.authhost.host.authn.Refusal;

/**
 * The address lists, on the client address the {@link Exchange} carries: the server's (before
 * routing, so that a refused client learns nothing about the paths) or the publishing point's
 * (after routing). Refused: 403, audited.
 */
@ChannelHandler.Sharable
final class AddressLists extends SimpleChannelInboundHandler<Exchange> {
  /** The server's lists, or null for the routed publishing point's. */
  private final IpRules server;

  private final HttpAnswers answers;

  private AddressLists(IpRules server, HttpAnswers answers) {
    super(false); // an Exchange holds no buffer to release
    this.server = server;
    this.answers = answers;
  }

  static AddressLists server(IpRules rules, HttpAnswers answers) {
    return new AddressLists(rules, answers);
  }

  static AddressLists point(HttpAnswers answers) {
    return new AddressLists(null, answers);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Exchange exchange) {
    IpRules rules = server != null ? server : exchange.point().ipRules();
    if (rules.allows(exchange.client().inet())) {
      ctx.fireChannelRead(exchange);
      return;
    }
    String by =
        server != null
            ? "the server's address lists"
            : "publishing point " + exchange.point().name();
    answers.refuse(
        exchange,
        Refusal.forbidden()
            .audited(
                HResult.E_ACCESSDENIED,
                "client address " + exchange.clientText() + " is not allowed by " + by));
  }
}
