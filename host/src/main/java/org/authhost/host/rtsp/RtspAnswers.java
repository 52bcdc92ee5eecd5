package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import java.nio.charset.StandardCharsets;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.Request;

/**
 * Where refusals become RTSP answers, for every refusal of the RTSP front (the RTSP counterpart of
 * the HTTP front's {@code HttpAnswers}): audits the refusal once, with the status it is answered
 * with, and writes {@code RTSP/1.0} with the request's {@code CSeq}, the challenges, {@code
 * Retry-After} and a short text. Nothing else in the front writes a refusal's status.
 */
final class RtspAnswers {
  private final Audit audit;

  RtspAnswers(Audit audit) {
    this.audit = audit;
  }

  /** Audits {@code refusal} and answers the exchange with its own status. */
  void refuse(Channel channel, RtspExchange exchange, Refusal refusal) {
    refuse(channel, exchange.audited(), exchange.cseq, refusal, refusal.kind().code);
  }

  /**
   * Audits {@code refusal} and answers with {@code status}: RTSP's own codes where it has one for
   * the case (454 Session Not Found, 461 Unsupported Transport, 501 Not Implemented).
   */
  void refuse(Channel channel, RtspExchange exchange, Refusal refusal, int status) {
    refuse(channel, exchange.audited(), exchange.cseq, refusal, status);
  }

  /**
   * The same for a message that never became an exchange (a framing error), {@code cseq} or null.
   */
  void refuse(Channel channel, Request audited, String cseq, Refusal refusal, int status) {
    if (refusal.audited()) {
      audit.refused(audited, refusal, status);
    }
    if (FinBeforeClose.ended(channel)) {
      return; // closed, or closing after an earlier refusal: nothing more is answered
    }
    ChannelFuture written = channel.writeAndFlush(render(refusal, status, cseq));
    if (refusal.close()) {
      // Whatever follows on the connection cannot be trusted to be a request of its own.
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The RTSP answer for a refusal: status, CSeq, challenges, Retry-After, a short text. */
  static FullHttpResponse render(Refusal refusal, int status, String cseq) {
    ByteBuf body = Unpooled.copiedBuffer(refusal.text() + "\r\n", StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            RtspVersions.RTSP_1_0, RtspResponseStatuses.valueOf(status), body);
    if (cseq != null) {
      response.headers().set(RtspHeaderNames.CSEQ, cseq);
    }
    for (String challenge : refusal.challenges()) {
      response.headers().add(RtspHeaderNames.WWW_AUTHENTICATE, challenge);
    }
    if (refusal.retryAfterSeconds() > 0) {
      response.headers().set("Retry-After", refusal.retryAfterSeconds());
    }
    response.headers().set(RtspHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().setInt(RtspHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return response;
  }
}
