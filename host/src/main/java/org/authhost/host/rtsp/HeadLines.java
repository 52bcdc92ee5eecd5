package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Writes the lines of an RTSP message's head as the relay passes it on in bytes: each char as one
 * byte (as Netty's encoder writes a header, so bytes read as Latin-1 go back as they came), each
 * line ended with CR LF.
 */
final class HeadLines {
  private static final short CRLF = ('\r' << 8) | '\n';

  private HeadLines() {}

  /** The status line of an answer: {@code RTSP/1.0}, the code and its reason, a line end. */
  static void status(ByteBuf out, HttpResponseStatus status) {
    ByteBufUtil.writeAscii(out, "RTSP/1.0 ");
    ByteBufUtil.writeAscii(out, status.codeAsText());
    out.writeByte(' ');
    ByteBufUtil.writeAscii(out, status.reasonPhrase());
    end(out);
  }

  /** {@code name: value} and a line end. */
  static void header(ByteBuf out, CharSequence name, CharSequence value) {
    ByteBufUtil.writeAscii(out, name);
    out.writeByte(':').writeByte(' ');
    ByteBufUtil.writeAscii(out, value);
    out.writeShort(CRLF);
  }

  /** A line end: after a line written, or the empty line that ends the head. */
  static void end(ByteBuf out) {
    out.writeShort(CRLF);
  }
}
