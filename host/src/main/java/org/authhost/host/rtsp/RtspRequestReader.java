package org.authhost.host.rtsp;

import static org.authhost.host.rtsp.HeadBytes.indexOf;
import static org.authhost.host.rtsp.HeadBytes.isBlank;
import static org.authhost.host.rtsp.HeadBytes.isText;
import static org.authhost.host.rtsp.HeadBytes.isToken;
import static org.authhost.host.rtsp.HeadBytes.lineEnd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.rtsp.RtspDecoder;
import io.netty.handler.codec.rtsp.RtspEncoder;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.netty.handler.codec.rtsp.RtspVersions;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads a client's request, in its plain form, from the bytes {@link RtspFramer} handed on, in one
 * pass, into the {@code FullHttpRequest} Netty's {@code RtspDecoder} and {@code
 * HttpObjectAggregator} would make of it (the same method, target, headers in their order and body,
 * and the {@code content-length} the aggregator adds); they then pass it on untouched. The two of
 * them took a tenth of the event loops' Java time per relayed request. Anything else (a method RTSP
 * does not name, another version, a folded or unusual header, a control character, Expect, a line
 * near a limit) goes to them as it came, for their checks and the answers the handlers behind give
 * for what they find, and so does every message after it. They are put behind this reader then, the
 * first time: a connection of plain requests (every client's in practice) is not given three
 * handlers it never uses.
 */
final class RtspRequestReader extends ChannelInboundHandlerAdapter {
  /** The methods read here, written as RTSP writes them: Netty's constants for them. */
  private static final Map<String, HttpMethod> METHODS =
      Map.of(
          "OPTIONS", RtspMethods.OPTIONS,
          "DESCRIBE", RtspMethods.DESCRIBE,
          "ANNOUNCE", RtspMethods.ANNOUNCE,
          "SETUP", RtspMethods.SETUP,
          "PLAY", RtspMethods.PLAY,
          "PAUSE", RtspMethods.PAUSE,
          "TEARDOWN", RtspMethods.TEARDOWN,
          "GET_PARAMETER", RtspMethods.GET_PARAMETER,
          "SET_PARAMETER", RtspMethods.SET_PARAMETER,
          "RECORD", RtspMethods.RECORD);

  private static final byte[] VERSION = " RTSP/1.0".getBytes(StandardCharsets.US_ASCII);

  /** Names and values are checked here as the decoder checks them; not again per header. */
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private final int maxInitialLine;
  private final int maxHeaders;
  private final int maxBody;

  /**
   * Netty's limits: {@code rtsp.maxInitialLineBytes}, {@code rtsp.maxHeaderBytes} and {@code
   * rtsp.maxBodyBytes}.
   */
  RtspRequestReader(int maxInitialLine, int maxHeaders, int maxBody) {
    this.maxInitialLine = maxInitialLine;
    this.maxHeaders = maxHeaders;
    this.maxBody = maxBody;
  }

  /**
   * A message was left to Netty's codec: so is every later one, whose decoder may have stopped
   * reading for good after it (a bad message), as it did before this reader was in front of it.
   */
  private boolean left;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes && !left) {
      FullHttpRequest request = read(bytes);
      if (request != null) {
        bytes.release();
        ctx.fireChannelRead(request);
        return;
      }
      left = true;
      addNettysCodec(ctx);
    }
    ctx.fireChannelRead(msg);
  }

  /** Netty's decoder, its encoder and an aggregator, right behind this reader. */
  private void addNettysCodec(ChannelHandlerContext ctx) {
    ctx.pipeline()
        .addAfter(
            ctx.name(),
            "rtsp-decoder",
            new RtspDecoder(maxInitialLine, maxHeaders, Math.max(1, maxBody)) {
              @Override
              protected boolean isContentAlwaysEmpty(HttpMessage message) {
                boolean empty = super.isContentAlwaysEmpty(message);
                if (empty && message.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
                  // Netty then drops "chunked" from the header, and RtspRequestCheck, which
                  // refuses any Transfer-Encoding (RTSP has none), would not see it.
                  message.setDecoderResult(
                      DecoderResult.failure(
                          new IllegalArgumentException("Transfer-Encoding is not RTSP")));
                }
                return empty;
              }
            })
        .addAfter("rtsp-decoder", "rtsp-encoder", new RtspEncoder())
        .addAfter(
            "rtsp-encoder",
            "aggregate",
            new HttpObjectAggregator(Math.max(1, maxBody)) {
              @Override
              protected Object newContinueResponse(
                  HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
                // Not Netty's HTTP/1.1 100 or 417: an Expect is answered in RTSP by
                // RtspRequestCheck.
                return null;
              }
            });
  }

  /** The request in {@code bytes} (one whole message), or null when Netty's codec is to read it. */
  FullHttpRequest read(ByteBuf bytes) {
    // One copy of the head, read as an array (HeadBytes); the body handed on is a slice of the
    // buffer. A head this reader takes is within the limits below, so within their sum: the copy
    // stops there (a small body is copied with the head, a large one is not).
    byte[] head =
        ByteBufUtil.getBytes(
            bytes,
            bytes.readerIndex(),
            Math.min(bytes.readableBytes(), maxInitialLine + maxHeaders),
            false);
    int end = head.length;
    int eol = indexOf(head, 0, end, (byte) '\n');
    if (eol < 0 || eol + 1 >= maxInitialLine) {
      return null;
    }
    int lineEnd = lineEnd(head, 0, eol);
    if (lineEnd < 0) {
      return null;
    }
    int space = indexOf(head, 0, lineEnd, (byte) ' ');
    int target = space + 1;
    int targetEnd = lineEnd - VERSION.length;
    if (space <= 0 || targetEnd <= target || !is(head, targetEnd, VERSION)) {
      return null;
    }
    HttpMethod method = METHODS.get(new String(head, 0, space, StandardCharsets.ISO_8859_1));
    if (method == null || !isVisible(head, target, targetEnd)) {
      return null;
    }
    HttpHeaders headers = HEADERS.newHeaders();
    int headersFrom = eol + 1;
    int pos = headersFrom;
    long length = -1;
    while (true) {
      eol = indexOf(head, pos, end, (byte) '\n');
      // Well within the decoder's limit, whatever it counts of the line ends.
      if (eol < 0 || eol + 1 - headersFrom >= maxHeaders - 4) {
        return null;
      }
      lineEnd = lineEnd(head, pos, eol);
      if (lineEnd < 0) {
        return null;
      }
      if (lineEnd == pos) {
        break;
      }
      int colon = indexOf(head, pos, lineEnd, (byte) ':');
      if (colon <= pos || !isToken(head, pos, colon)) {
        return null; // a folded line, a blank before the colon, no name
      }
      int from = colon + 1;
      int to = lineEnd;
      while (from < to && isBlank(head[from])) {
        from++;
      }
      while (to > from && isBlank(head[to - 1])) {
        to--;
      }
      if (!isText(head, from, to)) {
        return null;
      }
      String name = new String(head, pos, colon - pos, StandardCharsets.ISO_8859_1);
      String value = new String(head, from, to - from, StandardCharsets.ISO_8859_1);
      if (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
        if (length >= 0 || !isNumber(value)) {
          return null;
        }
        length = Long.parseLong(value);
      } else if (HttpHeaderNames.EXPECT.contentEqualsIgnoreCase(name)) {
        return null;
      }
      headers.add(name, value);
      pos = eol + 1;
    }
    int bodyFrom = eol + 1;
    int bodyLength = bytes.readableBytes() - bodyFrom;
    if (length >= 0 ? length != bodyLength : bodyLength != 0) {
      return null;
    }
    if (length < 0) {
      // What the aggregator adds to a message without one.
      headers.set(HttpHeaderNames.CONTENT_LENGTH, "0");
    }
    String uri = new String(head, target, targetEnd - target, StandardCharsets.ISO_8859_1);
    ByteBuf body =
        bodyLength == 0
            ? Unpooled.EMPTY_BUFFER
            : bytes.retainedSlice(bytes.readerIndex() + bodyFrom, bodyLength);
    return new DefaultFullHttpRequest(
        RtspVersions.RTSP_1_0, method, uri, body, headers, EmptyHttpHeaders.INSTANCE);
  }

  private static boolean is(byte[] bytes, int at, byte[] ascii) {
    for (int i = 0; i < ascii.length; i++) {
      if (bytes[at + i] != ascii[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code [from, to)} is visible ASCII only (a request target: no blank, no control). */
  private static boolean isVisible(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] <= ' ' || bytes[i] >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** A Content-Length as a plain decimal number of at most nine digits. */
  private static boolean isNumber(String value) {
    if (value.isEmpty() || value.length() > 9) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
