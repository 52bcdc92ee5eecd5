package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.authhost.host.access.IpRules;
import org.authhost.host.access.PublishingPoint;
import org.junit.jupiter.api.Test;

/**
 * The client's answer is written in the buffer sized for it at once: the origin's bytes with what
 * the relay adds (the client's CSeq, a long Authentication-Info) and an SDP whose URLs grew, never
 * a buffer grown while written (a second allocation and a copy).
 */
class RelayedAnswerTest {
  @Test
  void anAnswerWithAuthenticationInfoAndGrownUrlsFitsTheBufferItWasGiven() {
    StringBuilder sdp = new StringBuilder("v=0\r\na=control:rtsp://127.0.0.1:1/test/\r\n");
    for (int i = 0; i < 40; i++) {
      sdp.append("m=video 0 RTP/AVP 96\r\na=control:rtsp://127.0.0.1:1/test/stream=")
          .append(i)
          .append("\r\n");
    }
    String origin =
        "RTSP/1.0 200 OK\r\nCSeq: 9\r\nContent-Type: application/sdp\r\nContent-Length: "
            + sdp.length()
            + "\r\n\r\n"
            + sdp;
    String info = "rspauth=\"" + "0".repeat(32) + "\", cnonce=\"" + "c".repeat(64) + "\", nc=1";
    ByteBuf in = Unpooled.copiedBuffer(origin, StandardCharsets.ISO_8859_1);
    EncodedAnswer relayed;
    try {
      relayed =
          RelayedAnswer.of(
              OriginAnswer.read(in),
              "1234567",
              List.of(Map.entry("Authentication-Info", info)),
              camUrls(),
              new FixedBuffers());
    } finally {
      in.release();
    }
    try {
      String text = relayed.content().toString(StandardCharsets.ISO_8859_1);
      String body = sdp.toString().replace("127.0.0.1:1/", "127.0.0.1:8554/cam/");
      assertTrue(text.contains("\r\nCSeq: 1234567\r\nAuthentication-Info: " + info + "\r\n"), text);
      assertTrue(text.endsWith("\r\nContent-Length: " + body.length() + "\r\n\r\n" + body), text);
    } finally {
      relayed.release();
    }
  }

  /** The point {@code cam} relayed to an origin on port 1, as a client at 8554 names it. */
  static OriginUrls camUrls() {
    return OriginUrls.of(
        new PublishingPoint(
            "cam",
            "/cam/",
            null,
            URI.create("rtsp://127.0.0.1:1/"),
            List.of(),
            null,
            IpRules.of(List.of(), List.of())),
        "rtsp://127.0.0.1:8554/cam/test",
        new InetSocketAddress("127.0.0.1", 8554),
        false);
  }
}
