package org.authhost.host.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.authhost.api.HResult;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.access.IpRules;
import org.authhost.host.authn.Refusal;

/**
 * The address lists, on the client address the {@link Exchange} carries: the server's (before
 * routing, so that a refused client learns nothing about the paths) or the publishing point's
 * (after routing). Refused: 403, audited.
 */
@ChannelHandler.Sharable
public final class AddressLists extends SimpleChannelInboundHandler<Exchange> {
  /** The server's lists, or null for the routed publishing point's. */
  private final IpRules server;

  private final HttpAnswers answers;

  private AddressLists(IpRules server, HttpAnswers answers) {
    super(false); // an Exchange holds no buffer to release
    this.server = server;
    this.answers = answers;
  }

  /** The server's lists as the HTTP front applies them, before routing. */
  public static final String SERVER_LISTS = "the server's address lists";

  static AddressLists server(IpRules rules, HttpAnswers answers) {
    return new AddressLists(rules, answers);
  }

  static AddressLists point(HttpAnswers answers) {
    return new AddressLists(null, answers);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Exchange exchange) {
    IpRules rules = server != null ? server : exchange.point().ipRules();
    Refusal refused =
        refusal(
            rules,
            exchange.client(),
            server != null ? SERVER_LISTS : "publishing point " + exchange.point().name());
    if (refused == null) {
      ctx.fireChannelRead(exchange);
      return;
    }
    answers.refuse(exchange, refused);
  }

  /**
   * The step itself, for every listener that takes requests (the web console's too): null when
   * {@code rules} let the client in, else the audited 403.
   *
   * @param by whose lists, for the audit: {@code the server's address lists}
   */
  public static Refusal refusal(IpRules rules, ClientAddress client, String by) {
    if (rules.allows(client.inet())) {
      return null;
    }
    return Refusal.forbidden()
        .audited(
            HResult.E_ACCESSDENIED,
            "client address " + client.address() + " is not allowed by " + by);
  }
}
