package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.authhost.host.authn.Refusal;
import org.junit.jupiter.api.Test;

/**
 * The framer's reading of a head from its bytes: Content-Length in any case and spacing decides
 * where a message ends, the request line is not a header, and the CSeq of a refused message is the
 * one its head names.
 */
class RtspFramerTest {
  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  @Test
  void aHeadersValueIsFoundInAnyCaseAndSpacingAndNotInTheRequestLine() {
    ByteBuf head =
        bytes(
            "ANNOUNCE rtsp://h/content-length:9 RTSP/1.0\r\n"
                + "CSeq:7\r\n"
                + " CONTENT-Length \t:  12 \r\n"
                + "X-Other: content-length: 3\r\n\r\n");
    int end = head.writerIndex();
    assertEquals("12", RtspFramer.field(head, 0, end, "content-length"));
    assertEquals("7", RtspFramer.field(head, 0, end, "cseq"));
    assertNull(RtspFramer.field(head, 0, end, "session"));
    // Bare LFs end lines as CRLFs do; a name that only starts like the one asked for is another.
    ByteBuf lf = bytes("OPTIONS * RTSP/1.0\nCSeq-X: 1\nCSeq: 2\n\n");
    assertEquals("2", RtspFramer.field(lf, 0, lf.writerIndex(), "cseq"));
    head.release();
    lf.release();
  }

  /** Each header line as a head's only header, and the value the framer reads from it. */
  @Test
  void contentLengthLinesAndWhatTheFramerReads() {
    String[][] table = {
      {"Content-Length: 5", "5"},
      {"content-length:5", "5"},
      {" Content-Length : 5 ", "5"},
      {"CONTENT-LENGTH:\t5\r", "5"},
      {"Content-Length:", ""},
      {"Content-LengthX: 5", null},
      {"X-Content-Length: 5", null},
      {"Content-Length 5", null},
      {"Content-Length: 5\r\nContent-Length: 7", "5"}, // the first of two
    };
    for (String[] row : table) {
      ByteBuf head = bytes("PLAY rtsp://h/content-length:9 RTSP/1.0\r\n" + row[0] + "\r\n\r\n");
      assertEquals(row[1], RtspFramer.field(head, 0, head.writerIndex(), "content-length"), row[0]);
      head.release();
    }
  }

  @Test
  void theBodyEndsWhereContentLengthSaysAndABadOneIsRefusedWithItsCSeq() {
    EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer(4096, 64));
    ch.writeInbound(
        bytes("ANNOUNCE rtsp://h/a RTSP/1.0\r\ncontent-LENGTH: 3\r\nCSeq: 4\r\n\r\nabcDESCRIBE"));
    ByteBuf first = ch.readInbound();
    assertTrue(first.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\nabc"));
    first.release();
    assertNull(ch.readInbound()); // the next message has not ended yet
    ch.writeInbound(bytes(" rtsp://h/a RTSP/1.0\r\nCSeq: 5\r\nContent-Length: 1x\r\n\r\n"));
    FramingError error = ch.readInbound();
    assertEquals("5", error.cseq());
    assertEquals(Refusal.Kind.BAD_REQUEST, error.refusal().kind());
    ch.finishAndReleaseAll();
  }

  @Test
  void aFrameReadWholeIsWrittenAsTheOneBufferItCameInAndFreedAfter() {
    EmbeddedChannel in = new EmbeddedChannel(new RtspFramer(4096, 64));
    ByteBuf bytes = Unpooled.buffer().writeBytes(new byte[] {'$', 1, 0, 3, 'a', 'b', 'c', '$', 0});
    in.writeInbound(bytes);
    InterleavedFrame frame = in.readInbound();
    assertEquals(1, frame.channel);
    assertEquals("abc", frame.content().toString(StandardCharsets.ISO_8859_1));
    assertNull(in.readInbound()); // the second frame's header has not all come
    int held = frame.refCnt(); // the frame's share and the framer's (the rest it still holds)

    EmbeddedChannel out = new EmbeddedChannel(InterleavedFrameEncoder.INSTANCE);
    out.writeOutbound(frame);
    ByteBuf written = out.readOutbound();
    assertNull(out.readOutbound()); // one buffer, header and payload, not a header of its own
    assertEquals("$\u0001\u0000\u0003abc", written.toString(StandardCharsets.ISO_8859_1));
    written.release();
    assertEquals(held - 1, frame.refCnt()); // the frame's share is given back once written
    in.finishAndReleaseAll();
    out.finishAndReleaseAll();
    assertEquals(0, frame.refCnt()); // and the framer's at the end: nothing leaks
  }
}
