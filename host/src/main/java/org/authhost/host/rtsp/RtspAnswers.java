package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
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
    ChannelFuture written = channel.writeAndFlush(render(refusal, status, cseq, channel.alloc()));
    if (refusal.close()) {
      // Whatever follows on the connection cannot be trusted to be a request of its own.
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * The RTSP answer for a refusal, as the bytes the client gets: status, CSeq, challenges,
   * Retry-After, a short text; the bytes Netty's {@code RtspEncoder} wrote for the same response
   * (names as its constants spell them, in that order), without building and encoding one for each
   * session's first request, its challenge. A value with a control character is refused as Netty's
   * validating headers refused it: nothing written can split the answer.
   */
  static EncodedAnswer render(Refusal refusal, int status, String cseq, ByteBufAllocator alloc) {
    String text = refusal.text() + "\r\n";
    int length = ByteBufUtil.utf8Bytes(text);
    // Room for the challenges too: a Digest challenge alone is longer than the rest of the head,
    // and a buffer grown as it is written is a second allocation and a copy per challenge answer.
    int challenges = 0;
    for (String challenge : refusal.challenges()) {
      challenges += RtspHeaderNames.WWW_AUTHENTICATE.length() + challenge.length() + 4;
    }
    ByteBuf out = alloc.buffer(160 + challenges + length);
    try {
      HeadLines.status(out, RtspResponseStatuses.valueOf(status));
      if (cseq != null) {
        HeadLines.header(out, RtspHeaderNames.CSEQ, valid(cseq));
      }
      for (String challenge : refusal.challenges()) {
        HeadLines.header(out, RtspHeaderNames.WWW_AUTHENTICATE, valid(challenge));
      }
      if (refusal.retryAfterSeconds() > 0) {
        HeadLines.header(out, "Retry-After", Long.toString(refusal.retryAfterSeconds()));
      }
      HeadLines.header(out, RtspHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      HeadLines.header(out, RtspHeaderNames.CONTENT_LENGTH, Integer.toString(length));
      HeadLines.end(out);
      // Its length known: writeUtf8 would make room for three bytes a char, growing the buffer.
      ByteBufUtil.reserveAndWriteUtf8(out, text, length);
      EncodedAnswer answer = new EncodedAnswer(out, status);
      out = null;
      return answer;
    } finally {
      if (out != null) {
        out.release();
      }
    }
  }

  /**
   * {@code value}, for a header of an answer written as bytes; an {@link IllegalArgumentException}
   * when it holds a character that could split the answer.
   */
  static String valid(String value) {
    if (HttpHeaderValidationUtil.validateValidHeaderValue(value) >= 0) {
      throw new IllegalArgumentException("not a header value: " + value);
    }
    return value;
  }
}
