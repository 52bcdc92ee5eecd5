package org.authhost.host.rtsp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Set;
import org.authhost.api.HResult;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.Request;
import org.authhost.host.http.HeadLimits;

/**
 * Turns each decoded message into an {@link RtspExchange}, or refuses it: a framing error or a
 * message the decoder could not read (400, 413 or 431; the connection ends), a response where a
 * request belongs (400, ends), another RTSP version (505), no {@code CSeq} (400), a method RTSP
 * does not define for a client (501). Interleaved frames pass on untouched after a SETUP; one
 * before any SETUP ends the connection (400).
 */
final class RtspRequestCheck extends ChannelInboundHandlerAdapter {
  static final Set<String> METHODS =
      Set.of(
          "OPTIONS",
          "DESCRIBE",
          "ANNOUNCE",
          "SETUP",
          "PLAY",
          "PAUSE",
          "TEARDOWN",
          "GET_PARAMETER",
          "SET_PARAMETER",
          "RECORD");

  private final RtspConnection connection;
  private final RtspAnswers answers;

  RtspRequestCheck(RtspConnection connection, RtspAnswers answers) {
    this.connection = connection;
    this.answers = answers;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof InterleavedFrame frame) {
      if (connection.hasSession()) {
        ctx.fireChannelRead(frame);
        return;
      }
      frame.release();
      answers.refuse(
          ctx.channel(),
          unread("$"),
          null,
          Refusal.malformed(
              Refusal.Kind.BAD_REQUEST,
              "interleaved data before SETUP",
              "RTSP client sent an interleaved frame before any SETUP set up a session"),
          400);
      return;
    }
    if (msg instanceof FramingError error) {
      answers.refuse(
          ctx.channel(), unread("-"), error.cseq(), error.refusal(), error.refusal().kind().code);
      return;
    }
    try {
      Refusal.Kind tooLong =
          msg instanceof HttpObject o && o.decoderResult().isFailure()
              ? HeadLimits.tooLong(o.decoderResult().cause())
              : null;
      if (tooLong != null) {
        // Netty's decoder makes a line too long a response (it cannot tell which it was reading).
        HttpObject o = (HttpObject) msg;
        answers.refuse(
            ctx.channel(),
            unread("-"),
            o instanceof HttpMessage m ? m.headers().get(RtspHeaderNames.CSEQ) : null,
            Refusal.malformed(
                tooLong,
                tooLong == Refusal.Kind.URI_TOO_LONG
                    ? "request line too long"
                    : "request head too large",
                "RTSP request past its limit (" + o.decoderResult().cause() + ")"),
            tooLong.code);
        return;
      }
      if (!(msg instanceof FullHttpRequest request)) {
        String what = msg instanceof HttpObject ? "a response or a partial message" : "data";
        malformed(ctx, null, "malformed request", "RTSP client sent " + what + ", not a request");
        return;
      }
      String cseq = request.headers().get(RtspHeaderNames.CSEQ);
      if (request.decoderResult().isFailure()) {
        malformed(
            ctx,
            cseq,
            "malformed request",
            "malformed RTSP request (" + request.decoderResult().cause() + ")");
        return;
      }
      RtspExchange exchange = new RtspExchange(request, cseq, connection);
      if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
        // RTSP has no chunked bodies: Content-Length alone says where a message ends. Before the
        // checks that keep the connection: what follows such a head is no request to read.
        answers.refuse(
            ctx.channel(),
            exchange,
            Refusal.malformed(
                Refusal.Kind.BAD_REQUEST,
                "Transfer-Encoding is not RTSP",
                "RTSP request with a Transfer-Encoding header"));
        return;
      }
      if (!RtspVersions.RTSP_1_0.equals(request.protocolVersion())) {
        answers.refuse(
            ctx.channel(),
            exchange,
            new Refusal(
                Refusal.Kind.VERSION_NOT_SUPPORTED,
                "only RTSP/1.0 is supported",
                List.of(),
                0,
                false,
                HResult.E_INVALIDARG,
                "RTSP version " + request.protocolVersion() + " is not supported"));
        return;
      }
      if (cseq == null || cseq.isBlank()) {
        answers.refuse(
            ctx.channel(),
            exchange,
            Refusal.malformed(Refusal.Kind.BAD_REQUEST, "CSeq missing", "RTSP request without CSeq")
                .withClose(false));
        return;
      }
      if (!METHODS.contains(exchange.method)) {
        answers.refuse(
            ctx.channel(),
            exchange,
            Refusal.malformed(
                    Refusal.Kind.BAD_REQUEST,
                    "method not implemented",
                    "RTSP method "
                        + Request.withoutControls(cut(exchange.method))
                        + " is not one a"
                        + " client may send")
                .withClose(false),
            501);
        return;
      }
      if (request.headers().getAll(RtspHeaderNames.SESSION).size() > 1) {
        answers.refuse(
            ctx.channel(),
            exchange,
            Refusal.malformed(
                    Refusal.Kind.BAD_REQUEST,
                    "one Session header at most",
                    "RTSP request with more than one Session header")
                .withClose(false));
        return;
      }
      if (request.headers().contains(HttpHeaderNames.EXPECT)) {
        answers.refuse(
            ctx.channel(),
            exchange,
            Refusal.malformed(
                    Refusal.Kind.BAD_REQUEST,
                    "no expectation is supported",
                    "RTSP request with an Expect header")
                .withClose(false),
            417);
        return;
      }
      if (exchange.method.equals("SETUP") && connection.setup() > RtspSetupCheck.MAX_SETUPS) {
        // Counted before authentication: a flood of SETUPs is cut whether or not each is
        // challenged (decided at once on the event loop, none of them waits to be counted there).
        answers.refuse(
            ctx.channel(),
            exchange,
            Refusal.busy(
                    "too many SETUP requests on one connection",
                    1,
                    "RTSP client sent more than "
                        + RtspSetupCheck.MAX_SETUPS
                        + " SETUPs on one connection")
                .withClose(true));
        return;
      }
      msg = null; // handed on: the exchange's last handler releases the request
      ctx.fireChannelRead(exchange);
    } finally {
      if (msg != null) {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  private void malformed(ChannelHandlerContext ctx, String cseq, String text, String reason) {
    answers.refuse(
        ctx.channel(),
        unread("-"),
        cseq,
        Refusal.malformed(Refusal.Kind.BAD_REQUEST, text, reason),
        400);
  }

  private Request unread(String method) {
    return new Request(connection.client.address(), method, "-", null);
  }

  private static String cut(String s) {
    return s.length() > 32 ? s.substring(0, 32) + "..." : s;
  }
}
