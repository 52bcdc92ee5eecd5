package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.rtsp.RtspDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The plain requests' reader against Netty's codec, request by request: what it reads is what
 * Netty's {@code RtspDecoder} and aggregator make of the same bytes (method, target, version, every
 * header in order, the body); what it leaves (null) is each form it must not read itself.
 */
class RtspRequestReaderTest {
  static final int MAX_LINE = 1024;
  static final int MAX_HEADERS = 2048;

  /** Requests as the clients here send them, and a few more headers and bodies. */
  static final List<String> PLAIN =
      List.of(
          "OPTIONS rtsp://127.0.0.1:8554/cam/test RTSP/1.0\r\nCSeq: 1\r\n"
              + "User-Agent: Lavf60.16.100\r\n\r\n",
          "DESCRIBE rtsp://127.0.0.1:8554/cam/test RTSP/1.0\r\nAccept: application/sdp\r\n"
              + "CSeq: 3\r\nUser-Agent: LibVLC/3.0.18 (LIVE555 Streaming Media v2021.08.24)\r\n"
              + "Authorization: Digest username=\"alice\", realm=\"AuthHost\", nonce=\"abc\","
              + " uri=\"rtsp://127.0.0.1:8554/cam/test\", response=\"0123\"\r\n\r\n",
          "SETUP rtsp://127.0.0.1:8554/cam/test/stream=0 RTSP/1.0\r\n"
              + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nCSeq:4\r\n"
              + "Session:   S1;timeout=60  \r\n\r\n",
          "PLAY /cam/test/ RTSP/1.0\r\nCSeq: 5\r\nRange: npt=0.000-\r\nX-Empty:\r\n"
              + "X-Tab:\tv\t\r\n\r\n",
          "ANNOUNCE rtsp://127.0.0.1:8554/cam/pub?ah_sig=S&x=1 RTSP/1.0\r\nCSeq: 2\r\n"
              + "Content-Type: application/sdp\r\nContent-Length: 12\r\n\r\nv=0\r\ns=x\r\n\r\n",
          "GET_PARAMETER rtsp://127.0.0.1:8554/cam/test/ RTSP/1.0\r\nCSeq: 9\r\n"
              + "Content-length: 0\r\nX-Dup: 1\r\nX-Dup: 2\r\nX-High: caf\u00e9\r\n\r\n",
          "TEARDOWN rtsp://127.0.0.1:8554/cam/test/ RTSP/1.0\r\nCSeq: 10\r\n\r\n");

  /** Forms left to Netty's codec, for its checks and the answers behind. */
  static final List<String> LEFT =
      List.of(
          "describe rtsp://h/cam/test RTSP/1.0\r\nCSeq: 1\r\n\r\n",
          "PLAY /cam/test/ RTSP/1.0\nCSeq: 5\n\n",
          "PLAY /cam/test/ RTSP/1.0\r\nCSeq: 5\nRange: npt=0-\r\n\r\n",
          "FOO rtsp://h/cam/test RTSP/1.0\r\nCSeq: 1\r\n\r\n",
          "DESCRIBE rtsp://h/cam/test RTSP/2.0\r\nCSeq: 1\r\n\r\n",
          "DESCRIBE  rtsp://h/cam/test RTSP/1.0\r\nCSeq: 1\r\n\r\n",
          "DESCRIBE rtsp://h/cam/te st RTSP/1.0\r\nCSeq: 1\r\n\r\n",
          "DESCRIBE rtsp://h/cam/test RTSP/1.0\r\nCSeq : 1\r\n\r\n",
          "DESCRIBE rtsp://h/cam/test RTSP/1.0\r\nX-A: 1\r\n folded\r\nCSeq: 1\r\n\r\n",
          "DESCRIBE rtsp://h/cam/test RTSP/1.0\r\nCSeq: 1\r\nX-Bad: a\u0001b\r\n\r\n",
          "DESCRIBE rtsp://h/cam/test RTSP/1.0\r\nCSeq: 1\r\nNoColon\r\n\r\n",
          "DESCRIBE rtsp://h/cam/test RTSP/1.0\r\nCSeq: 1\r\nExpect: 100-continue\r\n\r\n",
          "ANNOUNCE rtsp://h/cam/t RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 1\r\n"
              + "Content-Length: 1\r\n\r\nx",
          "ANNOUNCE rtsp://h/cam/t RTSP/1.0\r\nCSeq: 1\r\nContent-Length: +1\r\n\r\nx",
          "DESCRIBE rtsp://h/" + "a".repeat(MAX_LINE) + " RTSP/1.0\r\nCSeq: 1\r\n\r\n",
          "DESCRIBE rtsp://h/cam/test RTSP/1.0\r\nCSeq: 1\r\nX-Long: "
              + "b".repeat(MAX_HEADERS)
              + "\r\n\r\n");

