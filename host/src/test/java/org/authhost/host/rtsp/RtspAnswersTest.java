package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.rtsp.RtspEncoder;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.authhost.host.authn.Refusal;
import org.junit.jupiter.api.Test;

/**
 * A refusal's answer written as bytes against what Netty's {@code RtspEncoder} wrote for the same
 * response as the front built it before: the same bytes for every status the front answers with,
 * with and without a {@code CSeq}, challenges, {@code Retry-After} and a text beyond ASCII; and a
 * value that would split the answer refused as Netty's headers refused it.
 */
class RtspAnswersTest {
  private static final List<Refusal> REFUSALS =
      List.of(
          Refusal.logOn(
              List.of(
                  "Digest realm=\"AuthHost\", nonce=\"n1\", algorithm=SHA-256, qop=\"auth\"",
                  "Digest realm=\"AuthHost\", nonce=\"n2\", algorithm=MD5, qop=\"auth\"",
                  "Basic realm=\"Caf\u00e9 \u20ac\""),
              "authentication required"),
          Refusal.busy("too many requests at once", 1, "flood"),
          Refusal.tooMany("too many failed logons; try again later", 30, "locked"),
          Refusal.unavailable("authentication is unavailable: the plug-in failed"),
          Refusal.forbidden(),
          Refusal.notFound("no publishing point here"),
          Refusal.content(502, "the origin is unreachable", "unreachable"),
          Refusal.malformed(Refusal.Kind.BAD_REQUEST, "Zugriff verweigert: \u00fc\u20ac", "x"));

  private static final int[] STATUSES = {0, 400, 413, 417, 431, 454, 461, 501, 505};

  @Test
  void aRefusalIsTheBytesNettysEncoderWroteForIt() {
    for (Refusal refusal : REFUSALS) {
      for (int status : STATUSES) {
        int code = status == 0 ? refusal.kind().code : status;
        for (String cseq : new String[] {null, "7"}) {
          String what = code + " " + refusal.text() + " cseq " + cseq;
          assertEquals(byNetty(refusal, code, cseq), rendered(refusal, code, cseq), what);
        }
      }
    }
  }

  @Test
  void aValueThatWouldSplitTheAnswerIsRefusedAsNettyRefusedIt() {
    Refusal challenge = Refusal.logOn(List.of("Digest realm=\"a\"\r\nX-Injected: 1"), "log on");
    assertThrows(IllegalArgumentException.class, () -> byNetty(challenge, 401, "1"));
    assertThrows(IllegalArgumentException.class, () -> rendered(challenge, 401, "1"));
    Refusal plain = Refusal.forbidden();
    assertThrows(IllegalArgumentException.class, () -> byNetty(plain, 403, "1\r\nX: 2"));
    assertThrows(IllegalArgumentException.class, () -> rendered(plain, 403, "1\r\nX: 2"));
  }

  @Test
  void aChallengeIsWrittenInTheBufferItWasGivenNotGrown() {
    String nonce = "n".repeat(200);
    Refusal challenge =
        Refusal.logOn(
            List.of(
                "Digest realm=\"AuthHost\", nonce=\""
                    + nonce
                    + "\", algorithm=SHA-256, qop=\"auth\"",
                "Digest realm=\"AuthHost\", nonce=\"" + nonce + "\", algorithm=MD5, qop=\"auth\""),
            "authentication required");
    EncodedAnswer answer = RtspAnswers.render(challenge, 401, "12345", new FixedBuffers());
    try {
      assertEquals(
          byNetty(challenge, 401, "12345"), answer.content().toString(StandardCharsets.ISO_8859_1));
    } finally {
      answer.release();
    }
  }

  private static String rendered(Refusal refusal, int status, String cseq) {
    EncodedAnswer answer = RtspAnswers.render(refusal, status, cseq, ByteBufAllocator.DEFAULT);
    try {
      assertEquals(status, answer.status());
      return answer.content().toString(StandardCharsets.ISO_8859_1);
    } finally {
      answer.release();
    }
  }

  /** The answer as the front built it before (a response through Netty's encoder), as text. */
  private static String byNetty(Refusal refusal, int status, String cseq) {
    ByteBuf body = Unpooled.copiedBuffer(refusal.text() + "\r\n", StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            RtspVersions.RTSP_1_0, RtspResponseStatuses.valueOf(status), body);
    try {
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
    } catch (RuntimeException e) {
      response.release();
      throw e;
    }
    EmbeddedChannel encoder = new EmbeddedChannel(new RtspEncoder());
    encoder.writeOutbound(response);
    StringBuilder text = new StringBuilder();
    Object out;
    while ((out = encoder.readOutbound()) != null) {
      text.append(((ByteBuf) out).toString(StandardCharsets.ISO_8859_1));
      ReferenceCountUtil.release(out);
    }
    encoder.finishAndReleaseAll();
    return text.toString();
  }
}
