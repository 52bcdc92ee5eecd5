package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.authhost.host.authn.Refusal;

/**
 * Splits the byte stream of an RTSP connection into whole messages and interleaved frames, before
 * Netty's {@code RtspDecoder}: that decoder buffers bytes it has taken and reads a {@code $} frame
 * as a garbage request line (after which it discards everything), so it must only ever see one
 * whole RTSP message at a time. A message is its head up to the empty line, then {@code
 * Content-Length} bytes; a frame is {@code $}, a channel, a 16-bit length and the payload, passed
 * on as an {@link InterleavedFrame}. A head past {@code maxHead} bytes, a body past {@code
 * maxBody}, or a Content-Length that is not a number is a {@link FramingError}, after which the
 * rest of the stream is discarded (the connection is closed by whoever answers the error).
 */
final class RtspFramer extends ByteToMessageDecoder {
  private final int maxHead;
  private final int maxBody;
  private boolean broken;

  /** How much of the current message's head earlier reads scanned without finding its end. */
  private int scannedHead;

  RtspFramer(int maxHead, int maxBody) {
    this.maxHead = maxHead;
    this.maxBody = maxBody;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (broken) {
      in.skipBytes(in.readableBytes());
      return;
    }
    // Empty lines between messages are allowed (and some clients send them as keep-alives).
    while (in.isReadable() && isLineEnd(in.getByte(in.readerIndex()))) {
      in.skipBytes(1);
    }
    if (!in.isReadable()) {
      return;
    }
    int start = in.readerIndex();
    if (in.getByte(start) == '$') {
      if (in.readableBytes() < 4) {
        return;
      }
      int length = in.getUnsignedShort(start + 2);
      if (in.readableBytes() < 4 + length) {
        return;
      }
      out.add(InterleavedFrame.read(in.readRetainedSlice(4 + length)));
      return;
    }
    int headEnd = headEnd(in, start);
    if (headEnd < 0) {
      if (in.readableBytes() > maxHead) {
        fail(
            in,
            out,
            Refusal.malformed(
                Refusal.Kind.HEADERS_TOO_LARGE,
                "request head too large",
                "RTSP request head longer than " + maxHead + " bytes"),
            null);
      }
      return;
    }
    // Read from the bytes in place: a String of the whole head per message, split by a regex, was
    // a tenth of the event loop's Java time per relayed request. The CSeq only names an error.
    long length;
    String declared = field(in, start, headEnd, "content-length");
    try {
      length = declared == null ? 0 : Long.parseLong(declared);
    } catch (NumberFormatException e) {
      length = -1;
    }
    if (length < 0) {
      fail(
          in,
          out,
          Refusal.malformed(
              Refusal.Kind.BAD_REQUEST,
              "malformed Content-Length",
              "RTSP message with a Content-Length that is not a number"),
          field(in, start, headEnd, "cseq"));
      return;
    }
    if (length > maxBody) {
      fail(
          in,
          out,
          Refusal.malformed(
              Refusal.Kind.PAYLOAD_TOO_LARGE,
              "request body too large",
              "RTSP message body of " + length + " bytes, more than " + maxBody),
          field(in, start, headEnd, "cseq"));
      return;
    }
    int total = headEnd - start + (int) length;
    if (in.readableBytes() < total) {
      return;
    }
    out.add(in.readRetainedSlice(total));
  }

  private void fail(ByteBuf in, List<Object> out, Refusal refusal, String cseq) {
    broken = true;
    in.skipBytes(in.readableBytes());
    out.add(new FramingError(refusal, cseq));
  }

  /**
   * The index just after the empty line that ends the head ({@code CRLF CRLF}, or bare LFs), or -1
   * when it has not arrived within {@code maxHead} bytes.
   */
  private int headEnd(ByteBuf in, int start) {
    int end = Math.min(in.writerIndex(), start + maxHead + 4);
    // From where the last read's scan of this head stopped (less the 3 bytes an end may span):
    // a head that comes a byte per read is scanned once, not once per read. From line end to line
    // end (indexOf: one bounds check, eight bytes at a time), not byte by byte (getByte, a bounds
    // check each: a twentieth of the event loops' Java time per relayed request).
    int i = start + Math.max(0, scannedHead - 3);
    int lf;
    while (i < end && (lf = in.indexOf(i, end, (byte) '\n')) >= 0) {
      int next = lf + 1;
      if (next < end && in.getByte(next) == '\r') {
        next++;
      }
      if (next < end && in.getByte(next) == '\n') {
        scannedHead = 0;
        return next + 1;
      }
      i = lf + 1;
    }
    scannedHead = end - start;
    return -1;
  }

  /**
   * A header field's value from a raw head in {@code in} from {@code start} to {@code end} (the
   * first line is the request line), or null: the first line whose name, white space around it
   * ignored, is {@code lowerName} in any case (ASCII).
   */
  static String field(ByteBuf in, int start, int end, String lowerName) {
    int line = in.indexOf(start, end, (byte) '\n');
    while (line >= 0 && line + 1 < end) {
      int from = line + 1;
      int next = in.indexOf(from, end, (byte) '\n');
      int to = next < 0 ? end : next;
      String value = value(in, from, to, lowerName);
      if (value != null) {
        return value;
      }
      line = next;
    }
    return null;
  }

  /** The value of the header line {@code in[from, to)} if its name is {@code lowerName}. */
  private static String value(ByteBuf in, int from, int to, String lowerName) {
    int i = from;
    while (i < to && isBlank(in.getByte(i))) {
      i++;
    }
    int n = lowerName.length();
    if (to - i < n + 1) {
      return null;
    }
    for (int k = 0; k < n; k++) {
      int b = in.getByte(i + k) & 0xff;
      if ((b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b) != lowerName.charAt(k)) {
        return null;
      }
    }
    i += n;
    while (i < to && isBlank(in.getByte(i))) {
      i++;
    }
    if (i >= to || in.getByte(i) != ':') {
      return null;
    }
    int a = i + 1;
    int b = to;
    while (a < b && isSpace(in.getByte(a))) {
      a++;
    }
    while (b > a && isSpace(in.getByte(b - 1))) {
      b--;
    }
    return in.toString(a, b - a, StandardCharsets.ISO_8859_1);
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t';
  }

  /** What {@code String.strip} takes off a Latin-1 value's ends (the line's CR included). */
  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == 0x0b || b == 0x0c || (b >= 0x1c && b <= 0x1f);
  }

  private static boolean isLineEnd(byte b) {
    return b == '\r' || b == '\n';
  }
}