  static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }

  /** What Netty's codec makes of {@code text}. */
  static FullHttpRequest byNetty(String text) {
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new RtspDecoder(MAX_LINE, MAX_HEADERS, 4096), new HttpObjectAggregator(4096));
    ch.writeInbound(bytes(text));
    Object decoded = ch.readInbound();
    ch.finishAndReleaseAll();
    if (!(decoded instanceof FullHttpRequest request) || !request.decoderResult().isSuccess()) {
      ReferenceCountUtil.release(decoded);
      throw new AssertionError("Netty's codec does not read " + text + ": " + decoded);
    }
    return request;
  }

  static List<Map.Entry<String, String>> headers(FullHttpRequest request) {
    List<Map.Entry<String, String>> all = new ArrayList<>();
    request.headers().forEach(h -> all.add(Map.entry(h.getKey(), h.getValue())));
    return all;
  }

  @Test
  void aPlainRequestIsReadAsNettysCodecReadsIt() {
    RtspRequestReader reader = new RtspRequestReader(MAX_LINE, MAX_HEADERS, 4096);
    for (String text : PLAIN) {
      assertTrue(readAsNettyReads(reader, text), text);
    }
  }

  /**
   * Whether {@code reader} read {@code text} (one whole message): if it did, Netty's codec reads
   * the same bytes into the same request (method, target, version, headers in order, body).
   */
  static boolean readAsNettyReads(RtspRequestReader reader, String text) {
    ByteBuf in = bytes(text);
    FullHttpRequest read = reader.read(in);
    in.release();
    if (read == null) {
      return false;
    }
    FullHttpRequest expected = null;
    try {
      expected = byNetty(text);
      assertEquals(expected.method(), read.method(), text);
      assertEquals(expected.uri(), read.uri(), text);
      assertEquals(expected.protocolVersion(), read.protocolVersion(), text);
      assertEquals(headers(expected), headers(read), text);
      assertEquals(
          expected.content().toString(StandardCharsets.ISO_8859_1),
          read.content().toString(StandardCharsets.ISO_8859_1),
          text);
      assertEquals(expected.trailingHeaders().isEmpty(), read.trailingHeaders().isEmpty(), text);
      return true;
    } finally {
      read.release();
      if (expected != null) {
        expected.release();
      }
    }
  }

  @Test
  void anythingElseIsLeftToNettysCodec() {
    RtspRequestReader reader = new RtspRequestReader(MAX_LINE, MAX_HEADERS, 4096);
    for (String text : LEFT) {
      ByteBuf in = bytes(text);
      try {
        assertNull(reader.read(in), text);
        assertEquals(1, in.refCnt(), "left as it came");
      } finally {
        in.release();
      }
    }
  }

  /**
   * After a message left to Netty's codec, every later one is left to it too: a bad message stops
   * that decoder for good, and the plain request after it is not read around it.
   */
  /**
   * RTSP has no Transfer-Encoding and {@code RtspRequestCheck} refuses any; Netty's decoder drops
   * "chunked" from a message it reads as bodiless, so each path keeps the refusal's ground: the
   * reader keeps the header, Netty's path marks the message a failure.
   */
  @Test
  void aTransferEncodingReachesTheCheckWhicheverPathReadsIt() {
    EmbeddedChannel ch = new EmbeddedChannel(new RtspRequestReader(MAX_LINE, MAX_HEADERS, 4096));
    try {
      ch.writeInbound(
          bytes(
              "DESCRIBE rtsp://h/cam/test RTSP/1.0\r\nCSeq: 1\r\nTransfer-Encoding: chunked\r\n\r\n"));
      FullHttpRequest plain = ch.readInbound();
      try {
        assertEquals("chunked", plain.headers().get("transfer-encoding"), String.valueOf(plain));
      } finally {
        plain.release();
      }
      // Lower case: not a method the reader takes, so Netty's codec reads it.
      ch.writeInbound(
          bytes(
              "describe rtsp://h/cam/test RTSP/1.0\r\nCSeq: 2\r\nTransfer-Encoding: chunked\r\n\r\n"));
      Object other = ch.readInbound();
      try {
        assertTrue(
            ((DecoderResultProvider) other).decoderResult().isFailure(), String.valueOf(other));
      } finally {
        ReferenceCountUtil.release(other);
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void afterAMessageLeftToNettyTheRestIsLeftToo() {
    EmbeddedChannel ch = new EmbeddedChannel(new RtspRequestReader(MAX_LINE, MAX_HEADERS, 4096));
    ch.writeInbound(bytes("DESCRIBE rtsp://h/cam/test RTSP/1.0\nCSeq: 1\n\n"));
    ch.writeInbound(bytes(PLAIN.get(0)));
    Object bad = ch.readInbound();
    try {
      assertEquals(
          true, ((DecoderResultProvider) bad).decoderResult().isFailure(), String.valueOf(bad));
      assertNull(ch.readInbound(), "discarded by the decoder, as before the reader was there");
    } finally {
      ReferenceCountUtil.release(bad);
      ch.finishAndReleaseAll();
    }
  }

  /**
   * Netty's codec joins the pipeline, right behind the reader, with the first request left to it,
   * and only once: a connection of plain requests goes without it.
   */
  @Test
  void nettysCodecJoinsWithTheFirstRequestLeftToIt() {
    EmbeddedChannel ch = new EmbeddedChannel(new RtspRequestReader(MAX_LINE, MAX_HEADERS, 4096));
    try {
      List<String> alone = ch.pipeline().names();
      ch.writeInbound(bytes(PLAIN.get(0)));
      ch.writeInbound(bytes(PLAIN.get(1)));
      assertEquals(alone, ch.pipeline().names(), "plain requests: no codec");
      ReferenceCountUtil.release(ch.readInbound());
      ReferenceCountUtil.release(ch.readInbound());
      ch.writeInbound(bytes("describe rtsp://h/cam/test RTSP/1.0\r\nCSeq: 3\r\n\r\n"));
      ch.writeInbound(bytes("describe rtsp://h/cam/test RTSP/1.0\r\nCSeq: 4\r\n\r\n"));
      List<String> names = ch.pipeline().names();
      int reader = names.indexOf(alone.get(0));
      assertEquals(
          List.of("rtsp-decoder", "rtsp-encoder", "aggregate"),
          names.subList(reader + 1, reader + 4),
          String.valueOf(names));
      assertEquals(alone.size() + 3, names.size(), String.valueOf(names));
      for (String cseq : List.of("3", "4")) {
        FullHttpRequest request = ch.readInbound();
        assertEquals("DESCRIBE", request.method().name());
        assertEquals(cseq, request.headers().get("cseq"));
        request.release();
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /** In the pipeline: what it reads goes on as a request, and Netty's codec reads the rest. */
  @Test
  void inThePipelineBothFormsArriveAsRequests() {
    EmbeddedChannel ch = new EmbeddedChannel(new RtspRequestReader(MAX_LINE, MAX_HEADERS, 4096));
    ch.writeInbound(bytes(PLAIN.get(0)));
    ch.writeInbound(bytes("describe rtsp://h/cam/test RTSP/1.0\r\nCSeq: 2\r\n\r\n"));
    FullHttpRequest first = ch.readInbound();
    FullHttpRequest second = ch.readInbound();
    try {
      assertEquals("OPTIONS", first.method().name());
      assertEquals("1", first.headers().get("cseq"));
      assertEquals("DESCRIBE", second.method().name());
      assertEquals("2", second.headers().get("cseq"));
      assertNull(ch.readInbound());
    } finally {
      first.release();
      second.release();
      ch.finishAndReleaseAll();
    }
  }
}
