package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The origin's answer made the client's, as the bytes the client gets: {@code RTSP/1.0} and the
 * origin's status, its headers as they came but for the origin's challenges, the hop-by-hop ones
 * and its {@code CSeq} and length (dropped), and the origin's absolute URLs in {@code
 * Content-Base}, {@code Content-Location}, {@code RTP-Info}, {@code Location} and an SDP body made
 * client-facing ({@link OriginUrls}); then the client's {@code CSeq}, what the authentication adds
 * ({@code Authentication-Info}) and the body's length: an {@link EncodedAnswer}.
 */
final class RelayedAnswer {
  private RelayedAnswer() {}

  /** The client's answer for the origin's {@code answer} to the request with {@code cseq}. */
  static EncodedAnswer of(
      OriginAnswer answer,
      String cseq,
      List<Map.Entry<String, String>> added,
      OriginUrls urls,
      ByteBufAllocator alloc) {
    byte[] in = answer.bytes;
    String sdp = sdp(answer, urls);
    int bodyFrom = answer.bodyFrom();
    int bodyLength = sdp != null ? ByteBufUtil.utf8Bytes(sdp) : in.length - bodyFrom;
    // The origin's bytes, the client's CSeq, what the authentication adds (Digest's
    // Authentication-Info is longer than the rest put together) and an SDP whose URLs grew: sized
    // at once, not grown (a second allocation and a copy) while it is written.
    int extra = cseq.length() + Math.max(0, bodyLength - (in.length - bodyFrom));
    for (Map.Entry<String, String> h : added) {
      extra += h.getKey().length() + h.getValue().length() + 4;
    }
    ByteBuf out = alloc.buffer(in.length + 128 + extra);
    try {
      out.writeCharSequence("RTSP/1.0 ", StandardCharsets.US_ASCII);
      out.writeBytes(in, answer.statusFrom, answer.statusTo - answer.statusFrom);
      HeadLines.end(out);
      for (int h = 0; h < answer.count(); h++) {
        switch (answer.kind(h)) {
          case DROPPED, LENGTH, CHALLENGE -> {}
          case URL -> {
            HeadLines.header(out, answer.name(h), urls.toClient(answer.value(h)));
          }
          default -> {
            // As it came, a folded header's inner line ends (CR LF, as every line's) included.
            out.writeBytes(in, answer.from(h), answer.to(h) - answer.from(h));
            HeadLines.end(out);
          }
        }
      }
      HeadLines.header(out, "CSeq", cseq);
      for (Map.Entry<String, String> h : added) {
        // The driver's (a plug-in's final words, checked for control characters there): checked
        // again here, where nothing else would stop a line break from splitting the answer.
        if (HttpHeaderValidationUtil.validateToken(h.getKey()) >= 0
            || HttpHeaderValidationUtil.validateValidHeaderValue(h.getValue()) >= 0) {
          throw new IllegalArgumentException("not a header: " + h.getKey());
        }
        HeadLines.header(out, h.getKey(), h.getValue());
      }
      if (bodyLength > 0) {
        HeadLines.header(out, "Content-Length", Integer.toString(bodyLength));
      }
      HeadLines.end(out);
      if (sdp != null) {
        // Its length known: writeUtf8 would make room for three bytes a char, growing the buffer.
        ByteBufUtil.reserveAndWriteUtf8(out, sdp, bodyLength);
      } else {
        out.writeBytes(in, bodyFrom, bodyLength);
      }
      EncodedAnswer relayed = new EncodedAnswer(out, answer.status);
      out = null;
      return relayed;
    } finally {
      if (out != null) {
        out.release();
      }
    }
  }

  /** An SDP body with the origin's URLs made client-facing ({@code a=control}), or null. */
  private static String sdp(OriginAnswer answer, OriginUrls urls) {
    byte[] in = answer.bytes;
    int from = answer.bodyFrom();
    if (from >= in.length) {
      return null;
    }
    String type = answer.first(OriginAnswer.Kind.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/sdp")) {
      return null;
    }
    return urls.toClient(new String(in, from, in.length - from, StandardCharsets.UTF_8));
  }
}
