package org.authhost.host.rtsp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.authhost.host.authn.Refusal;

/**
 * What a SETUP may ask for: interleaved TCP transport only (a UDP transport would send the media to
 * AuthHost's address with nothing to relay it; 461 Unsupported Transport makes ffmpeg and others
 * retry over TCP), so the origin's copy of the request gets the {@code Transport} header with its
 * TCP choices only (the client's request, which plug-ins read, is left as it came); and at most
 * {@link #MAX_SETUPS} SETUPs per connection (a flood of them is cut with 503, counted by {@link
 * RtspRequestCheck} before authentication).
 */
final class RtspSetupCheck extends SimpleChannelInboundHandler<RtspExchange> {
  static final int MAX_SETUPS = 32;

  private final RtspAnswers answers;

  RtspSetupCheck(RtspAnswers answers) {
    super(false);
    this.answers = answers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, RtspExchange exchange) {
    if (!exchange.method.equals("SETUP")) {
      ctx.fireChannelRead(exchange);
      return;
    }
    String transport = exchange.request.headers().get(RtspHeaderNames.TRANSPORT);
    List<String> tcp = tcpChoices(transport);
    if (tcp.isEmpty()) {
      exchange.request.release();
      answers.refuse(
          ctx.channel(),
          exchange,
          new Refusal(
              Refusal.Kind.BAD_REQUEST,
              "only interleaved TCP transport (RTP/AVP/TCP) is supported",
              List.of(),
              0,
              false,
              null,
              null),
          461);
      return;
    }
    exchange.narrowTransport(String.join(",", tcp));
    ctx.fireChannelRead(exchange);
  }

  /** The transport specifications of {@code header} that are interleaved TCP. */
  static List<String> tcpChoices(String header) {
    List<String> tcp = new ArrayList<>();
    if (header == null) {
      return tcp;
    }
    for (String spec : header.split(",")) {
      String s = spec.strip();
      String protocol = s.split(";", 2)[0].strip().toUpperCase(Locale.ROOT);
      if (protocol.endsWith("/TCP")) {
        tcp.add(s);
      }
    }
    return tcp;
  }
}
